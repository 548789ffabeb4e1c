package cdr

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/atomicdir"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
	"github.com/openworkbench/workbench/internal/sqlname"
)

// IndexDir is the folder inside a CDR that holds the index tables.
const IndexDir = cdrindex.Dir

const indexMetaFile = cdrindex.MetaFile

// The index tables, each written as index/<name>.parquet and opened as a
// view of the same name; package internal/cdrindex names them and says
// what they hold.
const (
	SearchPerson   = cdrindex.SearchPerson
	SearchEvents   = cdrindex.SearchEvents
	PersonEvents   = cdrindex.PersonEvents
	ConceptClosure = cdrindex.ConceptClosure
	ConceptPerson  = cdrindex.ConceptPerson
	PersonConcept  = cdrindex.PersonConcept
	ConceptCounts  = cdrindex.ConceptCounts
	ReadingPairs   = cdrindex.ReadingPairs
	ConceptBits    = cdrindex.ConceptBits
)

// IndexTables lists the index tables.
var IndexTables = cdrindex.Tables

// Domains of search_events (see internal/cdrindex).
const (
	DomainCondition           = cdrindex.DomainCondition
	DomainDrug                = cdrindex.DomainDrug
	DomainProcedure           = cdrindex.DomainProcedure
	DomainMeasurement         = cdrindex.DomainMeasurement
	DomainObservation         = cdrindex.DomainObservation
	DomainDevice              = cdrindex.DomainDevice
	DomainVisit               = cdrindex.DomainVisit
	DomainSurvey              = cdrindex.DomainSurvey
	DomainPhysicalMeasurement = cdrindex.DomainPhysicalMeasurement
)

// IndexLayout is the layout of the index this version builds and reads.
// It changes whenever an index table or column changes.
const IndexLayout = cdrindex.Layout

// ErrIndexStale is returned by Open for an index built with another
// layout: run Index again.
var ErrIndexStale = fault.New(fault.Unavailable, "cdr.index_stale", "cdr: index built by another version of workbench")

// IndexInfo is what index/meta.json records about a built index.
type IndexInfo struct {
	// Layout is the version of the index's tables and columns; Open
	// refuses an index of another layout with ErrIndexStale.
	Layout int `json:"layout"`
	// VersionID identifies the CDR's content: it changes when any table
	// file changes, so results cached under it never go stale.
	VersionID string `json:"version_id"`
	// ReferenceDate is the date ages are computed on when no event date
	// applies: cdm_source.source_release_date, else the latest event date.
	ReferenceDate string  `json:"reference_date"`
	CDMVersion    Version `json:"cdm_version"`
	Persons       int64   `json:"persons"`
	Events        int64   `json:"events"`
	BuiltAt       string  `json:"built_at"`
}

// Reference returns ReferenceDate as a time.
func (i IndexInfo) Reference() (time.Time, error) {
	return time.Parse(time.DateOnly, i.ReferenceDate)
}

// Progress is told how far a long operation has come: stage names the
// step, done of total steps of it are finished.
type Progress func(stage string, done, total int)

// IndexOptions configure Index. The zero value works.
type IndexOptions struct {
	Options
	Progress Progress
}

