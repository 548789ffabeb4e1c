package synth_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr/synth"
)

// eventRows counts the rows of the tables Options.EventsPerPerson speaks of.
func eventRows(rows map[string]int64) int64 {
	var n int64
	for _, t := range []string{"visit_occurrence", "condition_occurrence", "drug_exposure", "procedure_occurrence", "measurement", "observation", "device_exposure"} {
		n += rows[t]
	}
	return n
}

func TestEventsPerPerson(t *testing.T) {
	const persons = 1000
	for _, want := range []int{0, 100, 1500} {
		dir := filepath.Join(t.TempDir(), "cdr")
		sum, err := synth.Generate(context.Background(), dir, synth.Options{Persons: persons, Seed: 3, EventsPerPerson: want})
		require.NoError(t, err)
		got := float64(eventRows(sum.Rows)) / persons
		if want == 0 {
			want = synth.NaturalEventsPerPerson
		}
		assert.InEpsilon(t, want, got, 0.1, "events per person")
		assert.EqualValues(t, persons, sum.Rows["person"])
	}
}

func TestEventsPerPersonOutOfRange(t *testing.T) {
	for _, n := range []int{-1, synth.MinEventsPerPerson - 1, synth.MaxEventsPerPerson + 1} {
		_, err := synth.Generate(context.Background(), filepath.Join(t.TempDir(), "cdr"), synth.Options{Persons: 10, EventsPerPerson: n})
		require.ErrorContains(t, err, "events per person must be 0 (natural) or from 50 to 5000")
	}
}
