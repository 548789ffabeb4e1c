//go:build cgo

package spark_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/oracle"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/spark"
)

var (
	oracleSeed = flag.Uint64("oracle.seed", 0, "seed of TestOracleSpark (0: from the clock)")
	oracleDefs = flag.Int("oracle.defs", 200, "most random definitions of TestOracleSpark")
)

func TestMain(m *testing.M) {
	code := m.Run()
	os.Exit(code)
}

// conceptCohort is the definition "any event of concept c or a
// descendant" in domain d.
func conceptCohort(d cohort.Domain, c int64) *cohort.Definition {
	return &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{
		Type:       d,
		Parameters: []cohort.Parameter{{ConceptID: c, Group: true, Standard: true}},
	}}}}}
}

func readDefinition(t *testing.T, path string) *cohort.Definition {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	def, err := cohort.Parse(data)
	require.NoError(t, err, path)
	return def
}

// TestGiBleedSpark runs definitions on Spark over the GiBleed CDR as
// `workbench cdr index` indexed it, and compares the counts with the
// published OHDSI results (GROUND_TRUTH.md) and the expected counts of the
// shared examples, as engine's TestGiBleed does with DuckDB; then the
// demographics, top concepts and participants with the DuckDB engine's.
func TestGiBleedSpark(t *testing.T) {
	remote := testcdr.Spark(t)
	ctx := context.Background()
	dir := testcdr.GiBleed(t)
	e, err := spark.Open(ctx, remote, dir, spark.Options{})
	require.NoError(t, err)
	defer e.Close()

	truth := []struct {
		domain  cohort.Domain
		concept int64
		persons int64
	}{
		{cohort.DomainCondition, 40480160, 56},
		{cohort.DomainCondition, 4134304, 442},
		{cohort.DomainCondition, 4048695, 23},
		{cohort.DomainCondition, 4142905, 249},
		{cohort.DomainDrug, 1118084, 1844},
	}
	for _, tt := range truth {
		t.Run(fmt.Sprintf("%s %d", tt.domain, tt.concept), func(t *testing.T) {
			n, err := e.Count(ctx, conceptCohort(tt.domain, tt.concept))
			require.NoError(t, err)
			assert.Equal(t, tt.persons, n)
		})
	}
	examples := map[string]int64{
		"osteoporotic_fracture.json":    56,
		"wrist_fracture.json":           442,
		"celecoxib_users.json":          1844,
		"wrist_fracture_female.json":    243,
		"wrist_fracture_two_dates.json": 48,
	}
	for name, want := range examples {
		t.Run(name, func(t *testing.T) {
			n, err := e.Count(ctx, readDefinition(t, filepath.Join("../cohort/testdata/examples", name)))
			require.NoError(t, err)
			assert.Equal(t, want, n)
		})
	}
	t.Run("everyone", func(t *testing.T) {
		everyone := &cohort.Definition{Excludes: []cohort.Group{{Items: []cohort.Item{{
			Type: cohort.DomainPerson, Parameters: []cohort.Parameter{{Type: cohort.TypeDeceased}},
		}}}}}
		n, err := e.Count(ctx, everyone)
		require.NoError(t, err)
		assert.Equal(t, int64(2694), n, "GiBleed has no deaths")
	})

	// The same answers as the DuckDB engine's on the same index.
	c, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	info, _ := c.Index()
	duck, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	assert.Equal(t, info.VersionID, e.Index().VersionID)
	for _, name := range []string{"wrist_fracture_female.json", "celecoxib_users.json"} {
		t.Run("as DuckDB "+name, func(t *testing.T) {
			def := readDefinition(t, filepath.Join("../cohort/testdata/examples", name))
			want, err := duck.Demographics(ctx, def)
			require.NoError(t, err)
			got, err := e.Demographics(ctx, def)
			require.NoError(t, err)
			assert.Equal(t, want, got)

			wantTop, err := duck.TopConcepts(ctx, def, cohort.DomainDrug, 10)
			require.NoError(t, err)
			gotTop, err := e.TopConcepts(ctx, def, cohort.DomainDrug, 10)
			require.NoError(t, err)
			assert.Equal(t, wantTop, gotTop)

			for _, page := range []int{0, 2, 1000} {
				wantIDs, wantTotal, err := duck.Participants(ctx, def, page, 100)
				require.NoError(t, err)
				gotIDs, gotTotal, err := e.Participants(ctx, def, page, 100)
				require.NoError(t, err)
				assert.Equal(t, wantIDs, gotIDs, "page %d", page)
				assert.Equal(t, wantTotal, gotTotal)
			}
		})
	}
	t.Run("bad arguments", func(t *testing.T) {
		def := conceptCohort(cohort.DomainDrug, 1118084)
		_, err := e.TopConcepts(ctx, def, cohort.DomainPerson, 10)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, err = e.TopConcepts(ctx, def, cohort.Domain("DRUG' OR 1=1 --"), 10)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, err = e.TopConcepts(ctx, def, cohort.DomainDrug, 0)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, _, err = e.Participants(ctx, def, -1, 10)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, _, err = e.Participants(ctx, def, 1<<40, 10)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, err = e.Count(ctx, nil)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, err = e.Count(ctx, &cohort.Definition{Includes: []cohort.Group{{}}})
		assert.ErrorIs(t, err, cohort.ErrInvalid)
	})
}

