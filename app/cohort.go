package app

import (
	"context"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
)

// Count counts the cohort def, saved or not, for the user of ctx in the
// workspace.
func (sv Cohorts) Count(ctx context.Context, ws string, def *cohort.Definition) (int64, error) {
	req, err := sv.gate.check(ctx, access.CohortCount, ws)
	if err != nil {
		return 0, err
	}
	n, err := sv.engine.Count(ctx, def)
	if err != nil {
		return 0, err
	}
	// The result size of a count is 1 number, never its value.
	sv.gate.audit(ctx, req, access.Decision{Allowed: true}, ws, "", 1)
	return n, nil
}
