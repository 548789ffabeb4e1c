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
	// A fresh engine for Demographics: after a count, it reads the
	// persons the count kept instead of running its own query. TopConcepts
	// counts first where it can keep the persons, as here: its join of
	// the cohort's query runs only for ids too spread for a bitstring,
	// which TestAfterCountOracle covers.
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
	_, err = e.TopConcepts(ctx, def, cohort.DomainCondition, 10)
	require.NoError(t, err)
}
