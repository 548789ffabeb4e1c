package server

import (
	"net/http"

	"github.com/openworkbench/workbench"
)

// me is the current user and their access status.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	out, err := s.svc.Accounts.Me(r.Context())
	s.reply(w, r, http.StatusOK, out, err)
}

// registerPath is the route of self-registration, rate limited per
// client like the public tier.
const registerPath = "/v1/register"

// register creates an account and answers it with its token.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var b workbench.Registration
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.Accounts.Register(r.Context(), b)
	s.reply(w, r, http.StatusCreated, out, err)
}
