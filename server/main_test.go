package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/server"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if gibleed.cdr != nil {
		gibleed.cdr.Close()
	}
	os.Exit(code)
}

// gibleed is the indexed GiBleed CDR and its engine, opened once.
var gibleed struct {
	once   sync.Once
	cdr    *cdr.CDR
	engine *engine.Engine
	info   cdr.IndexInfo
}

func openGiBleed(t *testing.T) (*cdr.CDR, *engine.Engine, cdr.IndexInfo) {
	t.Helper()
	gibleed.once.Do(func() {
		c, err := cdr.Open(context.Background(), testcdr.GiBleed(t), cdr.Options{Threads: 2})
		require.NoError(t, err)
		info, ok := c.Index()
		require.True(t, ok)
		eng, err := engine.New(c.DB(), info.VersionID, engine.Options{})
		require.NoError(t, err)
		gibleed.cdr, gibleed.engine, gibleed.info = c, eng, info
	})
	require.NotNil(t, gibleed.engine, "GiBleed did not open")
	return gibleed.cdr, gibleed.engine, gibleed.info
}

// fixture is a running server over GiBleed with a temporary store holding
// users in every state.
type fixture struct {
	url   string
	store *store.Store
	// notebooks is the server's folder of notebooks.
	notebooks string
	// outbox holds what the server sent.
	outbox *outbox
	// Tokens: an approved researcher owning workspace ws, a user who did
	// only the profile step owning workspace pendingWS, and another
	// approved researcher owning otherWS.
	researcher, pending, other string
	researcherID               string
	ws, pendingWS, otherWS     string
}

func newFixture(t *testing.T, cfg server.Config) *fixture {
	t.Helper()
	c, eng, info := openGiBleed(t)
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })

	if cfg.RateLimit == (server.RateLimit{}) {
		cfg.RateLimit = server.RateLimit{Rate: 1e6, Burst: 1 << 20}
	}
	if cfg.RegistrationLimit == (server.RateLimit{}) {
		cfg.RegistrationLimit = server.RateLimit{Rate: 1e6, Burst: 1 << 20}
	}
	notebooks := t.TempDir()
	out := &outbox{}
	srv, err := server.New(cfg, server.Deps{Engine: eng, Store: st, Release: testcdr.GiBleedRelease(t), Schema: c.Schema(), Index: info, NotebookDir: notebooks, Outbox: out})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)

	f := &fixture{url: hs.URL, store: st, notebooks: notebooks, outbox: out}
	admin, err := st.AddUser(ctx, access.User{Email: "admin@example.org", Name: "Admin", Admin: true})
	require.NoError(t, err)
	var researcherID string
	f.researcher, researcherID, f.ws = addUser(t, st, admin.ID, "r@example.org", true)
	f.pending, _, f.pendingWS = addUser(t, st, admin.ID, "p@example.org", false)
	f.other, _, f.otherWS = addUser(t, st, admin.ID, "o@example.org", true)
	f.researcherID = researcherID
	return f
}

// addUser adds a user with a token and a workspace they own; approved
// users have every step of the registered tier, the others the profile.
func addUser(t *testing.T, st *store.Store, adminID, email string, approved bool) (token, id, ws string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	u, err := st.AddUser(ctx, access.User{Email: email})
	require.NoError(t, err)
	recs := []access.Record{{UserID: u.ID, Kind: access.Profile, CompletedAt: now.Add(-time.Hour)}}
	if approved {
		recs = append(recs,
			access.Record{UserID: u.ID, Kind: access.EthicsTraining, CompletedAt: now.Add(-time.Hour)},
			access.Record{UserID: u.ID, Kind: access.CodeOfConduct, CompletedAt: now.Add(-time.Hour), Version: access.DefaultCodeOfConductVersion},
			access.Record{UserID: u.ID, Kind: access.Approval, CompletedAt: now.Add(-time.Hour), By: adminID},
		)
	}
	for _, r := range recs {
		_, err := st.PutRecord(ctx, r)
		require.NoError(t, err)
	}
	token, _, err = st.CreateToken(ctx, u.ID, time.Hour, now)
	require.NoError(t, err)
	w, err := st.CreateWorkspace(ctx, u.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "ws of " + email})
	require.NoError(t, err)
	return token, u.ID, w.ID
}

// response is what a request got back.
type response struct {
	status int
	ctype  string
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v), "body: %s", r.body)
	return v
}

// do sends a request; body is sent as application/json unless ctype says
// otherwise.
func (f *fixture) do(t *testing.T, method, path, token string, body []byte, ctype string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
		if ctype == "" {
			ctype = "application/json"
		}
	}
	req, err := http.NewRequest(method, f.url+path, rd)
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testcdr.Root + "/cohort/testdata/examples/" + name)
	require.NoError(t, err)
	return b
}

// requireProblem checks a problem+json response of the status.
func requireProblem(t *testing.T, r response, status int) map[string]any {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	require.Equal(t, "application/problem+json", r.ctype)
	p := r.json(t)
	require.EqualValues(t, status, p["status"])
	require.NotEmpty(t, p["title"])
	return p
}
