//go:build linux

package jupyter_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/jupyter"
)

// fakeManager is a manager of the fake lab, closed at the end of the
// test.
func fakeManager(t *testing.T, cfg jupyter.Config) *jupyter.Manager {
	t.Helper()
	cfg.Command = fakeCommand(t)
	m, err := jupyter.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, m.Close()) })
	return m
}

// fakeSpec is the spec of workspace ws whose notebooks are in dir, for
// the fake lab in mode.
func fakeSpec(dir, ws, mode string) jupyter.Spec {
	return jupyter.Spec{
		BasePath: "/workspaces/" + ws + "/lab/",
		Dir:      dir,
		Env:      map[string]string{"FAKE_LAB": mode, "WORKBENCH_WORKSPACE": ws},
	}
}

func environ(env []string) map[string]string {
	out := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out
}

func TestHandlerStartsAServerAndProxiesIt(t *testing.T) {
	t.Setenv("WORKBENCH_TEST_SECRET", "of the workbench")
	m := fakeManager(t, jupyter.Config{})
	dir := filepath.Join(t.TempDir(), "notebooks")
	spec := fakeSpec(dir, "ws1", "serve")
	alice := jupyter.Key{UserID: "alice", WorkspaceID: "ws1"}
	h, err := m.Handler(context.Background(), alice, spec)
	require.NoError(t, err)
	e, res := fakeEcho(t, h, spec.BasePath)

	env := environ(e.Env)
	assert.Equal(t, "/workspaces/ws1/lab/echo", e.Path, "paths pass unchanged")
	assert.Empty(t, e.Header.Values("Cookie"), "the workbench's cookies stay with it")
	assert.Equal(t, []string{"token " + env["JUPYTER_TOKEN"]}, e.Header.Values("Authorization"), "the proxy authenticates with the server's token, in place of the workbench's")
	assert.Len(t, env["JUPYTER_TOKEN"], 64)
	assert.True(t, strings.HasPrefix(e.Host, "127.0.0.1:"), e.Host)
	assert.Empty(t, res.Header.Values("Set-Cookie"))
	assert.Empty(t, res.Header.Values("Access-Control-Allow-Origin"))

	assert.Contains(t, e.Args, "--ServerApp.base_url=/workspaces/ws1/lab/")
	assert.Contains(t, e.Args, "--ServerApp.ip=127.0.0.1")
	assert.Contains(t, e.Args, "--LabApp.news_url=None")
	assert.Contains(t, e.Args, "--LabApp.extension_manager=readonly")
	assert.Equal(t, dir, e.Root)
	assert.DirExists(t, dir, "a writer's folder is made when missing")

	assert.Equal(t, "ws1", env["WORKBENCH_WORKSPACE"])
	assert.NotEmpty(t, env["PATH"])
	assert.NotContains(t, env, "WORKBENCH_TEST_SECRET", "the workbench's environment stays with it")
	assert.DirExists(t, env["JUPYTER_CONFIG_DIR"])
	assert.FileExists(t, filepath.Join(env["JUPYTER_CONFIG_DIR"], "labconfig", "page_config.json"))

	t.Run("the same key reuses the server", func(t *testing.T) {
		spec := spec
		spec.Env = map[string]string{"FAKE_LAB": "serve", "WORKBENCH_WORKSPACE": "ws1", "WORKBENCH_TOKEN": "new"}
		h, err := m.Handler(context.Background(), alice, spec)
		require.NoError(t, err)
		again, _ := fakeEcho(t, h, spec.BasePath)
		assert.Equal(t, e.PID, again.PID)
		assert.NotContains(t, environ(again.Env), "WORKBENCH_TOKEN", "a new Env waits for the next start")
	})
	t.Run("a reader of the workspace has a server of its own", func(t *testing.T) {
		spec := spec
		spec.ReadOnly = true
		h, err := m.Handler(context.Background(), jupyter.Key{UserID: "bob", WorkspaceID: "ws1"}, spec)
		require.NoError(t, err)
		bob, _ := fakeEcho(t, h, spec.BasePath)
		assert.NotEqual(t, e.PID, bob.PID)
		assert.NotEqual(t, dir, bob.Root)
	})
	t.Run("a new role restarts the server", func(t *testing.T) {
		spec := spec
		spec.ReadOnly = true
		h, err := m.Handler(context.Background(), alice, spec)
		require.NoError(t, err)
		reader, _ := fakeEcho(t, h, spec.BasePath)
		assert.NotEqual(t, e.PID, reader.PID)
		requireGone(t, e.PID, "alice's writable server")
	})
}

