//go:build cgo

package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/internal/testkit"
)

// TestLargestDefinitionRuns runs the largest valid definition through
// every query of the engine over GiBleed: the limits leave DuckDB's own
// (expression and plan depth) out of reach.
func TestLargestDefinitionRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := cdr.Open(ctx, testcdr.GiBleed(t), cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	info, _ := c.Index()
	// A fresh engine for Demographics and TopConcepts: after a count,
	// they read the persons it kept instead of running their own query.
	fresh := func() *engine.Engine {
		e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
		require.NoError(t, err)
		return e
	}
	def := testkit.LargestDefinition()
	e := fresh()
	_, err = e.Count(ctx, def)
	require.NoError(t, err)
	_, _, err = e.Participants(ctx, def, 0, 10)
	require.NoError(t, err)
	_, err = fresh().Demographics(ctx, def)
	require.NoError(t, err)
	_, err = fresh().TopConcepts(ctx, def, cohort.DomainCondition, 10)
	require.NoError(t, err)
}
