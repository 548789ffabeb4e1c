//go:build cgo

package engine_test

import (
	"context"
	"database/sql"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/oracle"
	"github.com/openworkbench/workbench/internal/testcdr"
)

var (
	oracleSeed = flag.Uint64("oracle.seed", 0, "seed of TestOracleDuckDB (0: from the clock)")
	oracleRuns = flag.Int("oracle.defs", 400, "random definitions of TestOracleDuckDB")
)

// persons runs q and returns its person ids sorted, failing on duplicates.
func persons(t *testing.T, db *sql.DB, q cohort.Query) []int64 {
	t.Helper()
	rows, err := db.Query(q.SQL, q.Args...)
	require.NoError(t, err, q.SQL)
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	slices.Sort(ids)
	require.Equal(t, len(ids), len(slices.Compact(slices.Clone(ids))), "duplicate person ids")
	return ids
}

func sortedKeys(m map[int64]bool) []int64 {
	var ids []int64
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// TestOracleDuckDB compiles random definitions, runs them on DuckDB over
// random index tables and compares the persons with the oracle's. Replay a
// failure with -oracle.seed.
func TestOracleDuckDB(t *testing.T) {
	t.Parallel()
	seed := *oracleSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay: go test ./engine -run TestOracleDuckDB -oracle.seed %d)", seed, seed)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)

	const datasets = 8
	perSet := max(*oracleRuns/datasets, 1)
	cov := oracle.Coverage{}
	for ds := range datasets {
		r := rand.New(rand.NewPCG(seed, uint64(ds)))
		data := oracle.RandomData(r)
		testcdr.LoadOracle(t, db, data)
		for n := range perSet {
			def := oracle.RandomDefinition(r)
			cov.Add(def)
			q, err := cohort.Compile(def, cohort.Options{})
			require.NoError(t, err, "seed %d dataset %d definition %d: %s", seed, ds, n, def)
			want := sortedKeys(oracle.Eval(def, data))
			got := persons(t, db, q)
			require.Equal(t, want, got, "seed %d dataset %d definition %d\n%s\n%s\n%v", seed, ds, n, def, q.SQL, q.Args)
		}
	}
	assert.Empty(t, cov.Missing(), "random definitions never used these")
}

// TestGoldenOnDuckDB runs the golden and example definitions on random
// index tables: the SQL must run and agree with the oracle, and so must
// the engine's count, which takes concept_bits where CompileBits can.
func TestGoldenOnDuckDB(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	data := oracle.RandomData(rand.New(rand.NewPCG(1, 1)))
	testcdr.LoadOracle(t, db, data)
	e, err := engine.New(db, "golden", engine.Options{})
	require.NoError(t, err)
	files, err := filepath.Glob("../cohort/testdata/*/*.json")
	require.NoError(t, err)
	bench, err := filepath.Glob("testdata/bench/*.json")
	require.NoError(t, err)
	files = append(files, bench...)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		def, err := cohort.Parse(raw)
		require.NoError(t, err)
		q, err := cohort.Compile(def, cohort.Options{})
		require.NoError(t, err)
		want := sortedKeys(oracle.Eval(def, data))
		assert.Equal(t, want, persons(t, db, q), f)
		count, err := e.Count(context.Background(), def)
		require.NoError(t, err, f)
		assert.Equal(t, int64(len(want)), count, f)
	}
}

