package jupyter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// stopGrace is how long a server has to shut its kernels down after
	// SIGTERM before its processes are killed.
	stopGrace = 3 * time.Second
	// startAttempts bounds the starts on a new port when the free port
	// found was taken before the server bound it.
	startAttempts = 3
	// pollEvery is how often a starting server is asked whether it
	// answers.
	pollEvery = 150 * time.Millisecond
)

// server is one Jupyter server, its private folder and its proxy.
type server struct {
	m     *Manager
	key   Key
	spec  Spec
	token string

	ready chan struct{} // closed once the server answers, or failed to start
	err   error         // why it failed to start; set before ready is closed
	proxy http.Handler  // set before ready is closed

	ctx    context.Context // cancelled when the server stops
	cancel context.CancelFunc

	mu       sync.Mutex
	inflight int       // requests being proxied, open WebSockets included
	last     time.Time // when the last request began or ended
	stopped  bool
	proc     *process // the running process, once started
	state    string   // the private folder, once made

	stopOnce sync.Once
	stopErr  error
}

// process is one run of the server's command.
type process struct {
	cmd    *exec.Cmd
	out    *output
	exited chan struct{} // closed once the process was waited for
}

func newServer(m *Manager, key Key, spec Spec) *server {
	ctx, cancel := context.WithCancel(context.Background())
	spec.Env = maps.Clone(spec.Env)
	return &server{m: m, key: key, spec: spec, token: newToken(), ready: make(chan struct{}), ctx: ctx, cancel: cancel}
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails: crypto/rand panics rather than answer an error
	return hex.EncodeToString(b)
}

// touch counts a request for the server as activity.
func (s *server) touch() {
	s.mu.Lock()
	s.last = s.m.cfg.Now()
	s.mu.Unlock()
}

// ServeHTTP proxies the request, counting it as activity while it lasts.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inflight++
	s.last = s.m.cfg.Now()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		s.last = s.m.cfg.Now()
		s.mu.Unlock()
	}()
	s.proxy.ServeHTTP(w, r)
}

// idle reports whether the server answers, proxies nothing, and did not
// for timeout.
func (s *server) idle(now time.Time, timeout time.Duration) bool {
	select {
	case <-s.ready:
	default:
		return false
	}
	if s.err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inflight == 0 && now.Sub(s.last) >= timeout
}

func (s *server) attrs() []any {
	return []any{"user", s.key.UserID, "workspace", s.key.WorkspaceID, "read_only", s.spec.ReadOnly}
}

// start starts s and stays until its process ends: a server that exits
// by itself is forgotten and cleaned up.
func (m *Manager) start(s *server) {
	begun := time.Now()
	p, target, err := m.launch(s)
	if err != nil {
		s.err = err
		m.forget(s)
		close(s.ready)
		m.log.Warn("jupyter: the server did not start", append(s.attrs(), "err", err)...)
		if err := m.stop(s); err != nil {
			m.log.Warn("jupyter: cleaning up", append(s.attrs(), "err", err)...)
		}
		return
	}
	s.proxy = newProxy(target, s.token, s.spec, m.transport, m.log)
	close(s.ready)
	m.log.Info("jupyter: started", append(s.attrs(), "pid", p.cmd.Process.Pid, "took", time.Since(begun).Round(time.Millisecond))...)
	<-p.exited
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return
	}
	m.log.Warn("jupyter: the server exited", append(s.attrs(), "state", p.cmd.ProcessState.String(), "output", p.out.String())...)
	m.forget(s)
	if err := m.stop(s); err != nil {
		m.log.Warn("jupyter: cleaning up", append(s.attrs(), "err", err)...)
	}
}

// errPortTaken: the server found its port taken.
var errPortTaken = errors.New("jupyter: port taken")

