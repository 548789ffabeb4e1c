package store

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/testkit"
)

func TestDatasets(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	s := f.s
	cs, err := s.CreateConceptSet(ctx, f.user.ID, workbench.ConceptSet{WorkspaceID: f.w.ID, Name: "S", Definition: json.RawMessage(`[1]`)})
	require.NoError(t, err)
	cols := map[cohort.Domain][]string{cohort.DomainPerson: {"person_id", "gender"}, cohort.DomainCondition: {"condition_concept_id"}}
	d, err := s.CreateDataset(ctx, f.user.ID, workbench.Dataset{WorkspaceID: f.w.ID, Name: " D ", CohortIDs: []string{f.cohort.ID},
		ConceptSetIDs: []string{cs.ID}, Columns: cols})
	require.NoError(t, err)
	assert.Equal(t, workbench.Dataset{ID: d.ID, WorkspaceID: f.w.ID, Name: "D", CohortIDs: []string{f.cohort.ID}, ConceptSetIDs: []string{cs.ID},
		Columns: cols, CreatedBy: f.user.ID, CreatedAt: norm(t0), UpdatedBy: f.user.ID, UpdatedAt: norm(t0)}, d)

	// A cohort or concept set in use cannot be deleted.
	require.ErrorIs(t, s.DeleteCohort(ctx, f.w.ID, f.cohort.ID), workbench.ErrConflict)
	require.ErrorIs(t, s.DeleteConceptSet(ctx, f.w.ID, cs.ID), workbench.ErrConflict)
	_, err = s.Cohort(ctx, f.w.ID, f.cohort.ID)
	require.NoError(t, err, "state unchanged")

	f.c.Advance(time.Minute)
	d.ConceptSetIDs, d.Columns = nil, map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}}
	updated, err := s.UpdateDataset(ctx, f.user.ID, d)
	require.NoError(t, err)
	want := d
	want.UpdatedAt = norm(f.c.now)
	assert.Equal(t, want, updated)
	require.NoError(t, s.DeleteConceptSet(ctx, f.w.ID, cs.ID), "no longer used")

	// Duplicating maps the dataset onto the copied cohort.
	dup, err := s.DuplicateWorkspace(ctx, f.user.ID, f.w.ID, "copy")
	require.NoError(t, err)
	cohorts, err := s.ListCohorts(ctx, dup.ID)
	require.NoError(t, err)
	ds, err := s.ListDatasets(ctx, dup.ID)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, []string{cohorts[0].ID}, ds[0].CohortIDs)
	assert.Equal(t, d.Columns, ds[0].Columns)

	// Everything is there after reopening.
	require.NoError(t, s.Close())
	s = openAt(t, f.dir, f.c)
	got, err := s.Dataset(ctx, f.w.ID, d.ID)
	require.NoError(t, err)
	assert.Equal(t, updated, got)

	require.NoError(t, s.DeleteDataset(ctx, f.w.ID, d.ID))
	_, err = s.Dataset(ctx, f.w.ID, d.ID)
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	require.NoError(t, s.DeleteCohort(ctx, f.w.ID, f.cohort.ID), "no longer used")
}

