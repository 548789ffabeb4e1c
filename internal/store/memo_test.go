package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/testkit"
)

// TestMemoSeesEveryChange reads each memoized lookup, changes what it read
// through the store, and reads again: the second read must see the change.
func TestMemoSeesEveryChange(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	owner := addUser(t, s, "owner@example.org")
	other := addUser(t, s, "other@example.org")
	ws, err := s.CreateWorkspace(ctx, owner.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W"})
	require.NoError(t, err)
	token, tok, err := s.CreateToken(ctx, other.ID, time.Hour, t0)
	require.NoError(t, err)
	now := t0.Add(time.Minute)

	cases := []struct {
		name   string
		read   func() (any, error)
		change func() error
	}{
		{"records after a new record", func() (any, error) { return s.Records(ctx, other.ID) }, func() error {
			_, err := s.PutRecord(ctx, access.Record{UserID: other.ID, Kind: access.Profile, CompletedAt: t0})
			return err
		}},
		{"role after sharing", func() (any, error) { return s.RoleOf(ctx, ws.ID, other.ID) }, func() error {
			return s.SetRole(ctx, ws.ID, other.ID, access.Writer)
		}},
		{"role after unsharing", func() (any, error) { return s.RoleOf(ctx, ws.ID, other.ID) }, func() error {
			return s.RemoveCollaborator(ctx, ws.ID, other.ID)
		}},
		{"workspace after renaming", func() (any, error) { return s.Workspace(ctx, ws.ID) }, func() error {
			_, err := s.UpdateWorkspace(ctx, owner.ID, workbench.Workspace{ID: ws.ID, Name: "Renamed", ResearchPurpose: testkit.Purpose()})
			return err
		}},
		{"token's user after becoming admin", func() (any, error) { return s.Authenticate(ctx, token, now) }, func() error {
			return s.SetAdmin(ctx, other.ID, true)
		}},
		{"token after disabling its user", func() (any, error) { return s.Authenticate(ctx, token, now) }, func() error {
			return s.SetDisabled(ctx, other.ID, true)
		}},
		{"token after enabling its user", func() (any, error) { return s.Authenticate(ctx, token, now) }, func() error {
			return s.SetDisabled(ctx, other.ID, false)
		}},
		{"token after revoking it", func() (any, error) { return s.Authenticate(ctx, token, now) }, func() error {
			return s.RevokeToken(ctx, tok.ID, now)
		}},
		{"workspace after deleting it", func() (any, error) { return s.Workspace(ctx, ws.ID) }, func() error {
			return s.DeleteWorkspace(ctx, ws.ID)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, errBefore := c.read()
			again, errAgain := c.read()
			assert.Equal(t, before, again, "a second read without a change")
			assert.Equal(t, errBefore, errAgain)
			require.NoError(t, c.change())
			after, errAfter := c.read()
			assert.False(t, assert.ObjectsAreEqual(before, after) && assert.ObjectsAreEqual(errBefore, errAfter),
				"read %v, %v again after the change", after, errAfter)
		})
	}
}

func TestMemoKeepsExpiryAndAudit(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u := addUser(t, s, "a@example.org")
	token, _, err := s.CreateToken(ctx, u.ID, time.Hour, t0)
	require.NoError(t, err)
	_, err = s.Authenticate(ctx, token, t0)
	require.NoError(t, err)
	_, err = s.Authenticate(ctx, token, t0.Add(time.Hour))
	require.ErrorIs(t, err, ErrTokenExpired, "a memoized token expires on time")

	gen := s.gen.Load()
	require.NoError(t, s.AppendAudit(ctx, access.AuditRecord{Time: t0, UserID: u.ID, Action: access.ViewStatus, Allowed: true}))
	assert.Equal(t, gen, s.gen.Load(), "the audit log is no change of what the lookups read")
	recs, err := s.Records(ctx, u.ID)
	require.NoError(t, err)
	recs = append(recs, access.Record{Kind: access.Approval})
	again, err := s.Records(ctx, u.ID)
	require.NoError(t, err)
	assert.Len(t, again, len(recs)-1, "callers get their own copy")
}

// TestMemoConcurrent reads roles while they change; after the last change
// every read sees it. Run with -race.
func TestMemoConcurrent(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	owner := addUser(t, s, "owner@example.org")
	other := addUser(t, s, "other@example.org")
	ws, err := s.CreateWorkspace(ctx, owner.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := s.RoleOf(ctx, ws.ID, other.ID)
				assert.NoError(t, err)
			}
		})
	}
	roles := []access.Role{access.Reader, access.Writer, access.Owner, access.Reader}
	for _, r := range roles {
		require.NoError(t, s.SetRole(ctx, ws.ID, other.ID, r))
	}
	close(stop)
	wg.Wait()
	role, err := s.RoleOf(ctx, ws.ID, other.ID)
	require.NoError(t, err)
	assert.Equal(t, roles[len(roles)-1], role)
}
