package server

import (
	"net/http"

	"github.com/gorilla/mux"
)

func (s *Server) dictionary(w http.ResponseWriter, r *http.Request) {
	d, err := s.svc.Dictionary.Dictionary(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, d)
}

func (s *Server) dictionaryTable(w http.ResponseWriter, r *http.Request) {
	t, err := s.svc.Dictionary.DictionaryTable(r.Context(), mux.Vars(r)["table"])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, t)
}
