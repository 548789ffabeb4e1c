package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/testkit"
)

func TestCohorts(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t)
	alice := addUser(t, s, "alice@example.org")
	bob := addUser(t, s, "bob@example.org")
	w, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W"})
	require.NoError(t, err)
	other, err := s.CreateWorkspace(ctx, bob.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "Other"})
	require.NoError(t, err)

	a, err := s.CreateCohort(ctx, alice.ID, workbench.Cohort{WorkspaceID: w.ID, Name: "A", Definition: json.RawMessage("{\n  \"includes\": [ ]\n}")})
	require.NoError(t, err)
	assert.Equal(t, workbench.Cohort{ID: a.ID, WorkspaceID: w.ID, Name: "A", Definition: json.RawMessage(`{"includes":[]}`),
		CreatedBy: alice.ID, CreatedAt: norm(t0), UpdatedBy: alice.ID, UpdatedAt: norm(t0)}, a, "the definition compacted")
	b, err := s.CreateCohort(ctx, alice.ID, workbench.Cohort{WorkspaceID: w.ID, Name: "B", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err)
	_, err = s.CreateCohort(ctx, bob.ID, workbench.Cohort{WorkspaceID: other.ID, Name: "A", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err, "names are unique per workspace only")

	c.Advance(time.Hour)
	a.Name, a.Description, a.Definition = "A2", "renamed", json.RawMessage(`{"includes":[{}]}`)
	updated, err := s.UpdateCohort(ctx, bob.ID, a)
	require.NoError(t, err)
	want := a
	want.UpdatedBy, want.UpdatedAt = bob.ID, norm(c.now)
	assert.Equal(t, want, updated, "who changed it, when")
	a = updated

	_, err = s.CreateCohort(ctx, alice.ID, workbench.Cohort{WorkspaceID: w.ID, Name: "B", Definition: json.RawMessage(`{}`)})
	assert.ErrorIs(t, err, workbench.ErrConflict)
	renamed := a
	renamed.Name = "B"
	_, err = s.UpdateCohort(ctx, alice.ID, renamed)
	assert.ErrorIs(t, err, workbench.ErrConflict)
	_, err = s.Cohort(ctx, other.ID, a.ID)
	assert.ErrorIs(t, err, workbench.ErrNotFound, "a cohort of another workspace")
	_, err = s.UpdateCohort(ctx, alice.ID, workbench.Cohort{WorkspaceID: other.ID, ID: a.ID, Name: "x", Definition: json.RawMessage(`{}`)})
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	assert.ErrorIs(t, s.DeleteCohort(ctx, other.ID, a.ID), workbench.ErrNotFound)

	list, err := s.ListCohorts(ctx, w.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Cohort{a, b}, list, "state unchanged by the refusals")

	require.NoError(t, s.DeleteCohort(ctx, w.ID, b.ID))
	_, err = s.Cohort(ctx, w.ID, b.ID)
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	_, err = s.CreateCohort(ctx, alice.ID, workbench.Cohort{WorkspaceID: w.ID, Name: "B", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err, "a deleted cohort's name is free")
}

func TestSavedBadInput(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	alice := addUser(t, s, "alice@example.org")
	w, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W"})
	require.NoError(t, err)
	cs, err := s.CreateConceptSet(ctx, alice.ID, workbench.ConceptSet{WorkspaceID: w.ID, Name: "NSAIDs", Definition: json.RawMessage(`[1,2]`)})
	require.NoError(t, err)

	tests := []struct {
		name string
		do   func() error
		err  error
	}{
		{"empty name", func() error {
			_, err := s.CreateConceptSet(ctx, alice.ID, workbench.ConceptSet{WorkspaceID: w.ID, Definition: json.RawMessage(`[]`)})
			return err
		}, workbench.ErrInvalid},
		{"no definition", func() error {
			_, err := s.CreateConceptSet(ctx, alice.ID, workbench.ConceptSet{WorkspaceID: w.ID, Name: "x"})
			return err
		}, workbench.ErrInvalid},
		{"bad JSON", func() error {
			_, err := s.CreateCohort(ctx, alice.ID, workbench.Cohort{WorkspaceID: w.ID, Name: "x", Definition: json.RawMessage(`{"includes":`)})
			return err
		}, workbench.ErrInvalid},
		{"duplicate name", func() error {
			_, err := s.CreateConceptSet(ctx, alice.ID, workbench.ConceptSet{WorkspaceID: w.ID, Name: " NSAIDs ", Definition: json.RawMessage(`[]`)})
			return err
		}, workbench.ErrConflict},
		{"unknown workspace", func() error {
			_, err := s.CreateConceptSet(ctx, alice.ID, workbench.ConceptSet{WorkspaceID: "w_nothing", Name: "x", Definition: json.RawMessage(`[]`)})
			return err
		}, workbench.ErrNotFound},
		{"get unknown", func() error { _, err := s.ConceptSet(ctx, w.ID, "cs_nothing"); return err }, workbench.ErrNotFound},
		{"list unknown workspace", func() error { _, err := s.ListConceptSets(ctx, "w_nothing"); return err }, workbench.ErrNotFound},
		{"update unknown", func() error {
			_, err := s.UpdateConceptSet(ctx, alice.ID, workbench.ConceptSet{WorkspaceID: w.ID, ID: "cs_nothing", Name: "x", Definition: json.RawMessage(`[]`)})
			return err
		}, workbench.ErrNotFound},
		{"update bad JSON", func() error {
			bad := cs
			bad.Definition = json.RawMessage(`[`)
			_, err := s.UpdateConceptSet(ctx, alice.ID, bad)
			return err
		}, workbench.ErrInvalid},
		{"delete unknown", func() error { return s.DeleteConceptSet(ctx, w.ID, "cs_nothing") }, workbench.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			require.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), "workbench: ")
			list, err := s.ListConceptSets(ctx, w.ID)
			require.NoError(t, err)
			assert.Equal(t, []workbench.ConceptSet{cs}, list, "state unchanged")
			cohorts, err := s.ListCohorts(ctx, w.ID)
			require.NoError(t, err)
			assert.Empty(t, cohorts, "state unchanged")
		})
	}
}