// Index builds the index of the CDR in dir: search_person, search_events,
// person_events, concept_closure, concept_person, person_concept,
// concept_counts, reading_pairs and concept_bits under dir/index, and
// meta.json with the version id and reference date. The new index
// replaces an old one only when complete.
func Index(ctx context.Context, dir string, opt IndexOptions) (IndexInfo, error) {
	c, err := openTables(ctx, dir, opt.Options)
	if err != nil {
		return IndexInfo{}, err
	}
	defer c.Close()
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	tmp, err := os.MkdirTemp(c.dir, ".index-")
	if err != nil {
		return IndexInfo{}, fmt.Errorf("cdr: index: %w", err)
	}
	defer os.RemoveAll(tmp)
	// MkdirTemp makes the folder private; the result is an ordinary one.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return IndexInfo{}, fmt.Errorf("cdr: %w", err)
	}

	ref, err := c.referenceDate(ctx)
	if err != nil {
		return IndexInfo{}, err
	}
	// Steps marked temp are written for the next ones to read, and
	// removed from the index.
	steps := []struct {
		name string
		sql  string
		temp bool
	}{
		{PersonEvents, c.personEventsSQL(), false},
		{SearchEvents, searchEventsSQL, false},
		{SearchPerson, c.searchPersonSQL(), false},
		{ConceptClosure, conceptClosureSQL, false},
		{conceptRollup, "", true}, // built by buildRollup
		{ConceptPerson, conceptPersonSQL, false},
		{PersonConcept, personConceptSQL, false},
		{ReadingPairs, readingPairsSQL, false},
		{ConceptBits, cdrindex.ConceptBitsSQL, false},
		{ConceptCounts, conceptCountsSQL, false},
	}
	db := c.db
	if _, err := db.ExecContext(ctx, "CREATE TEMP VIEW person_birth AS "+personBirthSQL); err != nil {
		return IndexInfo{}, fmt.Errorf("cdr: index: %w", cleanError(err))
	}
	// Rows need no order unless a step asks for one (ORDER BY keeps its
	// order), which lets DuckDB's operators spill to disk more freely.
	if _, err := db.ExecContext(ctx, "SET preserve_insertion_order = false"); err != nil {
		return IndexInfo{}, fmt.Errorf("cdr: index: %w", cleanError(err))
	}
	// Later steps read earlier ones; each is a view over what was just written.
	for i, s := range steps {
		progress("index "+s.name, i, len(steps))
		path := filepath.Join(tmp, s.name+".parquet")
		source := "read_parquet(" + quoteLiteral(path) + ")"
		switch {
		case s.name == conceptRollup:
			if path, err = buildRollup(ctx, db, filepath.Join(tmp, PersonEvents+".parquet"), filepath.Join(tmp, s.name)); err != nil {
				return IndexInfo{}, fmt.Errorf("cdr: index: building %s: %w", s.name, err)
			}
			source = "read_parquet(" + quoteLiteral(path) + ")"
		case cdrindex.Bucketed(s.name):
			if err := writeBuckets(ctx, db, s.sql, s.name, path); err != nil {
				return IndexInfo{}, fmt.Errorf("cdr: index: building %s: %w", s.name, err)
			}
			if source, err = bucketsSource(path); err != nil {
				return IndexInfo{}, fmt.Errorf("cdr: index: %s: %w", s.name, err)
			}
		default:
			format := parquetFormat(s.name)
			args := []any{}
			switch s.name {
			case SearchPerson:
				format += fmt.Sprintf(", ROW_GROUP_SIZE %d", searchPersonRowGroup)
				args = append(args, ref)
			case ConceptBits:
				format += fmt.Sprintf(", ROW_GROUP_SIZE %d", conceptBitsRowGroup)
			}
			q := "COPY (" + s.sql + ") TO " + quoteLiteral(path) + " (" + format + ")"
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				return IndexInfo{}, fmt.Errorf("cdr: index: building %s: %w", s.name, cleanError(err))
			}
		}
		view := "CREATE OR REPLACE VIEW " + sqlname.Quote(s.name) + " AS SELECT * FROM " + source
		if _, err := db.ExecContext(ctx, view); err != nil {
			return IndexInfo{}, fmt.Errorf("cdr: index: %s: %w", s.name, cleanError(err))
		}
	}
	progress("index", len(steps), len(steps))
	for _, s := range steps {
		if s.temp {
			os.RemoveAll(filepath.Join(tmp, s.name))
			if err := os.RemoveAll(filepath.Join(tmp, s.name+".parquet")); err != nil {
				return IndexInfo{}, fmt.Errorf("cdr: index: %w", err)
			}
		}
	}

	info := IndexInfo{Layout: IndexLayout, ReferenceDate: ref.Format(time.DateOnly), CDMVersion: c.Version(), BuiltAt: time.Now().UTC().Format(time.RFC3339)}
	if err := db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM "+SearchPerson+"), (SELECT count(*) FROM "+SearchEvents+")").Scan(&info.Persons, &info.Events); err != nil {
		return IndexInfo{}, fmt.Errorf("cdr: index: %w", cleanError(err))
	}
	if info.VersionID, err = c.fingerprint(info.ReferenceDate); err != nil {
		return IndexInfo{}, err
	}
	meta, _ := json.MarshalIndent(info, "", "  ")
	if err := os.WriteFile(filepath.Join(tmp, indexMetaFile), append(meta, '\n'), 0o644); err != nil {
		return IndexInfo{}, fmt.Errorf("cdr: index: %w", err)
	}
	if err := atomicdir.Replace(tmp, filepath.Join(c.dir, IndexDir)); err != nil {
		return IndexInfo{}, fmt.Errorf("cdr: index: %w", err)
	}
	return info, nil
}

// referenceDate is cdm_source.source_release_date, else the latest event
// date, else today.
func (c *CDR) referenceDate(ctx context.Context) (time.Time, error) {
	var q sqlb.Builder
	q.SQL("SELECT COALESCE((SELECT max(source_release_date) FROM cdm_source), (SELECT max(d) FROM (")
	for i, s := range cdrindex.EventSources {
		if i > 0 {
			q.SQL(" UNION ALL ")
		}
		q.SQL("SELECT max(").Ident(s.Date).SQL(") AS d FROM ").Ident(s.Table)
	}
	q.SQL(")), current_date)")
	var ref time.Time
	if err := c.db.QueryRowContext(ctx, q.String(), q.Args()...).Scan(&ref); err != nil {
		return time.Time{}, fmt.Errorf("cdr: index: reference date: %w", cleanError(err))
	}
	return ref, nil
}

// personBirthSQL gives each person's birth date: birth_datetime, else
// year, month and day of birth with a missing month or day taken as 1; an
// impossible date (February 30) is NULL rather than an error. Index and
// Validate both read it.
const personBirthSQL = `SELECT person_id,
  COALESCE(CAST(birth_datetime AS DATE), TRY(make_date(CAST(year_of_birth AS INTEGER), CAST(COALESCE(month_of_birth, 1) AS INTEGER), CAST(COALESCE(day_of_birth, 1) AS INTEGER)))) AS birth_date
FROM person`

