package app

import (
	"context"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
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

// DefinitionDemographics breaks the cohort def, saved or not, down for
// the user of ctx in the workspace: the Cohort Builder's chart of the
// definition under construction.
func (sv Cohorts) DefinitionDemographics(ctx context.Context, ws string, def *cohort.Definition) (*engine.Demographics, error) {
	req, err := sv.gate.check(ctx, access.CohortDemographics, ws)
	if err != nil {
		return nil, err
	}
	d, err := sv.engine.Demographics(ctx, def)
	if err != nil {
		return nil, err
	}
	sv.gate.audit(ctx, req, allowed, ws, "", int64(len(d.SexAtBirth)+len(d.Gender)+len(d.Race)+len(d.Ethnicity)))
	return d, nil
}
