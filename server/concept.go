package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
)

// conceptAPI serves the concept routes with their service, so that the
// subject is this file and its OpenAPI part.
type conceptAPI struct {
	*Server
	concepts workbench.ConceptService
}

func (s *Server) conceptRoutes() []route {
	a := conceptAPI{Server: s, concepts: s.svc.Concepts}
	return []route{
		{http.MethodGet, "/v1/concepts", login, a.search},
		{http.MethodGet, "/v1/concepts/{id}", login, a.concept},
		{http.MethodGet, "/v1/concepts/{id}/parents", login, a.relatives(true)},
		{http.MethodGet, "/v1/concepts/{id}/children", login, a.relatives(false)},
	}
}

// conceptSearch reads a concept search from the query parameters; each
// problem names its parameter.
func conceptSearch(r *http.Request) (engine.ConceptSearch, error) {
	q := r.URL.Query()
	s := engine.ConceptSearch{Query: q.Get("q"), Domain: q.Get("domain"), Vocabulary: q.Get("vocabulary")}
	if v := q.Get("standard"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return s, fmt.Errorf("%w: standard %q is not true or false", workbench.ErrInvalid, v)
		}
		s.Standard = &b
	}
	var err error
	if s.Limit, err = intQuery(r, "limit"); err != nil {
		return s, err
	}
	if s.Offset, err = intQuery(r, "offset"); err != nil {
		return s, err
	}
	if err := s.Validate(); err != nil {
		// The search calls its words "query"; the parameter is q.
		for i, e := range fault.FieldsOf(err) {
			if e.Path == "query" {
				fault.FieldsOf(err)[i].Path = "q"
			}
		}
		return s, err
	}
	return s, nil
}

func (a conceptAPI) search(w http.ResponseWriter, r *http.Request) {
	s, err := conceptSearch(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.concepts.SearchConcepts(r.Context(), s)
	a.reply(w, r, http.StatusOK, map[string]any{"concepts": out}, err)
}

func (a conceptAPI) concept(w http.ResponseWriter, r *http.Request) {
	id, err := idVar(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.concepts.Concept(r.Context(), id)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a conceptAPI) relatives(parents bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := idVar(r, "id")
		if err != nil {
			a.fail(w, r, err)
			return
		}
		find := a.concepts.Children
		if parents {
			find = a.concepts.Parents
		}
		out, err := find(r.Context(), id)
		a.reply(w, r, http.StatusOK, map[string]any{"concepts": out}, err)
	}
}
