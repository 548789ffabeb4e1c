package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
)

// The store keeps definitions as the JSON its callers give, compacted: it
// checks that the JSON is well formed and no more. Parsing and validating
// a definition is the cohort package's job, done before it is saved, and
// its canonical MarshalJSON is what should be saved. Keeping bytes lets a
// definition saved by an older model still be read and shown, and keeps
// the store apart from the compiler.

// saved is what Cohort and ConceptSet share: one implementation keeps
// both, each in its table.
type saved struct {
	ID          string
	WorkspaceID string
	Name        string
	Description string
	Definition  json.RawMessage
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedBy   string
	UpdatedAt   time.Time
}

// kind names the table of a kind of saved definition.
type kind struct{ table, noun, prefix string }

var (
	cohortKind     = kind{table: "cohorts", noun: "cohort", prefix: "c_"}
	conceptSetKind = kind{table: "concept_sets", noun: "concept set", prefix: "cs_"}
	circeKind      = kind{table: "circe_cohorts", noun: "Circe cohort", prefix: workbench.CircePrefix}
	savedKinds     = []kind{cohortKind, conceptSetKind, circeKind}
)

const savedColumns = "id, workspace_id, name, description, definition, created_by, created_at, updated_by, updated_at"

// CreateCohort saves c in the workspace c.WorkspaceID, created by the user
// by, and returns it with its ID and times. A name taken in the workspace
// is ErrConflict.
func (s *Store) CreateCohort(ctx context.Context, by string, c workbench.Cohort) (workbench.Cohort, error) {
	v, err := s.create(ctx, cohortKind, by, saved(c))
	return workbench.Cohort(v), err
}

// Cohort returns the cohort id of the workspace; one of another workspace
// is ErrNotFound.
func (s *Store) Cohort(ctx context.Context, workspaceID, id string) (workbench.Cohort, error) {
	v, err := getSaved(ctx, s.db, cohortKind, workspaceID, id)
	return workbench.Cohort(v), err
}

// ListCohorts returns the cohorts of the workspace by name.
func (s *Store) ListCohorts(ctx context.Context, workspaceID string) ([]workbench.Cohort, error) {
	vs, err := s.list(ctx, cohortKind, workspaceID)
	out := make([]workbench.Cohort, len(vs))
	for i, v := range vs {
		out[i] = workbench.Cohort(v)
	}
	return out, err
}

// UpdateCohort changes the Name, Description and Definition of the cohort
// c.ID of the workspace c.WorkspaceID, recording the user by and the time,
// and returns it as kept.
func (s *Store) UpdateCohort(ctx context.Context, by string, c workbench.Cohort) (workbench.Cohort, error) {
	v, err := s.update(ctx, cohortKind, by, saved(c))
	return workbench.Cohort(v), err
}

// DeleteCohort deletes the cohort id of the workspace, with its reviews
// and annotation fields. A cohort that a dataset uses is ErrConflict.
func (s *Store) DeleteCohort(ctx context.Context, workspaceID, id string) error {
	return s.delete(ctx, cohortKind, workspaceID, id)
}

// CreateCirceCohort saves c, a Circe cohort definition, as CreateCohort
// does.
func (s *Store) CreateCirceCohort(ctx context.Context, by string, c workbench.CirceCohort) (workbench.CirceCohort, error) {
	v, err := s.create(ctx, circeKind, by, saved(c))
	return workbench.CirceCohort(v), err
}

// CirceCohort returns the Circe cohort id of the workspace.
func (s *Store) CirceCohort(ctx context.Context, workspaceID, id string) (workbench.CirceCohort, error) {
	v, err := getSaved(ctx, s.db, circeKind, workspaceID, id)
	return workbench.CirceCohort(v), err
}

// ListCirceCohorts returns the Circe cohorts of the workspace by name.
func (s *Store) ListCirceCohorts(ctx context.Context, workspaceID string) ([]workbench.CirceCohort, error) {
	vs, err := s.list(ctx, circeKind, workspaceID)
	out := make([]workbench.CirceCohort, len(vs))
	for i, v := range vs {
		out[i] = workbench.CirceCohort(v)
	}
	return out, err
}

