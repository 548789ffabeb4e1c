package spark

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// The Spark SQL of BuildIndex: the queries of cdr.Index, written again
// for Spark where DuckDB's differ (no EXCLUDE, QUALIFY, list functions
// or recursive CTEs; ANSI mode, in which make_date fails on February 30;
// NULLs first in ascending order unless told). The test of BuildIndex
// compares every table they write with cdr.Index's, row for row.

// indexTypes are the Spark types of the index's columns, by the DuckDB
// type names of cdrindex.Columns.
var indexTypes = map[string]string{
	"BIGINT": "BIGINT", "INTEGER": "INT", "VARCHAR": "STRING", "DATE": "DATE", "BOOLEAN": "BOOLEAN", "DOUBLE": "DOUBLE",
	// Spark has no unsigned types; TINYINT holds age_bin's 0 to 4.
	"UTINYINT": "TINYINT",
	"BLOB":     "BINARY",
}

// shape selects from q the columns of the index table name, in the order
// of cdrindex.Columns and cast to their types, but the column except.
func shape(name string, q *sqlb.Builder, except string) *sqlb.Builder {
	b := new(sqlb.Builder).SQL("SELECT ")
	first := true
	for _, c := range cdrindex.Columns[name] {
		if c.Name == except {
			continue
		}
		if !first {
			b.SQL(", ")
		}
		first = false
		b.SQL("CAST(").Ident(c.Name).SQL(" AS ", indexTypes[c.Type], ") AS ").Ident(c.Name)
	}
	return b.SQL("\nFROM (\n").Add(q).SQL("\n)")
}

// The orders of the index tables, as cdr.Index sorts them (DuckDB puts
// NULLs last). A bucketed table is sorted within each bucket, and each
// bucket goes to one task, which writes it as one file.
const (
	personEventsOrder   = "DISTRIBUTE BY bucket SORT BY bucket, person_id, entry_date NULLS LAST"
	searchEventsOrder   = "DISTRIBUTE BY bucket SORT BY bucket, concept_id, value_as_number NULLS LAST, person_id, entry_date NULLS LAST"
	searchPersonOrder   = "ORDER BY gender_concept_id NULLS LAST, sex_at_birth_concept_id NULLS LAST, race_concept_id NULLS LAST, ethnicity_concept_id NULLS LAST, age_at_ref NULLS LAST, person_id"
	conceptClosureOrder = "ORDER BY ancestor_id, descendant_id"
	conceptPersonOrder  = "DISTRIBUTE BY bucket SORT BY bucket, concept_id, person_id"
	personConceptOrder  = "ORDER BY domain, person_id, concept_id"
	conceptCountsOrder  = "ORDER BY concept_id"
	readingPairsOrder   = "ORDER BY first_concept_id, first_value NULLS LAST, person_id"
	conceptBitsOrder    = "ORDER BY concept_id, is_standard, direct, rolled, chunk"
)

// conceptBucketSQL is the bucket of search_events and concept_person of
// the rows whose concept is concept_id, as cdrindex.ConceptBucket (Spark's
// % keeps the sign of a negative id, as DuckDB's does).
var conceptBucketSQL = "concept_id % " + strconv.Itoa(cdrindex.ConceptBuckets) + " AS bucket"

// personBirthSQL gives each person's birth date as cdr's does:
// birth_datetime, else year, month and day of birth with a missing month
// or day taken as 1, NULL for an impossible date. Spark's make_date fails
// on one in ANSI mode; try_make_timestamp_ntz gives NULL.
const personBirthSQL = `SELECT person_id,
  COALESCE(CAST(birth_datetime AS DATE), CAST(try_make_timestamp_ntz(CAST(year_of_birth AS INT), CAST(COALESCE(month_of_birth, 1) AS INT),
    CAST(COALESCE(day_of_birth, 1) AS INT), 0, 0, 0) AS DATE)) AS birth_date
FROM person`

