//go:build linux

package jupyter_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/webtest"
	"github.com/openworkbench/workbench/jupyter"
)

// labManager is a manager of the real JupyterLab, closed at the end of
// the test. Without JupyterLab the test is skipped, saying how to
// install it, unless WORKBENCH_REQUIRE_JUPYTERLAB=1 (as .ci/run sets).
func labManager(t *testing.T, cfg jupyter.Config) *jupyter.Manager {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	m, err := jupyter.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, m.Close()) })
	if err := m.Available(); err != nil {
		if os.Getenv("WORKBENCH_REQUIRE_JUPYTERLAB") == "1" {
			t.Fatalf("%v (WORKBENCH_REQUIRE_JUPYTERLAB=1)", err)
		}
		t.Skipf("the real JupyterLab is not tested: %v", err)
	}
	return m
}

// workbench stands for the web pages: it mounts the lab of workspace
// {ws}, whose notebooks are in dir, at /workspaces/{ws}/lab/ for the user
// its session cookie names, read only for a user whose name begins with
// "reader". /signin/{user}?to=PATH sets the cookie and redirects.
type workbench struct {
	srv *httptest.Server
}

func newWorkbench(t *testing.T, m *jupyter.Manager, dir string) *workbench {
	wb := &workbench{}
	lab := func(w http.ResponseWriter, r *http.Request) {
		session, err := r.Cookie("session")
		if err != nil {
			http.Error(w, "sign in", http.StatusUnauthorized)
			return
		}
		user, ws := session.Value, r.PathValue("ws")
		spec := jupyter.Spec{
			BasePath: "/workspaces/" + ws + "/lab/",
			Dir:      dir,
			ReadOnly: strings.HasPrefix(user, "reader"),
			Env:      map[string]string{"WORKBENCH_URL": wb.srv.URL, "WORKBENCH_TOKEN": "token-of-" + user, "WORKBENCH_WORKSPACE": ws},
		}
		h, err := m.Handler(r.Context(), jupyter.Key{UserID: user, WorkspaceID: ws}, spec)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/workspaces/{ws}/lab/", lab)
	mux.HandleFunc("/workspaces/{ws}/lab", lab)
	mux.HandleFunc("/signin/{user}", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: r.PathValue("user"), Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		http.Redirect(w, r, r.FormValue("to"), http.StatusSeeOther)
	})
	wb.srv = httptest.NewServer(mux)
	t.Cleanup(wb.srv.Close)
	return wb
}

// do sends a request as user: with the workbench's session cookie, and
// a bearer token, as the pages may receive. Redirects are answered, not
// followed.
func (wb *workbench) do(t *testing.T, user, method, target string, body any) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, wb.srv.URL+target, r)
	require.NoError(t, err)
	req.Header.Set("Cookie", "session="+user)
	req.Header.Set("Authorization", "Bearer workbench-secret")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, b
}

func notebook(source string) map[string]any {
	return map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{"kernelspec": map[string]any{"name": "python3", "display_name": "Python 3", "language": "python"}},
		"cells": []any{map[string]any{
			"cell_type": "code", "id": "c1", "metadata": map[string]any{}, "source": source, "outputs": []any{}, "execution_count": nil,
		}},
	}
}

// names lists the names of a contents API folder.
func names(t *testing.T, body []byte) []string {
	t.Helper()
	var folder struct{ Content []struct{ Name string } }
	require.NoError(t, json.Unmarshal(body, &folder), "%s", body)
	var out []string
	for _, c := range folder.Content {
		out = append(out, c.Name)
	}
	return out
}

// kernel is a Python kernel's WebSocket, through the proxy.
type kernel struct {
	conn    *websocket.Conn
	session string
	// msgs receives every message, read as they come: the connection
	// answers the server's pings only while it is read.
	msgs chan message
}

type message struct {
	Header struct {
		MsgType string `json:"msg_type"`
	}
	ParentHeader struct {
		MsgID string `json:"msg_id"`
	} `json:"parent_header"`
	Content struct {
		Text           string
		ExecutionState string `json:"execution_state"`
		Ename, Evalue  string
	}
}

