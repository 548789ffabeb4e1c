package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// openKernel starts a kernel in the workspace's lab of b's user, through
// the pages, and opens its channels' WebSocket as the lab's page does.
func openKernel(t *testing.T, b *browser, ws string) *websocket.Conn {
	t.Helper()
	lab := "/workspaces/" + ws + "/lab/"
	req, err := http.NewRequest(http.MethodPost, b.base+lab+"api/kernels", strings.NewReader(`{"name":"python3"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", b.base)
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	var kernel struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &kernel))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(b.base, "http")+lab+"api/kernels/"+kernel.ID+"/channels",
		&websocket.DialOptions{HTTPClient: b.c, HTTPHeader: http.Header{"Origin": {b.base}}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

// requireClosed waits until the kernel's WebSocket closes.
func requireClosed(t *testing.T, conn *websocket.Conn, why string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		if _, _, err := conn.Read(ctx); err != nil {
			require.NoError(t, ctx.Err(), "the kernel's WebSocket stays open after %s", why)
			return
		}
	}
}

// TestLabStopsWhenTheUserLosesIt: a writer's kernel, open in the
// workspace's lab through the pages, closes at once when the writer is
// made a READER, is removed from the workspace, is disabled, or when the
// workspace is deleted; the lab then refuses them.
func TestLabStopsWhenTheUserLosesIt(t *testing.T) {
	f := newFixture(t)
	base := f.serveNotebooks(t, labManager(t))
	owner := researcher(t, f, base, "lab-owner@example.org")
	adminEmail := "lab-admin@example.org"
	admin := researcher(t, f, base, adminEmail)
	makeAdmin(t, f, adminEmail)
	ws := createWorkspace(t, owner, "Labs that stop")
	_, _, tok := owner.get("/workspaces/" + ws)
	share := func(email, role string) {
		t.Helper()
		resp, body := owner.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {email}, "role": {role}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	}
	refused := func(b *browser) {
		t.Helper()
		resp, _, _ := b.get("/workspaces/" + ws + "/lab/api/status")
		require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode)
	}

	t.Run("made a reader", func(t *testing.T) {
		w := researcher(t, f, base, "lab-reader-to-be@example.org")
		share("lab-reader-to-be@example.org", "WRITER")
		conn := openKernel(t, w, ws)
		share("lab-reader-to-be@example.org", "READER")
		requireClosed(t, conn, "the role became READER")
		refused(w)
	})
	t.Run("unshared", func(t *testing.T) {
		w := researcher(t, f, base, "lab-leaver@example.org")
		share("lab-leaver@example.org", "WRITER")
		conn := openKernel(t, w, ws)
		share("lab-leaver@example.org", "NONE")
		requireClosed(t, conn, "the role was taken away")
		refused(w)
	})
	t.Run("disabled", func(t *testing.T) {
		w := researcher(t, f, base, "lab-disabled@example.org")
		share("lab-disabled@example.org", "WRITER")
		conn := openKernel(t, w, ws)
		u, err := f.store.UserByEmail(t.Context(), "lab-disabled@example.org")
		require.NoError(t, err)
		_, _, atok := admin.get("/admin/users/" + u.ID + "/disable")
		resp, body := admin.post("/admin/users/"+u.ID+"/disable", url.Values{"csrf_token": {atok}, "reason": {"The project ended."}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		requireClosed(t, conn, "the user was disabled")
		refused(w)
	})
	t.Run("workspace deleted", func(t *testing.T) {
		w := researcher(t, f, base, "lab-homeless@example.org")
		share("lab-homeless@example.org", "WRITER")
		conn := openKernel(t, w, ws)
		resp, body := owner.post("/workspaces/"+ws+"/delete", url.Values{"csrf_token": {tok}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		requireClosed(t, conn, "the workspace was deleted")
		refused(w)
	})
}
