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

// reviewFixture is a workspace with a cohort, a review of 4 participants
// and one annotation field of each type.
type reviewFixture struct {
	s      *Store
	c      *clock
	dir    string
	user   access.User
	w      workbench.Workspace
	cohort workbench.Cohort
	review workbench.Review
	fields map[workbench.FieldType]workbench.AnnotationField
}

func newReviewFixture(t *testing.T) *reviewFixture {
	t.Helper()
	ctx := context.Background()
	f := &reviewFixture{c: &clock{now: t0}, dir: testkit.StateDir(t), fields: map[workbench.FieldType]workbench.AnnotationField{}}
	f.s = openAt(t, f.dir, f.c)
	f.user = addUser(t, f.s, "rev@example.org")
	var err error
	f.w, err = f.s.CreateWorkspace(ctx, f.user.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W"})
	require.NoError(t, err)
	f.cohort, err = f.s.CreateCohort(ctx, f.user.ID, workbench.Cohort{WorkspaceID: f.w.ID, Name: "C", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err)
	f.review, err = f.s.CreateReview(ctx, f.user.ID, workbench.Review{WorkspaceID: f.w.ID, CohortID: f.cohort.ID, Name: "R", Seed: 7, CDRVersion: "v1"},
		[]int64{40, 10, 30, 20})
	require.NoError(t, err)
	for _, field := range []workbench.AnnotationField{
		{Name: "note", Type: workbench.StringField},
		{Name: "severity", Type: workbench.EnumField, EnumValues: []string{"mild", "severe"}},
		{Name: "onset", Type: workbench.DateField},
		{Name: "confirmed", Type: workbench.BooleanField},
		{Name: "visits", Type: workbench.IntegerField},
	} {
		field.CohortID = f.cohort.ID
		got, err := f.s.CreateAnnotationField(ctx, f.w.ID, field)
		require.NoError(t, err)
		f.fields[field.Type] = got
	}
	return f
}

func TestReview(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	s := f.s
	assert.Equal(t, workbench.Review{ID: f.review.ID, WorkspaceID: f.w.ID, CohortID: f.cohort.ID, Name: "R", Seed: 7, CDRVersion: "v1", Size: 4,
		CreatedBy: f.user.ID, CreatedAt: norm(t0)}, f.review)

	ps, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
	require.NoError(t, err)
	assert.Equal(t, []workbench.Participant{{PersonID: 10, Status: workbench.NotReviewed}, {PersonID: 20, Status: workbench.NotReviewed},
		{PersonID: 30, Status: workbench.NotReviewed}, {PersonID: 40, Status: workbench.NotReviewed}}, ps)

	f.c.Advance(time.Minute)
	require.NoError(t, s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 30, workbench.Included))
	require.NoError(t, s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 10, workbench.Excluded))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[workbench.EnumField].ID, json.RawMessage(`"severe"`)))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[workbench.IntegerField].ID, json.RawMessage(` 12 `)))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[workbench.IntegerField].ID, json.RawMessage(`13`)), "a value replaces the one before")
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[workbench.StringField].ID, json.RawMessage(`"x"`)))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[workbench.StringField].ID, json.RawMessage(`null`)), "null clears")
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 20, f.fields[workbench.DateField].ID, json.RawMessage(`"2025-12-31"`)))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 20, f.fields[workbench.BooleanField].ID, json.RawMessage(`true`)))

	included := workbench.Participant{PersonID: 30, Status: workbench.Included, UpdatedBy: f.user.ID, UpdatedAt: norm(f.c.now), Annotations: map[string]json.RawMessage{
		f.fields[workbench.EnumField].ID: json.RawMessage(`"severe"`), f.fields[workbench.IntegerField].ID: json.RawMessage(`13`)}}
	ps, err = s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{Status: workbench.Included})
	require.NoError(t, err)
	assert.Equal(t, []workbench.Participant{included}, ps)

	ps, err = s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{Offset: 1, Limit: 2})
	require.NoError(t, err)
	second := workbench.Participant{PersonID: 20, Status: workbench.NotReviewed, Annotations: map[string]json.RawMessage{
		f.fields[workbench.DateField].ID: json.RawMessage(`"2025-12-31"`), f.fields[workbench.BooleanField].ID: json.RawMessage(`true`)}}
	assert.Equal(t, []workbench.Participant{second, included}, ps, "a page, by person id")

	for status, want := range map[workbench.ReviewStatus]int{"": 4, workbench.NotReviewed: 2, workbench.Included: 1, workbench.Excluded: 1, workbench.NeedsFurtherReview: 0} {
		n, err := s.CountParticipants(ctx, f.w.ID, f.review.ID, status)
		require.NoError(t, err)
		assert.Equal(t, want, n, "status %q", status)
	}
	_, err = s.CountParticipants(ctx, f.w.ID, f.review.ID, "MAYBE")
	assert.ErrorIs(t, err, workbench.ErrInvalid)
	_, err = s.CountParticipants(ctx, f.w.ID, "r_none", "")
	assert.ErrorIs(t, err, workbench.ErrNotFound)

	one, err := s.Participant(ctx, f.w.ID, f.review.ID, 30)
	require.NoError(t, err)
	assert.Equal(t, included, one)
	_, err = s.Participant(ctx, f.w.ID, f.review.ID, 31)
	assert.ErrorIs(t, err, workbench.ErrNotFound, "a person not in the review")
	_, err = s.Participant(ctx, f.w.ID, "r_none", 30)
	assert.ErrorIs(t, err, workbench.ErrNotFound, "a review not in the workspace")

	// Everything is there after reopening.
	all, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
	require.NoError(t, err)
	fields, err := s.AnnotationFields(ctx, f.w.ID, f.cohort.ID)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s = openAt(t, f.dir, f.c)
	again, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
	require.NoError(t, err)
	assert.Equal(t, all, again)
	fieldsAgain, err := s.AnnotationFields(ctx, f.w.ID, f.cohort.ID)
	require.NoError(t, err)
	assert.Equal(t, fields, fieldsAgain)
	assert.Equal(t, []workbench.FieldType{workbench.StringField, workbench.EnumField, workbench.DateField, workbench.BooleanField, workbench.IntegerField},
		[]workbench.FieldType{fields[0].Type, fields[1].Type, fields[2].Type, fields[3].Type, fields[4].Type}, "in the order added")
	reviews, err := s.ListReviews(ctx, f.w.ID, f.cohort.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Review{f.review}, reviews)

	// A deleted cohort takes its reviews and fields along.
	require.NoError(t, s.DeleteCohort(ctx, f.w.ID, f.cohort.ID))
	_, err = s.Review(ctx, f.w.ID, f.review.ID)
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	for _, table := range []string{"reviews", "review_participants", "annotation_fields", "annotation_values"} {
		var n int
		require.NoError(t, s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n))
		assert.Zero(t, n, table)
	}
}

