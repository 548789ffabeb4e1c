package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
)

// workspaceService is the store's workspaces and collaborators, gated and
// audited.
type workspaceService struct {
	gate  *gate
	store *store.Store
	// notebooks follow their workspace when it is duplicated or deleted.
	notebooks notebook.Files
}

// allowed is the decision the audit records after a check passed.
var allowed = access.Decision{Allowed: true}

// List is the workspaces where the user of ctx holds a role.
func (ws workspaceService) List(ctx context.Context) ([]workbench.Membership, error) {
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

// Create creates w with the user of ctx as its OWNER. The decision
// concerns the tier of the workspace to create.
func (ws workspaceService) Create(ctx context.Context, w workbench.Workspace) (workbench.Workspace, error) {
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

// Get is the workspace id.
func (ws workspaceService) Get(ctx context.Context, id string) (workbench.Workspace, error) {
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

// Update changes the name, description and research purpose of w.ID.
func (ws workspaceService) Update(ctx context.Context, w workbench.Workspace) (workbench.Workspace, error) {
	req, err := ws.gate.check(ctx, access.UpdateWorkspace, w.ID)
	if err != nil {
		return workbench.Workspace{}, err
	}
	out, err := ws.store.UpdateWorkspace(ctx, req.User.ID, w)
	if err != nil {
		return workbench.Workspace{}, err
	}
	ws.gate.audit(ctx, req, allowed, w.ID, w.ID, 1)
	return out, nil
}

// Delete deletes the workspace id with everything in it.
func (ws workspaceService) Delete(ctx context.Context, id string) error {
	req, err := ws.gate.check(ctx, access.DeleteWorkspace, id)
	if err != nil {
		return err
	}
	if err := ws.store.DeleteWorkspace(ctx, id); err != nil {
		return err
	}
	ws.gate.audit(ctx, req, allowed, id, id, 1)
	// The workspace is gone whatever happens to its files: a folder left
	// behind is logged, not the client's failure.
	if err := ws.notebooks.RemoveWorkspace(id); err != nil {
		ws.gate.log.ErrorContext(ctx, "notebooks of a deleted workspace not removed", "workspace", id, "err", err)
	}
	return nil
}

// Collaborators is everyone with a role in the workspace id.
func (ws workspaceService) Collaborators(ctx context.Context, id string) ([]workbench.Collaborator, error) {
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
func (ws workspaceService) Share(ctx context.Context, id, email string, role access.Role) error {
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
	return nil
}

// Duplicate copies the workspace id with its contents into a new one named
// name, owned by the user of ctx.
func (ws workspaceService) Duplicate(ctx context.Context, id, name string) (workbench.Workspace, error) {
	req, err := ws.gate.check(ctx, access.DuplicateWorkspace, id)
	if err != nil {
		return workbench.Workspace{}, err
	}
	out, err := ws.store.DuplicateWorkspace(ctx, req.User.ID, id, name)
	if err != nil {
		return workbench.Workspace{}, err
	}
	if err := ws.notebooks.CopyWorkspace(id, out.ID); err != nil {
		return workbench.Workspace{}, fmt.Errorf("server: the notebooks of workspace %s were not copied to its duplicate %s: %w", id, out.ID, err)
	}
	ws.gate.audit(ctx, req, allowed, id, out.ID, 1)
	return out, nil
}

// workspaceBody is what a client chooses of a workspace.
type workspaceBody struct {
	Name            string      `json:"name"`
	Description     string      `json:"description"`
	ResearchPurpose string      `json:"research_purpose"`
	Tier            access.Tier `json:"tier"`
}

func (b workspaceBody) workspace(id string) workbench.Workspace {
	return workbench.Workspace{ID: id, Name: b.Name, Description: b.Description, ResearchPurpose: b.ResearchPurpose, Tier: b.Tier}
}

func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) {
	out, err := s.workspaces.List(r.Context())
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request) {
	var b workspaceBody
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.workspaces.Create(r.Context(), b.workspace(""))
	s.reply(w, r, http.StatusCreated, out, err)
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) {
	out, err := s.workspaces.Get(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) updateWorkspace(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name            string `json:"name"`
		Description     string `json:"description"`
		ResearchPurpose string `json:"research_purpose"`
	}
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.workspaces.Update(r.Context(), workspaceBody{Name: b.Name, Description: b.Description, ResearchPurpose: b.ResearchPurpose}.workspace(mux.Vars(r)["ws"]))
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) deleteWorkspace(w http.ResponseWriter, r *http.Request) {
	err := s.workspaces.Delete(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) collaborators(w http.ResponseWriter, r *http.Request) {
	out, err := s.workspaces.Collaborators(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) share(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Role access.Role `json:"role"`
	}
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Role == access.None {
		s.fail(w, r, fmt.Errorf("%w: role: want READER, WRITER or OWNER", workbench.ErrInvalid))
		return
	}
	err := s.workspaces.Share(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["email"], b.Role)
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) unshare(w http.ResponseWriter, r *http.Request) {
	err := s.workspaces.Share(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["email"], access.None)
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) duplicateWorkspace(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name string `json:"name"`
	}
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.workspaces.Duplicate(r.Context(), mux.Vars(r)["ws"], b.Name)
	s.reply(w, r, http.StatusCreated, out, err)
}
