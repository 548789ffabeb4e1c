package notebook

import (
	"context"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

// Workspaces is the workspaces where the current user holds a role.
func (c *Client) Workspaces(ctx context.Context) ([]workbench.Membership, error) {
	var out []workbench.Membership
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces"}, out: &out})
	return out, err
}

// CreateWorkspace creates a workspace of w's name, description, research
// purpose and tier, owned by the current user.
func (c *Client) CreateWorkspace(ctx context.Context, w workbench.Workspace) (workbench.Workspace, error) {
	var out workbench.Workspace
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces"}, out: &out,
		body: w.Fields()})
	return out, err
}

// GetWorkspace is the workspace id.
func (c *Client) GetWorkspace(ctx context.Context, id string) (workbench.Workspace, error) {
	var out workbench.Workspace
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", id}, out: &out})
	return out, err
}

// UpdateWorkspace changes the fields p gives of the workspace id.
func (c *Client) UpdateWorkspace(ctx context.Context, id string, p workbench.WorkspacePatch) (workbench.Workspace, error) {
	var out workbench.Workspace
	err := c.do(ctx, call{method: "PATCH", path: []string{"workspaces", id}, out: &out, body: p})
	return out, err
}

// DeleteWorkspace deletes the workspace id with everything in it.
func (c *Client) DeleteWorkspace(ctx context.Context, id string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", id}})
}

// Collaborators is everyone with a role in the workspace.
func (c *Client) Collaborators(ctx context.Context, ws string) ([]workbench.Collaborator, error) {
	var out []workbench.Collaborator
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "collaborators"}, out: &out})
	return out, err
}

// Share gives the user of email the role in the workspace.
func (c *Client) Share(ctx context.Context, ws, email string, role access.Role) error {
	return c.do(ctx, call{method: "PUT", path: []string{"workspaces", ws, "collaborators", email},
		body: map[string]access.Role{"role": role}})
}

// Unshare takes the role of the user of email in the workspace.
func (c *Client) Unshare(ctx context.Context, ws, email string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "collaborators", email}})
}

// DuplicateWorkspace copies the workspace with its contents into a new
// one named name, owned by the current user.
func (c *Client) DuplicateWorkspace(ctx context.Context, ws, name string) (workbench.Workspace, error) {
	var out workbench.Workspace
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "duplicate"}, out: &out,
		body: map[string]string{"name": name}})
	return out, err
}