func TestAnnotationBadValues(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	s := f.s
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 10, f.fields[workbench.EnumField].ID, json.RawMessage(`"mild"`)))
	before, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
	require.NoError(t, err)

	tests := []struct {
		name   string
		field  workbench.FieldType
		person int64
		value  string
		err    error
		msg    string
	}{
		{"enum not in list", workbench.EnumField, 10, `"moderate"`, workbench.ErrInvalid, "want one of mild, severe"},
		{"enum not a string", workbench.EnumField, 10, `1`, workbench.ErrInvalid, "want a string"},
		{"string as number", workbench.StringField, 10, `5`, workbench.ErrInvalid, "want a string"},
		{"date not a date", workbench.DateField, 10, `"31/12/2025"`, workbench.ErrInvalid, "want a date"},
		{"date as number", workbench.DateField, 10, `20251231`, workbench.ErrInvalid, "want a string"},
		{"boolean as string", workbench.BooleanField, 10, `"true"`, workbench.ErrInvalid, "want true or false"},
		{"integer with fraction", workbench.IntegerField, 10, `1.5`, workbench.ErrInvalid, "want an integer"},
		{"integer as string", workbench.IntegerField, 10, `"3"`, workbench.ErrInvalid, "want an integer"},
		{"integer too large", workbench.IntegerField, 10, `99999999999999999999`, workbench.ErrInvalid, "want an integer"},
		{"not JSON", workbench.StringField, 10, `abc`, workbench.ErrInvalid, "want JSON"},
		{"empty", workbench.StringField, 10, ``, workbench.ErrInvalid, "want JSON"},
		{"unknown participant", workbench.StringField, 11, `"x"`, workbench.ErrNotFound, "participant 11"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, tc.person, f.fields[tc.field].ID, json.RawMessage(tc.value))
			require.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), "workbench: ")
			after, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
			require.NoError(t, err)
			assert.Equal(t, before, after, "state unchanged")
		})
	}

	// A field of another cohort, and a review of another workspace.
	other, err := s.CreateCohort(ctx, f.user.ID, workbench.Cohort{WorkspaceID: f.w.ID, Name: "other", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err)
	foreign, err := s.CreateAnnotationField(ctx, f.w.ID, workbench.AnnotationField{CohortID: other.ID, Name: "note", Type: workbench.StringField})
	require.NoError(t, err)
	err = s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 10, foreign.ID, json.RawMessage(`"x"`))
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	w2, err := s.CreateWorkspace(ctx, f.user.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "W2"})
	require.NoError(t, err)
	err = s.SetAnnotation(ctx, f.user.ID, w2.ID, f.review.ID, 10, f.fields[workbench.StringField].ID, json.RawMessage(`"x"`))
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	assert.ErrorIs(t, s.SetStatus(ctx, f.user.ID, w2.ID, f.review.ID, 10, workbench.Included), workbench.ErrNotFound)
	_, err = s.Participants(ctx, w2.ID, f.review.ID, ParticipantQuery{})
	assert.ErrorIs(t, err, workbench.ErrNotFound)
}

