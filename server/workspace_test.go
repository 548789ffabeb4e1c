package server_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/server"
)

// step is one request of a journey and what it must get back.
type step struct {
	name         string
	method, path string
	token        string
	body         string
	want         int
	check        func(t *testing.T, r response)
}

// run sends the steps in order; a problem status must come as
// problem+json.
func (f *fixture) run(t *testing.T, steps []step) {
	t.Helper()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var body []byte
			if s.body != "" {
				body = []byte(s.body)
			}
			r := f.do(t, s.method, s.path, s.token, body, "")
			if s.want >= 400 {
				requireProblem(t, r, s.want)
			} else {
				require.Equal(t, s.want, r.status, "body: %s", r.body)
			}
			if s.check != nil {
				s.check(t, r)
			}
		})
	}
}

func TestWorkspaces(t *testing.T) {
	f := newFixture(t, server.Config{})
	var id, copyID string
	f.run(t, []step{
		{name: "create", method: "POST", path: "/v1/workspaces", token: f.researcher,
			body: `{"name": "Fractures", "research_purpose": ` + testkit.PurposeJSON + `}`, want: 201,
			check: func(t *testing.T, r response) {
				v := r.json(t)
				id = v["id"].(string)
				assert.Equal(t, "Fractures", v["name"])
				assert.Equal(t, "registered", v["tier"])
			}},
		{name: "names are unique per owner, in any case", method: "POST", path: "/v1/workspaces", token: f.researcher, body: `{"name": "FRACTURES", "research_purpose": ` + testkit.PurposeJSON + `}`, want: 409},
		{name: "another owner may use the name", method: "POST", path: "/v1/workspaces", token: f.other, body: `{"name": "Fractures", "research_purpose": ` + testkit.PurposeJSON + `}`, want: 201},
		{name: "no research purpose", method: "POST", path: "/v1/workspaces", token: f.researcher, body: `{"name": "No purpose"}`, want: 400,
			check: func(t *testing.T, r response) {
				assert.Equal(t, []string{"research_purpose.intended_study", "research_purpose.approach", "research_purpose.uses"}, problemPaths(t, r))
			}},
		{name: "a disease-focused use names its disease", method: "POST", path: "/v1/workspaces", token: f.researcher,
			body: `{"name": "Disease", "research_purpose": {"intended_study": "q", "approach": "a", "uses": ["disease_focused", "bogus", "disease_focused"]}}`, want: 400,
			check: func(t *testing.T, r response) {
				assert.Equal(t, []string{"research_purpose.uses[1]", "research_purpose.uses[2]", "research_purpose.disease_of_focus"}, problemPaths(t, r))
			}},
		{name: "create unknown field", method: "POST", path: "/v1/workspaces", token: f.researcher, body: `{"name": "x", "research_purpose": ` + testkit.PurposeJSON + `, "owner": "me"}`, want: 400},
		{name: "create empty name", method: "POST", path: "/v1/workspaces", token: f.researcher, body: `{"name": " ", "research_purpose": ` + testkit.PurposeJSON + `}`, want: 400},
		{name: "controlled tier needs its grant", method: "POST", path: "/v1/workspaces", token: f.researcher, body: `{"name": "C", "research_purpose": ` + testkit.PurposeJSON + `, "tier": "controlled"}`, want: 403},
		{name: "pending may not create", method: "POST", path: "/v1/workspaces", token: f.pending, body: `{"name": "Mine", "research_purpose": ` + testkit.PurposeJSON + `}`, want: 403},
		{name: "anonymous", method: "GET", path: "/v1/workspaces", want: 401},
		{name: "list", method: "GET", path: "/v1/workspaces", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				assert.Contains(t, string(r.body), `"role":"OWNER"`)
				assert.Contains(t, string(r.body), `"name":"Fractures"`)
			}},
	})
	ws := "/v1/workspaces/" + id
	f.run(t, []step{
		{name: "get", method: "GET", path: ws, token: f.researcher, want: 200},
		{name: "no role is 404", method: "GET", path: ws, token: f.other, want: 404},
		{name: "pending without a role is 404", method: "GET", path: ws, token: f.pending, want: 404},
		{name: "rename", method: "PATCH", path: ws, token: f.researcher, body: `{"name": "Wrists"}`, want: 200,
			check: func(t *testing.T, r response) {
				v := r.json(t)
				assert.Equal(t, "Wrists", v["name"])
				assert.NotEmpty(t, v["research_purpose"].(map[string]any)["intended_study"], "what the patch does not give stays")
			}},
		{name: "the tier does not change", method: "PATCH", path: ws, token: f.researcher, body: `{"tier": "controlled"}`, want: 400},
		{name: "an emptied purpose is refused", method: "PATCH", path: ws, token: f.researcher, body: `{"research_purpose": {"uses": ["other"]}}`, want: 400,
			check: func(t *testing.T, r response) {
				assert.Equal(t, []string{"research_purpose.intended_study", "research_purpose.approach", "research_purpose.other_purpose"}, problemPaths(t, r))
			}},
		{name: "share bad role", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "ADMIN"}`, want: 400},
		{name: "share no role", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "NONE"}`, want: 400},
		{name: "share with unknown user", method: "PUT", path: ws + "/collaborators/nobody@example.org", token: f.researcher, body: `{"role": "READER"}`, want: 404},
		{name: "share as READER", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "READER"}`, want: 204},
		{name: "share with pending", method: "PUT", path: ws + "/collaborators/p@example.org", token: f.researcher, body: `{"role": "WRITER"}`, want: 204},
		{name: "pending with a role is 403", method: "GET", path: ws, token: f.pending, want: 403},
		{name: "collaborators", method: "GET", path: ws + "/collaborators", token: f.other, want: 200,
			check: func(t *testing.T, r response) {
				assert.Contains(t, string(r.body), `"email":"o@example.org","role":"READER"`)
				assert.Contains(t, string(r.body), `"email":"r@example.org","role":"OWNER"`)
			}},
		{name: "reader views", method: "GET", path: ws, token: f.other, want: 200},
		{name: "reader may not rename", method: "PATCH", path: ws, token: f.other, body: `{"name": "Mine"}`, want: 403},
		{name: "reader may not share", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.other, body: `{"role": "OWNER"}`, want: 403},
		{name: "reader may not delete", method: "DELETE", path: ws, token: f.other, want: 403},
		{name: "last owner stays", method: "DELETE", path: ws + "/collaborators/r@example.org", token: f.researcher, want: 409},
		{name: "reader duplicates", method: "POST", path: ws + "/duplicate", token: f.other, body: `{"name": "My copy"}`, want: 201,
			check: func(t *testing.T, r response) { copyID = r.json(t)["id"].(string) }},
	})
	f.run(t, []step{
		{name: "the copy is the reader's own", method: "GET", path: "/v1/workspaces/" + copyID, token: f.other, want: 200,
			check: func(t *testing.T, r response) { assert.Equal(t, "My copy", r.json(t)["name"]) }},
		{name: "unshare", method: "DELETE", path: ws + "/collaborators/o@example.org", token: f.researcher, want: 204},
		{name: "unshared is 404", method: "GET", path: ws, token: f.other, want: 404},
		{name: "delete", method: "DELETE", path: ws, token: f.researcher, want: 204},
		{name: "deleted is 404", method: "GET", path: ws, token: f.researcher, want: 404},
	})
}

// problemPaths is the paths of the problems of a problem answer.
func problemPaths(t *testing.T, r response) []string {
	t.Helper()
	var p struct {
		Errors []struct {
			Path string `json:"path"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(r.body, &p))
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Path)
	}
	return out
}
