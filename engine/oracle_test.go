//go:build cgo

package cohort_test

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
	"github.com/openworkbench/workbench/cohort/internal/oracle"
)

var (
	oracleSeed = flag.Uint64("oracle.seed", 0, "seed of TestOracleDuckDB (0: from the clock)")
	oracleRuns = flag.Int("oracle.defs", 400, "random definitions of TestOracleDuckDB")
)

const indexDDL = `
CREATE OR REPLACE TABLE search_person (person_id BIGINT, gender_concept_id BIGINT, gender VARCHAR,
  sex_at_birth_concept_id BIGINT, sex_at_birth VARCHAR, race_concept_id BIGINT, race VARCHAR,
  ethnicity_concept_id BIGINT, ethnicity VARCHAR, birth_date DATE, age_at_ref INTEGER, death_date DATE,
  is_deceased BOOLEAN, has_ehr_data BOOLEAN, has_survey_data BOOLEAN, has_physical_measurement_data BOOLEAN);
CREATE OR REPLACE TABLE search_events (person_id BIGINT, entry_date DATE, domain VARCHAR, concept_id BIGINT,
  is_standard BOOLEAN, event_id BIGINT, visit_occurrence_id BIGINT, visit_concept_id BIGINT, age_at_event INTEGER,
  value_as_number DOUBLE, value_as_concept_id BIGINT, unit_concept_id BIGINT);
CREATE OR REPLACE TABLE concept_closure (ancestor_id BIGINT, descendant_id BIGINT, min_levels INTEGER);`

// loadIndex replaces the index tables of db with data; search_person's
// age_bin and demo_key, and concept_person, are derived from the others as
// package cdr builds them.
func loadIndex(t *testing.T, db *sql.DB, data oracle.Data) {
	t.Helper()
	_, err := db.Exec(indexDDL)
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
	t.Logf("seed %d (replay: go test ./cohort -run TestOracleDuckDB -oracle.seed %d)", seed, seed)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)

	const datasets = 8
	perSet := max(*oracleRuns/datasets, 1)
	cov := coverage{}
	for ds := range datasets {
		r := rand.New(rand.NewPCG(seed, uint64(ds)))
		data := oracle.RandomData(r)
		loadIndex(t, db, data)
		for n := range perSet {
			def := oracle.RandomDefinition(r)
			cov.add(def)
			q, err := cohort.Compile(def, cohort.Options{})
			require.NoError(t, err, "seed %d dataset %d definition %d: %s", seed, ds, n, def)
			want := sortedKeys(oracle.Eval(def, data))
			got := persons(t, db, q)
			require.Equal(t, want, got, "seed %d dataset %d definition %d\n%s\n%s\n%v", seed, ds, n, def, q.SQL, q.Args)
		}
	}
	cov.check(t)
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
	files, err := filepath.Glob("testdata/*/*.json")
	require.NoError(t, err)
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
