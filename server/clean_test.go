package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/server"
)

// rawRequest sends method and target exactly as written, which Go's
// client would not do for every target, and reads the answer.
func rawRequest(t *testing.T, base, method, target, token string) *http.Response {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", method, target, u.Host, token)
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	return res
}

// TestUncleanPathIs404 sends unclean paths with every method: each is a
// 404 problem, never a redirect that a client would follow to another
// route, and the workspace the DELETEs aimed at survives them.
func TestUncleanPathIs404(t *testing.T) {
	f := newFixture(t, server.Config{})
	ws := "/v1/workspaces/" + f.ws
	paths := []struct{ name, target string }{
		{"encoded dot dot", ws + "/notebooks/%2e%2e"},
		{"encoded dot dot in capitals", ws + "/notebooks/%2E%2E"},
		{"dot dot", ws + "/notebooks/.."},
		{"dot dot behind an encoded slash", ws + "/notebooks/a%2F..%2F.."},
		{"dot", ws + "/./cohorts"},
		{"encoded dot", ws + "/%2e/cohorts"},
		{"double slash", "/v1//workspaces/" + f.ws},
		{"leading double slash", "/" + ws},
		{"trailing slash", ws + "/"},
	}
	for _, p := range paths {
		for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
			t.Run(p.name+" "+method, func(t *testing.T) {
				res := rawRequest(t, f.url, method, p.target, f.researcher)
				assert.Equal(t, http.StatusNotFound, res.StatusCode)
				assert.Empty(t, res.Header.Get("Location"))
				assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
			})
		}
	}
	res := rawRequest(t, f.url, "GET", ws, f.researcher)
	require.Equal(t, http.StatusOK, res.StatusCode, "the workspace survives")
}