// PersonKeysSQL selects the rows of from (a table, or a query in
// parentheses, with search_person's other columns) with search_person's
// age_bin and demo_key added. age_bin is the bin of a person's age in
// demographic breakdowns, 0 for 0-17, 1 for 18-44, 2 for 45-64, 3 for 65
// and over, 4 without a birth date. A living person's age is age_at_ref;
// a deceased person's is the age at death, so the dead do not grow older.
// demo_key numbers the persons' distinct (sex at birth, gender, race,
// ethnicity, age bin) from 1; concept_person carries it, so that the
// breakdown of a cohort read from there counts keys instead of looking up
// every person again.
func PersonKeysSQL(from string) string {
	return `SELECT *,
  CAST(dense_rank() OVER (ORDER BY sex_at_birth_concept_id, gender_concept_id, race_concept_id, ethnicity_concept_id, age_bin) AS INTEGER) AS demo_key
FROM (
  SELECT * EXCLUDE (age),
    CAST(CASE WHEN age IS NULL THEN 4 WHEN age < 18 THEN 0 WHEN age < 45 THEN 1 WHEN age < 65 THEN 2 ELSE 3 END AS UTINYINT) AS age_bin
  FROM (
    SELECT *, CASE WHEN is_deceased AND death_date IS NOT NULL THEN ` + cdrindex.AgeSQL("birth_date", "death_date") + ` ELSE age_at_ref END AS age
    FROM ` + from + `
  )
)`
}

// searchPersonSQL selects one row per person; which kinds of data a person
// has comes from search_events, built before it. Its one argument is the
// reference date. Sex at birth is the All of Us extension column when the
// person table has one, else gender_concept_id (OMOP's sex at birth).
func (c *CDR) searchPersonSQL() string {
	sex := "p.gender_concept_id"
	if c.hasColumn("person", "sex_at_birth_concept_id") {
		sex = "p.sex_at_birth_concept_id"
	}
	persons := `WITH ref AS (SELECT CAST(? AS DATE) AS d),
dead AS (SELECT person_id, min(death_date) AS death_date FROM death GROUP BY person_id),
kinds AS (
  SELECT person_id,
    bool_or(domain NOT IN ('` + DomainSurvey + `', '` + DomainPhysicalMeasurement + `')) AS ehr,
    bool_or(domain = '` + DomainSurvey + `') AS survey,
    bool_or(domain = '` + DomainPhysicalMeasurement + `') AS pm
  FROM ` + SearchEvents + ` GROUP BY person_id
)
SELECT p.person_id,
  p.gender_concept_id, COALESCE(g.concept_name, 'Unknown') AS gender,
  ` + sex + ` AS sex_at_birth_concept_id, COALESCE(s.concept_name, 'Unknown') AS sex_at_birth,
  p.race_concept_id, COALESCE(r.concept_name, 'Unknown') AS race,
  p.ethnicity_concept_id, COALESCE(e.concept_name, 'Unknown') AS ethnicity,
  b.birth_date,
  CAST(` + cdrindex.AgeSQL("b.birth_date", "ref.d") + ` AS INTEGER) AS age_at_ref,
  dead.death_date,
  dead.person_id IS NOT NULL AS is_deceased,
  COALESCE(kinds.ehr, false) AS has_ehr_data,
  COALESCE(kinds.survey, false) AS has_survey_data,
  COALESCE(kinds.pm, false) AS has_physical_measurement_data
FROM person p JOIN person_birth b USING (person_id) CROSS JOIN ref
LEFT JOIN concept g ON g.concept_id = p.gender_concept_id
LEFT JOIN concept s ON s.concept_id = ` + sex + `
LEFT JOIN concept r ON r.concept_id = p.race_concept_id
LEFT JOIN concept e ON e.concept_id = p.ethnicity_concept_id
LEFT JOIN dead ON dead.person_id = p.person_id
LEFT JOIN kinds ON kinds.person_id = p.person_id`
	return PersonKeysSQL("(\n"+persons+"\n)") + "\nORDER BY " + searchPersonOrder
}

// searchPersonOrder sorts search_person by the columns of demographic
// criteria, so that a scan filtered on them reads only the row groups of
// the matching values (searchPersonRowGroup), by their statistics: gender,
// race and age at 1,000,000 persons read a fifth of the rows, 7 ms
// instead of 18.
const searchPersonOrder = "gender_concept_id, sex_at_birth_concept_id, race_concept_id, ethnicity_concept_id, age_at_ref, person_id"

// searchPersonRowGroup is search_person's row group size: small enough
// that one demographic value spans whole row groups.
const searchPersonRowGroup = 16384

// conceptBitsRowGroup is concept_bits' row group size, the least DuckDB
// writes (asked for 512, it wrote 2,048): the chunks of about eight
// common concepts and flags (245 chunks each at 1,000,000 persons), so
// that a scan of some concepts skips the others' bits by the row groups'
// statistics. With one row of 125,000 bytes per concept, in two
// row groups, 10's 200 concepts took 180-300 ms to read, most of it in
// decompressing the other concepts' bits; in chunks, 29-39 ms.
const conceptBitsRowGroup = 2048

