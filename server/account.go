package server

import (
	"context"
	"net/http"

	"github.com/openworkbench/workbench/access"
)

// Status is the access status and steps of the user of ctx.
func (g *gate) Status(ctx context.Context) (access.Status, error) {
	req, err := g.check(ctx, access.ViewStatus, "")
	if err != nil {
		return access.Status{}, err
	}
	return g.policy.Status(req.User, req.Records, req.Now), nil
}

// me is the current user and their access status.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	st, err := s.gate.Status(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, map[string]any{"user": userFrom(r.Context()), "status": st})
}