// launch prepares s's folders and runs its command until the server
// answers on a free port; it answers the process and the server's URL.
func (m *Manager) launch(s *server) (*process, *url.URL, error) {
	command, err := m.resolve()
	if err != nil {
		return nil, nil, err
	}
	root, err := s.prepare()
	if err != nil {
		return nil, nil, err
	}
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %s: %w", ErrStart, s.key, err)
		}
		p, err := s.spawn(command, port, root)
		if err != nil {
			return nil, nil, err
		}
		target := &url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
		err = s.waitReady(p, target)
		if errors.Is(err, errPortTaken) {
			if attempt < startAttempts {
				m.log.Debug("jupyter: port taken, trying another", append(s.attrs(), "port", port)...)
				continue
			}
			return nil, nil, fmt.Errorf("%w: the server of %s found each of %d free ports taken when it started", ErrStart, s.key, startAttempts)
		}
		if err != nil {
			return nil, nil, err
		}
		return p, target, nil
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// spawn starts the command in a process group of its own, unless s was
// stopped.
func (s *server) spawn(command []string, port int, root string) (*process, error) {
	args := append(slices.Clone(command[1:]), s.flags(port, root)...)
	cmd := exec.Command(command[0], args...)
	cmd.Env = s.environ(command[0])
	// Kernels started without a notebook's path run where the server does.
	cmd.Dir = root
	out := &output{log: s.m.log, attrs: s.attrs()}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	// Kernels inherit the output pipe: Wait must not wait for them.
	cmd.WaitDelay = time.Second
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, fmt.Errorf("%w: the server of %s was stopped while it started", ErrClosed, s.key)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrStart, s.key, err)
	}
	p := &process{cmd: cmd, out: out, exited: make(chan struct{})}
	s.proc = p
	go func() {
		_ = cmd.Wait() // the state says how it ended
		close(p.exited)
	}()
	return p, nil
}

// flags are the server's settings: see the package doc.
func (s *server) flags(port int, root string) []string {
	return []string{
		"--no-browser",
		"--ServerApp.ip=127.0.0.1",
		"--ServerApp.port=" + strconv.Itoa(port),
		"--ServerApp.port_retries=0",
		"--ServerApp.base_url=" + s.spec.BasePath,
		"--ServerApp.root_dir=" + root,
		// Jupyter refuses to run as root unless told it may; whether the
		// workbench runs as root is the deployment's choice, not Jupyter's.
		"--ServerApp.allow_root=True",
		"--ServerApp.quit_button=False",
		"--ServerApp.log_level=WARN",
		"--LabApp.news_url=None",
		"--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
		"--LabApp.extension_manager=readonly",
		"--LabApp.user_settings_dir=" + filepath.Join(s.state, "settings"),
		"--LabApp.workspaces_dir=" + filepath.Join(s.state, "workspaces"),
	}
}