func (wb *workbench) startKernel(t *testing.T, user, base string) *kernel {
	t.Helper()
	res, body := wb.do(t, user, http.MethodPost, base+"api/kernels", map[string]string{"name": "python3"})
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
	var started struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &started))
	session := rand.Text()
	channels := "ws" + strings.TrimPrefix(wb.srv.URL, "http") + base + "api/kernels/" + started.ID + "/channels?session_id=" + session
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, channels, &websocket.DialOptions{HTTPHeader: http.Header{
		"Cookie": {"session=" + user},
		"Origin": {wb.srv.URL}, // as a browser's page of the workbench sends
	}})
	require.NoError(t, err)
	conn.SetReadLimit(16 << 20)
	t.Cleanup(func() { _ = conn.CloseNow() })
	k := &kernel{conn: conn, session: session, msgs: make(chan message, 1000)}
	go func() {
		defer close(k.msgs)
		for {
			var msg message
			if err := wsjson.Read(context.Background(), conn, &msg); err != nil {
				return
			}
			k.msgs <- msg
		}
	}()
	return k
}

// run executes code and answers what it printed.
func (k *kernel) run(t *testing.T, code string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	id := rand.Text()
	require.NoError(t, wsjson.Write(ctx, k.conn, map[string]any{
		"header": map[string]any{
			"msg_id": id, "msg_type": "execute_request", "session": k.session, "username": "test",
			"version": "5.3", "date": time.Now().UTC().Format(time.RFC3339),
		},
		"parent_header": map[string]any{}, "metadata": map[string]any{}, "channel": "shell", "buffers": []any{},
		"content": map[string]any{
			"code": code, "silent": false, "store_history": false, "user_expressions": map[string]any{},
			"allow_stdin": false, "stop_on_error": true,
		},
	}))
	var out strings.Builder
	for {
		var msg message
		select {
		case m, ok := <-k.msgs:
			require.True(t, ok, "the kernel's WebSocket closed")
			msg = m
		case <-ctx.Done():
			t.Fatalf("the kernel did not finish %q: %v", code, ctx.Err())
		}
		if msg.ParentHeader.MsgID != id {
			continue
		}
		switch msg.Header.MsgType {
		case "stream":
			out.WriteString(msg.Content.Text)
		case "error":
			t.Fatalf("the kernel: %s: %s", msg.Content.Ename, msg.Content.Evalue)
		case "status":
			if msg.Content.ExecutionState == "idle" {
				return out.String()
			}
		}
	}
}

// probe is what the probe code prints of its kernel.
type probe struct {
	Workspace, Token, Secret, JupyterToken, Cwd string
	PID, Server                                 int
}

const probeCode = `import json, os
print(json.dumps({"workspace": os.environ.get("WORKBENCH_WORKSPACE"), "token": os.environ.get("WORKBENCH_TOKEN"),
    "secret": os.environ.get("WORKBENCH_TEST_SECRET", ""), "jupytertoken": os.environ.get("JUPYTER_TOKEN"),
    "cwd": os.getcwd(), "pid": os.getpid(), "server": os.getppid()}))`

func runProbe(t *testing.T, k *kernel) probe {
	t.Helper()
	var p probe
	out := k.run(t, probeCode)
	require.NoError(t, json.Unmarshal([]byte(out), &p), "%s", out)
	return p
}

