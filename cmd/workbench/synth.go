package main

import (
	"context"
	"fmt"
	"time"

	"github.com/openworkbench/workbench/cdr/synth"
)

func runSynth(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "synth", "synth --persons N --seed S --out DIR\n\nWrites a synthetic OMOP CDM v5.3 CDR; the same seed and size give the same bytes.")
	persons := fs.Int("persons", 10000, "number of persons")
	seed := fs.Int64("seed", 1, "random seed")
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
	bar := newProgress(e.stderr)
	start := time.Now()
	sum, err := synth.Generate(ctx, *out, synth.Options{Persons: *persons, Seed: *seed, Progress: bar.update})
	bar.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %d persons (seed %d) to %s in %.1fs\n", *persons, *seed, *out, time.Since(start).Seconds())
	printRows(e.stdout, sum.Rows)
	return nil
}
