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

// accepted is the answer to every registration that passed its checks,
// whether it made an account or found one: the same status and body, so
// that the answer does not tell whether an address has an account. The
// address's owner learns which from the message sent to it.
type accepted struct {
	Status string `json:"status"`
	Detail string `json:"detail"`
}

var registrationAccepted = accepted{
	Status: "accepted",
	Detail: "a message was sent to the address: it holds the first bearer token of a new account, or says that the address already has one",
}

// register answers every registration that passed its checks with 202
// and the same body (see accepted).
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var b workbench.Registration
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	err := s.svc.Accounts.Register(r.Context(), b)
	s.reply(w, r, http.StatusAccepted, registrationAccepted, err)
}
