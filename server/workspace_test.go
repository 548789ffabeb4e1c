package server_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	ws := func(p string) func() string { return func() string { return "/v1/workspaces/" + id + p } }
	// Paths that depend on the created workspace are resolved when the
	// step runs.
	steps := []struct {
		step
		path func() string
	}{
		{step: step{name: "create", method: "POST", path: "/v1/workspaces", token: f.researcher,
			body: `{"name": "Fractures", "research_purpose": "wrist fractures"}`, want: 201,
			check: func(t *testing.T, r response) {
				v := r.json(t)
				id = v["id"].(string)
				assert.Equal(t, "Fractures", v["name"])
				assert.Equal(t, "registered", v["tier"])
			}}},
		{step: step{name: "create same name", method: "POST", path: "/v1/workspaces", token: f.researcher,
			body: `{"name": "Fractures"}`, want: 201}},
		{step: step{name: "create unknown field", method: "POST", path: "/v1/workspaces", token: f.researcher,
			body: `{"name": "x", "owner": "me"}`, want: 400}},
		{step: step{name: "create empty name", method: "POST", path: "/v1/workspaces", token: f.researcher,
			body: `{"name": " "}`, want: 400}},
		{step: step{name: "pending may not create", method: "POST", path: "/v1/workspaces", token: f.pending,
			body: `{"name": "Mine"}`, want: 403}},
		{step: step{name: "anonymous", method: "GET", path: "/v1/workspaces", want: 401}},
		{step: step{name: "list", method: "GET", path: "/v1/workspaces", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				assert.Contains(t, string(r.body), `"role":"OWNER"`)
				assert.Contains(t, string(r.body), `"name":"Fractures"`)
			}}},
		{step: step{name: "get", method: "GET", token: f.researcher, want: 200}, path: ws("")},
		{step: step{name: "no role is 404", method: "GET", token: f.other, want: 404}, path: ws("")},
		{step: step{name: "pending no role is 404", method: "GET", token: f.pending, want: 404}, path: ws("")},
		{step: step{name: "rename", method: "PATCH", token: f.researcher, body: `{"name": "Wrists"}`, want: 200,
			check: func(t *testing.T, r response) { assert.Equal(t, "Wrists", r.json(t)["name"]) }}, path: ws("")},
		{step: step{name: "share bad role", method: "PUT", token: f.researcher, body: `{"role": "ADMIN"}`, want: 400},
			path: ws("/collaborators/o@example.org")},
		{step: step{name: "share with unknown user", method: "PUT", token: f.researcher, body: `{"role": "READER"}`, want: 404},
			path: ws("/collaborators/nobody@example.org")},
		{step: step{name: "share as READER", method: "PUT", token: f.researcher, body: `{"role": "READER"}`, want: 204},
			path: ws("/collaborators/o@example.org")},
		{step: step{name: "share with pending", method: "PUT", token: f.researcher, body: `{"role": "WRITER"}`, want: 204},
			path: ws("/collaborators/p@example.org")},
		{step: step{name: "pending with a role is 403", method: "GET", token: f.pending, want: 403}, path: ws("")},
		{step: step{name: "collaborators", method: "GET", token: f.other, want: 200,
			check: func(t *testing.T, r response) {
				assert.Contains(t, string(r.body), `"email":"o@example.org","role":"READER"`)
				assert.Contains(t, string(r.body), `"email":"r@example.org","role":"OWNER"`)
			}}, path: ws("/collaborators")},
		{step: step{name: "reader views", method: "GET", token: f.other, want: 200}, path: ws("")},
		{step: step{name: "reader may not rename", method: "PATCH", token: f.other, body: `{"name": "Mine"}`, want: 403}, path: ws("")},
		{step: step{name: "reader may not share", method: "PUT", token: f.other, body: `{"role": "OWNER"}`, want: 403},
			path: ws("/collaborators/o@example.org")},
		{step: step{name: "reader may not delete", method: "DELETE", token: f.other, want: 403}, path: ws("")},
		{step: step{name: "last owner stays", method: "DELETE", token: f.researcher, want: 409},
			path: ws("/collaborators/r@example.org")},
		{step: step{name: "reader duplicates", method: "POST", token: f.other, body: `{"name": "My copy"}`, want: 201,
			check: func(t *testing.T, r response) { copyID = r.json(t)["id"].(string) }}, path: ws("/duplicate")},
		{step: step{name: "the copy is the reader's own", method: "GET", token: f.other, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"id":"`+copyID+`","name":"My copy"`) }},
			path: func() string { return "/v1/workspaces/" + copyID }},
		{step: step{name: "unshare", method: "DELETE", token: f.researcher, want: 204}, path: ws("/collaborators/o@example.org")},
		{step: step{name: "unshared is 404", method: "GET", token: f.other, want: 404}, path: ws("")},
		{step: step{name: "delete", method: "DELETE", token: f.researcher, want: 204}, path: ws("")},
		{step: step{name: "deleted is 404", method: "GET", token: f.researcher, want: 404}, path: ws("")},
	}
	for _, s := range steps {
		if s.path != nil {
			s.step.path = s.path()
		}
		f.run(t, []step{s.step})
	}
}