// personEventsSQL selects one row per clinical event, with its standard
// concept (concept_id, 0 when it has none) and its source concept
// (source_concept_id, NULL when it has none or the same), which
// writeBuckets sorts by person and date (bucketings): a participant's
// timeline reads the few row groups of the person instead of every
// event, and search_events is made of its rows. Events of persons missing from person are left
// out (Validate reports them), as are events with neither concept.
func (c *CDR) personEventsSQL() string {
	var b sqlb.Builder
	b.SQL(`SELECT e.person_id, e.entry_date, e.domain, e.concept_id, e.source_concept_id, e.event_id,
  e.visit_occurrence_id, v.visit_concept_id,
  CAST(` + cdrindex.AgeSQL("p.birth_date", "e.entry_date") + ` AS INTEGER) AS age_at_event,
  e.value_as_number, e.value_as_concept_id, e.unit_concept_id
FROM (`)
	return cdrindex.EventsSQL(&b).SQL(`) e
JOIN person_birth p ON p.person_id = e.person_id
LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = e.visit_occurrence_id`).String()
}

// parquetFormat returns the COPY options of the index table's Parquet
// files. Format version 2 (cdrindex.FormatVersion2) encodes integers by
// their differences (DELTA_BINARY_PACKED) instead of plainly: sorted ids
// shrink to a few bits (a scan of search_events' person_id and entry_date
// at 1,000,000 persons took 16-30 ms instead of 45-59, the files 10%
// smaller, when search_events was written so).
func parquetFormat(table string) string {
	format := "FORMAT parquet, COMPRESSION " + cdrindex.Compression(table)
	if cdrindex.FormatVersion2(table) {
		format += ", PARQUET_VERSION V2"
	}
	return format
}

// bucketing says how writeBuckets splits a table into hive partitions:
// the bucket of a row (an expression of its columns), the order of the
// rows in each bucket's file, the row group size of those files, and a
// query of at least as many rows as the table will have, cheap to count
// (the tables it is made of).
type bucketing struct {
	bucket, order string
	rowGroup      int
	size          string
}

// eventRowsSQL counts the rows of the clinical tables, at least as many as
// person_events will have.
func eventRowsSQL() string {
	var q sqlb.Builder
	q.SQL("SELECT 0")
	for _, s := range cdrindex.EventSources {
		q.SQL(" + (SELECT count(*) FROM ").Ident(s.Table).SQL(")")
	}
	return q.String()
}

// bucketings are the bucketed tables' (cdrindex.Bucketed).
var bucketings = map[string]bucketing{
	// A person's events (about 160 at the synthetic density, 1,700 in All
	// of Us) fall in one or two row groups of the person's bucket.
	PersonEvents: {"person_id % " + strconv.Itoa(cdrindex.PersonBuckets), "person_id, entry_date", 16384, eventRowsSQL()},
	// A concept's rows are one range of its bucket's file. In one file of
	// all concepts, DuckDB spent 5-10 µs per row group on statistics
	// before reading any row (about 1,300 row groups at 1,000,000
	// persons): a rare concept of concept_person took 8-12 ms, 2.5-3.5 in
	// a bucket's file, and one of 527,000 persons 12-15 ms instead of 4-6.
	//
	// A concept's events with values (measurements) are in the order of
	// their values, so that a value condition reads the row groups of its
	// range: BMI 30-40 at 1,000,000 persons, 31 ms instead of 57; blood
	// pressure over 140/90, 230 ms instead of 310 (the two concepts' files
	// 12% larger, their persons no longer in order).
	SearchEvents: {"concept_id % " + strconv.Itoa(cdrindex.ConceptBuckets), "concept_id, value_as_number, person_id, entry_date", 122880,
		"SELECT 2 * count(*) FROM " + PersonEvents},
	ConceptPerson: {"concept_id % " + strconv.Itoa(cdrindex.ConceptBuckets), "concept_id, person_id", 122880,
		"SELECT sum(greatest(len(domains), 1)) FROM " + conceptRollup},
}

// smallBuckets is the most rows of a bucketed table written in one
// statement (about 60,000 persons at the synthetic density; GiBleed's
// concept_person has 6.3M rows, as its events have many ancestors).
const smallBuckets = 10_000_000

