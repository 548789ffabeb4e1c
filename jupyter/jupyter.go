package jupyter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/openworkbench/workbench/fault"
)

// Version is the JupyterLab version that .ci/run installs and that the
// install hint of [ErrNotInstalled] names.
const Version = "4.6.6"

var (
	// ErrNotInstalled: no JupyterLab was found; the error's message says
	// how to install it.
	ErrNotInstalled = fault.New(fault.Unavailable, "jupyter.not_installed", "jupyter: JupyterLab is not installed")
	// ErrInvalid: a configuration, key or spec is not acceptable; the
	// error is a *fault.Fields with every problem.
	ErrInvalid = fault.New(fault.Invalid, "jupyter.invalid", "jupyter: invalid")
	// ErrStart: a server did not start or did not answer in time.
	ErrStart = fault.New(fault.Unavailable, "jupyter.start", "jupyter: the server did not start")
	// ErrClosed: the manager is closed, or the server was stopped while
	// it started.
	ErrClosed = fault.New(fault.Unavailable, "jupyter.closed", "jupyter: stopped")
	// ErrReadOnly: a reader tried to change the notebooks.
	ErrReadOnly = fault.New(fault.Forbidden, "jupyter.read_only", "jupyter: the notebooks are read only")
)

// Config configures a [Manager]. The zero value works.
type Config struct {
	// Command runs JupyterLab: a program and its first arguments, to
	// which the manager appends its flags. Default: the jupyter-lab named
	// by $WORKBENCH_JUPYTERLAB, else jupyter-lab on PATH, else the one in
	// the virtual environment that .ci/run makes under the user's cache
	// folder (workbench/jupyterlab-VERSION/bin/jupyter-lab), else the
	// jupyter-lab beside a jupyter on PATH.
	Command []string
	// IdleTimeout is how long a server without requests keeps running.
	// Default 30 minutes.
	IdleTimeout time.Duration
	// StartTimeout is how long a server may take to answer after it was
	// started. Default 2 minutes.
	StartTimeout time.Duration
	// Logger receives the manager's events and the servers' output (at
	// debug level). Default: discarded.
	Logger *slog.Logger
	// Now is the clock of the idle accounting. Default time.Now.
	Now func() time.Time
}

// Key names a server: one per user and workspace.
type Key struct {
	UserID      string
	WorkspaceID string
}

func (k Key) String() string { return fmt.Sprintf("user %q, workspace %q", k.UserID, k.WorkspaceID) }

// Spec says how to start the server of a key.
type Spec struct {
	// BasePath is the path under which the workbench mounts the handler,
	// with a slash at both ends ("/workspaces/ws1/lab/"); JupyterLab's
	// base_url.
	BasePath string
	// Dir is the workspace's notebook folder, an absolute path; created
	// when missing (for a writer).
	Dir string
	// Env is added to the environment of the server and so of its kernels
	// (WORKBENCH_URL, WORKBENCH_TOKEN, WORKBENCH_WORKSPACE).
	Env map[string]string
	// ReadOnly serves a read-only copy of Dir and refuses writes to the
	// contents API (for a READER).
	ReadOnly bool
}

// same reports whether a server started with s serves a request for t:
// all but Env must be the same.
func (s Spec) same(t Spec) bool {
	return s.BasePath == t.BasePath && s.Dir == t.Dir && s.ReadOnly == t.ReadOnly
}

// Manager starts, proxies and stops the Jupyter servers. Its methods are
// safe for concurrent use. Close it to stop them all.
type Manager struct {
	cfg       Config
	log       *slog.Logger
	transport *http.Transport

	cmdMu   sync.Mutex
	command []string // found and kept by resolve

	mu      sync.Mutex
	servers map[Key]*server
	closed  bool
	done    chan struct{} // closed by Close: ends the sweep
	wg      sync.WaitGroup
}

// New returns a manager of cfg, with its sweep of idle servers running.
// It does not look for JupyterLab: [Manager.Available] does.
func New(cfg Config) (*Manager, error) {
	f := &fault.Fields{Of: ErrInvalid}
	if cfg.Command != nil && (len(cfg.Command) == 0 || cfg.Command[0] == "") {
		f.Add("command", "want a program, and its arguments if any")
	}
	if cfg.IdleTimeout < 0 {
		f.Add("idle_timeout", "want a positive duration, or zero for the default")
	}
	if cfg.StartTimeout < 0 {
		f.Add("start_timeout", "want a positive duration, or zero for the default")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 2 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := &Manager{
		cfg: cfg,
		log: cfg.Logger,
		// The servers are on the loopback address: no proxy from the
		// environment, and no compression, which would only cost time.
		transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     90 * time.Second,
		},
		servers: map[Key]*server{},
		done:    make(chan struct{}),
	}
	m.wg.Add(1)
	go m.sweepLoop()
	return m, nil
}

// Available answers nil when JupyterLab was found, else an error of
// [ErrNotInstalled] whose message says how to install it.
func (m *Manager) Available() error {
	_, err := m.resolve()
	return err
}

// resolve finds the command once; while it is missing, each call looks
// again, so that JupyterLab installed after the workbench started is
// found.
func (m *Manager) resolve() ([]string, error) {
	m.cmdMu.Lock()
	defer m.cmdMu.Unlock()
	if m.command != nil {
		return m.command, nil
	}
	cmd, err := findCommand(m.cfg.Command)
	if err != nil {
		return nil, err
	}
	m.command = cmd
	return cmd, nil
}

