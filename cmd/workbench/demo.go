package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cdr/synth"
)

const (
	demoPersons = 10000
	demoSeed    = 1
)

func runDemo(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "demo", "demo [--cdr DIR]\n\nGenerates a 10,000-person synthetic CDR on first run, indexes it and prints a summary.\nLater runs reuse it.")
	dir := fs.String("cdr", "", "where the demo CDR lives (default: the user cache folder)")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		*dir = filepath.Join(cache, "workbench", fmt.Sprintf("demo-cdr-%d-seed%d", demoPersons, demoSeed))
	}
	bar := newProgress(e.stderr)
	defer bar.done()
	if _, err := os.Stat(*dir); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(e.stdout, "generating a %d-person synthetic CDR in %s\n", demoPersons, *dir)
		if _, err := synth.Generate(ctx, *dir, synth.Options{Persons: demoPersons, Seed: demoSeed, Progress: bar.update}); err != nil {
			return err
		}
	}
	// A demo CDR indexed by an older version is indexed again.
	var info cdr.IndexInfo
	indexed := false
	c, err := cdr.Open(ctx, *dir, cdr.Options{})
	switch {
	case errors.Is(err, cdr.ErrIndexStale):
	case err != nil:
		return err
	default:
		info, indexed = c.Index()
		c.Close()
	}
	if !indexed {
		start := time.Now()
		if info, err = cdr.Index(ctx, *dir, cdr.IndexOptions{Progress: bar.update}); err != nil {
			return err
		}
		bar.done()
		printIndex(e.stdout, *dir, info, time.Since(start))
	}
	bar.done()
	return demoSummary(ctx, e.stdout, *dir)
}

// demoSummary prints what the demo CDR holds, read from its index.
func demoSummary(ctx context.Context, w io.Writer, dir string) error {
	c, err := cdr.Open(ctx, dir, cdr.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	info, _ := c.Index()
	fmt.Fprintf(w, "CDR %s (OMOP CDM %s, version %s, reference date %s)\n", dir, info.CDMVersion, info.VersionID, info.ReferenceDate)
	fmt.Fprintf(w, "%d persons, %d indexed events\n\n", info.Persons, info.Events)
	counts, err := c.DomainCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-22s %12s %10s\n", "DOMAIN", "EVENTS", "PERSONS")
	for _, d := range counts {
		fmt.Fprintf(w, "%-22s %12d %10d\n", d.Domain, d.Events, d.Persons)
	}
	return nil
}

// printRows prints a table -> row count map sorted by table.
func printRows(w io.Writer, rows map[string]int64) {
	names := make([]string, 0, len(rows))
	for t := range rows {
		names = append(names, t)
	}
	slices.Sort(names)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, t := range names {
		fmt.Fprintf(tw, "  %s\t%d\n", t, rows[t])
	}
	tw.Flush()
}
