package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench/access"
)

// completeStep records a step of the current user and answers their
// status.
func (s *Server) completeStep(w http.ResponseWriter, r *http.Request) {
	st, err := s.svc.Accounts.CompleteStep(r.Context(), access.Requirement(mux.Vars(r)["step"]))
	s.reply(w, r, http.StatusOK, st, err)
}
