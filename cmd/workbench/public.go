package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/public"
)

func publicCommands() []command {
	return []command{
		{"build", "build the public release of an indexed CDR: aggregates only, every disclosure rule applied", runPublicBuild},
	}
}

func runPublic(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "public", "Build the Public Tier CDR: the aggregate-only release that the public pages and /v1/public/* serve.", publicCommands(), args)
}

func runPublicBuild(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "public build", "public build --cdr DIR --out PUBDIR [--config FILE] [flags]\n\n"+
		"Computes every public aggregate of the indexed CDR in DIR once and writes the release to PUBDIR\n"+
		"(replacing an older release there; written under a temporary name, renamed when complete).\n"+
		"FILE is JSON: threshold, bin, min_breakdown_total, histogram_bins, noise {mechanism, key_file,\n"+
		"max, epsilon}; every field may be left out.")
	var opt cdr.Options
	dir := fs.String("cdr", "", "indexed CDR folder (required)")
	out := fs.String("out", "", "release folder to write (required)")
	config := fs.String("config", "", "JSON file of the release's disclosure settings (default: threshold 20, bin 20, no noise)")
	asJSON := fs.Bool("json", false, "print the manifest as JSON")
	engineFlags(&opt, fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *dir == "" || *out == "" {
		return usagef("public build: --cdr and --out are required")
	}
	var cfg public.Config
	if *config != "" {
		var err error
		if cfg, err = public.LoadConfig(*config); err != nil {
			return err
		}
	}
	c, err := cdr.Open(ctx, *dir, opt)
	if err != nil {
		return err
	}
	defer c.Close()
	info, ok := c.Index()
	if !ok {
		return fmt.Errorf("public build: %s has no index: run 'workbench cdr index %s' first", *dir, *dir)
	}
	bar := newProgress(e.stderr)
	start := time.Now()
	m, err := public.Build(ctx, public.Source{DB: c.DB(), VersionID: info.VersionID, ReferenceDate: info.ReferenceDate}, *out, cfg, bar.update)
	bar.done()
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, m)
	}
	printManifest(e.stdout, *out, m, time.Since(start))
	return nil
}

func printManifest(w io.Writer, out string, m public.Manifest, took time.Duration) {
	fmt.Fprintf(w, "built %s in %.1fs\n", out, took.Seconds())
	d := m.Disclosure
	fmt.Fprintf(w, "  CDR version id       %s\n  threshold, bin       %d, %d\n  min breakdown total  %d\n  noise                %s\n",
		m.CDRVersionID, d.Threshold, d.Bin, d.MinBreakdownTotal, noiseText(d))
	if m.Budget != nil {
		fmt.Fprintf(w, "  privacy budget       epsilon %g per cell, %d cells per person, %g in total\n", m.Budget.EpsilonPerCell, m.Budget.CellsPerPerson, m.Budget.TotalEpsilon)
	}
	for _, t := range []string{"concepts", "cells", "hierarchy", "source_codes", "histograms", "surveys"} {
		fmt.Fprintf(w, "  %-20s %d rows\n", t, m.Rows[t])
	}
}

func noiseText(d public.Parameters) string {
	switch d.Noise {
	case public.NoiseKeyed:
		return fmt.Sprintf("keyed, at most %d", d.NoiseMax)
	case public.NoiseLaplace:
		return fmt.Sprintf("discrete Laplace, epsilon %g per cell", d.Epsilon)
	}
	return "none"
}