// UpdateCirceCohort changes the Circe cohort c.ID as UpdateCohort does.
func (s *Store) UpdateCirceCohort(ctx context.Context, by string, c workbench.CirceCohort) (workbench.CirceCohort, error) {
	v, err := s.update(ctx, circeKind, by, saved(c))
	return workbench.CirceCohort(v), err
}

// DeleteCirceCohort deletes the Circe cohort id of the workspace; one that
// a dataset uses is ErrConflict.
func (s *Store) DeleteCirceCohort(ctx context.Context, workspaceID, id string) error {
	return s.delete(ctx, circeKind, workspaceID, id)
}

// CreateConceptSet saves cs in the workspace cs.WorkspaceID, created by
// the user by, and returns it with its ID and times. A name taken in the
// workspace is ErrConflict.
func (s *Store) CreateConceptSet(ctx context.Context, by string, cs workbench.ConceptSet) (workbench.ConceptSet, error) {
	v, err := s.create(ctx, conceptSetKind, by, saved(cs))
	return workbench.ConceptSet(v), err
}

// ConceptSet returns the concept set id of the workspace; one of another
// workspace is ErrNotFound.
func (s *Store) ConceptSet(ctx context.Context, workspaceID, id string) (workbench.ConceptSet, error) {
	v, err := getSaved(ctx, s.db, conceptSetKind, workspaceID, id)
	return workbench.ConceptSet(v), err
}

// ListConceptSets returns the concept sets of the workspace by name.
func (s *Store) ListConceptSets(ctx context.Context, workspaceID string) ([]workbench.ConceptSet, error) {
	vs, err := s.list(ctx, conceptSetKind, workspaceID)
	out := make([]workbench.ConceptSet, len(vs))
	for i, v := range vs {
		out[i] = workbench.ConceptSet(v)
	}
	return out, err
}

// UpdateConceptSet changes the Name, Description and Definition of the
// concept set cs.ID of the workspace cs.WorkspaceID, recording the user by
// and the time, and returns it as kept.
func (s *Store) UpdateConceptSet(ctx context.Context, by string, cs workbench.ConceptSet) (workbench.ConceptSet, error) {
	v, err := s.update(ctx, conceptSetKind, by, saved(cs))
	return workbench.ConceptSet(v), err
}

// DeleteConceptSet deletes the concept set id of the workspace. A concept
// set that a dataset uses is ErrConflict.
func (s *Store) DeleteConceptSet(ctx context.Context, workspaceID, id string) error {
	return s.delete(ctx, conceptSetKind, workspaceID, id)
}

// clean checks and trims what the user chooses, and compacts the
// definition.
func (k kind) clean(v *saved) error {
	name, err := cleanName(k.noun, v.Name)
	if err != nil {
		return err
	}
	v.Name = name
	v.Description = strings.TrimSpace(v.Description)
	var b bytes.Buffer
	if err := json.Compact(&b, v.Definition); err != nil || b.Len() == 0 {
		return fmt.Errorf("%w: %s %q: definition is not JSON", workbench.ErrInvalid, k.noun, name)
	}
	v.Definition = b.Bytes()
	return nil
}

func (s *Store) create(ctx context.Context, k kind, by string, v saved) (saved, error) {
	if err := k.clean(&v); err != nil {
		return saved{}, err
	}
	now := s.stamp()
	v.ID, v.CreatedBy, v.CreatedAt, v.UpdatedBy, v.UpdatedAt = newID(k.prefix), by, now, by, now
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := workspaceByID(ctx, tx, v.WorkspaceID); err != nil {
			return err
		}
		return insertSaved(ctx, tx, k, v)
	})
	if err != nil {
		return saved{}, err
	}
	return v, nil
}

