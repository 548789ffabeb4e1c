package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

const workspaceColumns = "w.id, w.name, w.description, w.research_purpose, w.tier, w.created_by, w.created_at, w.updated_by, w.updated_at"

func scanWorkspace(row interface{ Scan(...any) error }, extra ...any) (workbench.Workspace, error) {
	var w workbench.Workspace
	var tier, purpose string
	err := row.Scan(append([]any{&w.ID, &w.Name, &w.Description, &purpose, &tier,
		&w.CreatedBy, &w.CreatedAt, &w.UpdatedBy, &w.UpdatedAt}, extra...)...)
	if err != nil {
		return w, err
	}
	if err := json.Unmarshal([]byte(purpose), &w.ResearchPurpose); err != nil {
		return w, fmt.Errorf("store: research purpose of workspace %s: %w", w.ID, err)
	}
	w.CreatedAt, w.UpdatedAt = w.CreatedAt.UTC(), w.UpdatedAt.UTC()
	w.Tier, err = access.ParseTier(tier)
	return w, err
}

// cleanWorkspace checks and trims what a creator or owner chooses.
func cleanWorkspace(w *workbench.Workspace) error {
	name, err := cleanName("workspace", w.Name)
	if err != nil {
		return err
	}
	w.Name = name
	w.Description = strings.TrimSpace(w.Description)
	return w.ResearchPurpose.Clean("research_purpose")
}

// purposeJSON is the research purpose as the state file keeps it.
func purposeJSON(w workbench.Workspace) string {
	b, _ := json.Marshal(w.ResearchPurpose) // of strings only: it cannot fail
	return string(b)
}

