// Package cdrindex names the tables of a CDR's index and their columns,
// which package cdr builds (cdr.Index) and packages cohort and engine
// read: the one place these names are declared. It needs no cgo, so the
// pure compiler can use it without the DuckDB driver that package cdr
// brings.
package cdrindex

import (
	"strconv"
	"strings"

	"github.com/openworkbench/workbench/internal/sqlb"
)

// Where the index lives in a CDR folder: Dir/<table>.parquet for each
// table (a file, or a folder of hive partitions for the bucketed tables),
// and Dir/MetaFile, the JSON that cdr.IndexInfo describes (its
// layout, version id and reference date), which package spark reads too.
const (
	Dir      = "index"
	MetaFile = "meta.json"
)

// Layout is the layout of the index this version builds and reads (cdr's
// IndexLayout). It changes whenever an index table or column changes.
const Layout = 11

// The index tables, each written as index/<name>.parquet and opened as a
// view of the same name.
const (
	// SearchPerson has one row per person: demographics, birth date, age at
	// the reference date, age bin and demographic key (see
	// cdr.PersonKeysSQL), which kinds of data the person has; sorted by
	// demographics.
	SearchPerson = "search_person"
	// SearchEvents has one row per clinical event and concept (standard, and
	// source when it differs). It is a folder of hive partitions, one file
	// per bucket of concepts (column bucket, ConceptBucket), each sorted by
	// (concept_id, value_as_number, person_id, entry_date): the events
	// without a value by person.
	SearchEvents = "search_events"
	// PersonEvents has one row per clinical event, with its standard
	// concept (0 when none) and its source concept (NULL when none or the
	// same): a participant's timeline. It is a folder of hive partitions,
	// one file per bucket of persons (column bucket, PersonBucket), each
	// sorted by (person_id, entry_date).
	PersonEvents = "person_events"
	// ConceptClosure has (ancestor_id, descendant_id, min_levels): the
	// pairs of OMOP's concept_ancestor, those of the hierarchies of source
	// concepts (ICD10CM K92 > K92.2; see package cdr), and a self pair for
	// every concept.
	ConceptClosure = "concept_closure"
	// ConceptPerson has the persons of each concept: one row per concept,
	// person and standard flag, for the concept itself (direct, with the
	// domain of those events and the number of their distinct dates) and
	// for its ancestors (rolled, with the distinct dates of the concept's
	// and its descendants' events); see cdr.ConceptPersonSQL. Like
	// search_events, a folder of one file per bucket of concepts
	// (ConceptBucket), each sorted by (concept_id, person_id).
	ConceptPerson = "concept_person"
	// PersonConcept has the standard concepts of each person: one row per
	// domain, person and standard concept of the person's events, sorted by
	// (domain, person_id, concept_id), so that the persons of a cohort
	// are counted per concept of one domain (TopConcepts) by reading that
	// domain's rows only.
	PersonConcept = "person_concept"
	// ConceptCounts has per concept the number of distinct persons with an
	// event of it, and of it or any descendant.
	ConceptCounts = "concept_counts"
	// ReadingPairs has one row per pair of standard events of the
	// concepts of one of ReadingPairConcepts (a systolic and a diastolic
	// blood pressure) with the same person, date and visit: the first
	// event's columns and both values, sorted by (first_concept_id,
	// first_value, person_id). An item that asks for both readings' values
	// reads one row instead of joining their events (ReadingPairsSQL).
	ReadingPairs = "reading_pairs"
	// ConceptBits has concept_person's persons as bits: one row per
	// concept, standard flag, direct and rolled flags, and chunk of
	// BitsChunk person ids that has any of its persons, whose bits (a
	// BLOB of BitsChunk/8 bytes, DuckDB's BIT layout: the highest bit of
	// the first byte first) has bit i set for the person id first +
	// chunk*BitsChunk + i, first being search_person's least person id.
	// Sorted by (concept_id, is_standard, direct, rolled, chunk), in row
	// groups of 2,048 rows, so that a union or intersection of concepts
	// reads their bits and few other rows (ConceptBitsSQL).
	ConceptBits = "concept_bits"
)

// BitsChunk is the number of person ids of a row of concept_bits. 10's
// 200 concepts at 1,000,000 persons read their bits in 29-39 ms with
// chunks of 4,096 ids, 60-66 with chunks of 512 (both zstd), and 38-62
// with chunks of 32,768 (snappy).
const BitsChunk = 4096