func TestConcurrentFirstRequestsStartOneServer(t *testing.T) {
	m := fakeManager(t, jupyter.Config{})
	spec := fakeSpec(t.TempDir(), "ws1", "serve")
	key := jupyter.Key{UserID: "alice", WorkspaceID: "ws1"}
	handlers := make([]http.Handler, 8)
	var wg sync.WaitGroup
	for i := range handlers {
		wg.Go(func() {
			h, err := m.Handler(context.Background(), key, spec)
			assert.NoError(t, err)
			handlers[i] = h
		})
	}
	wg.Wait()
	pids := map[int]bool{}
	for _, h := range handlers {
		require.NotNil(t, h)
		e, _ := fakeEcho(t, h, spec.BasePath)
		pids[e.PID] = true
	}
	assert.Len(t, pids, 1)
}

func TestReaderServesACopy(t *testing.T) {
	m := fakeManager(t, jupyter.Config{})
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub", ".ipynb_checkpoints"), 0o750))
	for name, body := range map[string]string{"a.ipynb": "{}", "sub/b.csv": "x\n1\n", "sub/.ipynb_checkpoints/b-checkpoint.ipynb": "{}"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o640))
	}
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")))
	before := tree(t, dir)

	spec := fakeSpec(dir, "ws1", "serve")
	spec.ReadOnly = true
	key := jupyter.Key{UserID: "bob", WorkspaceID: "ws1"}
	h, err := m.Handler(context.Background(), key, spec)
	require.NoError(t, err)
	e, _ := fakeEcho(t, h, spec.BasePath)
	require.NotEqual(t, dir, e.Root)
	assert.Equal(t, map[string]string{"a.ipynb": "{}", "sub/": "", "sub/b.csv": "x\n1\n"}, tree(t, e.Root),
		"files and folders, without links or checkpoints")
	fi, err := os.Stat(filepath.Join(e.Root, "sub", "b.csv"))
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o444), fi.Mode().Perm())
	fi, err = os.Stat(filepath.Join(e.Root, "sub"))
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o555), fi.Mode().Perm())
	settings := filepath.Join(environ(e.Env)["JUPYTER_CONFIG_DIR"], "..", "settings", "@jupyterlab", "docmanager-extension", "plugin.jupyterlab-settings")
	assert.FileExists(t, settings, "autosave is off")

	for _, target := range []string{"api/contents/a.ipynb", "api/contents", "api/contents/sub/b.csv/checkpoints"} {
		for _, method := range []string{http.MethodPut, http.MethodPost, http.MethodPatch, http.MethodDelete} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(method, spec.BasePath+target, strings.NewReader("{}")))
			assert.Equal(t, http.StatusForbidden, rec.Code, "%s %s", method, target)
			assert.Contains(t, rec.Body.String(), "read only")
		}
	}

	require.NoError(t, m.Stop(key))
	requireGone(t, e.PID, "the reader's server")
	assert.NoDirExists(t, e.Root, "the copy goes with the server")
	assert.Equal(t, before, tree(t, dir))
}

// tree maps the paths under dir to the files' contents ("" and a final
// slash for a folder, "-> target" for a link).
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			out[rel+"/"] = ""
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			out[rel] = "-> " + target
			return err
		default:
			b, err := os.ReadFile(path)
			out[rel] = string(b)
			return err
		}
		return nil
	}))
	return out
}

