package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
)

// CreateReview saves a review of the cohort r.CohortID of the workspace
// r.WorkspaceID, whose sample is participants (distinct person ids, at
// most MaxReviewSize), each NotReviewed. It returns the review with its
// ID, Size and creation.
func (s *Store) CreateReview(ctx context.Context, by string, r workbench.Review, participants []int64) (workbench.Review, error) {
	name, err := cleanName("review", r.Name)
	if err != nil {
		return workbench.Review{}, err
	}
	if len(participants) > workbench.MaxReviewSize {
		return workbench.Review{}, fmt.Errorf("%w: review %q: %d participants; at most %d", workbench.ErrInvalid, name, len(participants), workbench.MaxReviewSize)
	}
	sorted := slices.Clone(participants)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(participants) {
		return workbench.Review{}, fmt.Errorf("%w: review %q: a participant appears twice", workbench.ErrInvalid, name)
	}
	r.Name, r.Size, r.ID, r.CreatedBy, r.CreatedAt = name, len(participants), newID("r_"), by, s.stamp()
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := getSaved(ctx, tx, cohortKind, r.WorkspaceID, r.CohortID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO reviews (id, workspace_id, cohort_id, name, seed, cdr_version, size, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.WorkspaceID, r.CohortID, r.Name, r.Seed, r.CDRVersion, r.Size, r.CreatedBy, r.CreatedAt)
		if err != nil || len(participants) == 0 {
			return dbErrorOrNil(err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO review_participants (review_id, person_id, status, updated_by)
			SELECT ?, unnest(?::BIGINT[]), ?, ''`, r.ID, participants, string(workbench.NotReviewed))
		return dbErrorOrNil(err)
	})
	if err != nil {
		return workbench.Review{}, err
	}
	return r, nil
}

const reviewColumns = "id, workspace_id, cohort_id, name, seed, cdr_version, size, created_by, created_at"

func scanReview(row interface{ Scan(...any) error }) (workbench.Review, error) {
	var r workbench.Review
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.CohortID, &r.Name, &r.Seed, &r.CDRVersion, &r.Size, &r.CreatedBy, &r.CreatedAt)
	r.CreatedAt = r.CreatedAt.UTC()
	return r, err
}

func reviewByID(ctx context.Context, q queryer, workspaceID, id string) (workbench.Review, error) {
	r, err := scanReview(q.QueryRowContext(ctx, "SELECT "+reviewColumns+" FROM reviews WHERE workspace_id = ? AND id = ?", workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return workbench.Review{}, fmt.Errorf("%w: review %s in workspace %s", workbench.ErrNotFound, id, workspaceID)
	}
	if err != nil {
		return workbench.Review{}, dbError(err)
	}
	return r, nil
}

// Review returns the review id of the workspace.
func (s *Store) Review(ctx context.Context, workspaceID, id string) (workbench.Review, error) {
	return reviewByID(ctx, s.db, workspaceID, id)
}

// ListReviews returns the reviews of the cohort, oldest first.
func (s *Store) ListReviews(ctx context.Context, workspaceID, cohortID string) ([]workbench.Review, error) {
	var out []workbench.Review
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := getSaved(ctx, tx, cohortKind, workspaceID, cohortID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+reviewColumns+" FROM reviews WHERE workspace_id = ? AND cohort_id = ? ORDER BY created_at, id", workspaceID, cohortID)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanReview(rows)
			if err != nil {
				return dbError(err)
			}
			out = append(out, r)
		}
		return dbErrorOrNil(rows.Err())
	})
	return out, err
}

// DeleteReview deletes the review id of the workspace with its statuses
// and annotation values.
func (s *Store) DeleteReview(ctx context.Context, workspaceID, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := reviewByID(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		return deleteReviews(ctx, tx, "id = ?", id)
	})
}

// deleteReviews deletes the reviews that cond (on the reviews table)
// selects, with their participants and values.
func deleteReviews(ctx context.Context, tx *sql.Tx, cond string, args ...any) error {
	for _, table := range []string{"annotation_values", "review_participants"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE review_id IN (SELECT id FROM reviews WHERE "+cond+")", args...); err != nil {
			return dbError(err)
		}
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM reviews WHERE "+cond, args...)
	return dbErrorOrNil(err)
}

// deleteCohortDependents deletes what belongs to the cohorts that cond (on
// the cohorts table) selects: their reviews and annotation fields.
func deleteCohortDependents(ctx context.Context, tx *sql.Tx, cond string, args ...any) error {
	sub := "SELECT id FROM cohorts WHERE " + cond
	if err := deleteReviews(ctx, tx, "cohort_id IN ("+sub+")", args...); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM annotation_fields WHERE cohort_id IN ("+sub+")", args...)
	return dbErrorOrNil(err)
}

// ParticipantQuery selects participants of a review. The zero value
// selects all of them.
type ParticipantQuery struct {
	// Status keeps the participants of one status; empty keeps all.
	Status workbench.ReviewStatus
	// Offset skips that many participants; Limit keeps at most that many
	// (0: all).
	Offset, Limit int
}

// Participants returns the participants of the review that q selects, by
// person id, with their annotations.
func (s *Store) Participants(ctx context.Context, workspaceID, reviewID string, q ParticipantQuery) ([]workbench.Participant, error) {
	return s.participants(ctx, workspaceID, reviewID, q, nil)
}

// CountParticipants returns how many participants of the review have the
// status, or how many it has when status is empty.
func (s *Store) CountParticipants(ctx context.Context, workspaceID, reviewID string, status workbench.ReviewStatus) (int, error) {
	if status != "" && !status.Valid() {
		return 0, fmt.Errorf("%w: review status %q", workbench.ErrInvalid, status)
	}
	var n int
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := reviewByID(ctx, tx, workspaceID, reviewID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, "SELECT count(*) FROM review_participants WHERE review_id = ? AND (? = '' OR status = ?)",
			reviewID, string(status), string(status)).Scan(&n)
		return dbErrorOrNil(err)
	})
	return n, err
}

// Participant returns the participant personID of the review with their
// annotations, or ErrNotFound when the person is not in the review: what
// decides whether a reviewer may see the person's data.
func (s *Store) Participant(ctx context.Context, workspaceID, reviewID string, personID int64) (workbench.Participant, error) {
	ps, err := s.participants(ctx, workspaceID, reviewID, ParticipantQuery{}, &personID)
	if err != nil {
		return workbench.Participant{}, err
	}
	if len(ps) == 0 {
		return workbench.Participant{}, fmt.Errorf("%w: participant %d in review %s", workbench.ErrNotFound, personID, reviewID)
	}
	return ps[0], nil
}

// participants selects as q says, and only the person when not nil.
func (s *Store) participants(ctx context.Context, workspaceID, reviewID string, q ParticipantQuery, person *int64) ([]workbench.Participant, error) {
	if q.Status != "" && !q.Status.Valid() {
		return nil, fmt.Errorf("%w: review status %q", workbench.ErrInvalid, q.Status)
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, fmt.Errorf("%w: negative offset or limit", workbench.ErrInvalid)
	}
	var out []workbench.Participant
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := reviewByID(ctx, tx, workspaceID, reviewID); err != nil {
			return err
		}
		query := "SELECT person_id, status, updated_by, updated_at FROM review_participants WHERE review_id = ?"
		args := []any{reviewID}
		if q.Status != "" {
			query += " AND status = ?"
			args = append(args, string(q.Status))
		}
		if person != nil {
			query += " AND person_id = ?"
			args = append(args, *person)
		}
		query += " ORDER BY person_id"
		if q.Limit > 0 {
			query += " LIMIT ?"
			args = append(args, q.Limit)
		}
		if q.Offset > 0 {
			query += " OFFSET ?"
			args = append(args, q.Offset)
		}
		query = "WITH page AS (" + query + `)
			SELECT p.person_id, p.status, p.updated_by, p.updated_at, v.field_id, v.value
			FROM page p LEFT JOIN annotation_values v ON v.review_id = ? AND v.person_id = p.person_id
			ORDER BY p.person_id, v.field_id`
		args = append(args, reviewID)
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var p workbench.Participant
			var status string
			var updated sql.NullTime
			var field, value sql.NullString
			if err := rows.Scan(&p.PersonID, &status, &p.UpdatedBy, &updated, &field, &value); err != nil {
				return dbError(err)
			}
			if n := len(out); n == 0 || out[n-1].PersonID != p.PersonID {
				p.Status, p.UpdatedAt = workbench.ReviewStatus(status), fromNull(updated)
				out = append(out, p)
			}
			if field.Valid {
				last := &out[len(out)-1]
				if last.Annotations == nil {
					last.Annotations = map[string]json.RawMessage{}
				}
				last.Annotations[field.String] = json.RawMessage(value.String)
			}
		}
		return dbErrorOrNil(rows.Err())
	})
	return out, err
}

// SetStatus sets the review status of a participant of the review.
func (s *Store) SetStatus(ctx context.Context, by, workspaceID, reviewID string, personID int64, status workbench.ReviewStatus) error {
	if !status.Valid() {
		return fmt.Errorf("%w: review status %q: want NOT_REVIEWED, INCLUDED, EXCLUDED or NEEDS_FURTHER_REVIEW", workbench.ErrInvalid, status)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := reviewByID(ctx, tx, workspaceID, reviewID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE review_participants SET status = ?, updated_by = ?, updated_at = ? WHERE review_id = ? AND person_id = ?",
			string(status), by, s.stamp(), reviewID, personID)
		return mustAffect(res, err, fmt.Sprintf("participant %d in review %s", personID, reviewID))
	})
}

// CreateAnnotationField adds an annotation field to the cohort f.CohortID
// of the workspace. An ENUM field needs distinct, non-empty EnumValues;
// other types take none.
func (s *Store) CreateAnnotationField(ctx context.Context, workspaceID string, f workbench.AnnotationField) (workbench.AnnotationField, error) {
	name, err := cleanName("annotation field", f.Name)
	if err != nil {
		return workbench.AnnotationField{}, err
	}
	f.Name = name
	switch f.Type {
	case workbench.StringField, workbench.DateField, workbench.BooleanField, workbench.IntegerField:
		if len(f.EnumValues) > 0 {
			return workbench.AnnotationField{}, fmt.Errorf("%w: annotation field %q: only ENUM fields take values", workbench.ErrInvalid, name)
		}
		f.EnumValues = nil
	case workbench.EnumField:
		seen := map[string]bool{}
		for _, v := range f.EnumValues {
			if v == "" || seen[v] {
				return workbench.AnnotationField{}, fmt.Errorf("%w: annotation field %q: enum values must be distinct and not empty", workbench.ErrInvalid, name)
			}
			seen[v] = true
		}
		if len(f.EnumValues) == 0 {
			return workbench.AnnotationField{}, fmt.Errorf("%w: annotation field %q: an ENUM field needs values", workbench.ErrInvalid, name)
		}
	default:
		return workbench.AnnotationField{}, fmt.Errorf("%w: annotation field %q: type %q: want STRING, ENUM, DATE, BOOLEAN or INTEGER", workbench.ErrInvalid, name, f.Type)
	}
	enum, err := json.Marshal(f.EnumValues)
	if err != nil {
		return workbench.AnnotationField{}, fmt.Errorf("store: %w", err)
	}
	f.ID = newID("af_")
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := getSaved(ctx, tx, cohortKind, workspaceID, f.CohortID); err != nil {
			return err
		}
		var taken, n int
		err := tx.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE name = ?), count(*) FROM annotation_fields WHERE cohort_id = ?", f.Name, f.CohortID).Scan(&taken, &n)
		if err != nil {
			return dbError(err)
		}
		if taken > 0 {
			return fmt.Errorf("%w: cohort %s already has an annotation field named %q", workbench.ErrConflict, f.CohortID, f.Name)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO annotation_fields (id, cohort_id, name, type, enum_values, position) VALUES (?, ?, ?, ?, ?, ?)",
			f.ID, f.CohortID, f.Name, string(f.Type), string(enum), n)
		return dbErrorOrNil(err)
	})
	if err != nil {
		return workbench.AnnotationField{}, err
	}
	return f, nil
}

// AnnotationFields returns the annotation fields of the cohort, in the
// order they were added.
func (s *Store) AnnotationFields(ctx context.Context, workspaceID, cohortID string) ([]workbench.AnnotationField, error) {
	var out []workbench.AnnotationField
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := getSaved(ctx, tx, cohortKind, workspaceID, cohortID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT id, cohort_id, name, type, enum_values FROM annotation_fields WHERE cohort_id = ? ORDER BY position", cohortID)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			f, err := scanField(rows)
			if err != nil {
				return err
			}
			out = append(out, f)
		}
		return dbErrorOrNil(rows.Err())
	})
	return out, err
}

func scanField(row interface{ Scan(...any) error }) (workbench.AnnotationField, error) {
	var f workbench.AnnotationField
	var typ, enum string
	if err := row.Scan(&f.ID, &f.CohortID, &f.Name, &typ, &enum); err != nil {
		return f, err
	}
	f.Type = workbench.FieldType(typ)
	if err := json.Unmarshal([]byte(enum), &f.EnumValues); err != nil {
		return f, fmt.Errorf("store: annotation field %s: %w", f.ID, err)
	}
	return f, nil
}

// DeleteAnnotationField deletes the field of the cohort with every value
// of it.
func (s *Store) DeleteAnnotationField(ctx context.Context, workspaceID, cohortID, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := getSaved(ctx, tx, cohortKind, workspaceID, cohortID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM annotation_values WHERE field_id IN (SELECT id FROM annotation_fields WHERE id = ? AND cohort_id = ?)", id, cohortID); err != nil {
			return dbError(err)
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM annotation_fields WHERE id = ? AND cohort_id = ?", id, cohortID)
		return mustAffect(res, err, fmt.Sprintf("annotation field %s of cohort %s", id, cohortID))
	})
}

// SetAnnotation sets a participant's value of an annotation field of the
// review's cohort: JSON of the field's type (see FieldType), or null to
// clear it. A value of the wrong type, or an enum value not in the
// field's list, is ErrInvalid and changes nothing.
func (s *Store) SetAnnotation(ctx context.Context, by, workspaceID, reviewID string, personID int64, fieldID string, value json.RawMessage) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		r, err := reviewByID(ctx, tx, workspaceID, reviewID)
		if err != nil {
			return err
		}
		f, err := scanField(tx.QueryRowContext(ctx, "SELECT id, cohort_id, name, type, enum_values FROM annotation_fields WHERE id = ? AND cohort_id = ?", fieldID, r.CohortID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: annotation field %s of cohort %s", workbench.ErrNotFound, fieldID, r.CohortID)
		}
		if err != nil {
			return dbError(err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM review_participants WHERE review_id = ? AND person_id = ?", reviewID, personID).Scan(&n); err != nil {
			return dbError(err)
		}
		if n == 0 {
			return fmt.Errorf("%w: participant %d in review %s", workbench.ErrNotFound, personID, reviewID)
		}
		canonical, err := checkAnnotation(f, value)
		if err != nil {
			return err
		}
		if canonical == nil {
			_, err := tx.ExecContext(ctx, "DELETE FROM annotation_values WHERE review_id = ? AND person_id = ? AND field_id = ?", reviewID, personID, fieldID)
			return dbErrorOrNil(err)
		}
		now := s.stamp()
		// An update where a value exists: DuckDB checks a key deleted and
		// inserted again in one transaction as a duplicate.
		res, err := tx.ExecContext(ctx, "UPDATE annotation_values SET value = ?, updated_by = ?, updated_at = ? WHERE review_id = ? AND person_id = ? AND field_id = ?",
			string(canonical), by, now, reviewID, personID, fieldID)
		if err != nil {
			return dbError(err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return dbErrorOrNil(err)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO annotation_values (review_id, person_id, field_id, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			reviewID, personID, fieldID, string(canonical), by, now)
		return dbErrorOrNil(err)
	})
}

// checkAnnotation is the compact JSON of value when it is of the field's type, nil
// for null, and ErrInvalid otherwise.
func checkAnnotation(f workbench.AnnotationField, value json.RawMessage) (json.RawMessage, error) {
	bad := func(want string) error {
		return fmt.Errorf("%w: annotation field %q (%s): value %s: want %s", workbench.ErrInvalid, f.Name, f.Type, clip(value), want)
	}
	trimmed := bytes.TrimSpace(value)
	if len(trimmed) == 0 || !json.Valid(trimmed) {
		return nil, bad("JSON")
	}
	if string(trimmed) == "null" {
		return nil, nil
	}
	switch f.Type {
	case workbench.BooleanField:
		if string(trimmed) != "true" && string(trimmed) != "false" {
			return nil, bad("true or false")
		}
	case workbench.IntegerField:
		if _, err := strconv.ParseInt(string(trimmed), 10, 64); err != nil {
			return nil, bad("an integer")
		}
	default:
		var str string
		if err := json.Unmarshal(trimmed, &str); err != nil {
			return nil, bad("a string")
		}
		switch f.Type {
		case workbench.EnumField:
			if !slices.Contains(f.EnumValues, str) {
				return nil, bad("one of " + strings.Join(f.EnumValues, ", "))
			}
		case workbench.DateField:
			if _, err := time.Parse(time.DateOnly, str); err != nil {
				return nil, bad("a date such as 2026-03-01")
			}
		}
		trimmed, _ = json.Marshal(str)
	}
	return trimmed, nil
}

// clip shortens a value quoted in an error.
func clip(v []byte) string {
	if len(v) > 40 {
		return string(v[:40]) + "..."
	}
	return string(v)
}