// ConceptBitsSQL is the SELECT of concept_bits from concept_person and
// search_person in DuckDB's SQL, sorted.
var ConceptBitsSQL = strings.ReplaceAll(`SELECT concept_id, is_standard, direct, rolled, chunk, bitstring_agg(bit, 0, CHUNK - 1)::BLOB AS bits FROM (
  SELECT cp.concept_id, cp.is_standard, cp.direct, cp.rolled, (cp.person_id - f.first) // CHUNK AS chunk,
    CAST((cp.person_id - f.first) % CHUNK AS INTEGER) AS bit
  FROM `+ConceptPerson+` cp, (SELECT min(person_id) AS first FROM `+SearchPerson+`) f
)
GROUP BY concept_id, is_standard, direct, rolled, chunk
ORDER BY concept_id, is_standard, direct, rolled, chunk`, "CHUNK", strconv.Itoa(BitsChunk))

// ReadingPairConcepts are the pairs of concepts whose readings are taken
// together, first and second: blood pressure's systolic and diastolic, in
// LOINC and in All of Us's physical measurements.
var ReadingPairConcepts = [][2]int64{{3004249, 3012888}, {903118, 903115}}

// PersonBuckets is the number of buckets of person_events; a person's
// bucket is PersonBucket.
const PersonBuckets = 256

// PersonBucket is the bucket of person_events that holds the events of
// the person id: id % PersonBuckets, as DuckDB computes it (negative for a
// negative id).
func PersonBucket(id int64) int64 { return id % PersonBuckets }

// ConceptBuckets is the number of buckets of search_events and
// concept_person; a concept's bucket is ConceptBucket.
const ConceptBuckets = 64

// ConceptBucket is the bucket of search_events and concept_person that
// holds the rows of the concept id: id % ConceptBuckets, as DuckDB
// computes it (negative for a negative id).
func ConceptBucket(id int64) int64 { return id % ConceptBuckets }

// Bucketed reports whether the index table is a folder of hive
// partitions (Dir/<table>.parquet/bucket=K/*.parquet) whose bucket is a
// column, rather than one file.
func Bucketed(table string) bool {
	return table == PersonEvents || table == SearchEvents || table == ConceptPerson
}

// FormatVersion2 reports whether the index table is written in Parquet
// format version 2 (integers delta-encoded): the tables without a DOUBLE
// column. DuckDB's writer encodes a DOUBLE column chunk whose dictionary
// overflows as BYTE_STREAM_SPLIT in version 2, which Spark 4.0's
// vectorized reader cannot read ("Unsupported encoding"): a DuckDB-built
// index of 10,000 persons failed on Spark in search_events' value_as_number.
// search_events and person_events are written in version 1.
func FormatVersion2(table string) bool {
	for _, c := range Columns[table] {
		if c.Type == "DOUBLE" {
			return false
		}
	}
	return true
}

// Compression is the Parquet compression of the index table: zstd, but
// none for concept_bits, whose bits are read in bulk. 10's 200 concepts,
// 35,522 rows of bits at 1,000,000 persons, were or-ed and counted in
// 26-39 ms uncompressed (414 MB), 35-39 with lz4_raw (131 MB) and 49-57
// with zstd (70 MB), p50s of several runs each.
func Compression(table string) string {
	if table == ConceptBits {
		return "uncompressed"
	}
	return "zstd"
}

// Tables lists the index tables.
var Tables = []string{SearchPerson, SearchEvents, PersonEvents, ConceptClosure, ConceptPerson, PersonConcept, ConceptCounts, ReadingPairs, ConceptBits}

// Domains of search_events and person_events. Survey answers are
// observations of PPI survey questions; physical measurements are
// measurements in the PPI vocabulary.
const (
	DomainCondition           = "CONDITION"
	DomainDrug                = "DRUG"
	DomainProcedure           = "PROCEDURE"
	DomainMeasurement         = "MEASUREMENT"
	DomainObservation         = "OBSERVATION"
	DomainDevice              = "DEVICE"
	DomainVisit               = "VISIT"
	DomainSurvey              = "SURVEY"
	DomainPhysicalMeasurement = "PHYSICAL_MEASUREMENT"
)