// writeBuckets writes the rows of query to dir as one file per bucket
// (hive folders dir/bucket=K/) of the bucketed table, each sorted as its
// bucketing says: a query that names
// the bucket (a timeline, the person's; a concept, the concept's) opens
// that file alone, chosen by the folder's name, and reads the row groups
// of its rows. In one file of all persons, DuckDB spent 25-50 µs per row
// group on statistics alone (9,702 row groups of 16,384 rows at 1,000,000
// persons: 250-600 ms a timeline), and larger row groups cost as much to
// decode (122,880 rows: 60-130 ms). The rows are sorted once by bucket
// into a temporary file, whose row groups of a bucket each bucket's file
// then reads by their statistics. (DuckDB's PARTITION_BY wrote a bucket's
// rows out of order, and held every partition until the end: 6 GB
// spilled at 1,000,000 persons.)
func writeBuckets(ctx context.Context, db *sql.DB, query, table, dir string) error {
	b := bucketings[table]
	format := fmt.Sprintf(" (%s, ROW_GROUP_SIZE %d", parquetFormat(table), b.rowGroup)
	var n sql.NullInt64
	if err := db.QueryRowContext(ctx, b.size).Scan(&n); err != nil {
		return cleanError(err)
	}
	if n.Int64 <= smallBuckets {
		// Few rows: one statement writes every bucket, unsorted, which the
		// loop below would sort and write in a statement each (GiBleed's
		// index took 40% longer that way, and its sort 1 s). Each bucket is
		// a row group or two, so the order of its rows, which PARTITION_BY
		// does not keep, costs nothing.
		q := "COPY (SELECT *, " + b.bucket + " AS bucket FROM (" + query + ") ORDER BY bucket) TO " + quoteLiteral(dir) + format + ", PARTITION_BY (bucket))"
		if n.Int64 == 0 {
			// An empty file keeps the table's columns.
			if err := os.MkdirAll(filepath.Join(dir, "bucket=0"), 0o755); err != nil {
				return err
			}
			q = "COPY (SELECT * FROM (" + query + ") LIMIT 0) TO " + quoteLiteral(filepath.Join(dir, "bucket=0", "data.parquet")) + " (FORMAT parquet)"
		}
		_, err := db.ExecContext(ctx, q)
		return cleanError(err)
	}
	sorted := dir + ".sorted.parquet"
	defer os.Remove(sorted)
	q := "COPY (SELECT *, " + b.bucket + " AS bucket FROM (" + query + ") ORDER BY bucket, " + b.order + ") TO " +
		quoteLiteral(sorted) + " (FORMAT parquet)"
	if _, err := db.ExecContext(ctx, q); err != nil {
		return cleanError(err)
	}
	var buckets []int64
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT bucket FROM read_parquet("+quoteLiteral(sorted)+") ORDER BY bucket")
	if err != nil {
		return cleanError(err)
	}
	for rows.Next() {
		var b int64
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return err
		}
		buckets = append(buckets, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return cleanError(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	for _, k := range buckets {
		folder := filepath.Join(dir, "bucket="+strconv.FormatInt(k, 10))
		if err := os.Mkdir(folder, 0o755); err != nil {
			return err
		}
		q := "COPY (SELECT * EXCLUDE (bucket) FROM read_parquet(" + quoteLiteral(sorted) + ") WHERE bucket = ? ORDER BY " + b.order + ") TO " +
			quoteLiteral(filepath.Join(folder, "data.parquet")) + format + ")"
		if _, err := db.ExecContext(ctx, q, k); err != nil {
			return cleanError(err)
		}
	}
	return nil
}

// bucketsSource reads the bucketed table of dir (writeBuckets), its
// bucket a column.
func bucketsSource(dir string) (string, error) {
	return filesSource(filepath.Join(dir, "*", "*.parquet"), ", hive_partitioning = true, hive_types = {'bucket': BIGINT}")
}

// filesSource reads the Parquet files that pattern matches now, named one
// by one, with DuckDB's options opts (each after a comma). A glob in the
// view would list the folders again at every scan of every query: a count
// of one bucket of search_events' 64 took 2.5-2.6 ms at 1,000,000 persons
// with the glob (after a first run), 1.8-2.3 ms with the list (0.7-0.9 ms
// from the one file), and a hive filter on the bucket still opens only
// the files it names. The files of an index do not change once written.
func filesSource(pattern, opts string) (string, error) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", fmt.Errorf("no Parquet files match %s", pattern)
	}
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = quoteLiteral(f)
	}
	return "read_parquet([" + strings.Join(quoted, ", ") + "]" + opts + ")", nil
}

// searchEventsSQL selects one row per event and concept from
// person_events: a row of the standard concept, and another of the
// source concept where it differs; writeBuckets sorts them by concept,
// value and person.
const searchEventsSQL = `SELECT person_id, entry_date, domain, concept_id, true AS is_standard, event_id,
  visit_occurrence_id, visit_concept_id, age_at_event, value_as_number, value_as_concept_id, unit_concept_id
FROM ` + PersonEvents + ` WHERE concept_id <> 0
UNION ALL
SELECT person_id, entry_date, domain, source_concept_id, false, event_id,
  visit_occurrence_id, visit_concept_id, age_at_event, value_as_number, value_as_concept_id, unit_concept_id
FROM ` + PersonEvents + ` WHERE source_concept_id IS NOT NULL`

// conceptClosureSQL selects concept_closure: the pairs of
// concept_ancestor, those of the source hierarchy (sourceClosureSQL), and
// a self pair for every concept of the vocabulary.
const conceptClosureSQL = `SELECT ancestor_concept_id AS ancestor_id, descendant_concept_id AS descendant_id, min_levels_of_separation AS min_levels
FROM concept_ancestor WHERE ancestor_concept_id <> descendant_concept_id
UNION ALL
SELECT * FROM (` + sourceClosureSQL + `)
UNION ALL
SELECT concept_id, concept_id, 0 FROM concept
ORDER BY ancestor_id, descendant_id`