// ownedNameFree is ErrConflict when a user among owners (or every owner
// of the workspace id, when owners is empty) owns another workspace than
// id named name, in any case: each owner's workspaces have names of their
// own, so a list of them tells one from another.
func ownedNameFree(ctx context.Context, tx *sql.Tx, id, name string, owners ...string) error {
	if len(owners) == 0 {
		rows, err := tx.QueryContext(ctx, "SELECT user_id FROM collaborators WHERE workspace_id = ? AND role = ?", id, access.Owner.String())
		if err != nil {
			return dbError(err)
		}
		if err := collect(rows, func(u string) { owners = append(owners, u) }); err != nil {
			return err
		}
	}
	for _, owner := range owners {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM workspaces w JOIN collaborators c ON c.workspace_id = w.id
			WHERE c.user_id = ? AND c.role = ? AND w.id <> ? AND lower(w.name) = lower(?)`, owner, access.Owner.String(), id, name).Scan(&n)
		if err != nil {
			return dbError(err)
		}
		if n > 0 {
			return fmt.Errorf("%w: user %s already owns a workspace named %q", workbench.ErrConflict, owner, name)
		}
	}
	return nil
}

// CreateWorkspace creates a workspace from w's Name, Description,
// ResearchPurpose and Tier (Public is taken as Registered), with the user
// creatorID as its OWNER, and returns it.
func (s *Store) CreateWorkspace(ctx context.Context, creatorID string, w workbench.Workspace) (workbench.Workspace, error) {
	if err := cleanWorkspace(&w); err != nil {
		return workbench.Workspace{}, err
	}
	w.Tier = max(w.Tier, access.Registered)
	if w.Tier > access.Controlled {
		return workbench.Workspace{}, fmt.Errorf("%w: workspace: tier %s", workbench.ErrInvalid, w.Tier)
	}
	now := s.stamp()
	w.ID, w.CreatedBy, w.CreatedAt, w.UpdatedBy, w.UpdatedAt = newID("w_"), creatorID, now, creatorID, now
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", creatorID, "user "+creatorID); err != nil {
			return err
		}
		if err := ownedNameFree(ctx, tx, w.ID, w.Name, creatorID); err != nil {
			return err
		}
		return insertWorkspace(ctx, tx, w)
	})
	if err != nil {
		return workbench.Workspace{}, err
	}
	return w, nil
}

// insertWorkspace writes the workspace with its creator as the OWNER.
func insertWorkspace(ctx context.Context, tx *sql.Tx, w workbench.Workspace) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO workspaces (id, name, description, research_purpose, tier, created_by, created_at, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.ID, w.Name, w.Description, purposeJSON(w), w.Tier.String(), w.CreatedBy, w.CreatedAt, w.UpdatedBy, w.UpdatedAt)
	if err != nil {
		return dbError(err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO collaborators (workspace_id, user_id, role) VALUES (?, ?, ?)", w.ID, w.CreatedBy, access.Owner.String())
	return dbErrorOrNil(err)
}

// Workspace returns the workspace with the id, or ErrNotFound.
func (s *Store) Workspace(ctx context.Context, id string) (workbench.Workspace, error) {
	return cached(s, &s.workspaces, id, func() (workbench.Workspace, error) { return workspaceByID(ctx, s.db, id) })
}

func workspaceByID(ctx context.Context, q queryer, id string) (workbench.Workspace, error) {
	w, err := scanWorkspace(q.QueryRowContext(ctx, "SELECT "+workspaceColumns+" FROM workspaces w WHERE w.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return workbench.Workspace{}, fmt.Errorf("%w: workspace %s", workbench.ErrNotFound, id)
	}
	if err != nil {
		return workbench.Workspace{}, dbError(err)
	}
	return w, nil
}

// ListWorkspaces returns the workspaces where the user holds a role, with
// the role, most recently changed first.
func (s *Store) ListWorkspaces(ctx context.Context, userID string) ([]workbench.Membership, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+workspaceColumns+`, c.role
		FROM workspaces w JOIN collaborators c ON c.workspace_id = w.id
		WHERE c.user_id = ? ORDER BY w.updated_at DESC, w.id`, userID)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []workbench.Membership
	for rows.Next() {
		var role string
		w, err := scanWorkspace(rows, &role)
		if err != nil {
			return nil, dbError(err)
		}
		r, err := access.ParseRole(role)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, workbench.Membership{Workspace: w, Role: r})
	}
	return out, dbErrorOrNil(rows.Err())
}

// UpdateWorkspace changes the Name, Description and ResearchPurpose of the
// workspace w.ID, recording the user by and the time, and returns it as
// kept. The tier stays.
func (s *Store) UpdateWorkspace(ctx context.Context, by string, w workbench.Workspace) (workbench.Workspace, error) {
	if err := cleanWorkspace(&w); err != nil {
		return workbench.Workspace{}, err
	}
	var out workbench.Workspace
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := ownedNameFree(ctx, tx, w.ID, w.Name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE workspaces SET name = ?, description = ?, research_purpose = ?, updated_by = ?, updated_at = ?
			WHERE id = ?`, w.Name, w.Description, purposeJSON(w), by, s.stamp(), w.ID)
		if err := mustAffect(res, err, "workspace "+w.ID); err != nil {
			return err
		}
		out, err = workspaceByID(ctx, tx, w.ID)
		return err
	})
	return out, err
}

// DeleteWorkspace deletes the workspace with everything in it.
func (s *Store) DeleteWorkspace(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := deleteCohortDependents(ctx, tx, "workspace_id = ?", id); err != nil {
			return err
		}
		for _, table := range []string{"collaborators", "datasets", "cohorts", "concept_sets", "circe_cohorts"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE workspace_id = ?", id); err != nil {
				return dbError(err)
			}
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM workspaces WHERE id = ?", id)
		return mustAffect(res, err, "workspace "+id)
	})
}