// TestJupyterLab runs the real JupyterLab behind a stand-in of the web
// pages: a writer's server, then a reader's of the same workspace, then
// the reader's stops when idle while the writer's WebSocket keeps it,
// then Close. The steps share the two servers, as starting one takes
// seconds.
func TestJupyterLab(t *testing.T) {
	t.Setenv("WORKBENCH_TEST_SECRET", "of the workbench")
	now := newClock()
	m := labManager(t, jupyter.Config{IdleTimeout: time.Minute, Now: now.Now})
	dir := t.TempDir()
	start, err := json.Marshal(notebook("print('hello')"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "start.ipynb"), start, 0o640))
	wb := newWorkbench(t, m, dir)
	const base = "/workspaces/ws1/lab/"

	// The writer opens JupyterLab: its page, through the proxy.
	res, _ := wb.do(t, "alice", http.MethodGet, "/workspaces/ws1/lab", nil)
	require.Equal(t, http.StatusPermanentRedirect, res.StatusCode)
	assert.Equal(t, base, res.Header.Get("Location"))
	res, page := wb.do(t, "alice", http.MethodGet, base+"lab", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", page)
	assert.Empty(t, res.Header.Values("Set-Cookie"), "Jupyter sets no cookie on the workbench's origin")
	config := regexp.MustCompile(`(?s)<script id="jupyter-config-data" type="application/json">(.*?)</script>`).FindSubmatch(page)
	require.NotNil(t, config, "the page config of %s", page)
	var pageConfig struct {
		BaseURL string `json:"baseUrl"`
		Token   string `json:"token"`
	}
	require.NoError(t, json.Unmarshal(config[1], &pageConfig))
	assert.Equal(t, base, pageConfig.BaseURL)
	assert.Empty(t, pageConfig.Token, "the page does not hold the server's token")

	// Offline and quiet: no news, no update check, and the settings
	// say so, so that JupyterLab does not ask.
	for target, want := range map[string]string{
		base + "lab/api/news":   `{"news": []}`,
		base + "lab/api/update": `{"notification": null}`,
	} {
		res, body := wb.do(t, "alice", http.MethodGet, target, nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", target, body)
		assert.JSONEq(t, want, string(body), target)
	}
	res, body := wb.do(t, "alice", http.MethodGet, base+"lab/api/settings/@jupyterlab/apputils-extension:notification", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	var notification struct{ Settings map[string]any }
	require.NoError(t, json.Unmarshal(body, &notification))
	assert.Equal(t, map[string]any{"fetchNews": "false", "checkForUpdates": false}, notification.Settings)

	// The writer lists and saves notebooks.
	res, body = wb.do(t, "alice", http.MethodGet, base+"api/contents", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.Equal(t, []string{"start.ipynb"}, names(t, body))
	res, body = wb.do(t, "alice", http.MethodPut, base+"api/contents/saved.ipynb",
		map[string]any{"type": "notebook", "format": "json", "content": notebook("print(6 * 7)")})
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
	saved, err := os.ReadFile(filepath.Join(dir, "saved.ipynb"))
	require.NoError(t, err)
	assert.Contains(t, string(saved), `"print(6 * 7)"`)

	// The writer runs code in a kernel, over the WebSocket through the proxy.
	writer := wb.startKernel(t, "alice", base)
	w := runProbe(t, writer)
	assert.Equal(t, probe{Workspace: "ws1", Token: "token-of-alice", Cwd: dir}, probe{Workspace: w.Workspace, Token: w.Token, Secret: w.Secret, Cwd: w.Cwd},
		"the kernel has the spec's environment, not the workbench's, and runs in the notebook folder")
	require.NotEmpty(t, w.JupyterToken)
	assert.NotContains(t, string(page), w.JupyterToken)
	assert.Equal(t, "42\n", writer.run(t, "print(6 * 7)"))

	t.Run("in a browser", func(t *testing.T) {
		b := webtest.New(t)
		b.Do(chromedp.Navigate(wb.srv.URL + "/signin/alice?to=" + url.QueryEscape(base+"lab/tree/saved.ipynb")))
		cell := chromedp.CSS(".jp-Notebook .jp-Cell .cm-content")
		b.Do(chromedp.WaitVisible(cell))
		// Run the cell once the notebook's kernel is up: before, JupyterLab
		// would ask which kernel to start.
		require.Eventually(t, func() bool {
			_, body := wb.do(t, "alice", http.MethodGet, base+"api/sessions", nil)
			var sessions []struct {
				Path   string
				Kernel struct {
					State string `json:"execution_state"`
				}
			}
			require.NoError(t, json.Unmarshal(body, &sessions), "%s", body)
			for _, s := range sessions {
				if s.Path == "saved.ipynb" && s.Kernel.State == "idle" {
					return webtest.Eval[bool](b, `document.querySelector(".jp-Notebook-ExecutionIndicator")?.dataset.status === "idle"`)
				}
			}
			return false
		}, 2*time.Minute, 200*time.Millisecond, "the notebook's kernel")
		b.Do(chromedp.Click(cell), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierShift)))
		ran := assert.Eventually(t, func() bool {
			return webtest.Eval[string](b, `document.querySelector(".jp-OutputArea-output pre")?.textContent ?? ""`) == "42\n"
		}, 2*time.Minute, 100*time.Millisecond, "the cell's output")
		b.Screenshots("jupyterlab-notebook")
		require.True(t, ran)
		for _, u := range b.Requests() {
			if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				assert.True(t, strings.HasPrefix(u, wb.srv.URL+"/"), "a request elsewhere: %s", u)
			}
		}
	})

	// A reader of the same workspace: another server, on a copy.
	before := tree(t, dir)
	res, body = wb.do(t, "reader-bob", http.MethodGet, base+"api/contents", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.ElementsMatch(t, []string{"start.ipynb", "saved.ipynb"}, names(t, body))
	res, body = wb.do(t, "reader-bob", http.MethodGet, base+"api/contents/saved.ipynb", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), "print(6 * 7)")
	for _, tc := range []struct{ method, target string }{
		{http.MethodPut, base + "api/contents/saved.ipynb"},
		{http.MethodPost, base + "api/contents"},
		{http.MethodPatch, base + "api/contents/start.ipynb"},
		{http.MethodDelete, base + "api/contents/start.ipynb"},
	} {
		res, body = wb.do(t, "reader-bob", tc.method, tc.target, map[string]any{"type": "notebook", "content": notebook("print('changed')"), "path": "moved.ipynb"})
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s %s: %s", tc.method, tc.target, body)
	}
	reader := wb.startKernel(t, "reader-bob", base)
	r := runProbe(t, reader)
	assert.Equal(t, "ws1", r.Workspace)
	assert.Equal(t, "token-of-reader-bob", r.Token)
	assert.NotEqual(t, w.Server, r.Server, "a server of its own")
	assert.NotEqual(t, dir, r.Cwd, "rooted at a copy")
	assert.Equal(t, "done\n", reader.run(t, `
for name in ["probe.txt", "saved.ipynb"]:
    try:
        with open(name, "w") as f:
            f.write("changed")
    except OSError:
        pass  # the copy is read-only, unless the kernel runs as root
print("done")`))
	assert.Equal(t, before, tree(t, dir), "what a reader's kernel writes stays in the copy")
	require.NoError(t, reader.conn.Close(websocket.StatusNormalClosure, ""))

	// Time passes: the reader's server is idle, the writer's WebSocket
	// keeps its server.
	require.Eventually(t, func() bool {
		now.Advance(time.Minute)
		return !alive(r.Server) && !groupAlive(t, r.Server) && !alive(r.PID)
	}, time.Minute, 100*time.Millisecond, "the reader's server and kernel still run")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.NoDirExists(c, r.Cwd, "the copy goes with the server")
	}, 30*time.Second, 50*time.Millisecond)
	assert.True(t, alive(w.Server), "the writer's server stopped")
	assert.Equal(t, "42\n", writer.run(t, "print(6 * 7)"))

	// Close stops the rest.
	require.NoError(t, m.Close())
	requireGone(t, w.Server, "the writer's server")
	requireGone(t, w.PID, "the writer's kernel")
	res, body = wb.do(t, "alice", http.MethodGet, base+"api/status", nil)
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.Contains(t, string(body), jupyter.ErrClosed.Error())
}
