//go:build cgo

package spark_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/spark"
)

var benchCDR = flag.String("bench.cdr", "", "indexed synthetic CDR folder of BenchmarkSpark (skipped when empty)")

// BenchmarkSpark counts each definition of package engine's benchmark
// suite (engine/testdata/bench) on the CDR of -bench.cdr with the Spark
// engine and with the DuckDB engine, uncached, and reports the median
// time of each (p50-ms) and the counts, which must be equal. For example:
//
//	go test ./spark -run '^$' -bench Spark -benchtime 5x -bench.cdr /tmp/bench/100k
func BenchmarkSpark(b *testing.B) {
	remote := testcdr.Spark(b)
	if *benchCDR == "" {
		b.Skip("no -bench.cdr")
	}
	ctx := context.Background()
	e, err := spark.Open(ctx, remote, *benchCDR, spark.Options{})
	require.NoError(b, err)
	defer e.Close()
	c, err := cdr.Open(ctx, *benchCDR, cdr.Options{})
	require.NoError(b, err)
	defer c.Close()
	info, _ := c.Index()
	files, err := filepath.Glob("../engine/testdata/bench/*.json")
	require.NoError(b, err)
	require.Len(b, files, 13)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(b, err)
		def, err := cohort.Parse(data)
		require.NoError(b, err, f)
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		var want int64
		b.Run(name+"/duckdb", func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				duck, err := engine.New(c.DB(), info.VersionID, engine.Options{}) // a fresh cache
				require.NoError(b, err)
				start := time.Now()
				n, err := duck.Count(ctx, def)
				ds = append(ds, time.Since(start))
				require.NoError(b, err)
				want = n
			}
			report(b, ds)
			b.ReportMetric(float64(want), "persons")
		})
		b.Run(name+"/spark", func(b *testing.B) {
			var ds []time.Duration
			for i := 0; b.Loop(); i++ {
				// Another name of the first group: another cache key,
				// the same query.
				d := *def
				d.Includes = slices.Clone(d.Includes)
				d.Includes[0].Name = "iteration " + strconv.Itoa(i)
				start := time.Now()
				n, err := e.Count(ctx, &d)
				ds = append(ds, time.Since(start))
				require.NoError(b, err)
				require.Equal(b, want, n, "Spark and DuckDB disagree")
			}
			report(b, ds)
		})
	}
}

// report reports the median of ds in milliseconds.
func report(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(0, "ns/op")
}