// Handler answers the handler of key's server, starting one as spec says
// when none runs, or when the running one was started with another
// BasePath, Dir or ReadOnly. It waits until the server answers; a
// cancelled ctx ends the wait, not the start, so that a request made
// again finds the server ready. Mount the handler at spec.BasePath, after
// checking the user's session and role in the workspace.
func (m *Manager) Handler(ctx context.Context, key Key, spec Spec) (http.Handler, error) {
	if err := validate(key, spec); err != nil {
		return nil, err
	}
	s, err := m.server(key, spec)
	if err != nil {
		return nil, err
	}
	select {
	case <-s.ready:
	case <-ctx.Done():
		return nil, fmt.Errorf("jupyter: waiting for the server of %s: %w", key, ctx.Err())
	}
	if s.err != nil {
		return nil, s.err
	}
	return s, nil
}

// server answers the running server of key, or a new one, starting.
func (m *Manager) server(key Key, spec Spec) (*server, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, fmt.Errorf("%w: the manager is closed", ErrClosed)
	}
	s := m.servers[key]
	if s != nil && !s.spec.same(spec) {
		m.log.Info("jupyter: restarting for a new spec", "user", key.UserID, "workspace", key.WorkspaceID, "read_only", spec.ReadOnly)
		delete(m.servers, key)
		m.wg.Add(1)
		go func(old *server) {
			defer m.wg.Done()
			m.stop(old)
		}(s)
		s = nil
	}
	if s == nil {
		s = newServer(m, key, spec)
		m.servers[key] = s
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			m.start(s)
		}()
	}
	s.touch()
	return s, nil
}

// forget removes s from the running servers, if it is still there.
func (m *Manager) forget(s *server) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.servers[s.key] == s {
		delete(m.servers, s.key)
	}
}

// Stop stops key's server, if one runs, and its kernels: for a
// collaborator removed from the workspace or whose role changed.
func (m *Manager) Stop(key Key) error {
	return m.stopWhere(func(k Key) bool { return k == key })
}

// StopWorkspace stops the servers of every user of the workspace: for a
// workspace deleted.
func (m *Manager) StopWorkspace(workspaceID string) error {
	return m.stopWhere(func(k Key) bool { return k.WorkspaceID == workspaceID })
}

// StopUser stops the servers of the user in every workspace: for a user
// disabled.
func (m *Manager) StopUser(userID string) error {
	return m.stopWhere(func(k Key) bool { return k.UserID == userID })
}

// Close stops every server and the sweep; the manager starts no server
// after it. It returns when the servers' processes are gone.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()
	close(m.done)
	err := m.stopWhere(func(Key) bool { return true })
	m.wg.Wait()
	m.transport.CloseIdleConnections()
	return err
}

// stopWhere stops, in parallel, the servers whose keys match.
func (m *Manager) stopWhere(match func(Key) bool) error {
	if m == nil {
		return nil // no manager runs no server: a nil one may stand for none
	}
	m.mu.Lock()
	var stopping []*server
	for k, s := range m.servers {
		if match(k) {
			delete(m.servers, k)
			stopping = append(stopping, s)
		}
	}
	m.mu.Unlock()
	return m.stopAll(stopping)
}

func (m *Manager) stopAll(servers []*server) error {
	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	for i, s := range servers {
		wg.Go(func() { errs[i] = m.stop(s) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// sweepLoop stops idle servers, checking a few times per IdleTimeout.
func (m *Manager) sweepLoop() {
	defer m.wg.Done()
	every := min(max(m.cfg.IdleTimeout/4, 100*time.Millisecond), time.Minute)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-m.done:
			return
		case <-tick.C:
			m.sweep()
		}
	}
}

func (m *Manager) sweep() {
	m.mu.Lock()
	now := m.cfg.Now()
	var idle []*server
	for k, s := range m.servers {
		if s.idle(now, m.cfg.IdleTimeout) {
			delete(m.servers, k)
			idle = append(idle, s)
		}
	}
	m.mu.Unlock()
	for _, s := range idle {
		m.log.Info("jupyter: stopping an idle server", "user", s.key.UserID, "workspace", s.key.WorkspaceID)
	}
	if err := m.stopAll(idle); err != nil {
		m.log.Warn("jupyter: stopping idle servers", "err", err)
	}
}

// envName is a portable environment variable name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validate reports every problem of key and spec.
func validate(key Key, spec Spec) error {
	f := &fault.Fields{Of: ErrInvalid}
	if key.UserID == "" {
		f.Add("user_id", "want the user's id")
	}
	if key.WorkspaceID == "" {
		f.Add("workspace_id", "want the workspace's id")
	}
	if err := checkBasePath(spec.BasePath); err != "" {
		f.Add("base_path", "%s", err)
	}
	switch {
	case spec.Dir == "":
		f.Add("dir", "want the workspace's notebook folder")
	case !filepath.IsAbs(spec.Dir):
		f.Add("dir", "want an absolute path, not %q", spec.Dir)
	}
	for name, value := range spec.Env {
		switch {
		case !envName.MatchString(name):
			f.Add("env."+name, "not a variable name: want letters, digits and _")
		case reservedEnv(name):
			f.Add("env."+name, "set by the manager")
		case strings.ContainsRune(value, 0):
			f.Add("env."+name, "holds a NUL byte")
		}
	}
	return f.Err()
}

// checkBasePath answers what is wrong with p, or "".
func checkBasePath(p string) string {
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || p == "/" {
		return fmt.Sprintf("want a path with a slash at both ends, such as /workspaces/ws1/lab/, not %q", p)
	}
	for seg := range strings.SplitSeq(strings.Trim(p, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." || url.PathEscape(seg) != seg {
			return fmt.Sprintf("%q: want segments that need no escaping, without . or ..", p)
		}
	}
	return ""
}