func TestIdleServersStop(t *testing.T) {
	now := newClock()
	m := fakeManager(t, jupyter.Config{IdleTimeout: 200 * time.Millisecond, Now: now.Now})
	dir := t.TempDir()
	spec := fakeSpec(dir, "ws1", "serve")
	idle, err := m.Handler(context.Background(), jupyter.Key{UserID: "alice", WorkspaceID: "ws1"}, spec)
	require.NoError(t, err)
	idleEcho, _ := fakeEcho(t, idle, spec.BasePath)
	busy, err := m.Handler(context.Background(), jupyter.Key{UserID: "carol", WorkspaceID: "ws1"}, spec)
	require.NoError(t, err)
	busyEcho, _ := fakeEcho(t, busy, spec.BasePath)

	// A request in progress, as an open WebSocket is, keeps its server.
	srv := httptest.NewServer(busy)
	t.Cleanup(srv.Close)
	ctx, release := context.WithCancel(context.Background())
	defer release()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+spec.BasePath+"hold", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()

	now.Advance(time.Hour)
	requireGone(t, idleEcho.PID, "the idle server")
	// The sweep that stopped it saw the busy one too, at the same time.
	assert.True(t, alive(busyEcho.PID), "the busy server was stopped")

	release()
	// The request ends a moment after the release, at the clock's time:
	// the clock moves on until the server is seen idle.
	require.Eventually(t, func() bool {
		now.Advance(time.Hour)
		return !alive(busyEcho.PID)
	}, 30*time.Second, 50*time.Millisecond, "the server once busy still runs")

	h, err := m.Handler(context.Background(), jupyter.Key{UserID: "alice", WorkspaceID: "ws1"}, spec)
	require.NoError(t, err)
	again, _ := fakeEcho(t, h, spec.BasePath)
	assert.NotEqual(t, idleEcho.PID, again.PID, "the next request starts a new server")
}

func TestStopStopWorkspaceAndStopUser(t *testing.T) {
	m := fakeManager(t, jupyter.Config{})
	dir := t.TempDir()
	pids := map[jupyter.Key]int{}
	keys := []jupyter.Key{{UserID: "alice", WorkspaceID: "ws1"}, {UserID: "bob", WorkspaceID: "ws1"}, {UserID: "alice", WorkspaceID: "ws2"},
		{UserID: "carol", WorkspaceID: "ws2"}, {UserID: "carol", WorkspaceID: "ws3"}}
	for _, k := range keys {
		spec := fakeSpec(dir, k.WorkspaceID, "serve")
		h, err := m.Handler(context.Background(), k, spec)
		require.NoError(t, err)
		e, _ := fakeEcho(t, h, spec.BasePath)
		pids[k] = e.PID
	}
	require.NoError(t, m.Stop(keys[0]))
	requireGone(t, pids[keys[0]], "alice's server of ws1")
	assert.True(t, alive(pids[keys[1]]))
	require.NoError(t, m.Stop(keys[0]), "stopping no server is no error")

	require.NoError(t, m.StopWorkspace("ws1"))
	requireGone(t, pids[keys[1]], "bob's server of ws1")
	assert.True(t, alive(pids[keys[2]]), "another workspace's server")

	require.NoError(t, m.StopUser("carol"))
	requireGone(t, pids[keys[3]], "carol's server of ws2")
	requireGone(t, pids[keys[4]], "carol's server of ws3")
	assert.True(t, alive(pids[keys[2]]), "another user's server")

	// A nil manager, standing for none, stops nothing and does not panic.
	var none *jupyter.Manager
	require.NoError(t, none.Stop(keys[0]))
	require.NoError(t, none.StopWorkspace("ws1"))
	require.NoError(t, none.StopUser("alice"))
}

