package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/testkit"
)

func TestWorkspaces(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t)
	alice := addUser(t, s, "alice@example.org")
	bob := addUser(t, s, "bob@example.org")

	w, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{Name: " Bleeding ", Description: "GI bleeds", ResearchPurpose: testkit.Purpose()})
	require.NoError(t, err)
	assert.Equal(t, workbench.Workspace{ID: w.ID, Name: "Bleeding", Description: "GI bleeds", ResearchPurpose: testkit.Purpose(),
		Tier: access.Registered, CreatedBy: alice.ID, CreatedAt: norm(t0), UpdatedBy: alice.ID, UpdatedAt: norm(t0)}, w)
	role, err := s.RoleOf(ctx, w.ID, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, access.Owner, role, "the creator owns it")

	// Only workspaces where the user holds a role are listed.
	c.Advance(time.Minute)
	w2, err := s.CreateWorkspace(ctx, bob.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "Bob's", Tier: access.Controlled})
	require.NoError(t, err)
	assert.Equal(t, access.Controlled, w2.Tier)
	list, err := s.ListWorkspaces(ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Membership{{Workspace: w, Role: access.Owner}}, list)

	require.NoError(t, s.SetRole(ctx, w.ID, bob.ID, access.Reader))
	require.NoError(t, s.SetRole(ctx, w.ID, bob.ID, access.Writer), "a role replaces the one before")
	role, err = s.RoleOf(ctx, w.ID, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, access.Writer, role)
	list, err = s.ListWorkspaces(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Membership{{Workspace: w2, Role: access.Owner}, {Workspace: w, Role: access.Writer}}, list, "most recently changed first")

	c.Advance(time.Minute)
	_, err = s.UpdateWorkspace(ctx, bob.ID, workbench.Workspace{ID: w.ID, Name: "Bleeds", Description: "upper GI"})
	require.ErrorIs(t, err, workbench.ErrInvalid, "a workspace keeps a research purpose")
	purpose := testkit.Purpose()
	purpose.AnticipatedFindings = " how often bleeds follow "
	updated, err := s.UpdateWorkspace(ctx, bob.ID, workbench.Workspace{ID: w.ID, Name: "Bleeds", Description: "upper GI", ResearchPurpose: purpose, Tier: access.Controlled})
	require.NoError(t, err)
	want := w
	want.Name, want.Description, want.UpdatedBy, want.UpdatedAt = "Bleeds", "upper GI", bob.ID, norm(c.now)
	want.ResearchPurpose.AnticipatedFindings = "how often bleeds follow"
	assert.Equal(t, want, updated, "the tier stays")
	got, err := s.Workspace(ctx, w.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	require.NoError(t, s.RemoveCollaborator(ctx, w.ID, bob.ID))
	role, err = s.RoleOf(ctx, w.ID, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, access.None, role)

	require.NoError(t, s.DeleteWorkspace(ctx, w.ID))
	_, err = s.Workspace(ctx, w.ID)
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	role, err = s.RoleOf(ctx, w.ID, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, access.None, role, "a deleted workspace leaves no role")
	list, err = s.ListWorkspaces(ctx, alice.ID)
	require.NoError(t, err)
	assert.Empty(t, list)
}

func TestWorkspaceOwners(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	alice := addUser(t, s, "alice@example.org")
	bob := addUser(t, s, "bob@example.org")
	w, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W"})
	require.NoError(t, err)

	assert.ErrorIs(t, s.SetRole(ctx, w.ID, alice.ID, access.Writer), workbench.ErrConflict, "demoting the last owner")
	assert.ErrorIs(t, s.RemoveCollaborator(ctx, w.ID, alice.ID), workbench.ErrConflict, "removing the last owner")
	role, err := s.RoleOf(ctx, w.ID, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, access.Owner, role, "state unchanged")

	require.NoError(t, s.SetRole(ctx, w.ID, bob.ID, access.Owner))
	require.NoError(t, s.SetRole(ctx, w.ID, alice.ID, access.Reader), "another owner remains")
	collabs, err := s.Collaborators(ctx, w.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Collaborator{{UserID: bob.ID, Email: bob.Email, Role: access.Owner}, {UserID: alice.ID, Email: alice.Email, Role: access.Reader}}, collabs)
}

func TestWorkspaceBadInput(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	alice := addUser(t, s, "alice@example.org")
	w, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W"})
	require.NoError(t, err)

	tests := []struct {
		name string
		do   func() error
		err  error
	}{
		{"empty name", func() error {
			_, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "  "})
			return err
		}, workbench.ErrInvalid},
		{"bad tier", func() error {
			_, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "x", Tier: 7})
			return err
		}, workbench.ErrInvalid},
		{"unknown creator", func() error {
			_, err := s.CreateWorkspace(ctx, "u_nobody", workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "x"})
			return err
		}, workbench.ErrNotFound},
		{"get unknown", func() error { _, err := s.Workspace(ctx, "w_nothing"); return err }, workbench.ErrNotFound},
		{"update unknown", func() error {
			_, err := s.UpdateWorkspace(ctx, alice.ID, workbench.Workspace{ID: "w_nothing", Name: "x", ResearchPurpose: testkit.Purpose()})
			return err
		}, workbench.ErrNotFound},
		{"update empty name", func() error { _, err := s.UpdateWorkspace(ctx, alice.ID, workbench.Workspace{ID: w.ID}); return err }, workbench.ErrInvalid},
		{"delete unknown", func() error { return s.DeleteWorkspace(ctx, "w_nothing") }, workbench.ErrNotFound},
		{"role in unknown", func() error { return s.SetRole(ctx, "w_nothing", alice.ID, access.Reader) }, workbench.ErrNotFound},
		{"role of unknown user", func() error { return s.SetRole(ctx, w.ID, "u_nobody", access.Reader) }, workbench.ErrNotFound},
		{"role None", func() error { return s.SetRole(ctx, w.ID, alice.ID, access.None) }, workbench.ErrInvalid},
		{"role out of range", func() error { return s.SetRole(ctx, w.ID, alice.ID, 9) }, workbench.ErrInvalid},
		{"remove non-collaborator", func() error { return s.RemoveCollaborator(ctx, w.ID, "u_nobody") }, workbench.ErrNotFound},
		{"collaborators of unknown", func() error { _, err := s.Collaborators(ctx, "w_nothing"); return err }, workbench.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			require.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), "workbench: ")
			list, err := s.ListWorkspaces(ctx, alice.ID)
			require.NoError(t, err)
			assert.Equal(t, []workbench.Membership{{Workspace: w, Role: access.Owner}}, list, "state unchanged")
		})
	}
}
