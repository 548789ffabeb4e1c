//go:build cgo

package engine_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/testcdr"
)

var benchCDR = flag.String("bench.cdr", "", "indexed synthetic CDR folder of BenchmarkEngine (skipped when empty)")

// benchCase is a definition of the benchmark suite with its count written
// by hand over the raw OMOP tables.
type benchCase struct {
	name string
	def  *cohort.Definition
	raw  string
}

// benchSuite reads testdata/bench: NAME.json and NAME.sql per case.
func benchSuite(tb testing.TB) []benchCase {
	files, err := filepath.Glob("testdata/bench/*.json")
	require.NoError(tb, err)
	require.GreaterOrEqual(tb, len(files), 10)
	var cases []benchCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(tb, err)
		def, err := cohort.Parse(data)
		require.NoError(tb, err, f)
		raw, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".sql")
		require.NoError(tb, err)
		cases = append(cases, benchCase{strings.TrimSuffix(filepath.Base(f), ".json"), def, string(raw)})
	}
	return cases
}

// TestBenchSuite checks the benchmark's hand-written SQL against the
// engine on a small synthetic CDR, so BenchmarkEngine's comparison stays
// one of equals, and the engine's demographics against the participants'.
func TestBenchSuite(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and indexes a synthetic CDR")
	}
	ctx := context.Background()
	dir, err := testcdr.Synthetic(3000, 1)
	require.NoError(t, err)
	c, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	info, _ := c.Index()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	for _, bc := range benchSuite(t) {
		t.Run(bc.name, func(t *testing.T) {
			n, err := e.Count(ctx, bc.def)
			require.NoError(t, err)
			var raw int64
			require.NoError(t, c.DB().QueryRowContext(ctx, bc.raw).Scan(&raw))
			assert.Equal(t, raw, n)
			assert.Positive(t, n, "a case that selects nobody measures little")

			// Demographics, counted by the keys that concept_person
			// carries or by looking the persons up, is the breakdown of
			// the participants' rows of search_person.
			ids, _, err := e.Participants(ctx, bc.def, 0, engine.MaxPageSize)
			require.NoError(t, err)
			require.Len(t, ids, int(n))
			want := [4]map[int64][5]int64{{}, {}, {}, {}}
			rows, err := c.DB().QueryContext(ctx, `SELECT sex_at_birth_concept_id, gender_concept_id, race_concept_id, ethnicity_concept_id, age_bin
FROM search_person WHERE person_id IN (SELECT unnest(?::BIGINT[]))`, ids)
			require.NoError(t, err)
			for rows.Next() {
				var ids [4]int64
				var bin int
				require.NoError(t, rows.Scan(&ids[0], &ids[1], &ids[2], &ids[3], &bin))
				for i, id := range ids {
					a := want[i][id]
					a[bin]++
					want[i][id] = a
				}
			}
			require.NoError(t, rows.Err())
			d, err := e.Demographics(ctx, bc.def)
			require.NoError(t, err)
			got := [4]map[int64][5]int64{{}, {}, {}, {}}
			for i, breakdown := range [][]engine.DemographicCount{d.SexAtBirth, d.Gender, d.Race, d.Ethnicity} {
				for _, r := range breakdown {
					got[i][r.ConceptID] = [5]int64{r.Ages.Age0To17, r.Ages.Age18To44, r.Ages.Age45To64, r.Ages.Age65Up, r.Ages.Unknown}
				}
			}
			assert.Equal(t, want, got)
		})
	}
}

// openBenchCDR opens the indexed CDR of -bench.cdr for the benchmark,
// skipping it when the flag is not given; it is closed when b ends.
func openBenchCDR(b *testing.B) (*cdr.CDR, cdr.IndexInfo) {
	b.Helper()
	if *benchCDR == "" {
		b.Skip("no -bench.cdr")
	}
	c, err := cdr.Open(context.Background(), *benchCDR, cdr.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { c.Close() })
	info, ok := c.Index()
	require.True(b, ok, "%s is not indexed", *benchCDR)
	return c, info
}