// TestOracleSpark compiles random definitions and runs them over small
// random CDRs on DuckDB and on Spark: both give the oracle's persons. It
// draws ten definitions at a time, over each CDR in turn, until every
// feature of the model has come up (oracle.Coverage) and each CDR had its
// turn; -oracle.defs bounds them. A definition costs Spark about 0.7 s on
// two cores, so drawing a fixed 200 took 230 s where 50 or so cover the
// model. Replay a failure with -oracle.seed.
func TestOracleSpark(t *testing.T) {
	remote := testcdr.Spark(t)
	seed := *oracleSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay: go test ./spark -run TestOracleSpark -oracle.seed %d)", seed, seed)
	ctx := context.Background()
	// Each CDR's tables in DuckDB and its engine on Spark.
	type dataset struct {
		r    *rand.Rand
		data oracle.Data
		db   *sql.DB
		e    *spark.Engine
	}
	sets := make([]dataset, 4)
	for n := range sets {
		r := rand.New(rand.NewPCG(seed, uint64(n)))
		db, err := sql.Open("duckdb", "")
		require.NoError(t, err)
		defer db.Close()
		db.SetMaxOpenConns(1)
		data := oracle.RandomData(r)
		dir := testcdr.OracleCDR(t, db, data, fmt.Sprintf("oracle-%d-%d", seed, n))
		e, err := spark.Open(ctx, remote, dir, spark.Options{})
		require.NoError(t, err)
		defer e.Close()
		sets[n] = dataset{r: r, data: data, db: db, e: e}
	}
	// Ten definitions a query: one query each spends its time on round
	// trips, and Spark plans a union of fifty slowly.
	const chunk = 10
	cov := oracle.Coverage{}
	drawn := 0
	for turn := 0; drawn < *oracleDefs && (turn < len(sets) || len(cov.Missing()) > 0); turn++ {
		ds := turn % len(sets)
		set := sets[ds]
		defs := make([]*cohort.Definition, min(chunk, *oracleDefs-drawn))
		for n := range defs {
			defs[n] = oracle.RandomDefinition(set.r)
			cov.Add(defs[n])
		}
		drawn += len(defs)
		got, err := spark.PersonsForTest(ctx, set.e, defs)
		require.NoError(t, err, "seed %d dataset %d", seed, ds)
		for n, def := range defs {
			want := sortedKeys(oracle.Eval(def, set.data))
			q, err := cohort.Compile(def, cohort.Options{})
			require.NoError(t, err)
			require.Equal(t, want, duckPersons(t, set.db, q), "DuckDB: seed %d dataset %d turn %d definition %d\n%s", seed, ds, turn, n, def)
			sq, err := set.e.SQL(def)
			require.NoError(t, err)
			require.Equal(t, want, got[n], "Spark: seed %d dataset %d turn %d definition %d\n%s\n%s", seed, ds, turn, n, def, sq.SQL)
		}
	}
	t.Logf("%d definitions", drawn)
	assert.Empty(t, cov.Missing(), "random definitions never used these")
}

