package public_test

import (
	"context"
	"flag"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/public"
)

var (
	benchRelease = flag.String("bench.release", "", "a release folder for the answer benchmarks (default: the 400-person fixture's)")
	benchCDR     = flag.String("bench.cdr", "", "an indexed CDR folder for BenchmarkBuild")
)

func benchmarkRelease(b *testing.B) *public.Release {
	b.Helper()
	if *benchRelease == "" {
		return smallCDR(b).release
	}
	r, err := public.Open(*benchRelease)
	require.NoError(b, err)
	return r
}

// BenchmarkAnswers times each public answer from a release in memory.
func BenchmarkAnswers(b *testing.B) {
	r := benchmarkRelease(b)
	top, err := r.TopConcepts(public.DomainMeasurement, 1)
	require.NoError(b, err)
	surveys := r.Surveys()
	require.NotEmpty(b, surveys)
	sv, err := r.Survey(surveys[0].ID)
	require.NoError(b, err)
	for _, bc := range []struct {
		name string
		call func() error
	}{
		{"Totals", func() error { r.Totals(); return nil }},
		{"Demographics", func() error { _, err := r.Demographics(public.ScopeEHR); return err }},
		{"Search", func() error { _, err := r.Search(public.Query{Text: "acute", Limit: 50}); return err }},
		{"SearchAll", func() error { _, err := r.Search(public.Query{Limit: 50}); return err }},
		{"Domains", func() error { r.Domains("blood"); return nil }},
		{"Concept", func() error { _, err := r.Concept(top[0].ID); return err }},
		{"Surveys", func() error { r.Surveys(); return nil }},
		{"Survey", func() error { _, err := r.Survey(sv.ID); return err }},
		{"Question", func() error { _, err := r.Question(sv.QuestionList[0].ID); return err }},
		{"TopConcepts", func() error { _, err := r.TopConcepts(public.DomainCondition, 10); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if err := bc.call(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			// The target is a median: a busy machine's outliers move the
			// mean (ns/op) more than the answer a visitor usually waits for.
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Nanoseconds())/1000, "p50-µs")
		})
	}
}

// BenchmarkOpen times reading a release into memory.
func BenchmarkOpen(b *testing.B) {
	dir := *benchRelease
	if dir == "" {
		dir = smallCDR(b).out
	}
	for b.Loop() {
		if _, err := public.Open(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild times building the release of the CDR of -bench.cdr.
func BenchmarkBuild(b *testing.B) {
	if *benchCDR == "" {
		b.Skip("needs -bench.cdr DIR, an indexed CDR")
	}
	ctx := context.Background()
	c, err := cdr.Open(ctx, *benchCDR, cdr.Options{})
	require.NoError(b, err)
	defer c.Close()
	info, _ := c.Index()
	out := filepath.Join(b.TempDir(), "release")
	for b.Loop() {
		if _, err := public.Build(ctx, source(c, info), out, public.Config{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