// SetRole gives the user the role in the workspace, replacing any role
// they had. Taking OWNER from the last owner is ErrConflict: a workspace
// always has an owner. Use RemoveCollaborator to take every role.
func (s *Store) SetRole(ctx context.Context, workspaceID, userID string, role access.Role) error {
	if role <= access.None || role > access.Owner {
		return fmt.Errorf("%w: role %s: want READER, WRITER or OWNER", workbench.ErrInvalid, role)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := workspaceByID(ctx, tx, workspaceID); err != nil {
			return err
		}
		if _, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		if role != access.Owner {
			if err := keepOwner(ctx, tx, workspaceID, userID); err != nil {
				return err
			}
		} else {
			w, err := workspaceByID(ctx, tx, workspaceID)
			if err != nil {
				return err
			}
			if err := ownedNameFree(ctx, tx, workspaceID, w.Name, userID); err != nil {
				return err
			}
		}
		// An update where a role exists: DuckDB checks a key deleted and
		// inserted again in one transaction as a duplicate.
		res, err := tx.ExecContext(ctx, "UPDATE collaborators SET role = ? WHERE workspace_id = ? AND user_id = ?", role.String(), workspaceID, userID)
		if err != nil {
			return dbError(err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return dbErrorOrNil(err)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO collaborators (workspace_id, user_id, role) VALUES (?, ?, ?)", workspaceID, userID, role.String())
		return dbErrorOrNil(err)
	})
}

// RemoveCollaborator takes the user's role in the workspace. A user
// without one is ErrNotFound; the last owner is ErrConflict.
func (s *Store) RemoveCollaborator(ctx context.Context, workspaceID, userID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := keepOwner(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM collaborators WHERE workspace_id = ? AND user_id = ?", workspaceID, userID)
		return mustAffect(res, err, fmt.Sprintf("role of user %s in workspace %s", userID, workspaceID))
	})
}

// keepOwner refuses to take the OWNER role from the user when no other
// owner would remain.
func keepOwner(ctx context.Context, tx *sql.Tx, workspaceID, userID string) error {
	var others, self int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE user_id <> ?), count(*) FILTER (WHERE user_id = ?)
		FROM collaborators WHERE workspace_id = ? AND role = ?`, userID, userID, workspaceID, access.Owner.String()).Scan(&others, &self)
	if err != nil {
		return dbError(err)
	}
	if self > 0 && others == 0 {
		return fmt.Errorf("%w: user %s is the last owner of workspace %s", workbench.ErrConflict, userID, workspaceID)
	}
	return nil
}

// RoleOf is the user's role in the workspace: None when they hold none,
// and also when the workspace does not exist, which access.Decide answers
// alike.
func (s *Store) RoleOf(ctx context.Context, workspaceID, userID string) (access.Role, error) {
	return cached(s, &s.roles, [2]string{workspaceID, userID}, func() (access.Role, error) { return s.loadRole(ctx, workspaceID, userID) })
}

func (s *Store) loadRole(ctx context.Context, workspaceID, userID string) (access.Role, error) {
	var role string
	err := s.db.QueryRowContext(ctx, "SELECT role FROM collaborators WHERE workspace_id = ? AND user_id = ?", workspaceID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return access.None, nil
	}
	if err != nil {
		return access.None, dbError(err)
	}
	r, err := access.ParseRole(role)
	if err != nil {
		return access.None, dbError(err)
	}
	return r, nil
}

// Collaborators returns everyone with a role in the workspace, owners
// first, then by email.
func (s *Store) Collaborators(ctx context.Context, workspaceID string) ([]workbench.Collaborator, error) {
	var out []workbench.Collaborator
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := workspaceByID(ctx, tx, workspaceID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT c.user_id, u.email, c.role FROM collaborators c JOIN users u ON u.id = c.user_id
			WHERE c.workspace_id = ? ORDER BY c.role = 'OWNER' DESC, c.role = 'WRITER' DESC, u.email_key`, workspaceID)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c workbench.Collaborator
			var role string
			if err := rows.Scan(&c.UserID, &c.Email, &role); err != nil {
				return dbError(err)
			}
			if c.Role, err = access.ParseRole(role); err != nil {
				return dbError(err)
			}
			out = append(out, c)
		}
		return dbErrorOrNil(rows.Err())
	})
	return out, err
}