// insertSaved writes v after checking that its name is free.
func insertSaved(ctx context.Context, tx *sql.Tx, k kind, v saved) error {
	if err := nameFree(ctx, tx, k, v); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO "+k.table+" ("+savedColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		v.ID, v.WorkspaceID, v.Name, v.Description, string(v.Definition), v.CreatedBy, v.CreatedAt, v.UpdatedBy, v.UpdatedAt)
	return dbErrorOrNil(err)
}

// nameFree is ErrConflict when another definition of the kind in v's
// workspace has v's name.
func nameFree(ctx context.Context, tx *sql.Tx, k kind, v saved) error {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+k.table+" WHERE workspace_id = ? AND name = ? AND id <> ?",
		v.WorkspaceID, v.Name, v.ID).Scan(&n)
	if err != nil {
		return dbError(err)
	}
	if n > 0 {
		return fmt.Errorf("%w: workspace %s already has a %s named %q", workbench.ErrConflict, v.WorkspaceID, k.noun, v.Name)
	}
	return nil
}

func scanSaved(row interface{ Scan(...any) error }) (saved, error) {
	var v saved
	var def string
	err := row.Scan(&v.ID, &v.WorkspaceID, &v.Name, &v.Description, &def, &v.CreatedBy, &v.CreatedAt, &v.UpdatedBy, &v.UpdatedAt)
	v.Definition = json.RawMessage(def)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

func getSaved(ctx context.Context, q queryer, k kind, workspaceID, id string) (saved, error) {
	v, err := scanSaved(q.QueryRowContext(ctx, "SELECT "+savedColumns+" FROM "+k.table+" WHERE workspace_id = ? AND id = ?", workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return saved{}, fmt.Errorf("%w: %s %s in workspace %s", workbench.ErrNotFound, k.noun, id, workspaceID)
	}
	if err != nil {
		return saved{}, dbError(err)
	}
	return v, nil
}

// list returns the definitions of the kind in the workspace; an unknown
// workspace is ErrNotFound.
func (s *Store) list(ctx context.Context, k kind, workspaceID string) ([]saved, error) {
	var out []saved
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = listSaved(ctx, tx, k, workspaceID)
		return err
	})
	return out, err
}

func listSaved(ctx context.Context, tx *sql.Tx, k kind, workspaceID string) ([]saved, error) {
	if _, err := workspaceByID(ctx, tx, workspaceID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+savedColumns+" FROM "+k.table+" WHERE workspace_id = ? ORDER BY name", workspaceID)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []saved
	for rows.Next() {
		v, err := scanSaved(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, v)
	}
	return out, dbErrorOrNil(rows.Err())
}

func (s *Store) update(ctx context.Context, k kind, by string, v saved) (saved, error) {
	if err := k.clean(&v); err != nil {
		return saved{}, err
	}
	var out saved
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := getSaved(ctx, tx, k, v.WorkspaceID, v.ID); err != nil {
			return err
		}
		if err := nameFree(ctx, tx, k, v); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE "+k.table+" SET name = ?, description = ?, definition = ?, updated_by = ?, updated_at = ? WHERE id = ?",
			v.Name, v.Description, string(v.Definition), by, s.stamp(), v.ID)
		if err != nil {
			return dbError(err)
		}
		out, err = getSaved(ctx, tx, k, v.WorkspaceID, v.ID)
		return err
	})
	return out, err
}

// delete deletes a definition; a cohort's reviews and annotation fields
// go with it. One that a dataset uses is ErrConflict.
func (s *Store) delete(ctx context.Context, k kind, workspaceID, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := getSaved(ctx, tx, k, workspaceID, id); err != nil {
			return err
		}
		if err := notInDataset(ctx, tx, k, workspaceID, id); err != nil {
			return err
		}
		if k == cohortKind {
			if err := deleteCohortDependents(ctx, tx, "workspace_id = ? AND id = ?", workspaceID, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM "+k.table+" WHERE workspace_id = ? AND id = ?", workspaceID, id)
		return mustAffect(res, err, fmt.Sprintf("%s %s in workspace %s", k.noun, id, workspaceID))
	})
}