// personEventsIndexSQL selects one row per clinical event of
// cdrindex.EventSources, with its standard concept (0 when none), its
// source concept (NULL when none or the same) and its bucket, as cdr's
// personEventsSQL.
func personEventsIndexSQL() *sqlb.Builder {
	b := new(sqlb.Builder).SQL(`SELECT e.person_id, e.entry_date, e.domain, e.concept_id, e.source_concept_id, e.event_id,
  e.visit_occurrence_id, v.visit_concept_id, ` + cdrindex.AgeSQL("p.birth_date", "e.entry_date") + ` AS age_at_event,
  e.value_as_number, e.value_as_concept_id, e.unit_concept_id, e.person_id % ` + strconv.Itoa(cdrindex.PersonBuckets) + ` AS bucket
FROM (`)
	return cdrindex.EventsSQL(b).SQL(`) e
JOIN person_birth p ON p.person_id = e.person_id
LEFT JOIN visit_occurrence v ON v.visit_occurrence_id = e.visit_occurrence_id`)
}

// searchEventsSQL selects one row per event and concept from
// person_events: a row of the standard concept, and another of the
// source concept where it differs; with the concept's bucket.
func searchEventsSQL() *sqlb.Builder {
	const cols = "person_id, entry_date, domain, %s AS concept_id, %s AS is_standard, event_id, visit_occurrence_id, visit_concept_id, age_at_event, value_as_number, value_as_concept_id, unit_concept_id"
	return new(sqlb.Builder).SQL("SELECT *, ", conceptBucketSQL, " FROM (\n").
		SQL("SELECT ", fmt.Sprintf(cols, "concept_id", "true"), " FROM ").Ident(cdrindex.PersonEvents).SQL(" WHERE concept_id <> 0\nUNION ALL\n").
		SQL("SELECT ", fmt.Sprintf(cols, "source_concept_id", "false"), " FROM ").Ident(cdrindex.PersonEvents).SQL(" WHERE source_concept_id IS NOT NULL\n)")
}

// searchPersonSQL selects one row per person as cdr's searchPersonSQL and
// PersonKeysSQL do, with sex at birth from the column sex, ages on the
// reference date ref. demo_key numbers the distinct demographic keys,
// ranked among themselves: a window over every person would sort them
// all in one task.
func searchPersonSQL(sex string, ref time.Time) *sqlb.Builder {
	b := new(sqlb.Builder).SQL("WITH ref AS (SELECT ").Arg(ref, "DATE").SQL(` AS d),
dead AS (SELECT person_id, min(death_date) AS death_date FROM death GROUP BY person_id),
kinds AS (
  SELECT person_id,
    bool_or(domain NOT IN ('` + cdrindex.DomainSurvey + `', '` + cdrindex.DomainPhysicalMeasurement + `')) AS ehr,
    bool_or(domain = '` + cdrindex.DomainSurvey + `') AS survey,
    bool_or(domain = '` + cdrindex.DomainPhysicalMeasurement + `') AS pm
  FROM `).Ident(cdrindex.SearchEvents).SQL(` GROUP BY person_id
),
persons AS (
  SELECT p.person_id,
    p.gender_concept_id, COALESCE(g.concept_name, 'Unknown') AS gender,
    ` + sex + ` AS sex_at_birth_concept_id, COALESCE(s.concept_name, 'Unknown') AS sex_at_birth,
    p.race_concept_id, COALESCE(r.concept_name, 'Unknown') AS race,
    p.ethnicity_concept_id, COALESCE(e.concept_name, 'Unknown') AS ethnicity,
    b.birth_date,
    ` + cdrindex.AgeSQL("b.birth_date", "ref.d") + ` AS age_at_ref,
    dead.death_date,
    dead.person_id IS NOT NULL AS is_deceased,
    COALESCE(kinds.ehr, false) AS has_ehr_data,
    COALESCE(kinds.survey, false) AS has_survey_data,
    COALESCE(kinds.pm, false) AS has_physical_measurement_data
  FROM person p JOIN person_birth b ON b.person_id = p.person_id CROSS JOIN ref
  LEFT JOIN concept g ON g.concept_id = p.gender_concept_id
  LEFT JOIN concept s ON s.concept_id = ` + sex + `
  LEFT JOIN concept r ON r.concept_id = p.race_concept_id
  LEFT JOIN concept e ON e.concept_id = p.ethnicity_concept_id
  LEFT JOIN dead ON dead.person_id = p.person_id
  LEFT JOIN kinds ON kinds.person_id = p.person_id
),
binned AS (
  SELECT *, CASE WHEN age IS NULL THEN 4 WHEN age < 18 THEN 0 WHEN age < 45 THEN 1 WHEN age < 65 THEN 2 ELSE 3 END AS age_bin
  FROM (
    SELECT *, CASE WHEN is_deceased AND death_date IS NOT NULL THEN ` + cdrindex.AgeSQL("birth_date", "death_date") + ` ELSE age_at_ref END AS age
    FROM persons
  )
),
keys AS (
  SELECT *, dense_rank() OVER (ORDER BY sex_at_birth_concept_id NULLS LAST, gender_concept_id NULLS LAST,
    race_concept_id NULLS LAST, ethnicity_concept_id NULLS LAST, age_bin) AS demo_key
  FROM (SELECT DISTINCT sex_at_birth_concept_id, gender_concept_id, race_concept_id, ethnicity_concept_id, age_bin FROM binned)
)
SELECT b.*, k.demo_key
FROM binned b JOIN keys k ON k.sex_at_birth_concept_id <=> b.sex_at_birth_concept_id AND k.gender_concept_id <=> b.gender_concept_id
  AND k.race_concept_id <=> b.race_concept_id AND k.ethnicity_concept_id <=> b.ethnicity_concept_id AND k.age_bin = b.age_bin`)
	return b
}

