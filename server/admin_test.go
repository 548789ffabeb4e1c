package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/testkit"
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

// TestJourney is a researcher's way over HTTP from registration to a
// shared cohort, its review with annotations, and a dataset exported in
// every format and read by generated Python.
func TestJourney(t *testing.T) {
	f := newFixture(t, server.Config{})
	admin := f.adminToken(t)
	token, id := f.register(t, "journey@example.org", "Journey")
	start := time.Now().UTC().Add(-time.Second)
	wrist := string(example(t, "wrist_fracture.json"))
	var ws, cohortID string
	wsPath := func(p string) string { return "/v1/workspaces/" + ws + p }

	f.run(t, []step{
		{name: "not approved cannot create a workspace", method: "POST", path: "/v1/workspaces", token: token, body: `{"name": "W", "research_purpose": ` + testkit.PurposeJSON + `}`, want: 403},
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
		{name: "create workspace", method: "POST", path: "/v1/workspaces", token: token, body: `{"name": "Wrists", "research_purpose": ` + testkit.PurposeJSON + `}`, want: 201,
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

	// Review: a sample of the cohort, a status and an annotation.
	var reviewID, fieldID string
	var person int64
	f.run(t, []step{
		{name: "review a sample", method: "POST", path: c("/reviews"), token: token, body: `{"name": "Check", "size": 20, "seed": 3}`, want: 201,
			check: func(t *testing.T, r response) { reviewID = r.json(t)["id"].(string) }},
		{name: "annotation field", method: "POST", path: c("/annotation-fields"), token: token, body: `{"name": "confirmed", "type": "BOOLEAN"}`, want: 201,
			check: func(t *testing.T, r response) { fieldID = r.json(t)["id"].(string) }},
	})
	rv := func(p string) string { return wsPath("/reviews/" + reviewID + p) }
	f.run(t, []step{
		{name: "the sample", method: "GET", path: rv("/participants"), token: token, want: 200,
			check: func(t *testing.T, r response) {
				p := participantPage(t, r)
				require.Equal(t, 20, p.Total)
				person = p.Participants[0].PersonID
			}},
	})
	pt := func(p string) string { return rv(fmt.Sprintf("/participants/%d%s", person, p)) }
	f.run(t, []step{
		{name: "include", method: "PUT", path: pt("/status"), token: token, body: `{"status": "INCLUDED"}`, want: 200},
		{name: "annotate", method: "PUT", path: pt("/annotations/" + fieldID), token: token, body: `{"value": true}`, want: 200},
		{name: "a reader may not annotate", method: "PUT", path: pt("/annotations/" + fieldID), token: f.other, body: `{"value": false}`, want: 403},
		{name: "reviewed", method: "GET", path: pt(""), token: token, want: 200,
			check: func(t *testing.T, r response) {
				got := participant(t, r)
				assert.Equal(t, workbench.Included, got.Status)
				assert.JSONEq(t, `true`, string(got.Annotations[fieldID]))
			}},
		{name: "the person's events", method: "GET", path: pt("/events?domain=CONDITION"), token: token, want: 200},
	})

	// Dataset: the cohort's persons and conditions, exported in every
	// format with the same rows, and generated Python that reads it.
	var datasetID string
	f.run(t, []step{
		{name: "dataset", method: "POST", path: wsPath("/datasets"), token: token, want: 201,
			body:  fmt.Sprintf(`{"name": "Wrist conditions", "cohort_ids": [%q], "columns": {"PERSON": ["person_id"], "CONDITION": ["person_id", "condition_concept_id", "condition_concept_name", "condition_start_date"]}}`, cohortID),
			check: func(t *testing.T, r response) { datasetID = r.json(t)["id"].(string) }},
	})
	export := wsPath("/datasets/" + datasetID + "/export?domain=CONDITION&format=")
	var first exported
	for _, format := range []string{"json", "csv", "arrow", "parquet"} {
		r := f.accept(t, export+format, token, "")
		require.Equal(t, http.StatusOK, r.status, "%s: %s", format, r.body)
		got := readExport(t, format, r.body)
		if format == "json" {
			first = got
			require.NotEmpty(t, got.persons)
			continue
		}
		assert.Equal(t, first, got, "%s has the rows of json", format)
	}
	t.Run("generated python", func(t *testing.T) {
		python := testkit.Python(t, "pandas", "requests")
		r := f.do(t, "GET", wsPath("/datasets/"+datasetID+"/code?lang=python"), token, nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		out := runCode(t, python, "dataset.py", r.body, append(os.Environ(), "WORKBENCH_URL="+f.url, "WORKBENCH_TOKEN="+token, "WORKBENCH_WORKSPACE="+ws))
		assert.Equal(t, fmt.Sprintf("Wrist conditions\nCONDITION: %d rows\nPERSON: 442 rows\n", len(first.persons)), out)
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
