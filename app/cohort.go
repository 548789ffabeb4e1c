package app

import (
	"context"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// Definitions is the cohort engine inside workspaces, gated and audited.
type Definitions struct {
	gate   *gate
	engine *engine.Engine
}

// Count counts the cohort def for the user of ctx in the workspace.
func (c Definitions) Count(ctx context.Context, workspaceID string, def *cohort.Definition) (int64, error) {
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
