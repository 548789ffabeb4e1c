package main

import (
	"context"
	"fmt"
	"time"

	"github.com/openworkbench/workbench/cdr/synth"
)

func runSynth(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "synth", "synth --persons N --seed S [--events-per-person E] --out DIR\n\nWrites a synthetic OMOP CDM v5.3 CDR; the same seed, size and density give the same bytes.")
	persons := fs.Int("persons", 10000, "number of persons")
	seed := fs.Int64("seed", 1, "random seed")
	events := fs.Int("events-per-person", 0, fmt.Sprintf("mean clinical events (rows of the visit and event tables) per person, %d to %d; 0 keeps the natural density of about %d", synth.MinEventsPerPerson, synth.MaxEventsPerPerson, synth.NaturalEventsPerPerson))
	out := fs.String("out", "", "CDR folder to write; must not exist (required)")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *out == "" {
		return usagef("synth: --out is required")
	}
	if *persons <= 0 {
		return usagef("synth: --persons must be positive, got %d", *persons)
	}
	if e := *events; e != 0 && (e < synth.MinEventsPerPerson || e > synth.MaxEventsPerPerson) {
		return usagef("synth: --events-per-person must be 0 or from %d to %d, got %d", synth.MinEventsPerPerson, synth.MaxEventsPerPerson, e)
	}
	bar := newProgress(e.stderr)
	start := time.Now()
	sum, err := synth.Generate(ctx, *out, synth.Options{Persons: *persons, Seed: *seed, EventsPerPerson: *events, Progress: bar.update})
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %d persons (seed %d) to %s in %.1fs\n", *persons, *seed, *out, time.Since(start).Seconds())
	printRows(e.stdout, sum.Rows)
	return nil
}
