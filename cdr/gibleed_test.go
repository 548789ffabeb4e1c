package cdr

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlname"
	"github.com/openworkbench/workbench/internal/testcache"
)

const gibleedParquet = "../testdata/gibleed/parquet"

// copyDir copies the files of src into a new temporary folder, so tests
// that write (Index) never touch testdata.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644))
	}
	return dst
}

var gibleedIndexed struct {
	sync.Once
	dir string
	err error
}

// indexedGiBleed returns a GiBleed CDR folder that has been indexed, the
// one the tests of other packages read (testcache.Dir). Tests must not
// write to it.
func indexedGiBleed(t testing.TB) string {
	t.Helper()
	g := &gibleedIndexed
	g.Do(func() {
		g.dir, g.err = testcache.Dir("gibleed", func(dir string) error {
			if err := os.CopyFS(dir, os.DirFS(gibleedParquet)); err != nil {
				return err
			}
			_, err := Index(context.Background(), dir, IndexOptions{Options: Options{Threads: 2}})
			return err
		})
	})
	require.NoError(t, g.err)
	return g.dir
}

// Published OHDSI person counts on GiBleed: persons with any event of the
// concept or a descendant.
var gibleedTruth = []struct {
	name    string
	concept int64
	domain  string
	persons int64
}{
	{"pathological fracture due to osteoporosis", 40480160, DomainCondition, 56},
	{"fracture subluxation of wrist", 4134304, DomainCondition, 442},
	{"fracture of vertebral column", 4048695, DomainCondition, 23},
	{"fracture of rib", 4142905, DomainCondition, 249},
	{"celecoxib ingredient", 1118084, DomainDrug, 1844},
}

func TestIndexGiBleedTruth(t *testing.T) {
	ctx := context.Background()
	dir := indexedGiBleed(t)
	c, err := Open(ctx, dir, Options{})
	require.NoError(t, err)
	defer c.Close()

	info, ok := c.Index()
	require.True(t, ok)
	assert.Equal(t, V53, info.CDMVersion)
	assert.Equal(t, int64(2694), info.Persons)
	assert.Equal(t, "2019-05-25", info.ReferenceDate, "cdm_source.source_release_date")
	assert.Len(t, info.VersionID, 16)

	for _, tc := range gibleedTruth {
		t.Run(tc.name, func(t *testing.T) {
			var persons int64
			err := c.DB().QueryRowContext(ctx, `SELECT count(DISTINCT e.person_id)
FROM search_events e JOIN concept_closure c ON c.descendant_id = e.concept_id
WHERE c.ancestor_id = ? AND e.is_standard AND e.domain = ?`, tc.concept, tc.domain).Scan(&persons)
			require.NoError(t, err)
			assert.Equal(t, tc.persons, persons)

			var rollup int64
			require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT rollup_person_count FROM concept_counts WHERE concept_id = ?`, tc.concept).Scan(&rollup))
			assert.Equal(t, tc.persons, rollup, "concept_counts agrees")

			var rolled, rows int64
			require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT count(DISTINCT person_id), count(*) FROM concept_person
WHERE concept_id = ? AND rolled AND is_standard`, tc.concept).Scan(&rolled, &rows))
			assert.Equal(t, tc.persons, rolled, "concept_person agrees")
			assert.Equal(t, rolled, rows, "a person once per concept and flag")
		})
	}
}

