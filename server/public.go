package server

import (
	"net/http"

	"github.com/openworkbench/workbench/cohort"
)

func (s *Server) publicTotals(w http.ResponseWriter, r *http.Request) {
	c, err := s.svc.Public.Totals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, c)
}

func (s *Server) publicDemographics(w http.ResponseWriter, r *http.Request) {
	d, err := s.svc.Public.Demographics(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, d)
}

func (s *Server) publicConcepts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	search := cohort.ConceptSearch{Query: q.Get("q"), Domain: q.Get("domain"), Vocabulary: q.Get("vocabulary")}
	var err error
	if search.Limit, err = intQuery(r, "limit"); err == nil {
		search.Offset, err = intQuery(r, "offset")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.svc.Public.SearchConcepts(r.Context(), search)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, map[string]any{"concepts": cs})
}

func (s *Server) publicConcept(w http.ResponseWriter, r *http.Request) {
	id, err := idVar(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.svc.Public.Concept(r.Context(), id)
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
	sv, err := s.svc.Public.Survey(r.Context(), id)
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
	c, err := s.svc.Public.CohortCount(r.Context(), def)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, c)
}
