package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
)

// Defaults of the query parameters of a saved cohort's analyses.
const (
	defaultTopConcepts = 10
	defaultPageSize    = 100
)

// savedBody is a saved cohort or concept set as a client sends it.
type savedBody struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Definition  json.RawMessage `json:"definition"`
}

// savedCohort reads a saved cohort body; its definition must pass
// cohort.Parse and Validate, which report every problem with its path under
// "definition".
func (s *Server) savedCohort(r *http.Request) (workbench.Cohort, *cohort.Definition, error) {
	var b savedBody
	if err := s.decode(r, &b); err != nil {
		return workbench.Cohort{}, nil, err
	}
	if len(b.Definition) == 0 {
		return workbench.Cohort{}, nil, fault.At(cohort.ErrInvalid, "definition", "missing: a saved cohort needs a definition")
	}
	def, err := cohort.Parse(b.Definition)
	if err == nil {
		err = def.Validate()
	}
	if err != nil {
		return workbench.Cohort{}, nil, under("definition", err)
	}
	v := mux.Vars(r)
	return workbench.Cohort{ID: v["id"], WorkspaceID: v["ws"], Name: b.Name, Description: b.Description}, def, nil
}

func (s *Server) listCohorts(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Cohorts.Cohorts(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) getCohort(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Cohorts.Cohort(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) saveCohort(w http.ResponseWriter, r *http.Request) {
	c, def, err := s.savedCohort(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusOK
	if c.ID == "" {
		code = http.StatusCreated
	}
	out, err := s.svc.Cohorts.SaveCohort(r.Context(), c, def)
	s.reply(w, r, code, out, err)
}

func (s *Server) deleteCohort(w http.ResponseWriter, r *http.Request) {
	err := s.svc.Cohorts.DeleteCohort(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) savedCount(w http.ResponseWriter, r *http.Request) {
	n, err := s.svc.Cohorts.CohortCount(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, map[string]int64{"count": n}, err)
}

func (s *Server) savedDemographics(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Cohorts.Demographics(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) savedTopConcepts(w http.ResponseWriter, r *http.Request) {
	n, err := intQuery(r, "limit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if n == 0 {
		n = defaultTopConcepts
	}
	domain, err := cohort.ParseDomain(r.URL.Query().Get("domain"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.Cohorts.TopConcepts(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"], domain, n)
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) savedParticipants(w http.ResponseWriter, r *http.Request) {
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
	out, err := s.svc.Cohorts.Participants(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"], page, size)
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) savedSQL(w http.ResponseWriter, r *http.Request) {
	q, err := s.svc.Cohorts.SQL(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, map[string]any{"sql": q.SQL, "args": q.Args}, err)
}

// reply writes err as a problem, or else v with the code (no body for
// 204).
func (s *Server) reply(w http.ResponseWriter, r *http.Request, code int, v any, err error) {
	switch {
	case err != nil:
		s.fail(w, r, err)
	case code == http.StatusNoContent:
		w.WriteHeader(code)
	default:
		s.encode(w, r, code, v)
	}
}

// under places the validation problems of err, found in the document a
// body holds in its field prefix (a cohort definition, a concept set, a
// notebook), at their paths in the body; other errors pass unchanged.
func under(prefix string, err error) error {
	f, ok := errors.AsType[*fault.Fields](err)
	if !ok {
		return err
	}
	out := &fault.Fields{Of: f.Of}
	for _, e := range f.List {
		out.List = append(out.List, fault.Field{Path: join(prefix, e.Path), Message: e.Message})
	}
	return out
}

func join(prefix, path string) string {
	if path == "" {
		return prefix
	}
	return prefix + "." + path
}
