package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/testkit"
)

// t0 is the tests' clock.
var t0 = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)

// clock is a settable clock for Options.Now.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// openAt opens the store of dir with the clock, and closes it when the
// test ends.
func openAt(t *testing.T, dir string, c *clock) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, Options{Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func newStore(t *testing.T) (*Store, *clock) {
	t.Helper()
	c := &clock{now: t0}
	return openAt(t, testkit.StateDir(t), c), c
}

func addUser(t *testing.T, s *Store, email string) access.User {
	t.Helper()
	u, err := s.AddUser(context.Background(), access.User{Email: email, Name: "User " + email})
	require.NoError(t, err)
	return u
}

func TestOpenCreatesAndMigrates(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a", "data")
	c := &clock{now: t0}
	s := openAt(t, dir, c)
	assert.FileExists(t, filepath.Join(dir, FileName))
	assert.Equal(t, filepath.Join(dir, FileName), s.Path())
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice")

	// Opening again applies nothing twice.
	for range 2 {
		s = openAt(t, dir, c)
		var n, v int
		require.NoError(t, s.db.QueryRowContext(ctx, "SELECT count(*), max(version) FROM schema_version").Scan(&n, &v))
		assert.Equal(t, SchemaVersion(), n)
		assert.Equal(t, SchemaVersion(), v)
		require.NoError(t, s.Close())
	}
}

func TestMigrationsNumbered(t *testing.T) {
	ms, err := migrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	for i, m := range ms {
		assert.Equal(t, i+1, m.version, m.name)
	}
	assert.Equal(t, len(ms), SchemaVersion())
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir, &clock{now: t0})
	_, err := s.db.ExecContext(ctx, "INSERT INTO schema_version VALUES (?, 'from_the_future.sql', now())", SchemaVersion()+1)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = Open(ctx, dir, Options{})
	require.ErrorIs(t, err, workbench.ErrInvalid)
	assert.Contains(t, err.Error(), "newer")
}

func TestOpenTwiceInOneProcess(t *testing.T) {
	dir := t.TempDir()
	openAt(t, dir, &clock{now: t0})
	_, err := Open(context.Background(), dir, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already open")
}

func TestOpenNotADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err := Open(context.Background(), file, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "store: ")
}

// TestReopen writes one of everything, closes, reopens and reads it all
// back.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := &clock{now: t0}
	s := openAt(t, dir, c)

	alice := addUser(t, s, "Alice@Example.org")
	bob := addUser(t, s, "bob@example.org")
	require.NoError(t, s.SetAdmin(ctx, alice.ID, true))
	require.NoError(t, s.SetDisabled(ctx, bob.ID, true))
	rec, err := s.PutRecord(ctx, access.Record{UserID: alice.ID, Kind: access.CodeOfConduct, CompletedAt: t0, Version: "1"})
	require.NoError(t, err)
	plain, tok, err := s.CreateToken(ctx, alice.ID, time.Hour, t0)
	require.NoError(t, err)
	w, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{Name: "Bleeding", Description: "d", ResearchPurpose: testkit.Purpose(), Tier: access.Controlled})
	require.NoError(t, err)
	require.NoError(t, s.SetRole(ctx, w.ID, bob.ID, access.Reader))
	co, err := s.CreateCohort(ctx, alice.ID, workbench.Cohort{WorkspaceID: w.ID, Name: "GI bleed", Definition: []byte(`{"includes": []}`)})
	require.NoError(t, err)
	cs, err := s.CreateConceptSet(ctx, alice.ID, workbench.ConceptSet{WorkspaceID: w.ID, Name: "NSAIDs", Definition: []byte(`{"concepts": [1]}`)})
	require.NoError(t, err)
	ar := access.AuditRecord{Time: t0, UserID: alice.ID, Action: access.CohortCount, Workspace: w.ID, Object: co.ID, ResultSize: 1, Allowed: true}
	require.NoError(t, s.AppendAudit(ctx, ar))
	require.NoError(t, s.Close())

	s = openAt(t, dir, c)
	users, err := s.ListUsers(ctx)
	require.NoError(t, err)
	alice.Admin, bob.Disabled = true, true
	assert.Equal(t, []access.User{alice, bob}, users)
	recs, err := s.Records(ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, []access.Record{rec}, recs)
	got, err := s.Authenticate(ctx, plain, t0)
	require.NoError(t, err)
	assert.Equal(t, alice, got)
	toks, err := s.ListTokens(ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Token{tok}, toks)
	gotW, err := s.Workspace(ctx, w.ID)
	require.NoError(t, err)
	assert.Equal(t, w, gotW)
	collabs, err := s.Collaborators(ctx, w.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Collaborator{{UserID: alice.ID, Email: alice.Email, Role: access.Owner}, {UserID: bob.ID, Email: bob.Email, Role: access.Reader}}, collabs)
	gotC, err := s.Cohort(ctx, w.ID, co.ID)
	require.NoError(t, err)
	assert.Equal(t, co, gotC)
	gotCS, err := s.ConceptSet(ctx, w.ID, cs.ID)
	require.NoError(t, err)
	assert.Equal(t, cs, gotCS)
	log, err := s.QueryAudit(ctx, AuditQuery{})
	require.NoError(t, err)
	ar.Time = norm(ar.Time)
	assert.Equal(t, []access.AuditRecord{ar}, log)
}

// TestConcurrentWrites: writes from many goroutines are serialized, none
// is lost, and reads go on meanwhile.
func TestConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u := addUser(t, s, "a@example.org")
	w, err := s.CreateWorkspace(ctx, u.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W"})
	require.NoError(t, err)
	const workers, each = 8, 10
	errs := make(chan error, workers*each*2)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			for j := range each {
				_, err := s.CreateCohort(ctx, u.ID, workbench.Cohort{WorkspaceID: w.ID, Name: fmt.Sprint(i, "-", j), Definition: []byte(`{}`)})
				errs <- err
				_, err = s.ListCohorts(ctx, w.ID)
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	list, err := s.ListCohorts(ctx, w.ID)
	require.NoError(t, err)
	assert.Len(t, list, workers*each)
}
