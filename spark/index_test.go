//go:build cgo

package spark_test

import (
	"context"
	"flag"
	"maps"
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
	"github.com/openworkbench/workbench/cdr/synth"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/spark"
)

// builtTwice is a CDR copied into two folders, one indexed by cdr.Index
// (DuckDB), the other by spark.BuildIndex.
type builtTwice struct {
	duck, spark         string
	duckInfo, sparkInfo cdr.IndexInfo
}

// buildTwice copies the CDR folder src twice and indexes one copy with
// DuckDB, the other with Spark.
func buildTwice(t *testing.T, remote, src string) builtTwice {
	t.Helper()
	ctx := context.Background()
	b := builtTwice{duck: filepath.Join(t.TempDir(), "duck"), spark: filepath.Join(t.TempDir(), "spark")}
	for _, dir := range []string{b.duck, b.spark} {
		require.NoError(t, os.CopyFS(dir, os.DirFS(src)))
	}
	start := time.Now()
	info, err := cdr.Index(ctx, b.duck, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
	require.NoError(t, err)
	b.duckInfo = info
	t.Logf("DuckDB index of %d persons: %.1fs", info.Persons, time.Since(start).Seconds())
	start = time.Now()
	var stages []string
	idx, err := spark.BuildIndex(ctx, remote, b.spark, spark.IndexOptions{Progress: func(stage string, done, total int) {
		stages = append(stages, stage)
	}})
	require.NoError(t, err)
	t.Logf("Spark index of %d persons: %.1fs", idx.Persons, time.Since(start).Seconds())
	assert.Equal(t, "index tables", stages[0])
	assert.Equal(t, "index", stages[len(stages)-1])
	c, err := cdr.Open(ctx, b.spark, cdr.Options{Threads: 2})
	require.NoError(t, err, "DuckDB opens the index that Spark built")
	defer c.Close()
	got, ok := c.Index()
	require.True(t, ok)
	require.Equal(t, spark.Index(idx), spark.Index{Layout: got.Layout, VersionID: got.VersionID, ReferenceDate: got.ReferenceDate,
		CDMVersion: string(got.CDMVersion), Persons: got.Persons, Events: got.Events, BuiltAt: got.BuiltAt}, "meta.json")
	b.sparkInfo = got
	return b
}

// TestBuildIndexSpark builds the index of a small synthetic CDR, without
// device_exposure, with Spark and with DuckDB: the same rows in every
// table, the same columns and types (but age_bin's), the same meta.json
// but for the version id and the time, the bucketed tables' files
// (person_events, search_events, concept_person) in DuckDB's bucket
// folders, one a bucket, sorted as DuckDB sorts them; the same counts of
// the benchmark definitions on the DuckDB engine over either, and on
// Spark's engine over the index it built. The dataset catalog of the Spark engine lists device_exposure, which
// the CDR lacks, as DuckDB's does.
func TestBuildIndexSpark(t *testing.T) {
	remote := testcdr.Spark(t)
	ctx := context.Background()
	src := t.TempDir()
	_, err := synth.Generate(ctx, src, synth.Options{Persons: 300, Seed: 11})
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(filepath.Join(src, "device_exposure")))
	b := buildTwice(t, remote, src)
	same(t, b)
	t.Run("source hierarchy", func(t *testing.T) {
		// The walk of the source hierarchy went past its first level.
		c, err := cdr.Open(ctx, b.spark, cdr.Options{Threads: 2})
		require.NoError(t, err)
		defer c.Close()
		var deep int64
		require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT count(*) FROM concept_closure x JOIN concept a ON a.concept_id = x.ancestor_id
WHERE a.vocabulary_id IN ('ICD9CM', 'ICD10CM') AND x.min_levels >= 2`).Scan(&deep))
		assert.Positive(t, deep)
	})

	defs := benchDefinitions(t)
	want := duckDBCounts(t, b.duck, defs)
	assert.Equal(t, want, duckDBCounts(t, b.spark, defs), "the benchmark definitions' counts on DuckDB over each index")
	nonzero := 0
	for _, n := range want {
		if n > 0 {
			nonzero++
		}
	}
	assert.GreaterOrEqual(t, nonzero, 8, "most definitions find persons in this CDR: %v", want)

	e, err := spark.Open(ctx, remote, b.spark, spark.Options{})
	require.NoError(t, err)
	defer e.Close()
	assert.Equal(t, b.sparkInfo.VersionID, e.Index().VersionID)
	names := slices.Sorted(maps.Keys(defs))
	var list []*cohort.Definition
	for _, name := range names {
		list = append(list, defs[name])
	}
	persons, err := spark.PersonsForTest(ctx, e, list)
	require.NoError(t, err)
	got := map[string]int64{}
	for i, name := range names {
		got[name] = int64(len(persons[i]))
	}
	assert.Equal(t, want, got, "the benchmark definitions' counts on Spark's engine over the index it built")

	t.Run("dataset catalog", func(t *testing.T) {
		c, err := cdr.Open(ctx, b.spark, cdr.Options{Threads: 2})
		require.NoError(t, err)
		defer c.Close()
		duck, err := engine.New(c.DB(), b.sparkInfo.VersionID, engine.Options{})
		require.NoError(t, err)
		wantCat, err := duck.DatasetCatalog(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, wantCat[cohort.DomainDevice], "DuckDB lists the absent device_exposure as empty")
		gotCat, err := e.DatasetCatalog(ctx)
		require.NoError(t, err)
		assert.Equal(t, wantCat, gotCat)
		def := defs["01_single_concept"]
		p, err := e.PreviewDataset(ctx, &cohort.Dataset{Cohorts: []*cohort.Definition{def}, Columns: map[cohort.Domain][]string{cohort.DomainDevice: {"person_id", "device_concept_id"}}}, cohort.DomainDevice, 10)
		require.NoError(t, err)
		assert.Empty(t, p.Rows)
	})
}

var gibleedIndex = flag.Bool("spark.gibleed-index", false, "run TestBuildIndexSparkGiBleed (about 3 minutes)")

// TestBuildIndexSparkGiBleed builds GiBleed's index with Spark and with
// DuckDB: the same rows, and the same counts of the shared examples. It
// runs with -spark.gibleed-index only: Spark took 165 s for GiBleed's
// 2,694 persons on the shared 2 cores (DuckDB 11 s), and
// TestBuildIndexSpark runs the same code on a CDR of its own.
func TestBuildIndexSparkGiBleed(t *testing.T) {
	remote := testcdr.Spark(t)
	if !*gibleedIndex {
		t.Skip("without -spark.gibleed-index: GiBleed's index on Spark takes about 3 minutes")
	}
	b := buildTwice(t, remote, testcdr.GiBleedParquet)
	same(t, b)
	files, err := filepath.Glob("../cohort/testdata/examples/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	defs := map[string]*cohort.Definition{}
	for _, f := range files {
		defs[filepath.Base(f)] = readDefinition(t, f)
	}
	want := duckDBCounts(t, b.duck, defs)
	assert.Equal(t, int64(442), want["wrist_fracture.json"])
	assert.Equal(t, want, duckDBCounts(t, b.spark, defs))
}

// same checks that the two indexes of b hold the same rows in every
// table, with the same columns and types (TINYINT for the UTINYINT that
// Spark cannot write), the same meta.json but for the version id and the
// build time, and the files of the bucketed tables.
func same(t *testing.T, b builtTwice) {
	t.Helper()
	ctx := context.Background()
	assert.NotEmpty(t, b.sparkInfo.VersionID)
	assert.NotEmpty(t, b.sparkInfo.BuiltAt)
	d, s := b.duckInfo, b.sparkInfo
	d.VersionID, s.VersionID, d.BuiltAt, s.BuiltAt = "", "", "", ""
	assert.Equal(t, d, s, "meta.json")

	c, err := cdr.Open(ctx, b.spark, cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	db := c.DB()
	for _, table := range cdrindex.Tables {
		t.Run(table, func(t *testing.T) {
			var want []cdrindex.Column
			rows, err := db.QueryContext(ctx, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", table)
			require.NoError(t, err)
			var got []cdrindex.Column
			for rows.Next() {
				var col cdrindex.Column
				require.NoError(t, rows.Scan(&col.Name, &col.Type))
				got = append(got, col)
			}
			require.NoError(t, rows.Err())
			rows.Close()
			for _, col := range cdrindex.Columns[table] {
				if col.Type == "UTINYINT" {
					col.Type = "TINYINT"
				}
				want = append(want, col)
			}
			// A bucketed table's hive partition column comes last, as in
			// cdrindex.Columns.
			assert.Equal(t, want, got)

			duck := "read_parquet(" + literal(filepath.Join(b.duck, cdrindex.Dir, table+".parquet")) + ")"
			if cdrindex.Bucketed(table) {
				duck = "read_parquet(" + literal(filepath.Join(b.duck, cdrindex.Dir, table+".parquet", "*", "*.parquet")) + ", hive_partitioning = true, hive_types = {'bucket': BIGINT})"
			}
			var cols []string
			for _, col := range cdrindex.Columns[table] {
				cols = append(cols, col.Name)
			}
			list := strings.Join(cols, ", ")
			var n, onlyDuck, onlySpark int64
			q := "SELECT (SELECT count(*) FROM " + table + "), " +
				"(SELECT count(*) FROM (SELECT " + list + " FROM " + duck + " EXCEPT ALL SELECT " + list + " FROM " + table + ")), " +
				"(SELECT count(*) FROM (SELECT " + list + " FROM " + table + " EXCEPT ALL SELECT " + list + " FROM " + duck + "))"
			require.NoError(t, db.QueryRowContext(ctx, q).Scan(&n, &onlyDuck, &onlySpark))
			assert.Zero(t, onlyDuck, "rows of DuckDB's %s that Spark's lacks", table)
			assert.Zero(t, onlySpark, "rows of Spark's %s that DuckDB's lacks", table)
			if table != cdrindex.ConceptCounts {
				assert.Positive(t, n)
			}
		})
	}
	// Each bucketed table's files: one a bucket, in the folders of
	// DuckDB's, each with the rows of its bucket alone, sorted as
	// cdr.Index sorts them.
	for _, f := range []struct {
		table, bucket, order string
	}{
		{cdrindex.PersonEvents, "person_id % " + strconv.Itoa(cdrindex.PersonBuckets), "person_id, entry_date"},
		{cdrindex.SearchEvents, "concept_id % " + strconv.Itoa(cdrindex.ConceptBuckets), "concept_id, value_as_number, person_id, entry_date"},
		{cdrindex.ConceptPerson, "concept_id % " + strconv.Itoa(cdrindex.ConceptBuckets), "concept_id, person_id"},
	} {
		t.Run(f.table+" files", func(t *testing.T) {
			files := "read_parquet(" + literal(filepath.Join(b.spark, cdrindex.Dir, f.table+".parquet", "*", "*.parquet")) +
				", filename = true, file_row_number = true, hive_partitioning = true, hive_types = {'bucket': BIGINT})"
			// Sorted: the rank of each row's key (DuckDB's order, NULLs
			// last) never falls from one row of a file to the next.
			var unsorted, astray, perBucket int64
			require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE prev > rank) FROM (
  SELECT rank, lag(rank) OVER (PARTITION BY filename ORDER BY file_row_number) AS prev
  FROM (SELECT filename, file_row_number, rank() OVER (PARTITION BY filename ORDER BY `+f.order+`) AS rank FROM `+files+`))`).Scan(&unsorted))
			assert.Zero(t, unsorted, "rows out of order in a bucket's file")
			require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE bucket IS DISTINCT FROM "+f.bucket+") FROM "+files).Scan(&astray))
			assert.Zero(t, astray, "rows in another bucket's file")
			require.NoError(t, db.QueryRowContext(ctx, "SELECT max(n) FROM (SELECT bucket, count(DISTINCT filename) AS n FROM "+files+" GROUP BY bucket)").Scan(&perBucket))
			assert.Equal(t, int64(1), perBucket, "files a bucket")
			folders := func(dir string) []string {
				entries, err := os.ReadDir(filepath.Join(dir, cdrindex.Dir, f.table+".parquet"))
				require.NoError(t, err)
				var names []string
				for _, e := range entries {
					if e.IsDir() {
						names = append(names, e.Name())
					}
				}
				return names
			}
			want := folders(b.duck)
			assert.Greater(t, len(want), cdrindex.ConceptBuckets/2)
			assert.ElementsMatch(t, want, folders(b.spark), "bucket folders")
		})
	}
}