// conceptPersonOfPairsSQL is concept_person as index layout 8 made it,
// from the distinct (concept, person, flag, domain) of search_events,
// without the dates.
const conceptPersonOfPairsSQL = `WITH concept_pairs AS (
  SELECT p.*, s.demo_key
  FROM (SELECT DISTINCT concept_id, person_id, is_standard, domain FROM search_events) p JOIN search_person s USING (person_id)
),
expand AS (
  SELECT descendant_id AS concept_id, ancestor_id, ancestor_id = descendant_id AS direct, true AS rolled FROM concept_closure
  UNION ALL
  SELECT concept_id, concept_id, true, false FROM (SELECT DISTINCT concept_id FROM concept_pairs) p
  WHERE NOT EXISTS (SELECT 1 FROM concept_closure c WHERE c.ancestor_id = p.concept_id AND c.descendant_id = p.concept_id)
),
concept_rollup AS (
  SELECT x.ancestor_id AS concept_id, p.person_id, p.is_standard, bool_or(x.direct) AS direct, bool_or(x.rolled) AS rolled,
    list(p.domain ORDER BY p.domain) FILTER (WHERE x.direct) AS domains, any_value(p.demo_key) AS demo_key
  FROM concept_pairs p JOIN expand x USING (concept_id)
  GROUP BY x.ancestor_id, p.person_id, p.is_standard
)
SELECT concept_id, person_id, is_standard, direct, rolled, domains[1] AS domain, demo_key FROM concept_rollup
UNION ALL
SELECT concept_id, person_id, is_standard, false, false, unnest(domains[2:]), demo_key FROM concept_rollup WHERE len(domains) > 1`

// conceptDatesSQL counts the distinct dates of each concept's events per
// person and flag, of the concept alone (dates) and of it and its
// descendants (rolled_dates), from search_events.
const conceptDatesSQL = `WITH direct AS (
  SELECT concept_id, person_id, is_standard, count(DISTINCT entry_date) AS n FROM search_events GROUP BY ALL
),
rolled AS (
  SELECT c.ancestor_id AS concept_id, e.person_id, e.is_standard, count(DISTINCT e.entry_date) AS n
  FROM search_events e JOIN concept_closure c ON c.descendant_id = e.concept_id GROUP BY ALL
)
SELECT concept_id, person_id, is_standard, d.n, r.n FROM direct d FULL JOIN rolled r USING (concept_id, person_id, is_standard)`

// conceptCountsOfPersonsSQL selects the rows of concept_counts from
// concept_person's persons, as the index counted them before
// concept_bits.
const conceptCountsOfPersonsSQL = `SELECT concept_id,
  count(DISTINCT person_id) FILTER (WHERE direct) AS person_count,
  count(DISTINCT person_id) FILTER (WHERE rolled) AS rollup_person_count
FROM ` + ConceptPerson + ` GROUP BY concept_id HAVING bool_or(rolled)
ORDER BY concept_id`