// sourceMaxLevels bounds the depth of the source hierarchy, as cdr's
// does: far below which the coding systems stay.
const sourceMaxLevels = 32

// sourceEdgesSQL selects the parent/child pairs of the hierarchies of
// source concepts, as cdr's sourceClosureSQL finds them: the valid "Is a"
// and "Subsumes" relationships between source concepts of one
// vocabulary, and for an ICD9CM or ICD10CM code without such a parent the
// longest shorter code of its vocabulary that is a prefix of it, a
// trailing dot left out.
func sourceEdgesSQL() *sqlb.Builder {
	return new(sqlb.Builder).SQL(`WITH ` + cdrindex.SourceParentsCTEs + `
prefixes AS (
  SELECT concept_id, vocabulary_id, concept_code, explode(sequence(1, length(concept_code) - 1)) AS n
  FROM (SELECT c.* FROM coded c LEFT ANTI JOIN related r ON r.child_id = c.concept_id WHERE length(c.concept_code) > 1)
),
candidates AS (
  SELECT p.concept_id AS parent_id, c.concept_id AS child_id, length(p.concept_code) AS len,
    max(length(p.concept_code)) OVER (PARTITION BY c.concept_id) AS longest
  FROM prefixes c
  JOIN coded p ON p.vocabulary_id = c.vocabulary_id AND p.concept_code = trim(TRAILING '.' FROM left(c.concept_code, c.n)) AND p.concept_id <> c.concept_id
),
prefixed AS (SELECT DISTINCT parent_id, child_id FROM candidates WHERE len = longest)
SELECT parent_id, child_id FROM related
UNION
SELECT parent_id, child_id FROM prefixed`)
}