// sourceClosureSQL selects the ancestor/descendant pairs of the
// hierarchies of source concepts, which concept_ancestor leaves out: it
// relates standard and classification concepts only, so that ICD10CM K92
// would not stand for K92.2, as the All of Us criteria tree has it. A
// source concept is one that is neither standard nor classification
// (standard_concept other than 'S' and 'C'). Its parents are, first, the
// source concepts of its own vocabulary that concept_relationship says it
// "Is a" (or that "Subsumes" it), by valid relationships; an ICD9CM or
// ICD10CM code without such a parent gets the longest shorter code of its
// vocabulary that is a prefix of it, a trailing dot left out (K92.2 is a
// child of K92, S72.001A of S72.001, E11.65 of E11 when E11.6 is absent).
// The pairs are the transitive closure of the parents, with the fewest
// levels between; a cycle, which a vocabulary should not have, stops at
// sourceMaxLevels.
const sourceClosureSQL = `WITH RECURSIVE ` + cdrindex.SourceParentsCTEs + `
prefixed AS (
  SELECT DISTINCT p.concept_id AS parent_id, c.concept_id AS child_id
  FROM (
    SELECT *, unnest(range(1, length(concept_code))) AS n FROM coded
    WHERE concept_id NOT IN (SELECT child_id FROM related)
  ) c
  JOIN coded p ON p.vocabulary_id = c.vocabulary_id AND p.concept_code = rtrim(left(c.concept_code, c.n), '.') AND p.concept_id <> c.concept_id
  QUALIFY length(p.concept_code) = max(length(p.concept_code)) OVER (PARTITION BY c.concept_id)
),
edges AS (SELECT * FROM related UNION SELECT * FROM prefixed),
walk(ancestor_id, descendant_id, levels) AS (
  SELECT parent_id, child_id, 1 FROM edges
  UNION
  SELECT w.ancestor_id, e.child_id, w.levels + 1 FROM walk w JOIN edges e ON e.parent_id = w.descendant_id
  WHERE w.levels < ` + sourceMaxLevels + `
)
SELECT ancestor_id, descendant_id, CAST(min(levels) AS BIGINT) AS min_levels FROM walk
WHERE ancestor_id <> descendant_id GROUP BY ancestor_id, descendant_id`

// sourceMaxLevels bounds the depth of the source hierarchy, far below
// which the coding systems stay (ICD10CM: a category, then up to four
// more characters).
const sourceMaxLevels = "32"

// ConceptPersonSQL selects the rows of concept_person from the tables
// search_events and search_person (for demo_key) and concept_closure, with
// their bucket. A row (concept_id, person_id, is_standard) says that the
// person has events of that standard flag whose concept is concept_id
// (direct), or is a descendant of it or itself by concept_closure
// (rolled): an item's concept without descendants needs the direct rows,
// with descendants the rolled ones, and either reads one contiguous range
// of concept_id instead of every event. Among the rows with direct or
// rolled, each person comes once for one concept and flag, so the rows of
// one concept count its persons without a DISTINCT. domain is the domain
// of the direct events (the first, in order, when they have several);
// each other domain of them has a row of its own with direct and rolled
// false, so that the persons of a concept in a domain are the rows of
// that domain, found by an equality that the scan evaluates. Rolled is
// false otherwise only for concepts missing from the concept table, which
// concept_closure has no self pair for. dates counts the distinct dates
// of the direct events (NULL on a row that is not direct), rolled_dates
// those of the events of the concept and its descendants (NULL on a row
// that is not rolled): an item that asks for a number of occurrences of
// one concept reads them instead of the events. Index builds the same
// rows from person_events, in parts of the persons (buildRollup), then
// writes them by bucket, sorted. Here they have no order: the sort took a
// third of the 3.3 s that the query took over GiBleed.
var ConceptPersonSQL = `WITH concept_rollup AS (` + conceptRollupSQL(`SELECT concept_id, person_id, is_standard, domain, entry_date FROM `+SearchEvents) + `)
SELECT *, ` + bucketings[ConceptPerson].bucket + ` AS bucket FROM (` + conceptPersonSQL + `)`

// conceptPersonSQL selects concept_person's rows from concept_rollup,
// whose domains lists the direct events' domains, sorted.
const conceptPersonSQL = `SELECT concept_id, person_id, is_standard, direct, rolled, domains[1] AS domain, demo_key, dates, rolled_dates FROM concept_rollup
UNION ALL
SELECT concept_id, person_id, is_standard, false, false, unnest(domains[2:]), demo_key, NULL, NULL FROM concept_rollup WHERE len(domains) > 1`

// PersonConceptSQL selects the rows of person_concept from the table
// search_events: its distinct standard (domain, person, concept). Index
// reads them from concept_person (personConceptSQL).
var PersonConceptSQL = `SELECT DISTINCT domain, person_id, concept_id FROM ` + SearchEvents + ` WHERE is_standard
ORDER BY domain, person_id, concept_id`

