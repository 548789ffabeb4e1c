package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/server"
)

// adminToken is a token of the fixture's administrator.
func (f *fixture) adminToken(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	u, err := f.store.UserByEmail(ctx, "admin@example.org")
	require.NoError(t, err)
	token, _, err := f.store.CreateToken(ctx, u.ID, time.Hour, time.Now())
	require.NoError(t, err)
	return token
}

// TestJourney is a researcher's way from registration to a shared cohort,
// over HTTP.
func TestJourney(t *testing.T) {
	f := newFixture(t, server.Config{})
	admin := f.adminToken(t)
	token, id := f.newUser(t, "journey@example.org")
	start := time.Now().UTC().Add(-time.Second)
	wrist := string(example(t, "wrist_fracture.json"))
	var ws, cohortID string
	wsPath := func(p string) string { return "/v1/workspaces/" + ws + p }

	f.run(t, []step{
		{name: "not approved cannot create a workspace", method: "POST", path: "/v1/workspaces", token: token, body: `{"name": "W"}`, want: 403},
		{name: "approval refused naming missing steps", method: "POST", path: "/v1/admin/users/" + id + "/approve", token: admin, want: 400,
			check: func(t *testing.T, r response) {
				assert.Contains(t, r.json(t)["detail"], "ethics training")
				assert.Contains(t, r.json(t)["detail"], "code of conduct")
			}},
		{name: "profile", method: "POST", path: "/v1/me/steps/profile", token: token, want: 200},
		{name: "ethics training", method: "POST", path: "/v1/me/steps/ethics_training", token: token, want: 200},
		{name: "code of conduct", method: "POST", path: "/v1/me/steps/code_of_conduct", token: token, want: 200},
		{name: "a researcher may not approve", method: "POST", path: "/v1/admin/users/" + id + "/approve", token: f.researcher, want: 403},
		{name: "approve", method: "POST", path: "/v1/admin/users/" + id + "/approve", token: admin, want: 200,
			check: func(t *testing.T, r response) {
				assert.Equal(t, "registered", r.json(t)["status"].(map[string]any)["tier"])
			}},
		{name: "approve nobody", method: "POST", path: "/v1/admin/users/u_nobody/approve", token: admin, want: 404},
		{name: "create workspace", method: "POST", path: "/v1/workspaces", token: token, body: `{"name": "Wrists"}`, want: 201,
			check: func(t *testing.T, r response) { ws = r.json(t)["id"].(string) }},
	})
	f.run(t, []step{
		{name: "save the wrist fracture cohort", method: "POST", path: wsPath("/cohorts"), token: token, want: 201,
			body:  fmt.Sprintf(`{"name": "Wrist fracture", "definition": %s}`, wrist),
			check: func(t *testing.T, r response) { cohortID = r.json(t)["id"].(string) }},
		{name: "duplicate name", method: "POST", path: wsPath("/cohorts"), token: token, want: 409,
			body: fmt.Sprintf(`{"name": "Wrist fracture", "definition": %s}`, wrist)},
		{name: "invalid definition", method: "POST", path: wsPath("/cohorts"), token: token, want: 400,
			body:  `{"name": "bad", "definition": {"includes": [{"items": [{"type": "CONDITION", "searchParameters": []}]}]}}`,
			check: func(t *testing.T, r response) { assert.NotEmpty(t, r.json(t)["errors"]) }},
		{name: "share as READER", method: "PUT", path: wsPath("/collaborators/o@example.org"), token: token, body: `{"role": "READER"}`, want: 204},
		{name: "share with pending", method: "PUT", path: wsPath("/collaborators/p@example.org"), token: token, body: `{"role": "READER"}`, want: 204},
	})
	c := func(p string) string { return wsPath("/cohorts/" + cohortID + p) }
	f.run(t, []step{
		{name: "count", method: "GET", path: c("/count"), token: token, want: 200,
			check: func(t *testing.T, r response) { assert.EqualValues(t, 442, r.json(t)["count"]) }},
		{name: "demographics", method: "GET", path: c("/demographics"), token: token, want: 200,
			check: func(t *testing.T, r response) { assert.EqualValues(t, 442, r.json(t)["count"]) }},
		{name: "participants", method: "GET", path: c("/participants?size=10"), token: token, want: 200,
			check: func(t *testing.T, r response) { assert.Len(t, r.json(t)["person_ids"], 10) }},
		{name: "reader counts", method: "GET", path: c("/count"), token: f.other, want: 200},
		{name: "reader may not delete", method: "DELETE", path: c(""), token: f.other, want: 403},
		{name: "reader may not delete the workspace", method: "DELETE", path: wsPath(""), token: f.other, want: 403},
		{name: "no role is 404", method: "GET", path: c("/count"), token: f.researcher, want: 404},
		{name: "pending is 403", method: "GET", path: c("/count"), token: f.pending, want: 403},
	})

	t.Run("audit", func(t *testing.T) {
		q := url.Values{"since": {start.Format(time.RFC3339)}, "user": {id}}
		r := f.do(t, "GET", "/v1/admin/audit?"+q.Encode(), admin, nil, "")
		require.Equal(t, 200, r.status, "%s", r.body)
		var recs []access.AuditRecord
		require.NoError(t, json.Unmarshal(r.body, &recs))
		var actions []access.Action
		for _, rec := range recs {
			assert.Equal(t, id, rec.UserID)
			actions = append(actions, rec.Action)
			if rec.Action == access.CohortParticipants {
				assert.EqualValues(t, 10, rec.ResultSize)
			}
		}
		assert.Contains(t, actions, access.CohortCount)
		assert.Contains(t, actions, access.CohortParticipants)
		assert.NotContains(t, string(r.body), `"person_ids"`)
		requireProblem(t, f.do(t, "GET", "/v1/admin/audit?since=yesterday", admin, nil, ""), 400)
		requireProblem(t, f.do(t, "GET", "/v1/admin/audit", token, nil, ""), 403)
	})
	f.run(t, []step{
		{name: "list users", method: "GET", path: "/v1/admin/users", token: admin, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"email":"journey@example.org"`) }},
		{name: "a researcher may not list users", method: "GET", path: "/v1/admin/users", token: token, want: 403},
		{name: "disable", method: "POST", path: "/v1/admin/users/" + id + "/disable", token: admin, want: 204},
		{name: "disabled is refused", method: "GET", path: c("/count"), token: token, want: 403},
	})
}
