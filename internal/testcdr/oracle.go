package testcdr

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/oracle"
	"github.com/openworkbench/workbench/internal/sqlb"
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

// LoadOracle replaces the index tables of db, a DuckDB database, with
// data; search_person's age_bin and demo_key, concept_person,
// person_concept, person_events and reading_pairs are derived from the
// others as package cdr builds them.
func LoadOracle(t testing.TB, db *sql.DB, data oracle.Data) {
	t.Helper()
	_, err := db.Exec(indexDDL())
	require.NoError(t, err)
	// Each table's rows go through a CSV file that COPY reads: inserted
	// one statement a row, the eight random data sets of TestOracleDuckDB
	// took 1.9 s of its 5.0 s of CPU.
	dir := t.TempDir()
	load := func(table string, rows int, row func(i int) []any) {
		if rows == 0 {
			return
		}
		path := filepath.Join(dir, table+".csv")
		f, err := os.Create(path)
		require.NoError(t, err)
		w := csv.NewWriter(f)
		for i := range rows {
			fields := row(i)
			rec := make([]string, len(fields))
			for j, v := range fields {
				rec[j] = csvField(v)
			}
			require.NoError(t, w.Write(rec))
		}
		w.Flush()
		require.NoError(t, w.Error())
		require.NoError(t, f.Close())
		_, err = db.Exec("COPY " + table + " FROM " + literal(path) + " (FORMAT csv, AUTO_DETECT false, HEADER false, DELIM ',', QUOTE '\"', ESCAPE '\"', NULLSTR '" + csvNull + "')")
		require.NoError(t, err)
	}
	load(cdrindex.SearchPerson, len(data.Persons), func(i int) []any {
		p := data.Persons[i]
		return []any{p.PersonID, p.GenderConceptID, p.Gender, p.SexAtBirthConceptID, p.SexAtBirth, p.RaceConceptID, p.Race,
			p.EthnicityConceptID, p.Ethnicity, p.BirthDate, p.AgeAtRef, p.DeathDate, p.IsDeceased, p.HasEHRData,
			p.HasSurveyData, p.HasPhysicalMeasurementData}
	})
	load(cdrindex.SearchEvents, len(data.Events), func(i int) []any {
		e := data.Events[i]
		return []any{e.PersonID, e.EntryDate, e.Domain, e.ConceptID, e.IsStandard, e.EventID, e.VisitOccurrenceID,
			e.VisitConceptID, e.AgeAtEvent, e.ValueAsNumber, e.ValueAsConceptID, e.UnitConceptID, cdrindex.ConceptBucket(e.ConceptID)}
	})
	load(cdrindex.ConceptClosure, len(data.Closure), func(i int) []any {
		c := data.Closure[i]
		return []any{c.AncestorID, c.DescendantID, c.MinLevels}
	})
	_, err = db.Exec("CREATE OR REPLACE TABLE search_person AS " + cdr.PersonKeysSQL("search_person"))
	require.NoError(t, err)
	_, err = db.Exec("CREATE OR REPLACE TABLE concept_person AS " + cdr.ConceptPersonSQL)
	require.NoError(t, err)
	_, err = db.Exec("CREATE OR REPLACE TABLE person_concept AS " + cdr.PersonConceptSQL)
	require.NoError(t, err)
	_, err = db.Exec("CREATE OR REPLACE TABLE person_events AS " + cdr.PersonEventsOfSearchSQL)
	require.NoError(t, err)
	_, err = db.Exec("CREATE OR REPLACE TABLE " + cdrindex.ReadingPairs + " AS " + cdrindex.ReadingPairsSQL(new(sqlb.Builder)).String())
	require.NoError(t, err)
	_, err = db.Exec("CREATE OR REPLACE TABLE " + cdrindex.ConceptBits + " AS " + cdrindex.ConceptBitsSQL)
	require.NoError(t, err)
}

