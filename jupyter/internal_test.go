package jupyter

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProxy(t *testing.T) {
	type seen struct {
		method, path, auth, cookie string
	}
	var got []seen
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Cookie")})
		w.Header().Set("Set-Cookie", "username-127-0-0-1=x")
		w.Header().Set("Access-Control-Allow-Origin", "https://elsewhere.example")
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		_, _ = io.WriteString(w, "upstream")
	}))
	t.Cleanup(upstream.Close)
	target, err := url.Parse(upstream.URL)
	require.NoError(t, err)
	base := "/workspaces/ws1/lab/"
	writer := newProxy(target, "T", Spec{BasePath: base}, http.DefaultTransport, slog.New(slog.DiscardHandler))
	reader := newProxy(target, "T", Spec{BasePath: base, ReadOnly: true}, http.DefaultTransport, slog.New(slog.DiscardHandler))

	for _, tc := range []struct {
		name   string
		proxy  *proxy
		method string
		target string
		header map[string]string
		status int
		where  string // Location, or the message's start
	}{
		{"forwarded", writer, "GET", base + "api/status", nil, 200, ""},
		{"a writer saves", writer, "PUT", base + "api/contents/a.ipynb", nil, 200, ""},
		{"outside the base path", writer, "GET", "/workspaces/ws2/lab/api/status", nil, 404, "jupyter: not found"},
		{"base path without its slash", writer, "GET", "/workspaces/ws1/lab?reset", nil, 308, base + "?reset"},
		{"cross-origin POST", writer, "POST", base + "api/kernels", map[string]string{"Origin": "https://evil.example"}, 403, "jupyter: refused"},
		{"same-origin POST", writer, "POST", base + "api/kernels", map[string]string{"Origin": "http://example.com"}, 200, ""},
		{"cross-site WebSocket", writer, "GET", base + "api/kernels/k/channels", map[string]string{"Upgrade": "websocket", "Connection": "Upgrade", "Sec-Fetch-Site": "cross-site"}, 403, "jupyter: refused"},
		{"cross-origin WebSocket", writer, "GET", base + "api/kernels/k/channels", map[string]string{"Upgrade": "websocket", "Connection": "Upgrade", "Origin": "https://evil.example"}, 403, "jupyter: refused"},
		{"a reader reads", reader, "GET", base + "api/contents/a.ipynb", nil, 200, ""},
		{"a reader runs a kernel", reader, "POST", base + "api/kernels", nil, 200, ""},
		{"a reader keeps a layout", reader, "PUT", base + "lab/api/workspaces/default", nil, 200, ""},
		{"a reader saves", reader, "PUT", base + "api/contents/a.ipynb", nil, 403, "jupyter: the notebooks are read only"},
		{"a reader makes a file", reader, "POST", base + "api/contents", nil, 403, "jupyter: the notebooks are read only"},
		{"a reader renames", reader, "PATCH", base + "api/contents/a.ipynb", nil, 403, "jupyter: the notebooks are read only"},
		{"a reader deletes", reader, "DELETE", base + "api/contents/a.ipynb", nil, 403, "jupyter: the notebooks are read only"},
		{"a reader restores a checkpoint", reader, "POST", base + "api/contents/a.ipynb/checkpoints/c", nil, 403, "jupyter: the notebooks are read only"},
		{"a reader saves by a detour", reader, "PUT", base + "api/x/../contents/a.ipynb", nil, 403, "jupyter: the notebooks are read only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader("{}"))
			req.Header.Set("Cookie", "session=workbench-secret")
			req.Header.Set("Authorization", "Bearer workbench-secret")
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			tc.proxy.ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code, "%s", rec.Body)
			switch {
			case tc.status == 200:
				require.Len(t, got, 1)
				assert.Equal(t, seen{tc.method, tc.target, "token T", ""}, got[0])
				assert.Empty(t, rec.Header().Values("Set-Cookie"))
				assert.Empty(t, rec.Header().Values("Access-Control-Allow-Origin"))
				assert.Empty(t, rec.Header().Values("Access-Control-Allow-Credentials"))
			case tc.status == 308:
				assert.Empty(t, got)
				assert.Equal(t, tc.where, rec.Header().Get("Location"))
			default:
				assert.Empty(t, got, "refused before the server")
				var msg struct{ Message string }
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &msg))
				assert.True(t, strings.HasPrefix(msg.Message, tc.where), msg.Message)
			}
		})
	}

	t.Run("the server does not answer", func(t *testing.T) {
		gone := httptest.NewServer(http.NotFoundHandler())
		gone.Close()
		target, err := url.Parse(gone.URL)
		require.NoError(t, err)
		rec := httptest.NewRecorder()
		newProxy(target, "T", Spec{BasePath: base}, http.DefaultTransport, slog.New(slog.DiscardHandler)).
			ServeHTTP(rec, httptest.NewRequest("GET", base+"lab", nil))
		assert.Equal(t, http.StatusBadGateway, rec.Code)
		assert.Contains(t, rec.Body.String(), "reload the page")
	})
}

