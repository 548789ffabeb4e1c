package server

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// cohortService is the cohort engine inside workspaces, gated and audited.
type cohortService struct {
	gate   *gate
	engine *engine.Engine
}

// Count counts the cohort def for the user of ctx in the workspace.
func (c cohortService) Count(ctx context.Context, workspaceID string, def *cohort.Definition) (int64, error) {
	req, err := c.gate.check(ctx, access.CohortCount, workspaceID)
	if err != nil {
		return 0, err
	}
	n, err := c.engine.Count(ctx, def)
	if err != nil {
		return 0, err
	}
	// The result size of a count is 1 number, never its value.
	c.gate.audit(ctx, req, access.Decision{Allowed: true}, workspaceID, "", 1)
	return n, nil
}

func (s *Server) cohortCount(w http.ResponseWriter, r *http.Request) {
	def, err := s.definition(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.cohorts.Count(r.Context(), mux.Vars(r)["ws"], def)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, map[string]int64{"count": n})
}
