package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// conceptService is the Concept Set Selector of logged-in researchers:
// the vocabulary with exact person counts, which the public tier sees
// only released (publicService), gated by the registered tier and
// audited.
type conceptService struct {
	gate   *gate
	engine *engine.Engine
}

// Search runs the concept search s.
func (sv conceptService) Search(ctx context.Context, s engine.ConceptSearch) ([]engine.Concept, error) {
	return guarded(ctx, sv.gate, access.BrowseConcepts, "", func(access.Request) ([]engine.Concept, string, int64, error) {
		out, err := sv.engine.SearchConcepts(ctx, s)
		return nonNil(out), "", int64(len(out)), err
	})
}

// Concept is the concept id with its counts.
func (sv conceptService) Concept(ctx context.Context, id int64) (engine.Concept, error) {
	return guarded(ctx, sv.gate, access.BrowseConcepts, "", func(access.Request) (engine.Concept, string, int64, error) {
		out, err := sv.engine.Concept(ctx, id)
		return out, strconv.FormatInt(id, 10), 1, err
	})
}

// Relatives is the direct parents (or children) of the concept id.
func (sv conceptService) Relatives(ctx context.Context, id int64, parents bool) ([]engine.Concept, error) {
	return guarded(ctx, sv.gate, access.BrowseConcepts, "", func(access.Request) ([]engine.Concept, string, int64, error) {
		find := sv.engine.Children
		if parents {
			find = sv.engine.Parents
		}
		out, err := find(ctx, id)
		return nonNil(out), strconv.FormatInt(id, 10), int64(len(out)), err
	})
}

// conceptAPI serves the concept routes with their service, so that the
// subject is this file and its OpenAPI part.
type conceptAPI struct {
	*Server
	concepts conceptService
}

func (s *Server) conceptRoutes() []route {
	a := conceptAPI{Server: s, concepts: conceptService{gate: s.gate, engine: s.deps.Engine}}
	return []route{
		{http.MethodGet, "/v1/concepts", access.BrowseConcepts, a.search},
		{http.MethodGet, "/v1/concepts/{id}", access.BrowseConcepts, a.concept},
		{http.MethodGet, "/v1/concepts/{id}/parents", access.BrowseConcepts, a.relatives(true)},
		{http.MethodGet, "/v1/concepts/{id}/children", access.BrowseConcepts, a.relatives(false)},
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
			return s, fmt.Errorf("%w: standard %q is not true or false", errBadRequest, v)
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
		if list, ok := errors.AsType[cohort.ValidationErrors](err); ok {
			for _, e := range list {
				if e.Path == "query" {
					e.Path = "q"
				}
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
	out, err := a.concepts.Search(r.Context(), s)
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
		out, err := a.concepts.Relatives(r.Context(), id, parents)
		a.reply(w, r, http.StatusOK, map[string]any{"concepts": out}, err)
	}
}
