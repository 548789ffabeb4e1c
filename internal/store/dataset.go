package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
)

// selection is what the selection column holds.
type selection struct {
	CohortIDs     []string                   `json:"cohort_ids"`
	ConceptSetIDs []string                   `json:"concept_set_ids"`
	Columns       map[cohort.Domain][]string `json:"columns"`
}

var datasetKind = kind{table: "datasets", noun: "dataset", prefix: "d_"}

// cleanDataset checks and trims what the user chooses.
func cleanDataset(d *workbench.Dataset) error {
	name, err := cleanName("dataset", d.Name)
	if err != nil {
		return err
	}
	d.Name = name
	d.Description = strings.TrimSpace(d.Description)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: dataset %q: %s", workbench.ErrInvalid, name, fmt.Sprintf(format, args...))
	}
	if len(d.CohortIDs) == 0 {
		return bad("no cohort")
	}
	if hasDuplicate(d.CohortIDs) || hasDuplicate(d.ConceptSetIDs) {
		return bad("a cohort or concept set appears twice")
	}
	if len(d.Columns) == 0 {
		return bad("no column")
	}
	for domain, cols := range d.Columns {
		if strings.TrimSpace(string(domain)) == "" || len(cols) == 0 || hasDuplicate(cols) || slices.Contains(cols, "") {
			return bad("domain %q: want distinct, non-empty column names", domain)
		}
	}
	return nil
}

func hasDuplicate(ss []string) bool {
	sorted := slices.Clone(ss)
	slices.Sort(sorted)
	return len(slices.Compact(sorted)) != len(ss)
}

// checkDatasetRefs is ErrNotFound when a cohort or concept set of d is not one of
// d's workspace. A cohort id is of an All of Us cohort or, by its prefix, of
// a Circe cohort.
func checkDatasetRefs(ctx context.Context, tx *sql.Tx, d *workbench.Dataset) error {
	for _, id := range d.CohortIDs {
		k := cohortKind
		if strings.HasPrefix(id, workbench.CircePrefix) {
			k = circeKind
		}
		if _, err := getSaved(ctx, tx, k, d.WorkspaceID, id); err != nil {
			return err
		}
	}
	for _, id := range d.ConceptSetIDs {
		if _, err := getSaved(ctx, tx, conceptSetKind, d.WorkspaceID, id); err != nil {
			return err
		}
	}
	return nil
}

// CreateDataset saves d in the workspace d.WorkspaceID, created by the
// user by, and returns it with its ID and times. A name taken in the
// workspace is ErrConflict; a cohort or concept set of another workspace
// is ErrNotFound.
func (s *Store) CreateDataset(ctx context.Context, by string, d workbench.Dataset) (workbench.Dataset, error) {
	if err := cleanDataset(&d); err != nil {
		return workbench.Dataset{}, err
	}
	now := s.stamp()
	d.ID, d.CreatedBy, d.CreatedAt, d.UpdatedBy, d.UpdatedAt = newID(datasetKind.prefix), by, now, by, now
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := workspaceByID(ctx, tx, d.WorkspaceID); err != nil {
			return err
		}
		if err := checkDatasetRefs(ctx, tx, &d); err != nil {
			return err
		}
		return insertDataset(ctx, tx, d)
	})
	if err != nil {
		return workbench.Dataset{}, err
	}
	return d, nil
}

func insertDataset(ctx context.Context, tx *sql.Tx, d workbench.Dataset) error {
	if err := nameFree(ctx, tx, datasetKind, saved{ID: d.ID, WorkspaceID: d.WorkspaceID, Name: d.Name}); err != nil {
		return err
	}
	sel, err := json.Marshal(selection{d.CohortIDs, d.ConceptSetIDs, d.Columns})
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO datasets (id, workspace_id, name, description, selection, created_by, created_at, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.WorkspaceID, d.Name, d.Description, string(sel), d.CreatedBy, d.CreatedAt, d.UpdatedBy, d.UpdatedAt)
	return dbErrorOrNil(err)
}

const datasetColumns = "id, workspace_id, name, description, selection, created_by, created_at, updated_by, updated_at"

func scanDataset(row interface{ Scan(...any) error }) (workbench.Dataset, error) {
	var d workbench.Dataset
	var sel string
	if err := row.Scan(&d.ID, &d.WorkspaceID, &d.Name, &d.Description, &sel, &d.CreatedBy, &d.CreatedAt, &d.UpdatedBy, &d.UpdatedAt); err != nil {
		return d, err
	}
	var v selection
	if err := json.Unmarshal([]byte(sel), &v); err != nil {
		return d, fmt.Errorf("store: dataset %s: %w", d.ID, err)
	}
	d.CohortIDs, d.ConceptSetIDs, d.Columns = v.CohortIDs, v.ConceptSetIDs, v.Columns
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, nil
}

