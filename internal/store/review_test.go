package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
)

// reviewFixture is a workspace with a cohort, a review of 4 participants
// and one annotation field of each type.
type reviewFixture struct {
	s      *Store
	c      *clock
	dir    string
	user   access.User
	w      Workspace
	cohort Cohort
	review Review
	fields map[FieldType]AnnotationField
}

func newReviewFixture(t *testing.T) *reviewFixture {
	t.Helper()
	ctx := context.Background()
	f := &reviewFixture{c: &clock{now: t0}, dir: t.TempDir(), fields: map[FieldType]AnnotationField{}}
	f.s = openAt(t, f.dir, f.c)
	f.user = addUser(t, f.s, "rev@example.org")
	var err error
	f.w, err = f.s.CreateWorkspace(ctx, f.user.ID, Workspace{Name: "W"})
	require.NoError(t, err)
	f.cohort, err = f.s.CreateCohort(ctx, f.user.ID, Cohort{WorkspaceID: f.w.ID, Name: "C", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err)
	f.review, err = f.s.CreateReview(ctx, f.user.ID, Review{WorkspaceID: f.w.ID, CohortID: f.cohort.ID, Name: "R", Seed: 7, CDRVersion: "v1"},
		[]int64{40, 10, 30, 20})
	require.NoError(t, err)
	for _, field := range []AnnotationField{
		{Name: "note", Type: StringField},
		{Name: "severity", Type: EnumField, EnumValues: []string{"mild", "severe"}},
		{Name: "onset", Type: DateField},
		{Name: "confirmed", Type: BooleanField},
		{Name: "visits", Type: IntegerField},
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
	assert.Equal(t, Review{ID: f.review.ID, WorkspaceID: f.w.ID, CohortID: f.cohort.ID, Name: "R", Seed: 7, CDRVersion: "v1", Size: 4,
		CreatedBy: f.user.ID, CreatedAt: norm(t0)}, f.review)

	ps, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
	require.NoError(t, err)
	assert.Equal(t, []Participant{{PersonID: 10, Status: NotReviewed}, {PersonID: 20, Status: NotReviewed},
		{PersonID: 30, Status: NotReviewed}, {PersonID: 40, Status: NotReviewed}}, ps)

	f.c.Advance(time.Minute)
	require.NoError(t, s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 30, Included))
	require.NoError(t, s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 10, Excluded))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[EnumField].ID, json.RawMessage(`"severe"`)))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[IntegerField].ID, json.RawMessage(` 12 `)))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[IntegerField].ID, json.RawMessage(`13`)), "a value replaces the one before")
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[StringField].ID, json.RawMessage(`"x"`)))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[StringField].ID, json.RawMessage(`null`)), "null clears")
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 20, f.fields[DateField].ID, json.RawMessage(`"2025-12-31"`)))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 20, f.fields[BooleanField].ID, json.RawMessage(`true`)))

	included := Participant{PersonID: 30, Status: Included, UpdatedBy: f.user.ID, UpdatedAt: norm(f.c.now), Annotations: map[string]json.RawMessage{
		f.fields[EnumField].ID: json.RawMessage(`"severe"`), f.fields[IntegerField].ID: json.RawMessage(`13`)}}
	ps, err = s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{Status: Included})
	require.NoError(t, err)
	assert.Equal(t, []Participant{included}, ps)

	ps, err = s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{Offset: 1, Limit: 2})
	require.NoError(t, err)
	second := Participant{PersonID: 20, Status: NotReviewed, Annotations: map[string]json.RawMessage{
		f.fields[DateField].ID: json.RawMessage(`"2025-12-31"`), f.fields[BooleanField].ID: json.RawMessage(`true`)}}
	assert.Equal(t, []Participant{second, included}, ps, "a page, by person id")

	for status, want := range map[ReviewStatus]int{"": 4, NotReviewed: 2, Included: 1, Excluded: 1, NeedsFurtherReview: 0} {
		n, err := s.CountParticipants(ctx, f.w.ID, f.review.ID, status)
		require.NoError(t, err)
		assert.Equal(t, want, n, "status %q", status)
	}
	_, err = s.CountParticipants(ctx, f.w.ID, f.review.ID, "MAYBE")
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = s.CountParticipants(ctx, f.w.ID, "r_none", "")
	assert.ErrorIs(t, err, ErrNotFound)

	one, err := s.Participant(ctx, f.w.ID, f.review.ID, 30)
	require.NoError(t, err)
	assert.Equal(t, included, one)
	_, err = s.Participant(ctx, f.w.ID, f.review.ID, 31)
	assert.ErrorIs(t, err, ErrNotFound, "a person not in the review")
	_, err = s.Participant(ctx, f.w.ID, "r_none", 30)
	assert.ErrorIs(t, err, ErrNotFound, "a review not in the workspace")

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
	assert.Equal(t, []FieldType{StringField, EnumField, DateField, BooleanField, IntegerField},
		[]FieldType{fields[0].Type, fields[1].Type, fields[2].Type, fields[3].Type, fields[4].Type}, "in the order added")
	reviews, err := s.ListReviews(ctx, f.w.ID, f.cohort.ID)
	require.NoError(t, err)
	assert.Equal(t, []Review{f.review}, reviews)

	// A deleted cohort takes its reviews and fields along.
	require.NoError(t, s.DeleteCohort(ctx, f.w.ID, f.cohort.ID))
	_, err = s.Review(ctx, f.w.ID, f.review.ID)
	assert.ErrorIs(t, err, ErrNotFound)
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
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 10, f.fields[EnumField].ID, json.RawMessage(`"mild"`)))
	before, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
	require.NoError(t, err)

	tests := []struct {
		name   string
		field  FieldType
		person int64
		value  string
		err    error
		msg    string
	}{
		{"enum not in list", EnumField, 10, `"moderate"`, ErrInvalid, "want one of mild, severe"},
		{"enum not a string", EnumField, 10, `1`, ErrInvalid, "want a string"},
		{"string as number", StringField, 10, `5`, ErrInvalid, "want a string"},
		{"date not a date", DateField, 10, `"31/12/2025"`, ErrInvalid, "want a date"},
		{"date as number", DateField, 10, `20251231`, ErrInvalid, "want a string"},
		{"boolean as string", BooleanField, 10, `"true"`, ErrInvalid, "want true or false"},
		{"integer with fraction", IntegerField, 10, `1.5`, ErrInvalid, "want an integer"},
		{"integer as string", IntegerField, 10, `"3"`, ErrInvalid, "want an integer"},
		{"integer too large", IntegerField, 10, `99999999999999999999`, ErrInvalid, "want an integer"},
		{"not JSON", StringField, 10, `abc`, ErrInvalid, "want JSON"},
		{"empty", StringField, 10, ``, ErrInvalid, "want JSON"},
		{"unknown participant", StringField, 11, `"x"`, ErrNotFound, "participant 11"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, tc.person, f.fields[tc.field].ID, json.RawMessage(tc.value))
			require.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Contains(t, err.Error(), "store: ")
			after, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{})
			require.NoError(t, err)
			assert.Equal(t, before, after, "state unchanged")
		})
	}

	// A field of another cohort, and a review of another workspace.
	other, err := s.CreateCohort(ctx, f.user.ID, Cohort{WorkspaceID: f.w.ID, Name: "other", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err)
	foreign, err := s.CreateAnnotationField(ctx, f.w.ID, AnnotationField{CohortID: other.ID, Name: "note", Type: StringField})
	require.NoError(t, err)
	err = s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 10, foreign.ID, json.RawMessage(`"x"`))
	assert.ErrorIs(t, err, ErrNotFound)
	w2, err := s.CreateWorkspace(ctx, f.user.ID, Workspace{Name: "W2"})
	require.NoError(t, err)
	err = s.SetAnnotation(ctx, f.user.ID, w2.ID, f.review.ID, 10, f.fields[StringField].ID, json.RawMessage(`"x"`))
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, s.SetStatus(ctx, f.user.ID, w2.ID, f.review.ID, 10, Included), ErrNotFound)
	_, err = s.Participants(ctx, w2.ID, f.review.ID, ParticipantQuery{})
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestReviewBadInput(t *testing.T) {
	ctx := context.Background()
	f := newReviewFixture(t)
	s := f.s
	r := Review{WorkspaceID: f.w.ID, CohortID: f.cohort.ID, Name: "x"}
	big := make([]int64, MaxReviewSize+1)
	for i := range big {
		big[i] = int64(i)
	}
	tests := []struct {
		name string
		do   func() error
		err  error
	}{
		{"too many participants", func() error { _, err := s.CreateReview(ctx, f.user.ID, r, big); return err }, ErrInvalid},
		{"participant twice", func() error { _, err := s.CreateReview(ctx, f.user.ID, r, []int64{1, 2, 1}); return err }, ErrInvalid},
		{"no name", func() error {
			_, err := s.CreateReview(ctx, f.user.ID, Review{WorkspaceID: f.w.ID, CohortID: f.cohort.ID}, nil)
			return err
		}, ErrInvalid},
		{"unknown cohort", func() error {
			_, err := s.CreateReview(ctx, f.user.ID, Review{WorkspaceID: f.w.ID, CohortID: "c_nothing", Name: "x"}, nil)
			return err
		}, ErrNotFound},
		{"bad status", func() error { return s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 10, "MAYBE") }, ErrInvalid},
		{"status of unknown participant", func() error { return s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 11, Included) }, ErrNotFound},
		{"bad status filter", func() error {
			_, err := s.Participants(ctx, f.w.ID, f.review.ID, ParticipantQuery{Status: "MAYBE"})
			return err
		}, ErrInvalid},
		{"duplicate field", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, AnnotationField{CohortID: f.cohort.ID, Name: "note", Type: IntegerField})
			return err
		}, ErrConflict},
		{"enum without values", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, AnnotationField{CohortID: f.cohort.ID, Name: "e", Type: EnumField})
			return err
		}, ErrInvalid},
		{"enum value twice", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, AnnotationField{CohortID: f.cohort.ID, Name: "e", Type: EnumField, EnumValues: []string{"a", "a"}})
			return err
		}, ErrInvalid},
		{"values on a string field", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, AnnotationField{CohortID: f.cohort.ID, Name: "e", Type: StringField, EnumValues: []string{"a"}})
			return err
		}, ErrInvalid},
		{"unknown type", func() error {
			_, err := s.CreateAnnotationField(ctx, f.w.ID, AnnotationField{CohortID: f.cohort.ID, Name: "e", Type: "FLOAT"})
			return err
		}, ErrInvalid},
		{"delete unknown field", func() error { return s.DeleteAnnotationField(ctx, f.w.ID, f.cohort.ID, "af_nothing") }, ErrNotFound},
		{"delete unknown review", func() error { return s.DeleteReview(ctx, f.w.ID, "r_nothing") }, ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.do(), tc.err)
			reviews, err := s.ListReviews(ctx, f.w.ID, f.cohort.ID)
			require.NoError(t, err)
			assert.Equal(t, []Review{f.review}, reviews, "state unchanged")
			fields, err := s.AnnotationFields(ctx, f.w.ID, f.cohort.ID)
			require.NoError(t, err)
			assert.Len(t, fields, 5, "state unchanged")
		})
	}

	// The largest review, and deleting it.
	full, err := s.CreateReview(ctx, f.user.ID, r, big[:MaxReviewSize])
	require.NoError(t, err)
	assert.Equal(t, MaxReviewSize, full.Size)
	page, err := s.Participants(ctx, f.w.ID, full.ID, ParticipantQuery{Offset: MaxReviewSize - 1})
	require.NoError(t, err)
	assert.Equal(t, []Participant{{PersonID: MaxReviewSize - 1, Status: NotReviewed}}, page)
	require.NoError(t, s.DeleteReview(ctx, f.w.ID, full.ID))
	require.NoError(t, s.DeleteAnnotationField(ctx, f.w.ID, f.cohort.ID, f.fields[StringField].ID))
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
		DROP TABLE annotation_values; DROP TABLE datasets; DROP TABLE help_requests; DELETE FROM schema_version WHERE version > 1`)
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
	require.NoError(t, s.SetStatus(ctx, f.user.ID, f.w.ID, f.review.ID, 30, Included))
	require.NoError(t, s.SetAnnotation(ctx, f.user.ID, f.w.ID, f.review.ID, 30, f.fields[EnumField].ID, json.RawMessage(`"severe"`)))
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
	for i, orig := range []FieldType{StringField, EnumField, DateField, BooleanField, IntegerField} {
		assert.Equal(t, f.fields[orig].Name, fields[i].Name, "fields in order")
		assert.Equal(t, f.fields[orig].EnumValues, fields[i].EnumValues)
		newField[f.fields[orig].ID] = fields[i].ID
	}
	reviews, err := s.ListReviews(ctx, dup.ID, cohorts[0].ID)
	require.NoError(t, err)
	require.Len(t, reviews, 1)
	assert.Equal(t, Review{ID: reviews[0].ID, WorkspaceID: dup.ID, CohortID: cohorts[0].ID, Name: "R", Seed: 7, CDRVersion: "v1", Size: 4,
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
