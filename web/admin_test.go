package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
)

// makeAdmin gives the user of email the administrator flag and returns
// their id.
func makeAdmin(t *testing.T, f *fixture, email string) string {
	t.Helper()
	u, err := f.store.UserByEmail(t.Context(), email)
	require.NoError(t, err)
	require.NoError(t, f.store.SetAdmin(t.Context(), u.ID, true))
	return u.ID
}

func TestAdminPages(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	researcher := signUp(t, f, base, "researcher@example.org", "Rita", "a long enough password")
	completeSteps(t, researcher, "Rita Levi")
	admin := signUp(t, f, base, "boss@example.org", "Bea", "a long enough password")
	makeAdmin(t, f, "boss@example.org")
	r, err := f.store.UserByEmail(t.Context(), "researcher@example.org")
	require.NoError(t, err)

	t.Run("researchers are refused", func(t *testing.T) {
		_, _, tok := researcher.get("/access")
		for _, path := range []string{"/admin", "/admin/audit", "/admin/help", "/admin/users/" + r.ID + "/disable"} {
			resp, _, _ := researcher.get(path)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		}
		resp, _ := researcher.post("/admin/users/"+r.ID+"/approve", form(tok))
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		_, page, _ := researcher.get("/access")
		assert.NotContains(t, page, `href="/admin"`, "no Administration in the navigation")
	})

	resp, page, tok := admin.get("/admin")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, `href="/admin"`)
	pendingTable := page[strings.Index(page, `id="pending-h"`):strings.Index(page, `id="users-h"`)]
	assert.Contains(t, pendingTable, "researcher@example.org", "waiting for approval")
	assert.NotContains(t, pendingTable, "boss@example.org")

	t.Run("approve", func(t *testing.T) {
		resp, _, _ := researcher.get("/workspaces")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = admin.post("/admin/users/"+r.ID+"/approve", form(tok))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _, _ = researcher.get("/workspaces")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		_, page, _ := admin.get("/admin?done=approved")
		assert.Contains(t, page, "The researcher was approved")
		pendingTable := page[strings.Index(page, `id="pending-h"`):strings.Index(page, `id="users-h"`)]
		assert.NotContains(t, pendingTable, "researcher@example.org")
	})
	t.Run("approving a user with steps missing says which", func(t *testing.T) {
		signUp(t, f, base, "early@example.org", "Eli", "a long enough password")
		e, err := f.store.UserByEmail(t.Context(), "early@example.org")
		require.NoError(t, err)
		resp, body := admin.post("/admin/users/"+e.ID+"/approve", form(tok))
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, "ethics training")
	})
	t.Run("disable needs a reason, which goes to the audit log", func(t *testing.T) {
		_, page, _ := admin.get("/admin/users/" + r.ID + "/disable")
		assert.Contains(t, page, "Disable researcher@example.org")
		resp, body := admin.post("/admin/users/"+r.ID+"/disable", form(tok, "reason", "  "))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="reason-error"`)
		resp, body = admin.post("/admin/users/"+r.ID+"/disable", form(tok, "reason", strings.Repeat("x", 501)))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="reason-error"`)
		resp, _ = admin.post("/admin/users/"+r.ID+"/disable", form(tok, "reason", "Shared a screenshot of row-level data."))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _, _ = researcher.get("/workspaces")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		_, page, _ = researcher.get("/access")
		assert.Contains(t, page, "An administrator disabled your account")
		resp, _, _ = admin.get("/admin/users/u_nobody/disable")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)

		_, page, _ = admin.get("/admin/audit?action=admin.disable_user&user=")
		assert.Contains(t, page, "Shared a screenshot of row-level data.")
		assert.Contains(t, page, r.ID)

		// Enabled again, with a reason too: the researcher's session works
		// at once.
		_, page, _ = admin.get("/admin")
		assert.Contains(t, page, `href="/admin/users/`+r.ID+`/enable"`)
		resp, body = admin.post("/admin/users/"+r.ID+"/enable", form(tok, "reason", ""))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, "Enable researcher@example.org")
		_, _, rtok := researcher.get("/access")
		require.NotEmpty(t, rtok)
		resp, _ = researcher.post("/admin/users/"+r.ID+"/enable", form(rtok, "reason", "Let me in."))
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a disabled researcher cannot enable themselves")
		resp, _ = admin.post("/admin/users/"+r.ID+"/enable", form(tok, "reason", "The review board cleared it."))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _, _ = researcher.get("/workspaces")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		_, page, _ = admin.get("/admin/audit?action=admin.enable_user&user=")
		assert.Contains(t, page, "The review board cleared it.")
	})
	t.Run("the audit log: filters and pages", func(t *testing.T) {
		ws := "w_audit_pages"
		t0 := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
		var recs []access.AuditRecord
		for i := range 120 {
			recs = append(recs, access.AuditRecord{Time: t0.Add(time.Duration(i) * time.Minute), UserID: r.ID, Action: access.CohortCount, Workspace: ws, Object: "c_1", ResultSize: 1, Allowed: true})
		}
		recs = append(recs, access.AuditRecord{Time: t0.Add(48 * time.Hour), UserID: r.ID, Action: access.ExportDataset, Workspace: ws, Object: "d_1", ResultSize: 10, Allowed: true})
		require.NoError(t, f.store.AppendAudit(t.Context(), recs...))
		rows := regexp.MustCompile(`<th scope="row">[a-z_.]+</th>`)

		resp, page, _ := admin.get("/admin/audit?workspace=" + ws)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Len(t, rows.FindAllString(page, -1), 50)
		assert.Contains(t, page, "Page 1")
		assert.Contains(t, page, `rel="next"`)
		assert.NotContains(t, page, `rel="prev"`)
		_, page, _ = admin.get("/admin/audit?workspace=" + ws + "&page=3")
		assert.Len(t, rows.FindAllString(page, -1), 21)
		assert.Contains(t, page, `rel="prev"`)
		assert.NotContains(t, page, `rel="next"`)
		_, page, _ = admin.get("/admin/audit?workspace=" + ws + "&action=dataset.export")
		assert.Len(t, rows.FindAllString(page, -1), 1)
		_, page, _ = admin.get("/admin/audit?workspace=" + ws + "&since=2026-01-11&until=2026-01-12")
		assert.Len(t, rows.FindAllString(page, -1), 1, "the export of Jan 12, the whole day")
		_, page, _ = admin.get("/admin/audit?workspace=" + ws + "&until=2026-01-09")
		assert.Contains(t, page, "No line of the log matches.")

		resp, body, _ := admin.get("/admin/audit?since=yesterday&until=2026-01-01&action=nothing&page=0")
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		for _, id := range []string{`id="since-error"`, `id="action-error"`, `id="page"`} {
			assert.Contains(t, body, id)
		}
		resp, body, _ = admin.get("/admin/audit?since=2026-02-01&until=2026-01-01")
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="until-error"`)
	})
	t.Run("help requests: open, all, close", func(t *testing.T) {
		h, err := app.HelpDesk{Store: f.store}.Add(t.Context(), app.HelpForm{Name: "Vic", Email: "visitor@example.org", Topic: app.HelpTopics[0], Message: "Where do the surveys come from?"})
		require.NoError(t, err)
		_, page, _ := admin.get("/admin/help")
		assert.Contains(t, page, "Where do the surveys come from?")
		resp, _ := admin.post("/admin/help/"+h.ID+"/close", form(tok))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		_, page, _ = admin.get("/admin/help?done=closed")
		assert.Contains(t, page, "The request was closed.")
		assert.NotContains(t, page, "Where do the surveys come from?")
		_, page, _ = admin.get("/admin/help?all=1")
		assert.Contains(t, page, "Where do the surveys come from?")
		assert.Contains(t, page, "closed "+time.Now().UTC().Format("2006-01-02"))
		resp, _ = admin.post("/admin/help/h_nothing/close", form(tok))
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
	t.Run("every administrator's act is audited", func(t *testing.T) {
		log, err := f.store.QueryAudit(t.Context(), workbench.AuditQuery{Action: string(access.ApproveUser), UserID: ""})
		require.NoError(t, err)
		assert.NotEmpty(t, log)
	})
}