// sourceClosure registers source_closure, the transitive closure of the
// source hierarchy's edges with the fewest levels between each pair, as
// cdr's sourceClosureSQL selects it with a recursive CTE, which Spark SQL
// lacks. It walks the edges breadth first from Go instead, a statement a
// level: the pairs first reached at level k are those of level k-1
// extended by one edge and not reached before (an anti join with the
// levels so far), each level cached, and it stops at the first level that
// reaches no new pair, or at sourceMaxLevels, as the CTE's bound does.
// Breadth first, a pair's level is its fewest levels, which the CTE
// computes as min(levels). Vocabularies are a few levels deep (ICD10CM:
// a category and up to four more characters), so few statements run; a
// fixed number of self-joins would bound the depth as well but run every
// one of them on every CDR.
func (b *builder) sourceClosure(ctx context.Context) error {
	if err := b.cache(ctx, "source_edges", sourceEdgesSQL()); err != nil {
		return err
	}
	var levels []string
	union := func() *sqlb.Builder {
		q := new(sqlb.Builder)
		for i, l := range levels {
			if i > 0 {
				q.SQL(" UNION ALL ")
			}
			q.SQL("SELECT * FROM ").Ident(l)
		}
		return q
	}
	for level := 1; level <= sourceMaxLevels; level++ {
		name := "source_level_" + strconv.Itoa(level)
		var q *sqlb.Builder
		if level == 1 {
			q = new(sqlb.Builder).SQL("SELECT DISTINCT parent_id AS ancestor_id, child_id AS descendant_id, 1 AS levels FROM source_edges")
		} else {
			q = new(sqlb.Builder).SQL("SELECT n.ancestor_id, n.descendant_id, ", strconv.Itoa(level), " AS levels FROM (\n").
				SQL("  SELECT DISTINCT f.ancestor_id, e.child_id AS descendant_id FROM ").Ident(levels[len(levels)-1]).
				SQL(" f JOIN source_edges e ON e.parent_id = f.descendant_id\n) n LEFT ANTI JOIN (").Add(union()).
				SQL(") w ON w.ancestor_id = n.ancestor_id AND w.descendant_id = n.descendant_id")
		}
		if err := b.cache(ctx, name, q); err != nil {
			return err
		}
		rows, err := b.query(ctx, "counting "+name, new(sqlb.Builder).SQL("SELECT count(*) FROM ").Ident(name))
		if err != nil {
			return err
		}
		n, err := one(rows)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		levels = append(levels, name)
	}
	q := new(sqlb.Builder).SQL("CREATE OR REPLACE TEMP VIEW source_closure AS ")
	if len(levels) == 0 {
		q.SQL("SELECT CAST(NULL AS BIGINT) AS ancestor_id, CAST(NULL AS BIGINT) AS descendant_id, CAST(NULL AS BIGINT) AS min_levels WHERE false")
	} else {
		q.SQL("SELECT ancestor_id, descendant_id, CAST(levels AS BIGINT) AS min_levels FROM (").Add(union()).SQL(") WHERE ancestor_id <> descendant_id")
	}
	return b.exec(ctx, "source_closure", q)
}

// conceptClosureSQL selects concept_closure: the pairs of
// concept_ancestor, those of the source hierarchy, and a self pair for
// every concept.
func conceptClosureSQL() *sqlb.Builder {
	return new(sqlb.Builder).SQL(`SELECT ancestor_concept_id AS ancestor_id, descendant_concept_id AS descendant_id, min_levels_of_separation AS min_levels
FROM concept_ancestor WHERE ancestor_concept_id <> descendant_concept_id
UNION ALL
SELECT ancestor_id, descendant_id, min_levels FROM source_closure
UNION ALL
SELECT concept_id, concept_id, 0 FROM concept`)
}

// conceptDatesSQL selects the distinct (concept, person, standard flag,
// domain, date) of search_events, which concept_person's direct and
// rolled rows both group (cached, rather than read twice).
func conceptDatesSQL() *sqlb.Builder {
	return new(sqlb.Builder).SQL("SELECT DISTINCT concept_id, person_id, is_standard, domain, entry_date FROM ").Ident(cdrindex.SearchEvents)
}