// OracleCDR writes data as the index of a new CDR folder in a temporary
// folder of t, the way `workbench cdr index` lays it out (index/*.parquet,
// the bucketed tables folders of hive partitions, and index/meta.json
// under the version id version), with an empty
// concept table and concept_counts: what package spark opens. It uses
// db, a DuckDB database, whose index tables it replaces.
func OracleCDR(t testing.TB, db *sql.DB, data oracle.Data, version string) string {
	t.Helper()
	LoadOracle(t, db, data)
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, cdrindex.Dir), 0o755))
	var b sqlb.Builder
	for _, table := range []string{cdrindex.ConceptCounts, cdrindex.Concept} {
		cols := cdrindex.Columns[table]
		if table == cdrindex.Concept {
			cols = []cdrindex.Column{{Name: "concept_id", Type: "BIGINT"}, {Name: "concept_name", Type: "VARCHAR"}}
		}
		b.SQL("CREATE OR REPLACE TABLE ").Ident(table).SQL(" (")
		for i, c := range cols {
			if i > 0 {
				b.SQL(", ")
			}
			b.Ident(c.Name).SQL(" ", c.Type)
		}
		b.SQL(");\n")
	}
	_, err := db.Exec(b.String())
	require.NoError(t, err)
	write := func(query, path, options string) {
		_, err := db.Exec("COPY (" + query + ") TO " + literal(path) + " (FORMAT parquet" + options + ")")
		require.NoError(t, err)
	}
	for _, table := range cdrindex.Tables {
		path := filepath.Join(dir, cdrindex.Dir, table+".parquet")
		if !cdrindex.Bucketed(table) {
			write("SELECT * FROM "+table, path, "")
			continue
		}
		// A folder of one file per bucket, as cdr.Index writes it; without
		// rows, an empty file of the table's columns as bucket 0.
		var n int64
		require.NoError(t, db.QueryRow("SELECT count(*) FROM "+table).Scan(&n))
		if n > 0 {
			write("SELECT * FROM "+table, path, ", PARTITION_BY (bucket)")
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Join(path, "bucket=0"), 0o755))
		write("SELECT * EXCLUDE (bucket) FROM "+table, filepath.Join(path, "bucket=0", "data.parquet"), "")
	}
	write("SELECT * FROM "+cdrindex.Concept, filepath.Join(dir, cdrindex.Concept+".parquet"), "")
	meta, err := json.Marshal(map[string]any{"layout": cdrindex.Layout, "version_id": version, "persons": len(data.Persons)})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, cdrindex.Dir, cdrindex.MetaFile), meta, 0o644))
	return dir
}

// Spark returns the address of the Spark Connect server that the tests
// run against, from WORKBENCH_SPARK (sc://host:port; .ci/run starts one
// and sets it). Without it the test is skipped, saying why, unless
// WORKBENCH_REQUIRE_SPARK is set: then it fails.
func Spark(t testing.TB) string {
	t.Helper()
	remote := os.Getenv("WORKBENCH_SPARK")
	if remote == "" {
		if os.Getenv("WORKBENCH_REQUIRE_SPARK") != "" {
			t.Fatal("WORKBENCH_REQUIRE_SPARK is set but WORKBENCH_SPARK is not: no Spark Connect server to test against")
		}
		t.Skip("WORKBENCH_SPARK is not set: no Spark Connect server to test against (.ci/run starts one: .ci/spark-connect start, then WORKBENCH_SPARK=sc://127.0.0.1:15002)")
	}
	return remote
}

// csvNull stands for NULL in the CSV files of LoadOracle.
const csvNull = `\N`

// csvField is v as a field of LoadOracle's CSV files: dates as
// YYYY-MM-DD, a nil pointer as csvNull, numbers as Go prints them
// (floats in the shortest form that reads back the same).
func csvField(v any) string {
	switch v := v.(type) {
	case time.Time:
		return v.Format(time.DateOnly)
	case *time.Time:
		if v == nil {
			return csvNull
		}
		return v.Format(time.DateOnly)
	case *int64:
		if v == nil {
			return csvNull
		}
		return strconv.FormatInt(*v, 10)
	case *float64:
		if v == nil {
			return csvNull
		}
		return strconv.FormatFloat(*v, 'g', -1, 64)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// literal quotes path, a temporary file's, as an SQL string literal.
func literal(path string) string {
	return "'" + strings.ReplaceAll(path, "'", "''") + "'"
}