// literal quotes a test's temporary path as a DuckDB string literal.
func literal(path string) string {
	return "'" + strings.ReplaceAll(path, "'", "''") + "'"
}

// benchDefinitions reads package engine's benchmark definitions, by name.
// duckDBCounts counts each of defs with the DuckDB engine over the CDR in
// dir, whichever engine built its index.
func duckDBCounts(t *testing.T, dir string, defs map[string]*cohort.Definition) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	c, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	info, _ := c.Index()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	out := map[string]int64{}
	for name, def := range defs {
		n, err := e.Count(ctx, def)
		require.NoError(t, err, name)
		out[name] = n
	}
	return out
}

func benchDefinitions(t *testing.T) map[string]*cohort.Definition {
	t.Helper()
	files, err := filepath.Glob("../engine/testdata/bench/*.json")
	require.NoError(t, err)
	require.Len(t, files, 13)
	defs := map[string]*cohort.Definition{}
	for _, f := range files {
		defs[strings.TrimSuffix(filepath.Base(f), ".json")] = readDefinition(t, f)
	}
	return defs
}

// TestBuildIndexErrors checks the errors of BuildIndex: a bad address, an
// address where nothing listens, a CDR without a required table.
func TestBuildIndexErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := spark.BuildIndex(ctx, "127.0.0.1:15002", t.TempDir(), spark.IndexOptions{})
	assert.EqualError(t, err, `spark: remote "127.0.0.1:15002": want sc://HOST:PORT`)
	_, err = spark.BuildIndex(ctx, "sc://127.0.0.1:1", t.TempDir(), spark.IndexOptions{})
	assert.ErrorIs(t, err, spark.ErrUnreachable)

	remote := testcdr.Spark(t)
	dir := t.TempDir()
	for _, f := range []string{"person.parquet", "concept.parquet"} {
		data, err := os.ReadFile(filepath.Join(testcdr.GiBleedParquet, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	_, err = spark.BuildIndex(ctx, remote, dir, spark.IndexOptions{})
	assert.ErrorContains(t, err, "required tables missing: concept_ancestor, observation_period")
	_, err = spark.BuildIndex(ctx, remote, filepath.Join(dir, "nothing"), spark.IndexOptions{})
	assert.ErrorContains(t, err, "nothing")
}