// PersonEventsOfSearchSQL selects the rows of person_events from the table
// search_events, for index builders that have only search_events (the
// oracle's): the row of an event's standard concept carries the concept of
// its source row (same person, domain, event id and date), and a source
// row without a standard one stands alone with concept_id 0. Index reads
// the clinical tables instead, where each event has both concepts.
var PersonEventsOfSearchSQL = `WITH src AS (
  SELECT person_id, domain, event_id, entry_date, any_value(concept_id) AS concept_id FROM ` + SearchEvents + ` WHERE NOT is_standard GROUP BY ALL
)
SELECT s.person_id, s.entry_date, s.domain, s.concept_id, src.concept_id AS source_concept_id, s.event_id, s.visit_occurrence_id,
  s.visit_concept_id, s.age_at_event, s.value_as_number, s.value_as_concept_id, s.unit_concept_id, ` + personBucketSQL + `
FROM ` + SearchEvents + ` s LEFT JOIN src ON src.person_id = s.person_id AND src.domain = s.domain AND src.event_id = s.event_id
  AND src.entry_date IS NOT DISTINCT FROM s.entry_date
WHERE s.is_standard
UNION ALL
SELECT s.person_id, s.entry_date, s.domain, 0, s.concept_id, s.event_id, s.visit_occurrence_id,
  s.visit_concept_id, s.age_at_event, s.value_as_number, s.value_as_concept_id, s.unit_concept_id, ` + personBucketSQL + `
FROM ` + SearchEvents + ` s
WHERE NOT s.is_standard AND NOT EXISTS (
  SELECT 1 FROM ` + SearchEvents + ` t WHERE t.is_standard AND t.person_id = s.person_id AND t.domain = s.domain
    AND t.event_id = s.event_id AND t.entry_date IS NOT DISTINCT FROM s.entry_date)
ORDER BY person_id, entry_date`

// personBucketSQL is the bucket of person_events of search_events s's person.
var personBucketSQL = "s.person_id % " + strconv.Itoa(cdrindex.PersonBuckets) + " AS bucket"

// personConceptSQL selects person_concept from concept_person: its
// standard rows of a domain, which are the standard (concept, person,
// domain) of the events (75.5M rows at 1,000,000 persons, against 142.7M
// of concept_person), sorted by domain so that the rows of one domain
// (8.1M of conditions) are the only row groups TopConcepts reads.
const personConceptSQL = `SELECT domain, person_id, concept_id FROM ` + ConceptPerson + ` WHERE is_standard AND domain IS NOT NULL
ORDER BY domain, person_id, concept_id`

// readingPairsSQL selects reading_pairs in its order: a first concept's
// pairs in the order of its values, so that a condition on the first
// value reads the row groups of its range.
var readingPairsSQL = cdrindex.ReadingPairsSQL(new(sqlb.Builder)).String() + "\nORDER BY first_concept_id, first_value, person_id"

// conceptRollup is the temporary table of concept_person's rows before
// they are written by bucket.
const conceptRollup = "concept_rollup"

// conceptRollupSQL selects the rows of concept_person, unsorted and
// without their bucket, from events, a query of (concept_id, person_id,
// is_standard, domain, entry_date): the direct rows (own) are the events'
// concepts, with their domains and dates; the rolled rows are each
// event's concept standing for its ancestors by concept_closure (itself
// included), with the distinct dates of them all. A concept missing from
// concept_closure has a direct row alone.
//
// The rolled dates are the costly part where concepts have many
// ancestors (GiBleed's SNOMED events about 68 each: 15M rows for 220,000
// dated events). For a person of at most maskDates dates, each date is a
// bit of a HUGEINT (its rank among the person's dates), so the dates of a
// concept are or-ed and counted without a count(DISTINCT): GiBleed's
// roll-up took 1.0-1.2 s this way, 1.8-1.9 s with count(DISTINCT) alone
// (3.3 s grouping by date first). The other persons' dates are counted
// with count(DISTINCT).
func conceptRollupSQL(events string) string {
	return `WITH dated AS (SELECT DISTINCT concept_id, person_id, is_standard, domain, entry_date FROM (` + events + `)),
own AS (
  SELECT concept_id, person_id, is_standard, list(DISTINCT domain ORDER BY domain) AS domains, count(DISTINCT entry_date) AS dates
  FROM dated GROUP BY concept_id, person_id, is_standard
),
ranks AS (
  SELECT person_id, entry_date, dense_rank() OVER (PARTITION BY person_id ORDER BY entry_date) - 1 AS rank
  FROM (SELECT DISTINCT person_id, entry_date FROM dated WHERE entry_date IS NOT NULL)
),
many AS (SELECT person_id FROM ranks GROUP BY person_id HAVING max(rank) >= ` + maskDates + `),
masks AS (
  SELECT d.concept_id, d.person_id, d.is_standard, bit_or(COALESCE(1::HUGEINT << r.rank::HUGEINT, 0::HUGEINT)) AS mask
  FROM dated d LEFT JOIN ranks r USING (person_id, entry_date)
  WHERE d.person_id NOT IN (SELECT person_id FROM many)
  GROUP BY d.concept_id, d.person_id, d.is_standard
),
rolled AS (
  SELECT c.ancestor_id AS concept_id, m.person_id, m.is_standard, CAST(bit_count(bit_or(m.mask)) AS BIGINT) AS rolled_dates
  FROM masks m JOIN ` + ConceptClosure + ` c ON c.descendant_id = m.concept_id
  GROUP BY c.ancestor_id, m.person_id, m.is_standard
  UNION ALL
  SELECT c.ancestor_id, p.person_id, p.is_standard, count(DISTINCT p.entry_date)
  FROM (SELECT DISTINCT concept_id, person_id, is_standard, entry_date FROM dated WHERE person_id IN (SELECT person_id FROM many)) p
  JOIN ` + ConceptClosure + ` c ON c.descendant_id = p.concept_id
  GROUP BY c.ancestor_id, p.person_id, p.is_standard
)
SELECT concept_id, person_id, is_standard, own.person_id IS NOT NULL AS direct, rolled.person_id IS NOT NULL AS rolled,
  own.domains, s.demo_key, own.dates, rolled.rolled_dates
FROM own FULL JOIN rolled USING (concept_id, person_id, is_standard) JOIN ` + SearchPerson + ` s USING (person_id)`
}