// managedEnv are the variables the manager sets; a Spec may not.
var managedEnv = []string{"JUPYTER_TOKEN", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_PLATFORM_DIRS", "IPYTHONDIR"}

func reservedEnv(name string) bool { return slices.Contains(managedEnv, name) }

// inherited reports whether the workbench's variable name reaches the
// servers: see the package doc.
func inherited(name string) bool {
	switch name {
	case "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "TMPDIR", "TZ", "LANG", "LANGUAGE":
		return true
	}
	for _, prefix := range []string{"LC_", "OPENBLAS_", "OMP_", "MKL_"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// environ is the server's environment: the inherited variables (PATH
// led by the folder of program, so that a virtual environment's python,
// pip and jupyter come first in kernels and terminals), the spec's, and
// the manager's.
func (s *server) environ(program string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if !inherited(name) {
			continue
		}
		if name == "PATH" && filepath.Base(program) == "jupyter-lab" {
			value = filepath.Dir(program) + string(filepath.ListSeparator) + value
		}
		env = append(env, name+"="+value)
	}
	names := make([]string, 0, len(s.spec.Env))
	for name := range s.spec.Env {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env = append(env, name+"="+s.spec.Env[name])
	}
	return append(env,
		"JUPYTER_TOKEN="+s.token,
		"JUPYTER_CONFIG_DIR="+filepath.Join(s.state, "config"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(s.state, "runtime"),
		"JUPYTER_PLATFORM_DIRS=1",
		"IPYTHONDIR="+filepath.Join(s.state, "ipython"),
	)
}

// waitReady polls the server's status with its token until it answers,
// its process ends, it is stopped, or StartTimeout passes.
func (s *server) waitReady(p *process, target *url.URL) error {
	deadline := time.NewTimer(s.m.cfg.StartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	status := target.JoinPath(s.spec.BasePath, "api", "status").String()
	for {
		select {
		case <-p.exited:
			out := p.out.String()
			// Jupyter's words, with port_retries=0, for a port taken.
			if strings.Contains(out, "could not be started because port") {
				return errPortTaken
			}
			return fmt.Errorf("%w: the server of %s ended (%s) before it answered: %s", ErrStart, s.key, p.cmd.ProcessState, out)
		case <-s.ctx.Done():
			return fmt.Errorf("%w: the server of %s was stopped while it started", ErrClosed, s.key)
		case <-deadline.C:
			return fmt.Errorf("%w: the server of %s did not answer in %s: %s", ErrStart, s.key, s.m.cfg.StartTimeout, p.out.String())
		case <-tick.C:
			if s.answers(status) {
				return nil
			}
		}
	}
}

// answers reports whether the server at status accepts the token.
func (s *server) answers(status string) bool {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, status, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "token "+s.token)
	res, err := s.m.transport.RoundTrip(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// prepare makes the private folder with its settings, and the root the
// server serves: Dir, or a read-only copy of it for a reader.
func (s *server) prepare() (string, error) {
	state, err := os.MkdirTemp("", "workbench-jupyter-")
	if err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrStart, s.key, err)
	}
	s.mu.Lock()
	s.state = state
	s.mu.Unlock()
	for _, d := range []string{"runtime", "ipython", "workspaces"} {
		if err := os.Mkdir(filepath.Join(state, d), 0o700); err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrStart, s.key, err)
		}
	}
	files := map[string]any{
		// JupyterLab writes the server's token into its page; this
		// page config, merged last, blanks it: the proxy authenticates.
		"config/labconfig/page_config.json": map[string]any{"token": ""},
		// No news, no update check, and no question about them.
		"settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings": map[string]any{"fetchNews": "false", "checkForUpdates": false},
	}
	if s.spec.ReadOnly {
		// A reader cannot save: autosave would only report failures.
		files["settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"] = map[string]any{"autosave": false}
	}
	for name, v := range files {
		if err := writeJSON(filepath.Join(state, filepath.FromSlash(name)), v); err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrStart, s.key, err)
		}
	}
	if !s.spec.ReadOnly {
		if err := os.MkdirAll(s.spec.Dir, 0o750); err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrStart, s.key, err)
		}
		return s.spec.Dir, nil
	}
	root := filepath.Join(state, "notebooks")
	if err := copyReadOnly(s.ctx, s.spec.Dir, root); err != nil {
		return "", fmt.Errorf("%w: %s: copying the notebooks: %w", ErrStart, s.key, err)
	}
	return root, nil
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// copyReadOnly copies the regular files and folders under src to dst,
// leaving out links, other kinds of files and Jupyter's checkpoints, and
// makes the copy read-only. A missing src makes an empty copy.
func copyReadOnly(ctx context.Context, src, dst string) error {
	if err := os.Mkdir(dst, 0o700); err != nil {
		return err
	}
	dirs := []string{dst}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == src && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if path == src {
			return nil
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir() && d.Name() == ".ipynb_checkpoints":
			return filepath.SkipDir
		case d.IsDir():
			dirs = append(dirs, target)
			return os.Mkdir(target, 0o700)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if err := os.Chmod(d, 0o555); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// removeState deletes a private folder, whose copy of the notebooks is
// read-only.
func removeState(dir string) error {
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(path, 0o700) // what fails here fails again below, and is reported
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// stop stops s: its processes are gone and its folder deleted when it
// returns. Every call after the first waits for the first and answers
// its error.
func (m *Manager) stop(s *server) error {
	s.stopOnce.Do(func() {
		s.cancel()
		s.mu.Lock()
		s.stopped = true
		p := s.proc
		s.mu.Unlock()
		if p != nil {
			terminate(p, stopGrace)
		}
		<-s.ready // the start is over: no folder or process is being made
		s.mu.Lock()
		state := s.state
		s.mu.Unlock()
		if state != "" {
			if err := removeState(state); err != nil {
				s.stopErr = fmt.Errorf("jupyter: stopping the server of %s: %w", s.key, err)
			}
		}
		m.log.Info("jupyter: stopped", s.attrs()...)
	})
	return s.stopErr
}

// output keeps the last lines a server wrote, for the error of a server
// that does not start, and logs each at debug level.
type output struct {
	log   *slog.Logger
	attrs []any

	mu      sync.Mutex
	partial []byte
	lines   []string
}

const (
	outputLines    = 30
	outputLineSize = 2000
)

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	rest := p
	for len(rest) > 0 {
		room := max(0, outputLineSize-len(o.partial)) // a longer line is cut
		i := slices.Index(rest, '\n')
		if i < 0 {
			o.partial = append(o.partial, rest[:min(len(rest), room)]...)
			break
		}
		o.partial = append(o.partial, rest[:min(i, room)]...)
		o.line(string(o.partial))
		o.partial = o.partial[:0]
		rest = rest[i+1:]
	}
	return len(p), nil
}

func (o *output) line(l string) {
	o.log.Debug("jupyter: "+l, o.attrs...)
	o.lines = append(o.lines, l)
	if len(o.lines) > outputLines {
		o.lines = o.lines[len(o.lines)-outputLines:]
	}
}

// String is the last lines, with the unfinished one.
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	lines := slices.Clone(o.lines)
	if len(o.partial) > 0 {
		lines = append(lines, string(o.partial))
	}
	if len(lines) == 0 {
		return "(no output)"
	}
	return strings.Join(lines, "\n")
}
