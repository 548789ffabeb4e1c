package spark

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// QueryForTest runs text, SQL from a test, and returns the number of rows.
func QueryForTest(ctx context.Context, e *Engine, text string) (int, error) {
	rows, err := e.rows(ctx, "test", new(sqlb.Builder).SQL(text))
	return len(rows), err
}

// PersonsForTest returns the sorted person ids of each definition, all in
// one query (a union of the compiled queries, each tagged with its
// index): the oracle test compares hundreds of definitions, and a query
// each would spend most of its time on round trips.
func PersonsForTest(ctx context.Context, e *Engine, defs []*cohort.Definition) ([][]int64, error) {
	var b sqlb.Builder
	for i, def := range defs {
		q, err := cohort.Compile(def, compileOptions)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.SQL("\nUNION ALL\n")
		}
		b.SQL("SELECT ", strconv.Itoa(i), " AS k, person_id FROM (\n").AddQuery(q.SQL, nil).SQL("\n)")
	}
	rows, err := e.rows(ctx, "test", &b)
	if err != nil {
		return nil, err
	}
	out := make([][]int64, len(defs))
	for _, r := range rows {
		k, ok := integer(r.At(0))
		id, okID := integer(r.At(1))
		if !ok || !okID {
			return nil, fmt.Errorf("unexpected row %v", r.Values())
		}
		out[k] = append(out[k], id)
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out, nil
}
