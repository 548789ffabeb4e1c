package server

import (
	"context"
	"net/http"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// publicService is the public tier: aggregates through disclosure control,
// never a row.
type publicService struct {
	gate       *gate
	engine     *engine.Engine
	disclosure access.Disclosure
	shape      access.PublicShape
}

func (p publicService) Totals(ctx context.Context) (access.PublicCount, error) {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return access.PublicCount{}, err
	}
	return p.engine.PublicTotals(ctx, p.disclosure)
}

func (p publicService) Demographics(ctx context.Context) (engine.PublicDemographics, error) {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return engine.PublicDemographics{}, err
	}
	return p.engine.PublicDemographics(ctx, p.disclosure)
}

func (p publicService) SearchConcepts(ctx context.Context, s engine.ConceptSearch) ([]engine.PublicConcept, error) {
	if _, err := p.gate.check(ctx, access.SearchConcepts, ""); err != nil {
		return nil, err
	}
	return p.engine.PublicConceptSearch(ctx, p.disclosure, s)
}

func (p publicService) Concept(ctx context.Context, id int64) (engine.PublicConceptCounts, error) {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return engine.PublicConceptCounts{}, err
	}
	return p.engine.PublicConceptCounts(ctx, p.disclosure, id)
}

func (p publicService) Survey(ctx context.Context, id int64) (engine.PublicSurvey, error) {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return engine.PublicSurvey{}, err
	}
	return p.engine.PublicSurvey(ctx, p.disclosure, id)
}

func (p publicService) CohortCount(ctx context.Context, def *cohort.Definition) (access.PublicCount, error) {
	if _, err := p.gate.check(ctx, access.PublicCohortCount, ""); err != nil {
		return access.PublicCount{}, err
	}
	return p.engine.PublicCohortCount(ctx, p.disclosure, p.shape, def)
}

func (s *Server) publicTotals(w http.ResponseWriter, r *http.Request) {
	c, err := s.public.Totals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, c)
}

func (s *Server) publicDemographics(w http.ResponseWriter, r *http.Request) {
	d, err := s.public.Demographics(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, d)
}

func (s *Server) publicConcepts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	search := engine.ConceptSearch{Query: q.Get("q"), Domain: q.Get("domain"), Vocabulary: q.Get("vocabulary")}
	var err error
	if search.Limit, err = intQuery(r, "limit"); err == nil {
		search.Offset, err = intQuery(r, "offset")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.public.SearchConcepts(r.Context(), search)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, map[string]any{"concepts": nonNil(cs)})
}

func (s *Server) publicConcept(w http.ResponseWriter, r *http.Request) {
	id, err := idVar(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.public.Concept(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, c)
}

func (s *Server) publicSurvey(w http.ResponseWriter, r *http.Request) {
	id, err := idVar(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sv, err := s.public.Survey(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, sv)
}

func (s *Server) publicCohortCount(w http.ResponseWriter, r *http.Request) {
	def, err := s.definition(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.public.CohortCount(r.Context(), def)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, c)
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
