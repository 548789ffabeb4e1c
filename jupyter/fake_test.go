//go:build linux

package jupyter_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMain runs the test binary as a fake jupyter-lab when a manager
// starts it so (FAKE_LAB in its environment): the manager's own
// behaviour is tested without JupyterLab, in moments.
func TestMain(m *testing.M) {
	if mode := os.Getenv("FAKE_LAB"); mode != "" {
		os.Exit(fakeLab(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeLab is a jupyter-lab that reads the manager's flags and token:
//
//	serve: answers BASE/api/status; BASE/echo answers what it saw and
//	       what it is; POST BASE/kernel starts a process in a session of
//	       its own, as Jupyter starts a kernel; BASE/hold holds a request
//	       until the client leaves
//	fail:  writes a line and exits with 3
//	hang:  never answers
//	taken-once: says its port is taken, as Jupyter does, unless the
//	       file FAKE_LAB_MARK exists, which it makes; then serves
//
// FAKE_LAB_PIDFILE, when set, receives its pid.
func fakeLab(mode string, args []string) int {
	if f := os.Getenv("FAKE_LAB_PIDFILE"); f != "" {
		if err := os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	flags := map[string]string{}
	for _, a := range args {
		if k, v, ok := strings.Cut(strings.TrimPrefix(a, "--"), "="); ok {
			flags[k] = v
		}
	}
	switch mode {
	case "fail":
		fmt.Fprintln(os.Stderr, "fake lab: no lab here")
		return 3
	case "hang":
		time.Sleep(time.Hour)
		return 0
	case "taken-once":
		if _, err := os.Stat(os.Getenv("FAKE_LAB_MARK")); err != nil {
			_ = os.WriteFile(os.Getenv("FAKE_LAB_MARK"), nil, 0o600)
			fmt.Fprintf(os.Stderr, "[C ServerApp] ERROR: the Jupyter server could not be started because port %s is not available.\n", flags["ServerApp.port"])
			return 1
		}
	}
	token, base := os.Getenv("JUPYTER_TOKEN"), flags["ServerApp.base_url"]
	mux := http.NewServeMux()
	mux.HandleFunc(base+"api/status", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("{}"))
	})
	mux.HandleFunc(base+"echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "_xsrf=fake; Path="+base)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_ = json.NewEncoder(w).Encode(echo{
			PID: os.Getpid(), Path: r.URL.Path, Host: r.Host, Header: r.Header, Env: os.Environ(), Root: flags["ServerApp.root_dir"], Args: args,
		})
	})
	mux.HandleFunc("POST "+base+"kernel", func(w http.ResponseWriter, r *http.Request) {
		cmd := exec.Command("sleep", "600")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = fmt.Fprint(w, cmd.Process.Pid)
	})
	mux.HandleFunc(base+"hold", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	auth := func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "token "+token {
			http.Error(w, "fake lab: wrong token", http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	}
	err := http.ListenAndServe("127.0.0.1:"+flags["ServerApp.port"], http.HandlerFunc(auth))
	fmt.Fprintln(os.Stderr, err)
	return 1
}

// echo is what the fake lab's BASE/echo answers.
type echo struct {
	PID    int
	Path   string
	Host   string
	Header http.Header
	Env    []string
	Root   string
	Args   []string
}

// fakeCommand runs the fake lab.
func fakeCommand(t *testing.T) []string {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	return []string{exe}
}

// clock is a Config.Now that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// alive reports whether process pid runs (a zombie does not).
func alive(pid int) bool {
	st, ok := procStat(pid)
	return ok && st.state != 'Z' && st.state != 'X'
}

// groupAlive reports whether a process of group pgid runs.
func groupAlive(t *testing.T, pgid int) bool {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := procStat(pid); ok && st.pgid == pgid && st.state != 'Z' && st.state != 'X' {
			return true
		}
	}
	return false
}

type pstat struct {
	state byte
	pgid  int
}

func procStat(pid int) (pstat, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return pstat{}, false
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	pgid, err := strconv.Atoi(f[2])
	if err != nil {
		return pstat{}, false
	}
	return pstat{state: f[0][0], pgid: pgid}, true
}

// requireGone waits until neither process nor group pid runs: the
// signals are sent, but a process dies when it is next scheduled.
func requireGone(t *testing.T, pid int, what string) {
	t.Helper()
	require.Eventually(t, func() bool { return !alive(pid) && !groupAlive(t, pid) }, 30*time.Second, 50*time.Millisecond, "%s (pid %d) still runs", what, pid)
}

// fakeEcho asks the fake lab behind h what it saw and what it is,
// sending what the workbench's pages receive: its session cookie and a
// bearer token.
func fakeEcho(t *testing.T, h http.Handler, base string) (echo, *http.Response) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, base+"echo", nil)
	req.Header.Set("Cookie", "session=workbench-secret")
	req.Header.Set("Authorization", "Bearer workbench-secret")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", rec.Body)
	var e echo
	require.NoError(t, json.NewDecoder(res.Body).Decode(&e))
	return e, res
}