func TestReviewBadInput(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	s := f.s
	r := workbench.Review{WorkspaceID: f.w.ID, CohortID: f.cohort.ID, Name: "x"}
	big := make([]int64, workbench.MaxReviewSize+1)
	for i := range big {
		big[i] = int64(i)
	}
	tests := []struct {
		name string
		do   func() error
		err  error
	}{
		{"too many participants", func() error { _, err := s.CreateReview(ctx, f.user.ID, r, big); return err }, workbench.ErrInvalid},
		{"participant twice", func() error { _, err := s.CreateReview(ctx, f.user.ID, r, []int64{1, 2, 1}); return err }, workbench.ErrInvalid},
		{"no name", func() error {
			_, err := s.CreateReview(ctx, f.user.ID, workbench.Review{WorkspaceID: f.w.ID, CohortID: f.cohort.ID}, nil)
			return err
		}, workbench.ErrInvalid},
		{"unknown cohort", func() error {
			_, err := s.CreateReview(ctx, f.user.ID, workbench.Review{WorkspaceID: f.w.ID, CohortID: "c_nothing", Name: "x"}, nil)
			return err
		}, workbench.ErrNotFound},
		{"bad status", func() error { return s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 10, "MAYBE") }, workbench.ErrInvalid},
		{"status of unknown participant", func() error { return s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 11, workbench.Included) }, workbench.ErrNotFound},
		{"bad status filter", func() error {
			_, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{Status: "MAYBE"})
			return err
		}, workbench.ErrInvalid},
		{"duplicate field", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, workbench.AnnotationField{CohortID: f.cohort.ID, Name: "note", Type: workbench.IntegerField})
			return err
		}, workbench.ErrConflict},
		{"enum without values", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, workbench.AnnotationField{CohortID: f.cohort.ID, Name: "e", Type: workbench.EnumField})
			return err
		}, workbench.ErrInvalid},
		{"enum value twice", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, workbench.AnnotationField{CohortID: f.cohort.ID, Name: "e", Type: workbench.EnumField, EnumValues: []string{"a", "a"}})
			return err
		}, workbench.ErrInvalid},
		{"values on a string field", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, workbench.AnnotationField{CohortID: f.cohort.ID, Name: "e", Type: workbench.StringField, EnumValues: []string{"a"}})
			return err
		}, workbench.ErrInvalid},
		{"unknown type", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, workbench.AnnotationField{CohortID: f.cohort.ID, Name: "e", Type: "FLOAT"})
			return err
		}, workbench.ErrInvalid},
		{"delete unknown field", func() error { return s.DeleteAnnotationField(ctx, f.w.ID, f.cohort.ID, "af_nothing") }, workbench.ErrNotFound},
		{"delete unknown review", func() error { return s.DeleteReview(ctx, f.w.ID, "r_nothing") }, workbench.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.do(), tc.err)
			reviews, err := s.ListReviews(ctx, f.w.ID, f.cohort.ID)
			require.NoError(t, err)
			assert.Equal(t, []workbench.Review{f.review}, reviews, "state unchanged")
			fields, err := s.AnnotationFields(ctx, f.w.ID, f.cohort.ID)
			require.NoError(t, err)
			assert.Len(t, fields, 5, "state unchanged")
		})
	}

	// The largest review, and deleting it.
	full, err := s.CreateReview(ctx, f.user.ID, r, big[:workbench.MaxReviewSize])
	require.NoError(t, err)
	assert.Equal(t, workbench.MaxReviewSize, full.Size)
	page, err := s.Participants(ctx, f.w.ID, full.ID, ParticipantQuery{Offset: workbench.MaxReviewSize - 1})
	require.NoError(t, err)
	assert.Equal(t, []workbench.Participant{{PersonID: workbench.MaxReviewSize - 1, Status: workbench.NotReviewed}}, page)
	require.NoError(t, s.DeleteReview(ctx, f.w.ID, full.ID))
	require.NoError(t, s.DeleteAnnotationField(ctx, f.w.ID, f.cohort.ID, f.fields[workbench.StringField].ID))
	fields, err := s.AnnotationFields(ctx, f.w.ID, f.cohort.ID)
	require.NoError(t, err)
	assert.Len(t, fields, 4)
}