func datasetByID(ctx context.Context, q queryer, workspaceID, id string) (workbench.Dataset, error) {
	d, err := scanDataset(q.QueryRowContext(ctx, "SELECT "+datasetColumns+" FROM datasets WHERE workspace_id = ? AND id = ?", workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return workbench.Dataset{}, fmt.Errorf("%w: dataset %s in workspace %s", workbench.ErrNotFound, id, workspaceID)
	}
	if err != nil {
		return workbench.Dataset{}, dbError(err)
	}
	return d, nil
}

// Dataset returns the dataset id of the workspace.
func (s *Store) Dataset(ctx context.Context, workspaceID, id string) (workbench.Dataset, error) {
	return datasetByID(ctx, s.db, workspaceID, id)
}

// ListDatasets returns the datasets of the workspace by name.
func (s *Store) ListDatasets(ctx context.Context, workspaceID string) ([]workbench.Dataset, error) {
	var out []workbench.Dataset
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = listDatasets(ctx, tx, workspaceID)
		return err
	})
	return out, err
}

func listDatasets(ctx context.Context, tx *sql.Tx, workspaceID string) ([]workbench.Dataset, error) {
	if _, err := workspaceByID(ctx, tx, workspaceID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+datasetColumns+" FROM datasets WHERE workspace_id = ? ORDER BY name", workspaceID)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []workbench.Dataset
	for rows.Next() {
		d, err := scanDataset(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, d)
	}
	return out, dbErrorOrNil(rows.Err())
}

// UpdateDataset changes the name, description and selection of the
// dataset d.ID of the workspace d.WorkspaceID, recording the user by and
// the time, and returns it as kept.
func (s *Store) UpdateDataset(ctx context.Context, by string, d workbench.Dataset) (workbench.Dataset, error) {
	if err := cleanDataset(&d); err != nil {
		return workbench.Dataset{}, err
	}
	var out workbench.Dataset
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := datasetByID(ctx, tx, d.WorkspaceID, d.ID); err != nil {
			return err
		}
		if err := checkDatasetRefs(ctx, tx, &d); err != nil {
			return err
		}
		if err := nameFree(ctx, tx, datasetKind, saved{ID: d.ID, WorkspaceID: d.WorkspaceID, Name: d.Name}); err != nil {
			return err
		}
		sel, err := json.Marshal(selection{d.CohortIDs, d.ConceptSetIDs, d.Columns})
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		_, err = tx.ExecContext(ctx, "UPDATE datasets SET name = ?, description = ?, selection = ?, updated_by = ?, updated_at = ? WHERE id = ?",
			d.Name, d.Description, string(sel), by, s.stamp(), d.ID)
		if err != nil {
			return dbError(err)
		}
		out, err = datasetByID(ctx, tx, d.WorkspaceID, d.ID)
		return err
	})
	return out, err
}

// DeleteDataset deletes the dataset id of the workspace.
func (s *Store) DeleteDataset(ctx context.Context, workspaceID, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM datasets WHERE workspace_id = ? AND id = ?", workspaceID, id)
		return mustAffect(res, err, fmt.Sprintf("dataset %s in workspace %s", id, workspaceID))
	})
}

// notInDataset is ErrConflict when a dataset of the workspace uses the
// cohort or concept set id: it must be taken out of the dataset first.
func notInDataset(ctx context.Context, tx *sql.Tx, k kind, workspaceID, id string) error {
	ds, err := listDatasets(ctx, tx, workspaceID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if slices.Contains(d.CohortIDs, id) || slices.Contains(d.ConceptSetIDs, id) {
			return fmt.Errorf("%w: %s %s is used by dataset %q", workbench.ErrConflict, k.noun, id, d.Name)
		}
	}
	return nil
}

// copyDatasets copies the datasets of the workspace from into the
// workspace to, with the ids of cohorts and concept sets mapped by ids.
func copyDatasets(ctx context.Context, tx *sql.Tx, from, to string, ids map[string]string, by string, now time.Time) error {
	ds, err := listDatasets(ctx, tx, from)
	if err != nil {
		return err
	}
	mapped := func(old []string) []string {
		out := make([]string, len(old))
		for i, id := range old {
			out[i] = ids[id]
		}
		return out
	}
	for _, d := range ds {
		d.ID, d.WorkspaceID, d.CreatedBy, d.CreatedAt, d.UpdatedBy, d.UpdatedAt = newID(datasetKind.prefix), to, by, now, by, now
		d.CohortIDs, d.ConceptSetIDs = mapped(d.CohortIDs), mapped(d.ConceptSetIDs)
		if err := insertDataset(ctx, tx, d); err != nil {
			return err
		}
	}
	return nil
}