// conceptPersonSQL selects concept_person's rows from concept_dates,
// concept_closure and search_person as cdr's ConceptPersonSQL does, in
// one statement: DuckDB groups the persons by parts to bound its memory,
// and counts the rolled dates as bits, where Spark's aggregation spills
// by itself and counts them with count(DISTINCT). The direct rows (own)
// are the events' concepts, with their domains and distinct dates; the
// rolled rows each event's concept standing for its ancestors by
// concept_closure (itself included), with the distinct dates of them
// all. The direct events' domains are a sorted array (NULL on a row that
// is not direct); each after the first has a row of its own.
func conceptPersonSQL() *sqlb.Builder {
	return new(sqlb.Builder).SQL(`WITH own AS (
  SELECT concept_id, person_id, is_standard, array_sort(collect_set(domain)) AS domains, count(DISTINCT entry_date) AS dates
  FROM concept_dates GROUP BY concept_id, person_id, is_standard
),
rolled AS (
  SELECT c.ancestor_id AS concept_id, d.person_id, d.is_standard, count(DISTINCT d.entry_date) AS rolled_dates
  FROM (SELECT DISTINCT concept_id, person_id, is_standard, entry_date FROM concept_dates) d
  JOIN `).Ident(cdrindex.ConceptClosure).SQL(` c ON c.descendant_id = d.concept_id
  GROUP BY c.ancestor_id, d.person_id, d.is_standard
),
rollup AS (
  SELECT COALESCE(o.concept_id, r.concept_id) AS concept_id, COALESCE(o.person_id, r.person_id) AS person_id,
    COALESCE(o.is_standard, r.is_standard) AS is_standard, o.person_id IS NOT NULL AS direct, r.person_id IS NOT NULL AS rolled,
    o.domains, o.dates, r.rolled_dates
  FROM own o FULL JOIN rolled r ON r.concept_id = o.concept_id AND r.person_id = o.person_id AND r.is_standard = o.is_standard
),
keyed AS (
  SELECT x.*, s.demo_key FROM rollup x JOIN `).Ident(cdrindex.SearchPerson).SQL(` s ON s.person_id = x.person_id
)
SELECT *, ` + conceptBucketSQL + ` FROM (
  SELECT concept_id, person_id, is_standard, direct, rolled, try_element_at(domains, 1) AS domain, demo_key, dates, rolled_dates FROM keyed
  UNION ALL
  SELECT concept_id, person_id, is_standard, false, false, d, demo_key, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)
  FROM keyed LATERAL VIEW posexplode(domains) x AS i, d WHERE i > 0
)`)
}

// personConceptSQL selects person_concept from concept_person, as cdr's:
// its standard rows of a domain, which are the standard (concept,
// person, domain) of the events.
func personConceptSQL() *sqlb.Builder {
	return new(sqlb.Builder).SQL("SELECT domain, person_id, concept_id FROM ").Ident(cdrindex.ConceptPerson).SQL(" WHERE is_standard AND domain IS NOT NULL")
}

// conceptCountsSQL counts persons per concept exactly and with all
// descendants from concept_person, as cdr's.
// conceptBitsSQL is cdrindex.ConceptBitsSQL for Spark, which has no BIT
// type: each byte of a chunk is the OR of its persons' bits, the highest
// bit first as in DuckDB's, and a chunk's bytes, zero where no person
// set one, are joined as hex digits and decoded into its BINARY.
func conceptBitsSQL() *sqlb.Builder {
	chunk := strconv.Itoa(cdrindex.BitsChunk)
	return new(sqlb.Builder).SQL(`SELECT concept_id, is_standard, direct, rolled, chunk,
  unhex(concat_ws('', transform(sequence(0, ` + strconv.Itoa(cdrindex.BitsChunk/8-1) + `), i -> lpad(hex(coalesce(try_element_at(m, i), 0)), 2, '0')))) AS bits
FROM (
  SELECT concept_id, is_standard, direct, rolled, chunk, map_from_entries(collect_list(struct(pos, v))) AS m
  FROM (
    SELECT concept_id, is_standard, direct, rolled, chunk, CAST(bit DIV 8 AS INT) AS pos, bit_or(shiftleft(1, 7 - bit % 8)) AS v
    FROM (
      SELECT cp.concept_id, cp.is_standard, cp.direct, cp.rolled, (cp.person_id - f.first) DIV ` + chunk + ` AS chunk,
        CAST((cp.person_id - f.first) % ` + chunk + ` AS INT) AS bit
      FROM `).Ident(cdrindex.ConceptPerson).SQL(` cp CROSS JOIN (SELECT min(person_id) AS first FROM `).Ident(cdrindex.SearchPerson).SQL(`) f
    )
    GROUP BY concept_id, is_standard, direct, rolled, chunk, CAST(bit DIV 8 AS INT)
  )
  GROUP BY concept_id, is_standard, direct, rolled, chunk
)`)
}

func conceptCountsSQL() *sqlb.Builder {
	return new(sqlb.Builder).SQL(`SELECT concept_id,
  count(DISTINCT person_id) FILTER (WHERE direct) AS person_count,
  count(DISTINCT person_id) FILTER (WHERE rolled) AS rollup_person_count
FROM `).Ident(cdrindex.ConceptPerson).SQL(` GROUP BY concept_id HAVING bool_or(rolled)`)
}
