package server

import (
	"net/http"

	"github.com/gorilla/mux"
)

func (s *Server) cohortCount(w http.ResponseWriter, r *http.Request) {
	def, err := s.definition(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.svc.Cohorts.Count(r.Context(), mux.Vars(r)["ws"], def)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, map[string]int64{"count": n})
}

func (s *Server) cohortDemographics(w http.ResponseWriter, r *http.Request) {
	def, err := s.definition(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.Cohorts.DefinitionDemographics(r.Context(), mux.Vars(r)["ws"], def)
	s.reply(w, r, http.StatusOK, out, err)
}
