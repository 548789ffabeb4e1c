package app

import (
	"context"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
)

// Workspaces is the store's workspaces and collaborators, gated and
// audited.
type Workspaces struct {
	gate  *gate
	store *store.Store
	// notebooks follow their workspace when it is duplicated or deleted.
	notebooks notebook.Files
	// labs stop when their user's role no longer opens them, or their
	// workspace is deleted.
	labs *Labs
}

// allowed is the decision the audit records after a check passed.
var allowed = access.Decision{Allowed: true}

// Workspaces is the workspaces where the user of ctx holds a role.
func (ws Workspaces) Workspaces(ctx context.Context) ([]workbench.Membership, error) {
	req, err := ws.gate.check(ctx, access.ListWorkspaces, "")
	if err != nil {
		return nil, err
	}
	out, err := ws.store.ListWorkspaces(ctx, req.User.ID)
	if err != nil {
		return nil, err
	}
	ws.gate.audit(ctx, req, allowed, "", "", int64(len(out)))
	return nonNil(out), nil
}

// CreateWorkspace creates w with the user of ctx as its OWNER. The decision
// concerns the tier of the workspace to create.
func (ws Workspaces) CreateWorkspace(ctx context.Context, w workbench.Workspace) (workbench.Workspace, error) {
	req, err := ws.gate.checkTier(ctx, access.CreateWorkspace, w.Tier)
	if err != nil {
		return workbench.Workspace{}, err
	}
	out, err := ws.store.CreateWorkspace(ctx, req.User.ID, w)
	if err != nil {
		return workbench.Workspace{}, err
	}
	ws.gate.audit(ctx, req, allowed, out.ID, out.ID, 1)
	return out, nil
}

// GetWorkspace is the workspace id.
func (ws Workspaces) GetWorkspace(ctx context.Context, id string) (workbench.Workspace, error) {
	req, err := ws.gate.check(ctx, access.ViewWorkspace, id)
	if err != nil {
		return workbench.Workspace{}, err
	}
	out, err := ws.store.Workspace(ctx, id)
	if err != nil {
		return workbench.Workspace{}, err
	}
	ws.gate.audit(ctx, req, allowed, id, id, 1)
	return out, nil
}

// UpdateWorkspace changes the fields p gives of the workspace id: its
// name, description, research purpose.
func (ws Workspaces) UpdateWorkspace(ctx context.Context, id string, p workbench.WorkspacePatch) (workbench.Workspace, error) {
	req, err := ws.gate.check(ctx, access.UpdateWorkspace, id)
	if err != nil {
		return workbench.Workspace{}, err
	}
	w, err := ws.store.Workspace(ctx, id)
	if err != nil {
		return workbench.Workspace{}, err
	}
	out, err := ws.store.UpdateWorkspace(ctx, req.User.ID, p.Apply(w))
	if err != nil {
		return workbench.Workspace{}, err
	}
	ws.gate.audit(ctx, req, allowed, id, id, 1)
	return out, nil
}

// DeleteWorkspace deletes the workspace id with everything in it.
func (ws Workspaces) DeleteWorkspace(ctx context.Context, id string) error {
	req, err := ws.gate.check(ctx, access.DeleteWorkspace, id)
	if err != nil {
		return err
	}
	if err := ws.store.DeleteWorkspace(ctx, id); err != nil {
		return err
	}
	ws.gate.audit(ctx, req, allowed, id, id, 1)
	ws.labs.workspaceDeleted(ctx, id)
	// The workspace is gone whatever happens to its files: a folder left
	// behind is logged, not the client's failure.
	if err := ws.notebooks.RemoveWorkspace(id); err != nil {
		ws.gate.log.ErrorContext(ctx, "notebooks of a deleted workspace not removed", "workspace", id, "err", err)
	}
	return nil
}

// Collaborators is everyone with a role in the workspace id.
func (ws Workspaces) Collaborators(ctx context.Context, id string) ([]workbench.Collaborator, error) {
	req, err := ws.gate.check(ctx, access.ViewWorkspace, id)
	if err != nil {
		return nil, err
	}
	out, err := ws.store.Collaborators(ctx, id)
	if err != nil {
		return nil, err
	}
	ws.gate.audit(ctx, req, allowed, id, "", int64(len(out)))
	return nonNil(out), nil
}

// Share gives the user of email the role in the workspace id; None takes
// their role.
func (ws Workspaces) Share(ctx context.Context, id, email string, role access.Role) error {
	req, err := ws.gate.check(ctx, access.ShareWorkspace, id)
	if err != nil {
		return err
	}
	u, err := ws.store.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	if role == access.None {
		err = ws.store.RemoveCollaborator(ctx, id, u.ID)
	} else {
		err = ws.store.SetRole(ctx, id, u.ID, role)
	}
	if err != nil {
		return err
	}
	ws.gate.audit(ctx, req, allowed, id, u.ID, 1)
	ws.labs.roleChanged(ctx, id, u.ID, role)
	return nil
}

// Unshare takes the role of the user of email in the workspace id.
func (ws Workspaces) Unshare(ctx context.Context, id, email string) error {
	return ws.Share(ctx, id, email, access.None)
}

// DuplicateWorkspace copies the workspace id with its contents into a new one named
// name, owned by the user of ctx.
func (ws Workspaces) DuplicateWorkspace(ctx context.Context, id, name string) (workbench.Workspace, error) {
	req, err := ws.gate.check(ctx, access.DuplicateWorkspace, id)
	if err != nil {
		return workbench.Workspace{}, err
	}
	out, err := ws.store.DuplicateWorkspace(ctx, req.User.ID, id, name)
	if err != nil {
		return workbench.Workspace{}, err
	}
	if err := ws.notebooks.CopyWorkspace(id, out.ID); err != nil {
		return workbench.Workspace{}, fmt.Errorf("app: the notebooks of workspace %s were not copied to its duplicate %s: %w", id, out.ID, err)
	}
	ws.gate.audit(ctx, req, allowed, id, out.ID, 1)
	return out, nil
}
