package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/openworkbench/workbench"
)

// DuplicateWorkspace copies the workspace srcID for the user by into a new
// workspace named name, with its contents: cohorts with their annotation
// fields and reviews (participants, statuses and annotation values),
// concept sets, and datasets (on the copies). The new workspace's only collaborator is by, as OWNER;
// every copy gets a new id and is created by by, now (statuses and values
// keep who set them). One transaction: a failure copies nothing.
func (s *Store) DuplicateWorkspace(ctx context.Context, by, srcID, name string) (workbench.Workspace, error) {
	var w workbench.Workspace
	err := s.write(ctx, func(tx *sql.Tx) error {
		src, err := workspaceByID(ctx, tx, srcID)
		if err != nil {
			return err
		}
		if _, err := userWhere(ctx, tx, "id = ?", by, "user "+by); err != nil {
			return err
		}
		w = src
		w.Name = name
		if err := cleanWorkspace(&w); err != nil {
			return err
		}
		now := s.stamp()
		w.ID, w.CreatedBy, w.CreatedAt, w.UpdatedBy, w.UpdatedAt = newID("w_"), by, now, by, now
		if err := ownedNameFree(ctx, tx, w.ID, w.Name, by); err != nil {
			return err
		}
		if err := insertWorkspace(ctx, tx, w); err != nil {
			return err
		}
		ids := map[string]string{} // cohort and concept set ids: original -> copy
		for _, k := range savedKinds {
			vs, err := listSaved(ctx, tx, k, srcID)
			if err != nil {
				return err
			}
			for _, v := range vs {
				old := v.ID
				v.ID, v.WorkspaceID, v.CreatedBy, v.CreatedAt, v.UpdatedBy, v.UpdatedAt = newID(k.prefix), w.ID, by, now, by, now
				ids[old] = v.ID
				if err := insertSaved(ctx, tx, k, v); err != nil {
					return err
				}
				if k == cohortKind {
					if err := copyCohortContents(ctx, tx, old, v.ID, w.ID, by, now); err != nil {
						return err
					}
				}
			}
		}
		return copyDatasets(ctx, tx, srcID, w.ID, ids, by, now)
	})
	if err != nil {
		return workbench.Workspace{}, err
	}
	return w, nil
}

// copyCohortContents copies the annotation fields and the reviews of the
// cohort from to the cohort to of the workspace.
func copyCohortContents(ctx context.Context, tx *sql.Tx, from, to, workspaceID, by string, now time.Time) error {
	fields := map[string]string{} // old id -> new id
	rows, err := tx.QueryContext(ctx, "SELECT id FROM annotation_fields WHERE cohort_id = ?", from)
	if err != nil {
		return dbError(err)
	}
	if err := collect(rows, func(id string) { fields[id] = newID("af_") }); err != nil {
		return err
	}
	for old, id := range fields {
		_, err := tx.ExecContext(ctx, `INSERT INTO annotation_fields (id, cohort_id, name, type, enum_values, position)
			SELECT ?, ?, name, type, enum_values, position FROM annotation_fields WHERE id = ?`, id, to, old)
		if err != nil {
			return dbError(err)
		}
	}
	var reviews []string
	rows, err = tx.QueryContext(ctx, "SELECT id FROM reviews WHERE cohort_id = ?", from)
	if err != nil {
		return dbError(err)
	}
	if err := collect(rows, func(id string) { reviews = append(reviews, id) }); err != nil {
		return err
	}
	for _, old := range reviews {
		id := newID("r_")
		_, err := tx.ExecContext(ctx, `INSERT INTO reviews (id, workspace_id, cohort_id, name, seed, cdr_version, size, created_by, created_at)
			SELECT ?, ?, ?, name, seed, cdr_version, size, ?, ? FROM reviews WHERE id = ?`, id, workspaceID, to, by, now, old)
		if err != nil {
			return dbError(err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO review_participants (review_id, person_id, status, updated_by, updated_at)
			SELECT ?, person_id, status, updated_by, updated_at FROM review_participants WHERE review_id = ?`, id, old)
		if err != nil {
			return dbError(err)
		}
		for oldField, field := range fields {
			_, err = tx.ExecContext(ctx, `INSERT INTO annotation_values (review_id, person_id, field_id, value, updated_by, updated_at)
				SELECT ?, person_id, ?, value, updated_by, updated_at FROM annotation_values WHERE review_id = ? AND field_id = ?`,
				id, field, old, oldField)
			if err != nil {
				return dbError(err)
			}
		}
	}
	return nil
}

// collect calls fn with the string of each row, and closes the rows.
func collect(rows *sql.Rows, fn func(string)) error {
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return dbError(err)
		}
		fn(v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