func TestDatasetBadInput(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	s := f.s
	ok := workbench.Dataset{WorkspaceID: f.w.ID, Name: "D", CohortIDs: []string{f.cohort.ID}, Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}}}
	d, err := s.CreateDataset(ctx, f.user.ID, ok)
	require.NoError(t, err)
	other, err := s.CreateWorkspace(ctx, f.user.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "other"})
	require.NoError(t, err)
	foreign, err := s.CreateCohort(ctx, f.user.ID, workbench.Cohort{WorkspaceID: other.ID, Name: "F", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err)

	with := func(change func(*workbench.Dataset)) workbench.Dataset {
		v := ok
		v.Name = "E"
		change(&v)
		return v
	}
	tests := []struct {
		name string
		d    workbench.Dataset
		err  error
	}{
		{"duplicate name", with(func(v *workbench.Dataset) { v.Name = "D" }), workbench.ErrConflict},
		{"no name", with(func(v *workbench.Dataset) { v.Name = "" }), workbench.ErrInvalid},
		{"no cohort", with(func(v *workbench.Dataset) { v.CohortIDs = nil }), workbench.ErrInvalid},
		{"cohort twice", with(func(v *workbench.Dataset) { v.CohortIDs = []string{f.cohort.ID, f.cohort.ID} }), workbench.ErrInvalid},
		{"no columns", with(func(v *workbench.Dataset) { v.Columns = nil }), workbench.ErrInvalid},
		{"domain without columns", with(func(v *workbench.Dataset) { v.Columns = map[cohort.Domain][]string{cohort.DomainPerson: nil} }), workbench.ErrInvalid},
		{"empty column", with(func(v *workbench.Dataset) { v.Columns = map[cohort.Domain][]string{cohort.DomainPerson: {""}} }), workbench.ErrInvalid},
		{"cohort of another workspace", with(func(v *workbench.Dataset) { v.CohortIDs = []string{foreign.ID} }), workbench.ErrNotFound},
		{"unknown concept set", with(func(v *workbench.Dataset) { v.ConceptSetIDs = []string{"cs_nothing"} }), workbench.ErrNotFound},
		{"unknown workspace", with(func(v *workbench.Dataset) { v.WorkspaceID = "w_nothing" }), workbench.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateDataset(ctx, f.user.ID, tc.d)
			require.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), "workbench: ")
			ds, err := s.ListDatasets(ctx, f.w.ID)
			require.NoError(t, err)
			assert.Equal(t, []workbench.Dataset{d}, ds, "state unchanged")
		})
	}
	_, err = s.UpdateDataset(ctx, f.user.ID, workbench.Dataset{WorkspaceID: f.w.ID, ID: "d_nothing", Name: "x", CohortIDs: ok.CohortIDs, Columns: ok.Columns})
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	assert.ErrorIs(t, s.DeleteDataset(ctx, other.ID, d.ID), workbench.ErrNotFound)
}

// TestMigrateDatasetDomains writes datasets as version 9 kept them, their
// domains in lower case, and opens the file again: migration 10 spells
// the domains in upper case and keeps everything else.
func TestMigrateDatasetDomains(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	s := f.s
	cs, err := s.CreateConceptSet(ctx, f.user.ID, workbench.ConceptSet{WorkspaceID: f.w.ID, Name: "S", Definition: json.RawMessage(`[1]`)})
	require.NoError(t, err)
	cases := []struct {
		name, old   string // the selection in version 9's form
		conceptSets []string
		columns     map[cohort.Domain][]string
	}{
		{"Both", fmt.Sprintf(`{"cohort_ids":[%q],"concept_set_ids":[%q],"columns":{"person":["person_id","year_of_birth"],"condition":["condition_concept_id","condition_start_date"],"death":["death_date"]}}`, f.cohort.ID, cs.ID),
			[]string{cs.ID}, map[cohort.Domain][]string{cohort.DomainPerson: {"person_id", "year_of_birth"},
				cohort.DomainCondition: {"condition_concept_id", "condition_start_date"}, cohort.DomainDeath: {"death_date"}}},
		{"No concept set", fmt.Sprintf(`{"cohort_ids":[%q],"concept_set_ids":null,"columns":{"measurement":["value_as_number"]}}`, f.cohort.ID),
			nil, map[cohort.Domain][]string{cohort.DomainMeasurement: {"value_as_number"}}},
	}
	want := map[string]workbench.Dataset{}
	for _, c := range cases {
		d, err := s.CreateDataset(ctx, f.user.ID, workbench.Dataset{WorkspaceID: f.w.ID, Name: c.name, Description: "about " + c.name,
			CohortIDs: []string{f.cohort.ID}, Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}}})
		require.NoError(t, err)
		_, err = s.db.ExecContext(ctx, "UPDATE datasets SET selection = ? WHERE id = ?", c.old, d.ID)
		require.NoError(t, err)
		d.ConceptSetIDs, d.Columns = c.conceptSets, c.columns
		want[d.Name] = d
	}
	_, err = s.db.ExecContext(ctx, "DELETE FROM schema_version WHERE version > 9")
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = openAt(t, f.dir, f.c)
	got, err := s.ListDatasets(ctx, f.w.ID)
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for _, d := range got {
		assert.Equal(t, want[d.Name], d)
	}
}