// TestAfterCountOracle checks TopConcepts of random definitions over
// random index tables, alone (counting first, or joining the cohort's
// query) and after Count (which keeps the cohort's persons), against the
// oracle's persons counted in person_concept,
// Demographics after Count against Demographics alone, and pages of
// Participants against the oracle's persons, with person ids
// dense enough for a bitstring of the cohort and spread too wide for one.
func TestAfterCountOracle(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	ctx := context.Background()
	for _, spread := range []int64{1, 1 << 29} {
		r := rand.New(rand.NewPCG(seed, uint64(spread)))
		data, db := spreadOracle(t, r, spread)
		_, err := db.Exec("CREATE TABLE concept (concept_id BIGINT, concept_name VARCHAR)")
		require.NoError(t, err)
		counted := 0
		for n := range 12 {
			def := oracle.RandomDefinition(r)
			domain := []cohort.Domain{cohort.DomainCondition, cohort.DomainDrug, cohort.DomainMeasurement}[n%3]
			// Demographics alone, with its own query; TopConcepts alone,
			// which counts first where the ids allow a bitstring and
			// joins the cohort's query where not; both after Count, which
			// keeps the persons.
			cold, err := engine.New(db, "oracle", engine.Options{})
			require.NoError(t, err)
			coldDemo, err := cold.Demographics(ctx, def)
			require.NoError(t, err)
			got, err := cold.TopConcepts(ctx, def, domain, 5)
			require.NoError(t, err, "spread %d definition %d: %s", spread, n, def)
			warm, err := engine.New(db, "oracle", engine.Options{})
			require.NoError(t, err)
			count, err := warm.Count(ctx, def)
			require.NoError(t, err)
			assert.Equal(t, int64(len(oracle.Eval(def, data))), count, "count: spread %d definition %d: %s", spread, n, def)
			afterCount, err := warm.TopConcepts(ctx, def, domain, 5)
			require.NoError(t, err, "spread %d definition %d: %s", spread, n, def)
			warmDemo, err := warm.Demographics(ctx, def)
			require.NoError(t, err)
			assert.Equal(t, coldDemo, warmDemo, "demographics after Count: spread %d definition %d: %s", spread, n, def)
			assert.Equal(t, int64(len(oracle.Eval(def, data))), warmDemo.Count)
			// Pages of the persons, read from what Count kept or queried.
			all := sortedKeys(oracle.Eval(def, data))
			for page := range 3 {
				ids, total, err := warm.Participants(ctx, def, page, 3)
				require.NoError(t, err)
				assert.Equal(t, int64(len(all)), total)
				want := []int64{}
				if page*3 < len(all) {
					want = all[page*3 : min(len(all), page*3+3)]
				}
				assert.Equal(t, want, ids, "participants page %d: spread %d definition %d: %s", page, spread, n, def)
			}
			rows, err := db.Query(`SELECT concept_id, count(*) AS persons FROM person_concept
WHERE domain = ? AND list_contains(?::BIGINT[], person_id) GROUP BY concept_id ORDER BY persons DESC, concept_id LIMIT 5`,
				string(domain), sortedKeys(oracle.Eval(def, data)))
			require.NoError(t, err)
			want := []engine.ConceptCount{}
			for rows.Next() {
				var c engine.ConceptCount
				require.NoError(t, rows.Scan(&c.ConceptID, &c.Count))
				want = append(want, c)
			}
			require.NoError(t, rows.Err())
			rows.Close()
			assert.Equal(t, want, got, "spread %d definition %d: %s", spread, n, def)
			assert.Equal(t, want, afterCount, "after Count: spread %d definition %d: %s", spread, n, def)
			if len(want) > 0 {
				counted++
			}
		}
		// 2 to 11 of the 12 in 80 runs.
		assert.Positive(t, counted, "definitions whose cohort has concepts of the domain")
	}
}

// spreadOracle loads random oracle data, with every person id multiplied
// by spread, as the index tables of a new in-memory database.
func spreadOracle(t *testing.T, r *rand.Rand, spread int64) (oracle.Data, *sql.DB) {
	t.Helper()
	data := oracle.RandomData(r)
	for i := range data.Persons {
		data.Persons[i].PersonID *= spread
	}
	for i := range data.Events {
		data.Events[i].PersonID *= spread
	}
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	testcdr.LoadOracle(t, db, data)
	return data, db
}

// TestBitsOracle counts random definitions that cohort.CompileBits
// compiles (unions of concepts alone, intersected and excepted, with
// demographic groups and data filters) on random index tables, with
// person ids dense (one chunk of concept_bits) and spread over several
// chunks, and compares the count and the persons that Count kept with
// the oracle's.
func TestBitsOracle(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	ctx := context.Background()
	for _, spread := range []int64{1, 997} {
		r := rand.New(rand.NewPCG(seed, uint64(spread)))
		data, db := spreadOracle(t, r, spread)
		var chunks int
		require.NoError(t, db.QueryRow("SELECT count(DISTINCT chunk) FROM concept_bits").Scan(&chunks))
		if spread > 1 {
			assert.Greater(t, chunks, 1, "the persons span several chunks")
		}
		e, err := engine.New(db, "oracle", engine.Options{})
		require.NoError(t, err)
		compiled, selected := 0, 0
		for n := 0; compiled < 25 && n < 5000; n++ {
			def := oracle.RandomDefinition(r)
			q, ok, err := cohort.CompileBits(def, cohort.Options{})
			if err != nil || !ok {
				require.NoError(t, err)
				continue
			}
			compiled++
			if strings.Contains(q.SQL, "_persons AS (") {
				selected++ // a group selected as Compile selects it, then made bits
			}
			want := sortedKeys(oracle.Eval(def, data))
			count, err := e.Count(ctx, def)
			require.NoError(t, err, "spread %d definition %d: %s", spread, n, def)
			assert.Equal(t, int64(len(want)), count, "count: spread %d definition %d: %s", spread, n, def)
			got, total, err := e.Participants(ctx, def, 0, engine.MaxPageSize)
			require.NoError(t, err)
			assert.Equal(t, int64(len(want)), total)
			if want == nil {
				want = []int64{}
			}
			assert.Equal(t, want, got, "persons: spread %d definition %d: %s", spread, n, def)
		}
		assert.Equal(t, 25, compiled, "random definitions that CompileBits compiles")
		assert.Positive(t, selected, "random definitions with a group of other items than concepts")
	}
}
