package app_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/jupyter"
)

// labServers records what the app asks the lab's servers to stop.
type labServers struct {
	mu      sync.Mutex
	stopped []string
}

func (s *labServers) record(what string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = append(s.stopped, what)
	return nil
}

func (s *labServers) Stop(k jupyter.Key) error {
	return s.record("user " + k.UserID + " in " + k.WorkspaceID)
}
func (s *labServers) StopWorkspace(ws string) error { return s.record("workspace " + ws) }
func (s *labServers) StopUser(id string) error      { return s.record("user " + id) }

// take returns what was stopped since the last call.
func (s *labServers) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.stopped
	s.stopped = nil
	return out
}

// labApp is an app with notebooks and recorded lab servers over a new
// store, and the context of an administrator.
func labApp(t *testing.T) (*app.App, *store.Store, *labServers, context.Context) {
	t.Helper()
	st, err := store.Open(t.Context(), testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	servers := &labServers{}
	a, err := app.New(app.Config{Store: st, NotebookDir: t.TempDir(), LabServers: servers})
	require.NoError(t, err)
	admin := approvedUser(t, st, "admin@example.org")
	require.NoError(t, st.SetAdmin(t.Context(), admin.ID, true))
	admin.Admin = true
	return a, st, servers, workbench.NewContext(t.Context(), &admin)
}

// approvedUser adds a user of email with every step of the registered
// tier done.
func approvedUser(t *testing.T, st *store.Store, email string) access.User {
	t.Helper()
	u, err := st.AddUser(t.Context(), access.User{Email: email})
	require.NoError(t, err)
	now := time.Now()
	for _, r := range []access.Record{
		{UserID: u.ID, Kind: access.Profile, CompletedAt: now},
		{UserID: u.ID, Kind: access.EthicsTraining, CompletedAt: now},
		{UserID: u.ID, Kind: access.CodeOfConduct, CompletedAt: now, Version: access.DefaultCodeOfConductVersion},
		{UserID: u.ID, Kind: access.Approval, CompletedAt: now, By: "test"},
	} {
		_, err := st.PutRecord(t.Context(), r)
		require.NoError(t, err)
	}
	return u
}

// TestLabsStopWhenTheUserLosesThem: a role taken away (none, or READER),
// a workspace deleted and a user disabled stop the labs concerned, so
// that their open kernels close at once; a role that still opens the lab
// and a user enabled stop nothing.
func TestLabsStopWhenTheUserLosesThem(t *testing.T) {
	a, st, servers, adminCtx := labApp(t)
	owner := approvedUser(t, st, "owner@example.org")
	writer := approvedUser(t, st, "writer@example.org")
	ownerCtx := workbench.NewContext(t.Context(), &owner)
	writerCtx := workbench.NewContext(t.Context(), &writer)
	ws, err := a.Workspaces.CreateWorkspace(ownerCtx, workbench.Workspace{Name: "Labs", ResearchPurpose: workbench.ResearchPurpose{
		IntendedStudy: "Who keeps the lab?", Approach: "Roles changed one by one.", Uses: []workbench.Use{workbench.Educational}}})
	require.NoError(t, err)
	share := func(role access.Role) {
		t.Helper()
		require.NoError(t, a.Workspaces.Share(ownerCtx, ws.ID, writer.Email, role))
	}
	lost := []string{"user " + writer.ID + " in " + ws.ID}

	share(access.Writer)
	_, err = a.Labs.OpenLab(writerCtx, ws.ID)
	require.NoError(t, err, "a writer opens the lab")
	assert.Empty(t, servers.take(), "a role given stops nothing")
	share(access.Owner)
	assert.Empty(t, servers.take(), "a role that opens the lab stops nothing")

	share(access.Reader)
	assert.Equal(t, lost, servers.take(), "made READER")
	_, err = a.Labs.OpenLab(writerCtx, ws.ID)
	assert.Equal(t, fault.Forbidden, fault.KindOf(err), "and refused at the lab's next request")

	share(access.Writer)
	servers.take()
	require.NoError(t, a.Workspaces.Unshare(ownerCtx, ws.ID, writer.Email))
	assert.Equal(t, lost, servers.take(), "unshared")

	require.NoError(t, a.Admin.DisableUser(adminCtx, writer.ID, "left the project"))
	assert.Equal(t, []string{"user " + writer.ID}, servers.take(), "disabled: every lab of the user")
	require.NoError(t, a.Admin.EnableUser(adminCtx, writer.ID, "back"))
	assert.Empty(t, servers.take(), "enabled")

	require.NoError(t, a.Workspaces.DeleteWorkspace(ownerCtx, ws.ID))
	assert.Equal(t, []string{"workspace " + ws.ID}, servers.take(), "deleted: every user's lab of the workspace")

	// A change refused stops nothing.
	assert.Error(t, a.Workspaces.DeleteWorkspace(writerCtx, ws.ID))
	assert.Empty(t, servers.take())
}

// TestLabTokenRevoked: the lab's token is reused while valid; once its
// user revoked it on the account page, the next lab start gets a new
// one, which the API takes.
func TestLabTokenRevoked(t *testing.T) {
	a, st, _, _ := labApp(t)
	u := approvedUser(t, st, "ada@example.org")
	ctx := workbench.NewContext(t.Context(), &u)
	ws, err := a.Workspaces.CreateWorkspace(ctx, workbench.Workspace{Name: "Tokens", ResearchPurpose: workbench.ResearchPurpose{
		IntendedStudy: "Which token does the lab hold?", Approach: "Revoke it and look.", Uses: []workbench.Use{workbench.Educational}}})
	require.NoError(t, err)

	first, err := a.Labs.OpenLab(ctx, ws.ID)
	require.NoError(t, err)
	again, err := a.Labs.OpenLab(ctx, ws.ID)
	require.NoError(t, err)
	assert.Equal(t, first.Token, again.Token, "reused while valid")

	toks, err := a.Tokens.Tokens(ctx)
	require.NoError(t, err)
	require.Len(t, toks, 1, "the lab's token shows on the account page")
	require.NoError(t, a.Tokens.RevokeToken(ctx, toks[0].ID))

	next, err := a.Labs.OpenLab(ctx, ws.ID)
	require.NoError(t, err)
	assert.NotEqual(t, first.Token, next.Token, "a revoked token is never handed out again")
	who, err := st.Authenticate(t.Context(), next.Token, time.Now())
	require.NoError(t, err)
	assert.Equal(t, u.ID, who.ID)
	toks, err = a.Tokens.Tokens(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, len(slices.DeleteFunc(toks, func(tok workbench.Token) bool { return !tok.RevokedAt.IsZero() })), "one valid token")
}
