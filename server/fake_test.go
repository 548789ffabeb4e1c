package server_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/server"
)

// The handlers over fakes of the services: what a handler does of its
// own (decode, refuse bad input before any service runs, carry the user
// in the context, turn a service's error into its status) needs no CDR
// and no store.

// fakeAuth knows one token.
type fakeAuth struct{}

func (fakeAuth) Authenticate(_ context.Context, token string) (access.User, error) {
	if token != "good" {
		return access.User{}, access.ErrUnauthenticated
	}
	return access.User{ID: "u1", Email: "u1@example.org"}, nil
}

// fakeWorkspaces answers from its fields and records what it was given.
// The methods a test does not use are the embedded nil interface's: a
// call to one fails the test with a panic.
type fakeWorkspaces struct {
	workbench.WorkspaceService
	created []workbench.Workspace
	err     error
}

func (f *fakeWorkspaces) CreateWorkspace(ctx context.Context, w workbench.Workspace) (workbench.Workspace, error) {
	if workbench.UserFrom(ctx) == nil {
		return workbench.Workspace{}, access.ErrUnauthenticated
	}
	f.created = append(f.created, w)
	if f.err != nil {
		return workbench.Workspace{}, f.err
	}
	w.ID, w.CreatedBy = "w1", workbench.UserFrom(ctx).ID
	return w, nil
}

func (f *fakeWorkspaces) GetWorkspace(_ context.Context, id string) (workbench.Workspace, error) {
	return workbench.Workspace{}, f.err
}

// fakeCohorts counts every definition as 42.
type fakeCohorts struct {
	workbench.CohortService
	counted []*cohort.Definition
}

func (f *fakeCohorts) Count(_ context.Context, ws string, def *cohort.Definition) (int64, error) {
	f.counted = append(f.counted, def)
	return 42, nil
}

func fakeServer(t *testing.T, svc *app.App) *fixture {
	t.Helper()
	svc.Auth = fakeAuth{}
	srv, err := server.New(server.Config{}, server.Deps{Services: svc})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &fixture{url: hs.URL}
}

func TestHandlersOverFakes(t *testing.T) {
	ws := &fakeWorkspaces{}
	cohorts := &fakeCohorts{}
	f := fakeServer(t, &app.App{Workspaces: ws, Cohorts: cohorts})
	purpose := `{"intended_study": "q", "approach": "a", "uses": ["methods_development"]}`

	t.Run("the body reaches the service with the user", func(t *testing.T) {
		r := f.do(t, "POST", "/v1/workspaces", "good", []byte(`{"name": "Fractures", "research_purpose": `+purpose+`}`), "")
		require.Equal(t, 201, r.status, "body: %s", r.body)
		assert.Equal(t, "u1", r.json(t)["created_by"])
		require.Len(t, ws.created, 1)
		assert.Equal(t, "Fractures", ws.created[0].Name)
		assert.Equal(t, []workbench.Use{"methods_development"}, ws.created[0].ResearchPurpose.Uses)
	})
	t.Run("bad input never reaches the service", func(t *testing.T) {
		before := len(ws.created)
		for _, body := range []string{`{"name": "x", "owner": "me"}`, `{"name": 3}`, `[`, ``} {
			r := f.do(t, "POST", "/v1/workspaces", "good", []byte(body), "")
			requireProblem(t, r, 400)
		}
		r := f.do(t, "POST", "/v1/workspaces", "good", []byte(`{}`), "text/plain")
		requireProblem(t, r, 415)
		assert.Len(t, ws.created, before)
	})
	t.Run("a token the authenticator refuses is 401 before any service", func(t *testing.T) {
		before := len(ws.created)
		requireProblem(t, f.do(t, "POST", "/v1/workspaces", "bad", []byte(`{}`), ""), 401)
		assert.Len(t, ws.created, before)
	})
	t.Run("the service's error decides the status", func(t *testing.T) {
		for _, c := range []struct {
			err    error
			status int
			code   string
		}{
			{workbench.ErrNotFound, 404, ""},
			{workbench.ErrConflict, 409, ""},
			{access.ErrForbidden, 403, ""},
			{fault.New(fault.Invalid, "name_taken", "workbench: taken"), 400, "name_taken"},
		} {
			ws.err = c.err
			p := requireProblem(t, f.do(t, "GET", "/v1/workspaces/w1", "good", nil, ""), c.status)
			if c.code != "" {
				assert.Equal(t, c.code, p["code"])
			}
		}
		ws.err = fault.At(workbench.ErrInvalid, "research_purpose.uses[0]", "unknown use")
		r := f.do(t, "POST", "/v1/workspaces", "good", []byte(`{"name": "x", "research_purpose": `+purpose+`}`), "")
		requireProblem(t, r, 400)
		assert.Equal(t, []string{"research_purpose.uses[0]"}, problemPaths(t, r))
		ws.err = nil
	})
	t.Run("a definition is parsed and validated before it is counted", func(t *testing.T) {
		r := f.do(t, "POST", "/v1/workspaces/w1/cohorts/count", "good", []byte(`{"includes": [{"items": [{"type": "CONDITION", "searchParameters": [{"conceptId": -1}]}]}]}`), "")
		requireProblem(t, r, 400)
		assert.NotEmpty(t, problemPaths(t, r))
		assert.Empty(t, cohorts.counted)
		r = f.do(t, "POST", "/v1/workspaces/w1/cohorts/count", "good", example(t, "wrist_fracture.json"), "")
		require.Equal(t, 200, r.status, "body: %s", r.body)
		assert.EqualValues(t, 42, r.json(t)["count"])
		require.Len(t, cohorts.counted, 1)
	})
}

// A public server has a release and a schema, no store and no engine: the
// public tier, the dictionary and its documents, nothing else.
func TestPublicServer(t *testing.T) {
	c, _, _ := openGiBleed(t)
	srv, err := server.New(server.Config{}, server.Deps{Release: testcdr.GiBleedRelease(t), Schema: c.Schema()})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	f := &fixture{url: hs.URL}
	for _, path := range []string{"/v1/public/totals", "/v1/dictionary", "/v1/openapi.json", "/healthz"} {
		r := f.do(t, "GET", path, "", nil, "")
		assert.Equal(t, 200, r.status, "%s: %s", path, r.body)
	}
	requireProblem(t, f.do(t, "GET", "/v1/workspaces", "", nil, ""), 404)
	requireProblem(t, f.do(t, "POST", "/v1/register", "", []byte(`{}`), ""), 404)
}