// BenchmarkEngine runs the suite of testdata/bench on the CDR of
// -bench.cdr and reports, per definition, the median time (p50-ms) of an
// uncached count, a cached count, uncached demographics (with the concept
// names, looked up once per CDR version, cached), and the
// hand-written SQL over the raw OMOP tables, whose count must be the
// same; raw/ours is the ratio of the raw SQL's median to the uncached
// count's. For example:
//
//	go test ./engine -run '^$' -bench Engine -benchtime 10x -bench.cdr /tmp/bench/100k
func BenchmarkEngine(b *testing.B) {
	ctx := context.Background()
	c, info := openBenchCDR(b)
	newEngine := func() *engine.Engine {
		e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
		require.NoError(b, err)
		return e
	}
	for _, bc := range benchSuite(b) {
		var count int64
		var ours time.Duration
		b.Run(bc.name+"/count", func(b *testing.B) {
			// What the engine looks up once per CDR version (the persons'
			// ids) a first count looks up; each iteration then counts
			// another cache key of the same query (renamed).
			e := newEngine()
			_, err := e.Count(ctx, bc.def)
			require.NoError(b, err)
			ours = timeRenamed(b, e, bc.def, false, func(def *cohort.Definition) (err error) {
				count, err = e.Count(ctx, def)
				return err
			})
			b.ReportMetric(float64(count), "persons")
		})
		b.Run(bc.name+"/cached", func(b *testing.B) {
			e := newEngine()
			_, err := e.Count(ctx, bc.def)
			require.NoError(b, err)
			var ds durations
			for b.Loop() {
				start := time.Now()
				_, err := e.Count(ctx, bc.def)
				ds = append(ds, time.Since(start))
				require.NoError(b, err)
			}
			ds.report(b)
		})
		for _, counted := range []bool{false, true} {
			name := bc.name + "/demographics"
			if counted {
				name += "_after_count" // as the Cohort Builder asks
			}
			b.Run(name, func(b *testing.B) {
				// Concept names are looked up once per CDR version: a
				// first call caches them.
				e := newEngine()
				_, err := e.Demographics(ctx, bc.def)
				require.NoError(b, err)
				timeRenamed(b, e, bc.def, counted, func(def *cohort.Definition) error {
					d, err := e.Demographics(ctx, def)
					if err == nil && d.Count != count {
						err = fmt.Errorf("demographics of %d persons, count %d", d.Count, count)
					}
					return err
				})
			})
		}
		b.Run(bc.name+"/raw", func(b *testing.B) {
			var ds durations
			for b.Loop() {
				var n int64
				start := time.Now()
				err := c.DB().QueryRowContext(ctx, bc.raw).Scan(&n)
				ds = append(ds, time.Since(start))
				require.NoError(b, err)
				require.Equal(b, count, n, "the raw SQL counts differently")
			}
			raw := ds.report(b)
			if ours > 0 {
				b.ReportMetric(float64(raw)/float64(ours), "raw/ours")
			}
		})
	}
}

// timeRenamed times call on a renamed copy of def each iteration, after
// the copy's Count when counted, and reports and returns the median.
func timeRenamed(b *testing.B, e *engine.Engine, def *cohort.Definition, counted bool, call func(*cohort.Definition) error) time.Duration {
	var ds durations
	for i := 0; b.Loop(); i++ {
		d := renamed(def, i)
		if counted {
			_, err := e.Count(context.Background(), d)
			require.NoError(b, err)
		}
		start := time.Now()
		err := call(d)
		ds = append(ds, time.Since(start))
		require.NoError(b, err)
	}
	return ds.report(b)
}

// renamed returns def with its first group named after iteration i: a
// definition of the same query under another cache key.
func renamed(def *cohort.Definition, i int) *cohort.Definition {
	d := *def
	d.Includes = slices.Clone(d.Includes)
	d.Includes[0].Name = "iteration " + strconv.Itoa(i)
	return &d
}

// BenchmarkTopConcepts runs TopConcepts (the 10 condition concepts the
// most persons of the cohort have) uncached for each definition of the
// suite on the CDR of -bench.cdr, alone and after the cohort's Count (as
// a notebook or the saved cohort's page asks for the count first), and
// reports the median (p50-ms). A first call looks up what the engine
// keeps per CDR version.
func BenchmarkTopConcepts(b *testing.B) {
	ctx := context.Background()
	c, info := openBenchCDR(b)
	for _, bc := range benchSuite(b) {
		for _, counted := range []bool{false, true} {
			name := bc.name + "/alone"
			if counted {
				name = bc.name + "/after_count"
			}
			b.Run(name, func(b *testing.B) {
				e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
				require.NoError(b, err)
				_, err = e.TopConcepts(ctx, bc.def, cohort.DomainCondition, 10)
				require.NoError(b, err)
				timeRenamed(b, e, bc.def, counted, func(def *cohort.Definition) error {
					top, err := e.TopConcepts(ctx, def, cohort.DomainCondition, 10)
					if err == nil && len(top) == 0 {
						err = errors.New("no top concepts")
					}
					return err
				})
			})
		}
	}
}

// BenchmarkParticipantEvents reads the first page of 100 of a
// participant's timeline, every domain (all) and conditions only
// (condition), uncached, for 25 persons spread over the person ids of the
// CDR of -bench.cdr, one after the other, and reports the median
// (p50-ms) and the slowest (max-ms) of the pages.
func BenchmarkParticipantEvents(b *testing.B) {
	ctx := context.Background()
	c, info := openBenchCDR(b)
	var persons []int64
	rows, err := c.DB().QueryContext(ctx, `SELECT person_id FROM search_person
QUALIFY row_number() OVER (ORDER BY person_id) % greatest(1, (SELECT count(*) FROM search_person) // 25) = 1
ORDER BY person_id LIMIT 25`)
	require.NoError(b, err)
	for rows.Next() {
		var id int64
		require.NoError(b, rows.Scan(&id))
		persons = append(persons, id)
	}
	require.NoError(b, rows.Err())
	require.NotEmpty(b, persons)
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(b, err)
	for _, tc := range []struct {
		name   string
		domain cohort.Domain
	}{{"all", ""}, {"condition", cohort.DomainCondition}} {
		b.Run(tc.name, func(b *testing.B) {
			var ds durations
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				evs, total, err := e.ParticipantEvents(ctx, persons[i%len(persons)], tc.domain, 0, 100)
				ds = append(ds, time.Since(start))
				require.NoError(b, err)
				require.Len(b, evs, int(min(total, 100)))
			}
			ds.report(b)
			b.ReportMetric(float64(slices.Max(ds))/float64(time.Millisecond), "max-ms")
		})
	}
}

type durations []time.Duration

// report reports the median as p50-ms and returns it.
func (ds durations) report(b *testing.B) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	p50 := ds[len(ds)/2]
	b.ReportMetric(float64(p50)/float64(time.Millisecond), "p50-ms")
	return p50
}