// TestIndexPersonTables checks the person-ordered tables against the
// concept-ordered ones they stand beside: person_events, read from the
// clinical tables, against its derivation from search_events (how a
// timeline was read before it), and person_concept against the direct
// standard rows of concept_person (how TopConcepts counted before). And
// concept_person, rolled up from person_events with the dates, against
// what layout 8 made of search_events' pairs, and its dates against
// search_events. And concept_counts, counted from concept_bits, against
// the distinct persons of concept_person.
func TestIndexPersonTables(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, indexedGiBleed(t), Options{})
	require.NoError(t, err)
	defer c.Close()
	// A row of concept_person depends on its person's events alone, so
	// the checks of concept_person compare the rows of a third of the
	// persons (the ids divisible by 3), for which a temporary view stands
	// for search_events on a connection of their own: the three roll-ups
	// of all of GiBleed's 6.3M rows took 7 s of the test's 9.
	all, err := c.DB().Conn(ctx)
	require.NoError(t, err)
	defer all.Close()
	third, err := c.DB().Conn(ctx)
	require.NoError(t, err)
	defer third.Close()
	_, err = third.ExecContext(ctx, "CREATE TEMP VIEW "+SearchEvents+" AS SELECT * FROM memory.main."+SearchEvents+" WHERE person_id % 3 = 0")
	require.NoError(t, err)
	ofThird := func(q string) string { return "SELECT * FROM (" + q + ") WHERE person_id % 3 = 0" }
	for _, tc := range []struct {
		name, got, want string
		conn            *sql.Conn
	}{
		{"person_events", "SELECT * FROM " + PersonEvents, PersonEventsOfSearchSQL, all},
		{"person_concept", "SELECT * FROM " + PersonConcept, "SELECT domain, person_id, concept_id FROM " + ConceptPerson + " WHERE is_standard AND domain IS NOT NULL", all},
		{"person_concept of search_events", "SELECT * FROM " + PersonConcept, PersonConceptSQL, all},
		{"concept_person as layout 8", ofThird("SELECT * EXCLUDE (dates, rolled_dates, bucket) FROM " + ConceptPerson), conceptPersonOfPairsSQL, third},
		{"concept_person's dates", ofThird("SELECT concept_id, person_id, is_standard, dates, rolled_dates FROM " + ConceptPerson + " WHERE direct OR rolled"), conceptDatesSQL, third},
		{"concept_person of search_events", ofThird("SELECT * FROM " + ConceptPerson), ConceptPersonSQL, third},
		{"concept_counts of concept_person", "SELECT * FROM " + ConceptCounts, conceptCountsOfPersonsSQL, all},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The rows as a multiset: their number and the sum of their
			// hashes. EXCEPT ALL both ways, which counts the rows
			// missing and too many, runs only when those differ (on
			// concept_person's 6.3M rows it took 9-12 s a check).
			sum := func(q string) (n int64, h string) {
				require.NoError(t, tc.conn.QueryRowContext(ctx, "SELECT count(*), COALESCE(sum(hash(*COLUMNS(*))::HUGEINT), 0)::VARCHAR FROM ("+q+")").Scan(&n, &h))
				return n, h
			}
			rows, got := sum(tc.got)
			assert.Positive(t, rows)
			if want, wantSum := sum(tc.want); rows == want && got == wantSum {
				return
			}
			var missing, extra int64
			q := "SELECT (SELECT count(*) FROM ((" + tc.want + ") EXCEPT ALL (" + tc.got + "))), " +
				"(SELECT count(*) FROM ((" + tc.got + ") EXCEPT ALL (" + tc.want + ")))"
			require.NoError(t, tc.conn.QueryRowContext(ctx, q).Scan(&missing, &extra))
			assert.Zero(t, missing, "rows missing")
			assert.Zero(t, extra, "rows too many")
			assert.Fail(t, "the rows' hashes differ")
		})
	}
	var sources int64
	require.NoError(t, c.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+PersonEvents+" WHERE source_concept_id IS NOT NULL").Scan(&sources))
	assert.Positive(t, sources, "GiBleed has events whose source concept differs")
}

func TestIndexSearchPerson(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, indexedGiBleed(t), Options{})
	require.NoError(t, err)
	defer c.Close()

	// person 6 was born 1963-12-31; on 2019-05-25 they are 55.
	var age int
	var sex string
	var ehr, survey bool
	require.NoError(t, c.DB().QueryRowContext(ctx,
		`SELECT age_at_ref, sex_at_birth, has_ehr_data, has_survey_data FROM search_person WHERE person_id = 6`).Scan(&age, &sex, &ehr, &survey))
	assert.Equal(t, 55, age)
	assert.Equal(t, "FEMALE", sex)
	assert.True(t, ehr)
	assert.False(t, survey, "GiBleed has no PPI surveys")

	// Each bucketed table's file holds the rows of its bucket alone, which
	// a query that names the bucket relies on.
	for table, bucket := range map[string]string{
		SearchEvents:  "concept_id % " + strconv.Itoa(cdrindex.ConceptBuckets),
		ConceptPerson: "concept_id % " + strconv.Itoa(cdrindex.ConceptBuckets),
		PersonEvents:  "person_id % " + strconv.Itoa(cdrindex.PersonBuckets),
	} {
		var rows, astray int64
		require.NoError(t, c.DB().QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE bucket IS DISTINCT FROM "+bucket+") FROM "+table).Scan(&rows, &astray))
		assert.Positive(t, rows, table)
		assert.Zero(t, astray, table)
	}
}

