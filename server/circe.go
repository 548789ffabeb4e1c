package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/fault"
)

// The OHDSI Circe cohorts of a workspace, beside the All of Us ones: the
// body's definition is the expression JSON as ATLAS exports it.
func (s *Server) circeRoutes() []route {
	return []route{
		{http.MethodGet, "/v1/workspaces/{ws}/circe-cohorts", login, s.listCirce},
		{http.MethodPost, "/v1/workspaces/{ws}/circe-cohorts", login, s.saveCirce},
		{http.MethodGet, "/v1/workspaces/{ws}/circe-cohorts/{id}", login, s.getCirce},
		{http.MethodPut, "/v1/workspaces/{ws}/circe-cohorts/{id}", login, s.saveCirce},
		{http.MethodDelete, "/v1/workspaces/{ws}/circe-cohorts/{id}", login, s.deleteCirce},
		{http.MethodGet, "/v1/workspaces/{ws}/circe-cohorts/{id}/count", login, s.circeCount},
		{http.MethodGet, "/v1/workspaces/{ws}/circe-cohorts/{id}/attrition", login, s.circeAttrition},
		{http.MethodGet, "/v1/workspaces/{ws}/circe-cohorts/{id}/rows", login, s.circeRows},
	}
}

func (s *Server) listCirce(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Circe.CirceCohorts(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) getCirce(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Circe.CirceCohort(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

// saveCirce creates (POST) or changes (PUT) a Circe cohort; the problems
// of its expression come at their JSON paths under "definition".
func (s *Server) saveCirce(w http.ResponseWriter, r *http.Request) {
	var b savedBody
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(b.Definition) == 0 {
		s.fail(w, r, fault.At(workbench.ErrInvalid, "definition", "missing: a Circe cohort needs its expression"))
		return
	}
	v := mux.Vars(r)
	c := workbench.CirceCohort{ID: v["id"], WorkspaceID: v["ws"], Name: b.Name, Description: b.Description, Definition: b.Definition}
	code := http.StatusOK
	if c.ID == "" {
		code = http.StatusCreated
	}
	out, err := s.svc.Circe.SaveCirceCohort(r.Context(), c)
	s.reply(w, r, code, out, under("definition", err))
}

func (s *Server) deleteCirce(w http.ResponseWriter, r *http.Request) {
	err := s.svc.Circe.DeleteCirceCohort(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) circeCount(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Circe.CirceCount(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) circeAttrition(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Circe.CirceAttrition(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) circeRows(w http.ResponseWriter, r *http.Request) {
	page, err := intQuery(r, "page")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	size, err := intQuery(r, "size")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if size == 0 {
		size = defaultPageSize
	}
	out, err := s.svc.Circe.CirceRows(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"], page, size)
	s.reply(w, r, http.StatusOK, out, err)
}