// maskDates is the most dates of a person whose dates conceptRollupSQL
// counts as bits of a HUGEINT (the bits below its sign bit).
const maskDates = "126"

// rollupPartEvents is about how many events one part of the roll-up
// groups at a time, so that memory does not grow with the CDR: each
// event's date stands for the event's concept and its ancestors (about
// two rows an event at 1,000,000 persons). A variable so that a test can
// make parts of a small CDR.
var rollupPartEvents int64 = 3_000_000

// buildRollup writes concept_rollup as a folder of parts, each grouping
// the events of some buckets of person_events (a share of the persons,
// read from their buckets' files alone), whose folder is personEvents. It
// returns the Parquet source of the parts.
func buildRollup(ctx context.Context, db *sql.DB, personEvents, dir string) (string, error) {
	var events int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+PersonEvents).Scan(&events); err != nil {
		return "", cleanError(err)
	}
	folders, err := os.ReadDir(personEvents)
	if err != nil {
		return "", err
	}
	var buckets []string
	for _, f := range folders {
		if k, ok := strings.CutPrefix(f.Name(), "bucket="); ok {
			if _, err := strconv.ParseInt(k, 10, 64); err != nil {
				return "", fmt.Errorf("%s: %w", f.Name(), err)
			}
			buckets = append(buckets, k)
		}
	}
	parts := int(min(int64(len(buckets)), max(1, (events+rollupPartEvents-1)/rollupPartEvents)))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", err
	}
	for i := range parts {
		var own []string
		for j := i; j < len(buckets); j += parts {
			own = append(own, buckets[j])
		}
		in := "bucket IN (" + strings.Join(own, ", ") + ")"
		events := `SELECT concept_id, person_id, true AS is_standard, domain, entry_date FROM ` + PersonEvents + ` WHERE ` + in + ` AND concept_id <> 0
UNION ALL
SELECT source_concept_id, person_id, false, domain, entry_date FROM ` + PersonEvents + ` WHERE ` + in + ` AND source_concept_id IS NOT NULL`
		path := filepath.Join(dir, fmt.Sprintf("part-%05d.parquet", i))
		q := "COPY (" + conceptRollupSQL(events) + ") TO " + quoteLiteral(path) + " (FORMAT parquet, COMPRESSION zstd)"
		if _, err := db.ExecContext(ctx, q); err != nil {
			return "", cleanError(err)
		}
	}
	return filepath.Join(dir, "*.parquet"), nil
}

// conceptCountsSQL counts persons per concept exactly and with all
// descendants ("rollup"), for the concepts that are an ancestor or
// themselves of some event's concept: the bits of concept_bits or-ed per
// chunk, whatever the standard flag, and counted. At 1,000,000 persons it
// took 2.3-3.5 s, where count(DISTINCT person_id) over concept_person
// took 48 s for the same rows (TestIndexPersonTables compares the two).
const conceptCountsSQL = `SELECT concept_id, sum(direct)::BIGINT AS person_count, sum(rolled)::BIGINT AS rollup_person_count FROM (
  SELECT concept_id, chunk,
    COALESCE(bit_count(bit_or(bits::BIT) FILTER (WHERE direct)), 0) AS direct,
    COALESCE(bit_count(bit_or(bits::BIT) FILTER (WHERE rolled)), 0) AS rolled
  FROM ` + ConceptBits + ` GROUP BY concept_id, chunk
)
GROUP BY concept_id HAVING sum(rolled) > 0
ORDER BY concept_id`

func (c *CDR) hasColumn(table, column string) bool {
	var n int
	err := c.db.QueryRow("SELECT count(*) FROM (DESCRIBE "+sqlname.Quote(table)+") WHERE column_name = ?", column).Scan(&n)
	return err == nil && n > 0
}

// fingerprint derives the version id from every table file's name, size
// and Parquet footer (which holds row counts and column statistics), and
// the reference date.
func (c *CDR) fingerprint(ref string) (string, error) {
	h := sha256.New()
	tables := make([]string, 0, len(c.present))
	for t := range c.present {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for _, t := range tables {
		files, _ := filepath.Glob(c.present[t])
		slices.Sort(files)
		for _, f := range files {
			if err := hashTail(h, t, f); err != nil {
				return "", fmt.Errorf("cdr: index: %w", err)
			}
		}
	}
	io.WriteString(h, ref)
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func hashTail(h io.Writer, table, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", table, filepath.Base(path), st.Size())
	const tail = 64 << 10
	off := max(st.Size()-tail, 0)
	_, err = io.Copy(h, io.NewSectionReader(f, off, st.Size()-off))
	return err
}