// TestIndexColumns checks the index tables against internal/cdrindex,
// which names their columns for the packages that read them.
func TestIndexColumns(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, indexedGiBleed(t), Options{})
	require.NoError(t, err)
	defer c.Close()
	for _, table := range cdrindex.Tables {
		rows, err := c.DB().QueryContext(ctx, "SELECT column_name, column_type FROM (DESCRIBE "+sqlname.Quote(table)+")")
		require.NoError(t, err)
		var got []cdrindex.Column
		for rows.Next() {
			var col cdrindex.Column
			require.NoError(t, rows.Scan(&col.Name, &col.Type))
			got = append(got, col)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		assert.Equal(t, cdrindex.Columns[table], got, table)
	}
}

func TestIndexReplacesOldIndex(t *testing.T) {
	ctx := context.Background()
	dir := smallCDR(t, nil)
	first, err := Index(ctx, dir, IndexOptions{})
	require.NoError(t, err)
	second, err := Index(ctx, dir, IndexOptions{})
	require.NoError(t, err)
	assert.Equal(t, first.VersionID, second.VersionID, "same content, same version id")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), ".index-", "no temporary folder left")
		assert.NotEqual(t, "index.old", e.Name())
	}
}

func TestLoadGiBleedMatchesParquet(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "cdr")
	var stages []string
	report, err := Load(ctx, "../testdata/gibleed/csv", out, LoadOptions{Progress: func(stage string, done, total int) {
		stages = append(stages, stage)
	}})
	require.NoError(t, err)
	assert.Equal(t, V53, report.Version)
	assert.Len(t, report.Tables, 37)
	assert.NotEmpty(t, stages)

	db, err := openDB(Options{})
	require.NoError(t, err)
	defer db.Close()
	for _, tab := range report.Tables {
		switch tab.Name {
		case "cohort", "cohort_attribute": // results tables, not in the v5.3 CDM spec
			assert.False(t, tab.Known, tab.Name)
		case "cost": // GiBleed keeps a misspelt column as shipped
			assert.Equal(t, []string{"reveue_code_source_value"}, tab.Unknown)
		default:
			assert.True(t, tab.Known, tab.Name)
			assert.Empty(t, tab.Unknown, tab.Name)
		}
		var want int64
		require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet(?)", filepath.Join(gibleedParquet, tab.Name+".parquet")).Scan(&want))
		assert.Equal(t, want, tab.Rows, tab.Name)
	}

	// The loaded CDR opens, and its values equal the shipped Parquet's.
	c, err := Open(ctx, out, Options{})
	require.NoError(t, err)
	defer c.Close()
	var differ int64
	require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT count(*) FROM (
  SELECT * FROM person EXCEPT ALL SELECT * FROM read_parquet(?))`, filepath.Join(gibleedParquet, "person.parquet")).Scan(&differ))
	assert.Zero(t, differ)
}

func TestOpenV54(t *testing.T) {
	c, err := Open(context.Background(), "../testdata/synthea27nj", Options{})
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, V54, c.Version())
	assert.False(t, c.Present("concept_relationship"))

	var n int64
	require.NoError(t, c.DB().QueryRow("SELECT count(*) FROM concept_relationship").Scan(&n))
	assert.Zero(t, n, "an absent optional table reads as empty")
	var typ string
	require.NoError(t, c.DB().QueryRow("SELECT typeof(person_id) FROM person LIMIT 1").Scan(&typ))
	assert.Equal(t, "BIGINT", typ, "32-bit ids are widened to the schema type")
}

func TestDomainCounts(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, indexedGiBleed(t), Options{})
	require.NoError(t, err)
	defer c.Close()
	counts, err := c.DomainCounts(ctx)
	require.NoError(t, err)
	byDomain := map[string]DomainCount{}
	for _, d := range counts {
		byDomain[d.Domain] = d
	}
	// GiBleed: 65,332 condition rows, none with concept 0; no devices.
	assert.Equal(t, int64(65332), byDomain[DomainCondition].Events)
	assert.NotContains(t, byDomain, DomainDevice)

	raw, err := Open(ctx, gibleedParquet, Options{})
	require.NoError(t, err)
	defer raw.Close()
	_, err = raw.DomainCounts(ctx)
	assert.ErrorContains(t, err, "not indexed")
}

// TestIndexOverBrokenIndex: an index that no longer opens (built by an
// older version, or damaged) is an error on Open that says what to do, and
// Index builds a new one over it.
func TestIndexOverBrokenIndex(t *testing.T) {
	ctx := context.Background()
	dir := smallCDR(t, nil)
	_, err := Index(ctx, dir, IndexOptions{})
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(filepath.Join(dir, IndexDir, SearchEvents+".parquet")))

	_, err = Open(ctx, dir, Options{})
	require.ErrorContains(t, err, "run 'workbench cdr index' again")

	// An index of an older layout says so.
	meta := filepath.Join(dir, IndexDir, indexMetaFile)
	data, err := os.ReadFile(meta)
	require.NoError(t, err)
	current := []byte(fmt.Sprintf(`"layout": %d`, IndexLayout))
	require.True(t, bytes.Contains(data, current))
	require.NoError(t, os.WriteFile(meta, bytes.Replace(data, current, []byte(`"layout": 1`), 1), 0o644))
	_, err = Open(ctx, dir, Options{})
	require.ErrorIs(t, err, ErrIndexStale)

	_, err = Index(ctx, dir, IndexOptions{})
	require.NoError(t, err)
	c, err := Open(ctx, dir, Options{})
	require.NoError(t, err)
	c.Close()
}

// TestIndexRollupInParts: concept_person is the same whether the roll-up
// groups all persons at once or in parts.
func TestIndexRollupInParts(t *testing.T) {
	ctx := context.Background()
	dir := indexedGiBleed(t)
	c, err := Open(ctx, dir, Options{})
	require.NoError(t, err)
	defer c.Close()
	db := c.DB()
	saved := rollupPartEvents
	rollupPartEvents = 20000 // GiBleed has about 100,000 events: a few parts
	t.Cleanup(func() { rollupPartEvents = saved })
	parts, err := buildRollup(ctx, db, filepath.Join(dir, IndexDir, PersonEvents+".parquet"), filepath.Join(t.TempDir(), conceptRollup))
	require.NoError(t, err)
	files, err := filepath.Glob(parts)
	require.NoError(t, err)
	assert.Greater(t, len(files), 1)
	_, err = db.ExecContext(ctx, "CREATE TEMP VIEW "+conceptRollup+" AS SELECT * FROM read_parquet("+quoteLiteral(parts)+")")
	require.NoError(t, err)

	// The rows of both, as a multiset: their number and the sum of their
	// hashes (EXCEPT ALL of 6.3M rows both ways took 5 s).
	sum := func(from string) (n int64, h string) {
		require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*), sum(hash(concept_id, person_id, is_standard, direct, rolled, domain, demo_key, dates, rolled_dates)::HUGEINT)::VARCHAR FROM ("+from+")").Scan(&n, &h))
		return n, h
	}
	n, h := sum("SELECT * FROM " + ConceptPerson)
	parted, partedHash := sum(conceptPersonSQL)
	assert.Greater(t, n, int64(100000))
	assert.Equal(t, n, parted, "rows")
	assert.Equal(t, h, partedHash, "the rows of the parts are those of the whole")
	entries, err := os.ReadDir(filepath.Join(dir, IndexDir))
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), conceptRollup, "temporary parts are removed")
	}
}