// EventSource says how one clinical OMOP table becomes rows of
// person_events: its table, domain, and the columns of the event's id,
// standard concept, source concept, date and visit. Both builders of the
// index (cdr.Index with DuckDB, spark.Index with Spark) read these.
type EventSource struct {
	Table, Domain                      string
	ID, Concept, Source, Date, VisitID string
	// Values says the table has value_as_number, value_as_concept_id
	// and unit_concept_id.
	Values bool
}

// EventSources lists the clinical tables of the index, in the order the
// builders read them.
var EventSources = []EventSource{
	{"condition_occurrence", DomainCondition, "condition_occurrence_id", "condition_concept_id", "condition_source_concept_id", "condition_start_date", "visit_occurrence_id", false},
	{"drug_exposure", DomainDrug, "drug_exposure_id", "drug_concept_id", "drug_source_concept_id", "drug_exposure_start_date", "visit_occurrence_id", false},
	{"procedure_occurrence", DomainProcedure, "procedure_occurrence_id", "procedure_concept_id", "procedure_source_concept_id", "procedure_date", "visit_occurrence_id", false},
	{"measurement", DomainMeasurement, "measurement_id", "measurement_concept_id", "measurement_source_concept_id", "measurement_date", "visit_occurrence_id", true},
	{"observation", DomainObservation, "observation_id", "observation_concept_id", "observation_source_concept_id", "observation_date", "visit_occurrence_id", true},
	{"device_exposure", DomainDevice, "device_exposure_id", "device_concept_id", "device_source_concept_id", "device_exposure_start_date", "visit_occurrence_id", false},
	{"visit_occurrence", DomainVisit, "visit_occurrence_id", "visit_concept_id", "visit_source_concept_id", "visit_start_date", "visit_occurrence_id", false},
}

// Concept is the OMOP vocabulary table that readers of the index join for
// concept names; package cdr opens it beside the index tables.
const Concept = "concept"

// Column is a column of an index table with its DuckDB type as cdr writes
// it from a CDR of typed OMOP Parquet.
type Column struct {
	Name string
	Type string
}

// Columns lists the columns of each index table, in table order. A test
// of package cdr checks them against the tables Index builds; the oracle
// test of package engine makes its tables from them.
var Columns = map[string][]Column{
	SearchPerson: {
		{"person_id", "BIGINT"}, {"gender_concept_id", "BIGINT"}, {"gender", "VARCHAR"},
		{"sex_at_birth_concept_id", "BIGINT"}, {"sex_at_birth", "VARCHAR"}, {"race_concept_id", "BIGINT"}, {"race", "VARCHAR"},
		{"ethnicity_concept_id", "BIGINT"}, {"ethnicity", "VARCHAR"}, {"birth_date", "DATE"}, {"age_at_ref", "INTEGER"},
		{"death_date", "DATE"}, {"is_deceased", "BOOLEAN"}, {"has_ehr_data", "BOOLEAN"}, {"has_survey_data", "BOOLEAN"},
		{"has_physical_measurement_data", "BOOLEAN"},
		// Derived from the others by cdr.PersonKeysSQL.
		{"age_bin", "UTINYINT"}, {"demo_key", "INTEGER"},
	},
	SearchEvents: {
		{"person_id", "BIGINT"}, {"entry_date", "DATE"}, {"domain", "VARCHAR"}, {"concept_id", "BIGINT"},
		{"is_standard", "BOOLEAN"}, {"event_id", "BIGINT"}, {"visit_occurrence_id", "BIGINT"}, {"visit_concept_id", "BIGINT"},
		{"age_at_event", "INTEGER"}, {"value_as_number", "DOUBLE"}, {"value_as_concept_id", "BIGINT"}, {"unit_concept_id", "BIGINT"},
		{"bucket", "BIGINT"},
	},
	PersonEvents: {
		{"person_id", "BIGINT"}, {"entry_date", "DATE"}, {"domain", "VARCHAR"}, {"concept_id", "BIGINT"},
		{"source_concept_id", "BIGINT"}, {"event_id", "BIGINT"}, {"visit_occurrence_id", "BIGINT"}, {"visit_concept_id", "BIGINT"},
		{"age_at_event", "INTEGER"}, {"value_as_number", "DOUBLE"}, {"value_as_concept_id", "BIGINT"}, {"unit_concept_id", "BIGINT"},
		{"bucket", "BIGINT"},
	},
	ConceptClosure: {{"ancestor_id", "BIGINT"}, {"descendant_id", "BIGINT"}, {"min_levels", "BIGINT"}},
	ConceptPerson: {
		{"concept_id", "BIGINT"}, {"person_id", "BIGINT"}, {"is_standard", "BOOLEAN"}, {"direct", "BOOLEAN"},
		{"rolled", "BOOLEAN"}, {"domain", "VARCHAR"}, {"demo_key", "INTEGER"}, {"dates", "BIGINT"}, {"rolled_dates", "BIGINT"},
		{"bucket", "BIGINT"},
	},
	PersonConcept: {{"domain", "VARCHAR"}, {"person_id", "BIGINT"}, {"concept_id", "BIGINT"}},
	ConceptCounts: {{"concept_id", "BIGINT"}, {"person_count", "BIGINT"}, {"rollup_person_count", "BIGINT"}},
	ReadingPairs: {
		{"first_concept_id", "BIGINT"}, {"person_id", "BIGINT"}, {"entry_date", "DATE"}, {"visit_occurrence_id", "BIGINT"},
		{"visit_concept_id", "BIGINT"}, {"age_at_event", "INTEGER"}, {"first_value", "DOUBLE"}, {"second_value", "DOUBLE"},
	},
	ConceptBits: {
		{"concept_id", "BIGINT"}, {"is_standard", "BOOLEAN"}, {"direct", "BOOLEAN"}, {"rolled", "BOOLEAN"},
		{"chunk", "BIGINT"}, {"bits", "BLOB"},
	},
}

