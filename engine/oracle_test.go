//go:build cgo

package engine_test

import (
	"database/sql"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/oracle"
	"github.com/openworkbench/workbench/internal/sqlb"
)

var (
	oracleSeed = flag.Uint64("oracle.seed", 0, "seed of TestOracleDuckDB (0: from the clock)")
	oracleRuns = flag.Int("oracle.defs", 400, "random definitions of TestOracleDuckDB")
)

// indexDDL creates the index tables that the oracle's data fills, with
// the columns of internal/cdrindex: search_person without the ones that
// cdr.PersonKeysSQL adds, search_events and concept_closure.
func indexDDL() string {
	var b sqlb.Builder
	for _, table := range []string{cdrindex.SearchPerson, cdrindex.SearchEvents, cdrindex.ConceptClosure} {
		b.SQL("CREATE OR REPLACE TABLE ").Ident(table).SQL(" (")
		cols := slices.DeleteFunc(slices.Clone(cdrindex.Columns[table]), func(c cdrindex.Column) bool {
			return table == cdrindex.SearchPerson && (c.Name == "age_bin" || c.Name == "demo_key")
		})
		for i, c := range cols {
			if i > 0 {
				b.SQL(", ")
			}
			b.Ident(c.Name).SQL(" ", c.Type)
		}
		b.SQL(");\n")
	}
	return b.String()
}

// loadIndex replaces the index tables of db with data; search_person's
// age_bin and demo_key, and concept_person, are derived from the others as
// package cdr builds them.
func loadIndex(t *testing.T, db *sql.DB, data oracle.Data) {
	t.Helper()
	_, err := db.Exec(indexDDL())
	require.NoError(t, err)
	tx, err := db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()
	insert := func(q string, rows int, args func(i int) []any) {
		st, err := tx.Prepare(q)
		require.NoError(t, err)
		defer st.Close()
		for i := range rows {
			_, err := st.Exec(args(i)...)
			require.NoError(t, err)
		}
	}
	insert("INSERT INTO search_person VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(data.Persons), func(i int) []any {
		p := data.Persons[i]
		return []any{p.PersonID, p.GenderConceptID, p.Gender, p.SexAtBirthConceptID, p.SexAtBirth, p.RaceConceptID, p.Race,
			p.EthnicityConceptID, p.Ethnicity, p.BirthDate, p.AgeAtRef, p.DeathDate, p.IsDeceased, p.HasEHRData,
			p.HasSurveyData, p.HasPhysicalMeasurementData}
	})
	insert("INSERT INTO search_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(data.Events), func(i int) []any {
		e := data.Events[i]
		return []any{e.PersonID, e.EntryDate, e.Domain, e.ConceptID, e.IsStandard, e.EventID, e.VisitOccurrenceID,
			e.VisitConceptID, e.AgeAtEvent, e.ValueAsNumber, e.ValueAsConceptID, e.UnitConceptID}
	})
	insert("INSERT INTO concept_closure VALUES (?, ?, ?)", len(data.Closure), func(i int) []any {
		c := data.Closure[i]
		return []any{c.AncestorID, c.DescendantID, c.MinLevels}
	})
	require.NoError(t, tx.Commit())
	_, err = db.Exec("CREATE OR REPLACE TABLE search_person AS " + cdr.PersonKeysSQL("search_person"))
	require.NoError(t, err)
	_, err = db.Exec("CREATE OR REPLACE TABLE concept_person AS " + cdr.ConceptPersonSQL)
	require.NoError(t, err)
}

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
		loadIndex(t, db, data)
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
// index tables: the SQL must run and agree with the oracle.
func TestGoldenOnDuckDB(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	data := oracle.RandomData(rand.New(rand.NewPCG(1, 1)))
	loadIndex(t, db, data)
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
		assert.Equal(t, sortedKeys(oracle.Eval(def, data)), persons(t, db, q), f)
	}
}
