//go:build cgo

package cohort_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/testcdr"
)

// TestLargestDefinitionRuns runs the largest valid definition through
// every query of the engine over GiBleed: the limits leave DuckDB's own
// (expression and plan depth) out of reach.
func TestLargestDefinitionRuns(t *testing.T) {
	ctx := context.Background()
	c, err := cdr.Open(ctx, testcdr.GiBleed(t), cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	info, _ := c.Index()
	e, err := cohort.NewEngine(c.DB(), info.VersionID, cohort.EngineOptions{})
	require.NoError(t, err)
	def := largest()
	_, err = e.Count(ctx, def)
	require.NoError(t, err)
	_, err = e.Demographics(ctx, def)
	require.NoError(t, err)
	_, _, err = e.Participants(ctx, def, 0, 10)
	require.NoError(t, err)
	_, err = e.TopConcepts(ctx, def, cohort.DomainCondition, 10)
	require.NoError(t, err)
}