func TestCloseStopsEverything(t *testing.T) {
	m, err := jupyter.New(jupyter.Config{Command: fakeCommand(t)})
	require.NoError(t, err)
	spec := fakeSpec(t.TempDir(), "ws1", "serve")
	h, err := m.Handler(context.Background(), jupyter.Key{UserID: "alice", WorkspaceID: "ws1"}, spec)
	require.NoError(t, err)
	e, _ := fakeEcho(t, h, spec.BasePath)
	// A kernel: Jupyter starts each in a session of its own, out of the
	// server's process group.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, spec.BasePath+"kernel", nil))
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	kernel, err := strconv.Atoi(rec.Body.String())
	require.NoError(t, err)
	require.True(t, alive(kernel))

	require.NoError(t, m.Close())
	requireGone(t, e.PID, "the server")
	requireGone(t, kernel, "the kernel")
	require.NoError(t, m.Close(), "closing twice")
	_, err = m.Handler(context.Background(), jupyter.Key{UserID: "alice", WorkspaceID: "ws1"}, spec)
	require.ErrorIs(t, err, jupyter.ErrClosed)
}

func TestServerThatDoesNotStart(t *testing.T) {
	key := jupyter.Key{UserID: "alice", WorkspaceID: "ws1"}
	t.Run("exits", func(t *testing.T) {
		m := fakeManager(t, jupyter.Config{})
		spec := fakeSpec(t.TempDir(), "ws1", "fail")
		for range 2 { // a failed start is not kept: the next request tries again
			_, err := m.Handler(context.Background(), key, spec)
			require.ErrorIs(t, err, jupyter.ErrStart)
			assert.Contains(t, err.Error(), "fake lab: no lab here")
		}
	})
	t.Run("does not answer in time", func(t *testing.T) {
		m := fakeManager(t, jupyter.Config{StartTimeout: 300 * time.Millisecond})
		spec := fakeSpec(t.TempDir(), "ws1", "hang")
		pidfile := filepath.Join(t.TempDir(), "pid")
		spec.Env["FAKE_LAB_PIDFILE"] = pidfile
		_, err := m.Handler(context.Background(), key, spec)
		require.ErrorIs(t, err, jupyter.ErrStart)
		assert.Contains(t, err.Error(), "did not answer in 300ms")
		requireGone(t, readPID(t, pidfile), "the server that did not answer")
	})
	t.Run("the wait is cancelled, the start goes on; Close ends it", func(t *testing.T) {
		m, err := jupyter.New(jupyter.Config{Command: fakeCommand(t)})
		require.NoError(t, err)
		spec := fakeSpec(t.TempDir(), "ws1", "hang")
		pidfile := filepath.Join(t.TempDir(), "pid")
		spec.Env["FAKE_LAB_PIDFILE"] = pidfile
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			defer cancel()
			assert.EventuallyWithT(t, func(c *assert.CollectT) { assert.FileExists(c, pidfile) }, 30*time.Second, 10*time.Millisecond)
		}()
		_, err = m.Handler(ctx, key, spec)
		require.ErrorIs(t, err, context.Canceled)
		pid := readPID(t, pidfile)
		assert.True(t, alive(pid))
		require.NoError(t, m.Close())
		requireGone(t, pid, "the starting server")
	})
}

func TestPortTakenIsTriedAgain(t *testing.T) {
	m := fakeManager(t, jupyter.Config{})
	spec := fakeSpec(t.TempDir(), "ws1", "taken-once")
	spec.Env["FAKE_LAB_MARK"] = filepath.Join(t.TempDir(), "mark")
	h, err := m.Handler(context.Background(), jupyter.Key{UserID: "alice", WorkspaceID: "ws1"}, spec)
	require.NoError(t, err)
	fakeEcho(t, h, spec.BasePath)
	assert.FileExists(t, spec.Env["FAKE_LAB_MARK"], "the first start found its port taken")
}

func readPID(t *testing.T, file string) int {
	t.Helper()
	var pid int
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		b, err := os.ReadFile(file)
		if assert.NoError(c, err) {
			pid, err = strconv.Atoi(string(b))
			assert.NoError(c, err)
		}
	}, 30*time.Second, 10*time.Millisecond)
	return pid
}