// A WebSocket outlives the timeouts of the server that mounts the proxy:
// net/http clears the deadlines of a connection when it is hijacked.
func TestProxyWebSocketOutlivesServerTimeouts(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "token T", r.Header.Get("Authorization"))
		c, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		defer c.CloseNow()
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, b); err != nil {
				return
			}
		}
	}))
	t.Cleanup(upstream.Close)
	target, err := url.Parse(upstream.URL)
	require.NoError(t, err)
	base := "/workspaces/ws1/lab/"
	front := httptest.NewUnstartedServer(newProxy(target, "T", Spec{BasePath: base}, http.DefaultTransport, slog.New(slog.DiscardHandler)))
	front.Config.ReadTimeout = 100 * time.Millisecond
	front.Config.WriteTimeout = 100 * time.Millisecond
	front.Start()
	t.Cleanup(front.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(front.URL, "http")+base+"api/kernels/k/channels", nil)
	require.NoError(t, err)
	defer c.CloseNow()
	for i := range 3 {
		if i > 0 {
			time.Sleep(150 * time.Millisecond) // past both timeouts
		}
		require.NoError(t, c.Write(ctx, websocket.MessageText, []byte("ping")))
		_, b, err := c.Read(ctx)
		require.NoError(t, err, "message %d", i)
		assert.Equal(t, "ping", string(b))
	}
}

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       stat
		ok         bool
	}{
		{"plain", "4242 (python3) S 4000 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 0 0", stat{pid: 4242, ppid: 4000, pgid: 4242, state: 'S', start: 987654}, true},
		{"spaces and parentheses in the name", "7 (a) b (c)) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0", stat{pid: 7, ppid: 1, pgid: 7, state: 'Z', start: 55}, true},
		{"cut short", "7 (a) S 1 7", stat{}, false},
		{"not a stat line", "hello", stat{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseStat(tc.line)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestOutputKeepsTheLastLines(t *testing.T) {
	o := &output{log: slog.New(slog.DiscardHandler)}
	assert.Equal(t, "(no output)", o.String())
	for i := range 40 {
		_, err := io.WriteString(o, strings.Repeat("x", i)+"\n")
		require.NoError(t, err)
	}
	_, err := io.WriteString(o, strings.Repeat("y", 3*outputLineSize)+"\nunfinished")
	require.NoError(t, err)
	lines := strings.Split(o.String(), "\n")
	require.Len(t, lines, outputLines+1)
	assert.Equal(t, strings.Repeat("x", 11), lines[0])
	assert.Equal(t, strings.Repeat("y", outputLineSize), lines[outputLines-1], "a long line is cut")
	assert.Equal(t, "unfinished", lines[outputLines])
}

// The virtual environment .ci/run makes is where the install hint and
// the search for jupyter-lab look.
func TestCIInstallsThisVersion(t *testing.T) {
	b, err := os.ReadFile("../.ci/run")
	require.NoError(t, err)
	assert.Contains(t, string(b), "\njupyterlab_version="+Version+"\n")
	assert.Contains(t, string(b), `/workbench/jupyterlab-$jupyterlab_version"`)
	assert.Contains(t, string(b), "export "+commandEnv+"=")
}
