package server

import (
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Workspaces.Workspaces(r.Context())
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request) {
	var b workbench.WorkspaceFields
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.Workspaces.CreateWorkspace(r.Context(), b.Workspace(""))
	s.reply(w, r, http.StatusCreated, out, err)
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Workspaces.GetWorkspace(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) updateWorkspace(w http.ResponseWriter, r *http.Request) {
	var b workbench.WorkspacePatch
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.Workspaces.UpdateWorkspace(r.Context(), mux.Vars(r)["ws"], b)
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) deleteWorkspace(w http.ResponseWriter, r *http.Request) {
	err := s.svc.Workspaces.DeleteWorkspace(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) collaborators(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Workspaces.Collaborators(r.Context(), mux.Vars(r)["ws"])
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
	err := s.svc.Workspaces.Share(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["email"], b.Role)
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) unshare(w http.ResponseWriter, r *http.Request) {
	err := s.svc.Workspaces.Unshare(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["email"])
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
	out, err := s.svc.Workspaces.DuplicateWorkspace(r.Context(), mux.Vars(r)["ws"], b.Name)
	s.reply(w, r, http.StatusCreated, out, err)
}