// TestMigrateFromVersion1 takes a file back to version 1 and opens it:
// the later migrations apply.
func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	_, err := f.s.db.ExecContext(ctx, `DROP TABLE reviews; DROP TABLE review_participants; DROP TABLE annotation_fields;
		DROP TABLE annotation_values; DROP TABLE datasets; DROP TABLE help_requests; DROP TABLE passwords; DROP TABLE sessions;
		DROP TABLE sign_in_links; DROP TABLE profiles; DROP TABLE conduct_signatures; DROP TABLE circe_cohorts; DROP TABLE oidc_identities;
		DELETE FROM schema_version WHERE version > 1`)
	require.NoError(t, err)
	require.NoError(t, f.s.Close())
	s := openAt(t, f.dir, f.c)
	var v int
	require.NoError(t, s.db.QueryRowContext(ctx, "SELECT max(version) FROM schema_version").Scan(&v))
	assert.Equal(t, SchemaVersion(), v)
	reviews, err := s.ListReviews(ctx, f.w.ID, f.cohort.ID)
	require.NoError(t, err)
	assert.Empty(t, reviews)
	cohorts, err := s.ListCohorts(ctx, f.w.ID)
	require.NoError(t, err)
	assert.Len(t, cohorts, 1, "version 1's data stays")
}

func TestDuplicateWorkspaceWithReviews(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	s := f.s
	require.NoError(t, s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 30, workbench.Included))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[workbench.EnumField].ID, json.RawMessage(`"severe"`)))
	before, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
	require.NoError(t, err)

	dup, err := s.DuplicateWorkspace(ctx, f.user.ID, f.w.ID, "copy")
	require.NoError(t, err)
	cohorts, err := s.ListCohorts(ctx, dup.ID)
	require.NoError(t, err)
	require.Len(t, cohorts, 1)
	fields, err := s.AnnotationFields(ctx, dup.ID, cohorts[0].ID)
	require.NoError(t, err)
	require.Len(t, fields, 5)
	newField := map[string]string{} // original field id -> copy's
	for i, orig := range []workbench.FieldType{workbench.StringField, workbench.EnumField, workbench.DateField, workbench.BooleanField, workbench.IntegerField} {
		assert.Equal(t, f.fields[orig].Name, fields[i].Name, "fields in order")
		assert.Equal(t, f.fields[orig].EnumValues, fields[i].EnumValues)
		newField[f.fields[orig].ID] = fields[i].ID
	}
	reviews, err := s.ListReviews(ctx, dup.ID, cohorts[0].ID)
	require.NoError(t, err)
	require.Len(t, reviews, 1)
	assert.Equal(t, workbench.Review{ID: reviews[0].ID, WorkspaceID: dup.ID, CohortID: cohorts[0].ID, Name: "R", Seed: 7, CDRVersion: "v1", Size: 4,
		CreatedBy: f.user.ID, CreatedAt: norm(f.c.now)}, reviews[0])
	copied, err := s.Participants(ctx, dup.ID, reviews[0].ID, ParticipantQuery{})
	require.NoError(t, err)
	for i := range before {
		if before[i].Annotations != nil {
			renamed := map[string]json.RawMessage{}
			for id, v := range before[i].Annotations {
				renamed[newField[id]] = v
			}
			before[i].Annotations = renamed
		}
	}
	assert.Equal(t, before, copied, "statuses and values, on the copied fields")

	// The copy is independent: deleting the original leaves it whole.
	require.NoError(t, s.DeleteWorkspace(ctx, f.w.ID))
	again, err := s.Participants(ctx, dup.ID, reviews[0].ID, ParticipantQuery{})
	require.NoError(t, err)
	assert.Equal(t, copied, again)
}