// ReadingPairsSQL writes to b, in SQL that DuckDB and Spark both read,
// the rows of reading_pairs from search_events, unsorted: every standard
// event of a first concept of ReadingPairConcepts joined with the
// standard events of its second concept that have its person, date and
// visit (no visit matches no visit). Two events of one concept on one
// visit make two rows, so that a row exists for each pair of values.
func ReadingPairsSQL(b *sqlb.Builder) *sqlb.Builder {
	var firsts, buckets []int64
	second := new(sqlb.Builder).SQL("CASE f.concept_id")
	for _, p := range ReadingPairConcepts {
		firsts = append(firsts, p[0])
		buckets = append(buckets, ConceptBucket(p[0]), ConceptBucket(p[1]))
		second.SQL(" WHEN " + strconv.FormatInt(p[0], 10) + " THEN " + strconv.FormatInt(p[1], 10))
	}
	second.SQL(" END")
	list := func(ids []int64) string {
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = strconv.FormatInt(id, 10)
		}
		return "(" + strings.Join(s, ", ") + ")"
	}
	b.SQL("SELECT f.concept_id AS first_concept_id, f.person_id, f.entry_date, f.visit_occurrence_id, f.visit_concept_id, f.age_at_event,\n")
	b.SQL("  f.value_as_number AS first_value, s.value_as_number AS second_value\nFROM ").Ident(SearchEvents).SQL(" f JOIN ").Ident(SearchEvents).SQL(" s")
	b.SQL(" ON s.person_id = f.person_id AND s.entry_date = f.entry_date AND s.visit_occurrence_id IS NOT DISTINCT FROM f.visit_occurrence_id\n")
	b.SQL("  AND s.bucket IN ", list(buckets), " AND s.is_standard AND s.concept_id = ").Add(second)
	b.SQL("\nWHERE f.bucket IN ", list(buckets), " AND f.is_standard AND f.concept_id IN ", list(firsts))
	return b
}