// TestTimeRelationsSpark counts the temporal groups of each time relation
// on Spark over the persons whose dates tell the ways of comparing them
// apart (oracle.TimeRelations), as TestTimeRelations does on DuckDB: the
// random definitions of TestOracleSpark seldom do.
func TestTimeRelationsSpark(t *testing.T) {
	remote := testcdr.Spark(t)
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	data, cases := oracle.TimeRelations()
	e, err := spark.Open(ctx, remote, testcdr.OracleCDR(t, db, data, "time-relations"), spark.Options{})
	require.NoError(t, err)
	defer e.Close()
	defs := make([]*cohort.Definition, len(cases))
	for i, tc := range cases {
		defs[i] = tc.Def
	}
	got, err := spark.PersonsForTest(ctx, e, defs)
	require.NoError(t, err)
	for i, tc := range cases {
		assert.Len(t, got[i], int(tc.Want), string(tc.Time))
		assert.Equal(t, sortedKeys(oracle.Eval(tc.Def, data)), got[i], string(tc.Time))
	}
}

func sortedKeys(m map[int64]bool) []int64 {
	var ids []int64
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// duckPersons runs q on DuckDB and returns its person ids sorted.
func duckPersons(t *testing.T, db *sql.DB, q cohort.Query) []int64 {
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
	return ids
}

// TestCancel runs a query that would take hours on Spark with a deadline:
// the call returns the context's error, and the Spark jobs it started are
// stopped, as the Spark UI's REST API (WORKBENCH_SPARK_UI, set by .ci/run)
// reports.
func TestCancel(t *testing.T) {
	remote := testcdr.Spark(t)
	ctx := context.Background()
	e, err := spark.Open(ctx, remote, testcdr.GiBleed(t), spark.Options{})
	require.NoError(t, err)
	defer e.Close()
	short, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	_, err = spark.QueryForTest(short, e, "SELECT count(DISTINCT a.id * b.id) FROM range(200000) a CROSS JOIN range(200000) b")
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)

	ui := os.Getenv("WORKBENCH_SPARK_UI")
	if ui == "" {
		if os.Getenv("WORKBENCH_REQUIRE_SPARK") != "" {
			t.Fatal("WORKBENCH_SPARK_UI is not set: cannot see whether Spark stopped the jobs")
		}
		t.Skip("WORKBENCH_SPARK_UI is not set: cannot see whether Spark stopped the jobs")
	}
	// The interrupt is sent before the call returns; the jobs' state
	// follows within moments. Wait a bounded time for it.
	var running []string
	for range 60 {
		running = runningJobs(t, ui)
		if len(running) == 0 {
			break
		}
		time.Sleep(time.Second)
	}
	assert.Empty(t, running, "Spark jobs still running after their query was cancelled")
	// The engine's sessions still work after an interrupt.
	n, err := e.Count(ctx, conceptCohort(cohort.DomainCondition, 40480160))
	require.NoError(t, err)
	assert.Equal(t, int64(56), n)
}

// runningJobs lists the names of the jobs that the Spark UI at ui reports
// running.
func runningJobs(t *testing.T, ui string) []string {
	t.Helper()
	get := func(path string, v any) {
		resp, err := http.Get(ui + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
	}
	var apps []struct{ ID string }
	get("/api/v1/applications", &apps)
	require.NotEmpty(t, apps)
	var jobs []struct{ Name, Status string }
	get("/api/v1/applications/"+apps[0].ID+"/jobs?status=running", &jobs)
	var names []string
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	return names
}