func TestDuplicateWorkspace(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t)
	alice := addUser(t, s, "alice@example.org")
	bob := addUser(t, s, "bob@example.org")
	w, err := s.CreateWorkspace(ctx, alice.ID, workbench.Workspace{Name: "W", Description: "d", ResearchPurpose: testkit.Purpose(), Tier: access.Controlled})
	require.NoError(t, err)
	require.NoError(t, s.SetRole(ctx, w.ID, bob.ID, access.Reader))
	co, err := s.CreateCohort(ctx, alice.ID, workbench.Cohort{WorkspaceID: w.ID, Name: "C", Description: "cd", Definition: json.RawMessage(`{"a":1}`)})
	require.NoError(t, err)
	cs, err := s.CreateConceptSet(ctx, alice.ID, workbench.ConceptSet{WorkspaceID: w.ID, Name: "S", Definition: json.RawMessage(`[1]`)})
	require.NoError(t, err)

	c.Advance(time.Hour)
	dup, err := s.DuplicateWorkspace(ctx, bob.ID, w.ID, "Copy of W")
	require.NoError(t, err)
	now := norm(c.now)
	assert.NotEqual(t, w.ID, dup.ID)
	assert.Equal(t, workbench.Workspace{ID: dup.ID, Name: "Copy of W", Description: "d", ResearchPurpose: testkit.Purpose(), Tier: access.Controlled,
		CreatedBy: bob.ID, CreatedAt: now, UpdatedBy: bob.ID, UpdatedAt: now}, dup)
	collabs, err := s.Collaborators(ctx, dup.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Collaborator{{UserID: bob.ID, Email: bob.Email, Role: access.Owner}}, collabs, "only the duplicator, as owner")

	cohorts, err := s.ListCohorts(ctx, dup.ID)
	require.NoError(t, err)
	require.Len(t, cohorts, 1)
	assert.NotEqual(t, co.ID, cohorts[0].ID)
	assert.Equal(t, workbench.Cohort{ID: cohorts[0].ID, WorkspaceID: dup.ID, Name: "C", Description: "cd", Definition: co.Definition,
		CreatedBy: bob.ID, CreatedAt: now, UpdatedBy: bob.ID, UpdatedAt: now}, cohorts[0])
	sets, err := s.ListConceptSets(ctx, dup.ID)
	require.NoError(t, err)
	require.Len(t, sets, 1)
	assert.Equal(t, cs.Definition, sets[0].Definition)
	assert.Equal(t, dup.ID, sets[0].WorkspaceID)

	// The copies are independent of the originals.
	require.NoError(t, s.DeleteWorkspace(ctx, w.ID))
	got, err := s.Cohort(ctx, dup.ID, cohorts[0].ID)
	require.NoError(t, err)
	assert.Equal(t, cohorts[0], got)

	_, err = s.DuplicateWorkspace(ctx, bob.ID, w.ID, "again")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	_, err = s.DuplicateWorkspace(ctx, bob.ID, dup.ID, " ")
	assert.ErrorIs(t, err, workbench.ErrInvalid)
	_, err = s.DuplicateWorkspace(ctx, "u_nobody", dup.ID, "x")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	list, err := s.ListWorkspaces(ctx, bob.ID)
	require.NoError(t, err)
	assert.Len(t, list, 1, "state unchanged by the refusals")
}