// SourceParentsCTEs are the common table expressions, written in the SQL
// that DuckDB and Spark both read, that both index builders start the
// source hierarchy from: source (the concepts that are neither standard
// nor classification), related (the parent and child of each valid
// "Subsumes" or "Is a" relationship between two source concepts of one
// vocabulary) and coded (the ICD9CM and ICD10CM source concepts, whose
// code prefixes give the parents that relationships lack). What follows
// differs by dialect: DuckDB recurses, Spark walks level by level.
const SourceParentsCTEs = `source AS (
  SELECT concept_id, vocabulary_id, concept_code FROM concept
  WHERE standard_concept IS NULL OR standard_concept NOT IN ('S', 'C')
),
related AS (
  SELECT DISTINCT p.concept_id AS parent_id, c.concept_id AS child_id
  FROM concept_relationship r
  JOIN source p ON p.concept_id = CASE r.relationship_id WHEN 'Subsumes' THEN r.concept_id_1 ELSE r.concept_id_2 END
  JOIN source c ON c.concept_id = CASE r.relationship_id WHEN 'Subsumes' THEN r.concept_id_2 ELSE r.concept_id_1 END
  WHERE r.relationship_id IN ('Subsumes', 'Is a') AND r.invalid_reason IS NULL
    AND p.vocabulary_id = c.vocabulary_id AND p.concept_id <> c.concept_id
),
coded AS (SELECT * FROM source WHERE vocabulary_id IN ('ICD9CM', 'ICD10CM')),`

// AgeSQL is, in SQL that DuckDB and Spark both read, the age in completed
// years on day at of a person born on birth: the birthday must have
// passed. birth and at are expressions of the code, never of input.
func AgeSQL(birth, at string) string {
	return "(year(" + at + ") - year(" + birth + ") - CASE WHEN month(" + at + ") < month(" + birth + ") OR (month(" + at +
		") = month(" + birth + ") AND day(" + at + ") < day(" + birth + ")) THEN 1 ELSE 0 END)"
}

// EventsSQL writes to b, in SQL that DuckDB and Spark both read, the
// UNION ALL of the clinical events of EventSources: person_id,
// entry_date, domain, concept_id (the standard concept, 0 when none),
// source_concept_id (NULL when none or the same), event_id,
// visit_occurrence_id, value_as_number, value_as_concept_id and
// unit_concept_id. Events with neither concept are left out. Both index
// builders select person_events from it.
func EventsSQL(b *sqlb.Builder) *sqlb.Builder {
	col := func(name string) *sqlb.Builder { return new(sqlb.Builder).SQL("t.").Ident(name) }
	for i, s := range EventSources {
		values := "CAST(NULL AS DOUBLE) AS value_as_number, CAST(NULL AS BIGINT) AS value_as_concept_id, CAST(NULL AS BIGINT) AS unit_concept_id"
		if s.Values {
			values = "t.value_as_number, t.value_as_concept_id, t.unit_concept_id"
		}
		domain := "'" + s.Domain + "'"
		switch s.Table {
		case "observation":
			domain = "CASE WHEN ppi.concept_class_id = 'Question' THEN '" + DomainSurvey + "' ELSE '" + DomainObservation + "' END"
		case "measurement":
			domain = "CASE WHEN ppi.concept_id IS NOT NULL THEN '" + DomainPhysicalMeasurement + "' ELSE '" + DomainMeasurement + "' END"
		}
		if i > 0 {
			b.SQL("\nUNION ALL\n")
		}
		std, src := col(s.Concept), col(s.Source)
		b.SQL("SELECT t.person_id, ").Add(col(s.Date)).SQL(" AS entry_date, ", domain, " AS domain, ")
		b.SQL("CASE WHEN ").Add(std).SQL(" <> 0 THEN ").Add(std).SQL(" ELSE 0 END AS concept_id, ")
		b.SQL("CASE WHEN ").Add(src).SQL(" <> 0 AND ").Add(src).SQL(" IS DISTINCT FROM ").Add(std).SQL(" THEN ").Add(src).SQL(" END AS source_concept_id, ")
		b.Add(col(s.ID)).SQL(" AS event_id, ").Add(col(s.VisitID)).SQL(" AS visit_occurrence_id, ", values)
		b.SQL(" FROM ").Ident(s.Table).SQL(" t")
		if s.Table == "observation" || s.Table == "measurement" {
			// A PPI concept makes an observation a survey answer and a
			// measurement a physical measurement.
			b.SQL(" LEFT JOIN (SELECT concept_id, concept_class_id FROM concept WHERE vocabulary_id = 'PPI') ppi ON ppi.concept_id = COALESCE(NULLIF(").Add(src).SQL(", 0), ").Add(std).SQL(")")
		}
		b.SQL(" WHERE ").Add(std).SQL(" <> 0 OR (").Add(src).SQL(" <> 0 AND ").Add(src).SQL(" IS DISTINCT FROM ").Add(std).SQL(")")
	}
	return b
}
