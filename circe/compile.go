package circe

import (
	"fmt"
	"strings"

	"github.com/openworkbench/workbench/internal/sqlname"
)

// Query is one SQL statement with its arguments, one per `?` placeholder.
type Query struct {
	SQL  string
	Args []any
}

// Program is a compiled expression: the statements that read its results.
type Program struct {
	// Cohort returns the cohort rows: subject_id, cohort_start_date,
	// cohort_end_date (dates), ordered by subject and start.
	Cohort Query
	// Count returns one row: entries (cohort rows) and subjects (distinct
	// persons).
	Count Query
	// Inclusion returns the inclusion rule statistics as Circe stores them
	// in cohort_inclusion_result: mode_id (0 events, 1 best event per
	// person), inclusion_rule_mask (bit i set when rule i holds) and count.
	Inclusion Query
	// Censored returns one number: the persons of the cohort before the
	// censor window less those after it.
	Censored Query
	// Persons returns the cohort's subjects, each once, in one column
	// person_id: the cohort as a dataset's cohort.
	Persons Query
	// Rules are the names of the inclusion rules, in order.
	Rules []string
	// Needs are the tables and columns beyond OMOP CDM v5.3 and v5.4 that
	// the statements read, each with the part of the expression that reads
	// it; [Check] looks for them in a CDR.
	Needs []Need
}

// Need is a table, or a column of it, that a CDR must have for a part of
// an expression to run.
type Need struct {
	Path    string // the JSON path of the part that reads it
	Table   string
	Columns []string
	Why     string // where the table or column comes from
}

// sqlText builds SQL text and its arguments together, so that arguments
// stay in the order of their placeholders whatever the nesting.
type sqlText struct {
	b    strings.Builder
	args []any
}

func (s *sqlText) w(parts ...string) *sqlText {
	for _, p := range parts {
		s.b.WriteString(p)
	}
	return s
}

// arg writes a placeholder for v.
func (s *sqlText) arg(v any) *sqlText {
	s.b.WriteByte('?')
	s.args = append(s.args, v)
	return s
}

// days writes a placeholder for a number of days, typed so that DuckDB adds
// it to a DATE and gets a DATE.
func (s *sqlText) days(n int64) *sqlText {
	return s.w("CAST(").arg(n).w(" AS INTEGER)")
}

// date writes a placeholder for a YYYY-MM-DD date.
func (s *sqlText) date(d string) *sqlText {
	return s.w("CAST(").arg(d).w(" AS DATE)")
}

// ids writes a subquery of the concept ids, bound as one BIGINT[] argument.
func (s *sqlText) ids(ids []int64) *sqlText {
	return s.w("(SELECT unnest(CAST(").arg(ids).w(" AS BIGINT[])))")
}

func (s *sqlText) add(o *sqlText) *sqlText {
	s.b.WriteString(o.b.String())
	s.args = append(s.args, o.args...)
	return s
}

func (s *sqlText) query() Query { return Query{SQL: s.b.String(), Args: s.args} }

// q quotes an identifier of the OMOP schema.
func q(name string) string { return sqlname.Quote(name) }

// compiler holds the common table expressions made so far; criteria with
// correlated criteria add their own before the one that uses them.
type compiler struct {
	e     *Expression
	ctes  []*sqlText
	n     int
	needs []Need
}

// needColumn records that the part at path reads column of table, when
// that column is not one of OMOP CDM v5.3 and v5.4.
func (c *compiler) needColumn(path, table, column string) {
	if why, ok := beyond[table+"."+column]; ok {
		c.needs = append(c.needs, Need{Path: path, Table: table, Columns: []string{column}, Why: why})
	}
}

// needTable records that the part at path reads the columns of table, a
// table that is not one of OMOP CDM v5.3 and v5.4.
func (c *compiler) needTable(path, table string, columns ...string) {
	c.needs = append(c.needs, Need{Path: path, Table: table, Columns: columns, Why: beyond[table]})
}

// cte appends "name AS (body)" to the WITH list.
func (c *compiler) cte(name, comment string, body *sqlText) {
	t := &sqlText{}
	if comment != "" {
		t.w("-- ", comment, "\n")
	}
	t.w(name, " AS (\n").add(body).w("\n)")
	c.ctes = append(c.ctes, t)
}

func (c *compiler) with(upTo int) *sqlText {
	t := &sqlText{}
	t.w("WITH ")
	for i, x := range c.ctes[:upTo] {
		if i > 0 {
			t.w(",\n")
		}
		t.add(x)
	}
	t.w("\n")
	return t
}

// Compile validates e and compiles it to DuckDB SQL over the OMOP tables of
// a CDR (each table a view of its name). It does no I/O.
func Compile(e *Expression) (*Program, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	c := &compiler{e: e}
	c.cte("codesets", "ConceptSets", c.codesets())
	c.cte("primary_events", "PrimaryCriteria", c.primaryEvents())
	c.cte("qualified_events", "AdditionalCriteria, QualifiedLimit", c.qualifiedEvents())
	c.cte("inclusion_events", "InclusionRules", c.inclusionEvents())
	statsAt := len(c.ctes)
	c.cte("included_events", "ExpressionLimit", c.includedEvents())
	if len(e.Censoring) == 0 && e.End.CustomEra == nil {
		// One end per event: no candidates to join and reduce, which took
		// half the time of Phenotype Library 503 on 100,000 persons (3 s of
		// 6 s in DuckDB's profile).
		c.cte("cohort_rows", "the one end of each event, kept when not before its start", c.singleEnd())
	} else {
		c.endStrategy()
		c.cte("cohort_ends", "the end candidates: the earliest one on or after the start wins", c.cohortEnds())
		c.cte("cohort_rows", "", (&sqlText{}).w(`SELECT I.person_id, I.start_date, min(CE.end_date) AS end_date
FROM included_events I
JOIN cohort_ends CE ON I.event_id = CE.event_id AND I.person_id = CE.person_id AND CE.end_date >= I.start_date
GROUP BY I.person_id, I.event_id, I.start_date`))
	}
	pad := &sqlText{}
	pad.days(e.EraPad)
	c.cte("final_cohort", "CollapseSettings", eras("cohort_rows", pad, pad))
	cohort := c.with(len(c.ctes)).add(c.finalSelect()).w("\nORDER BY subject_id, cohort_start_date")
	p := &Program{Cohort: cohort.query()}
	count := c.with(len(c.ctes))
	count.w("SELECT count(*) AS entries, count(DISTINCT subject_id) AS subjects FROM (\n").add(c.finalSelect()).w("\n)")
	p.Count = count.query()
	persons := c.with(len(c.ctes)).w("SELECT DISTINCT subject_id AS person_id FROM (\n").add(c.finalSelect()).w("\n)")
	p.Persons = persons.query()
	lost := c.with(len(c.ctes)).w("SELECT (SELECT count(DISTINCT person_id) FROM final_cohort) - (SELECT count(DISTINCT subject_id) FROM (\n").
		add(c.finalSelect()).w("\n))")
	p.Censored = lost.query()
	incl := c.with(statsAt).add(inclusionStats())
	p.Inclusion = incl.query()
	for _, r := range e.InclusionRules {
		p.Rules = append(p.Rules, r.Name)
	}
	p.Needs = c.needs
	return p, nil
}

// codesets is one row per (codeset_id, concept_id) of every concept set.
func (c *compiler) codesets() *sqlText {
	t := &sqlText{}
	if len(c.e.ConceptSets) == 0 {
		return t.w("SELECT CAST(NULL AS BIGINT) AS codeset_id, CAST(NULL AS BIGINT) AS concept_id WHERE false")
	}
	for i, cs := range c.e.ConceptSets {
		if i > 0 {
			t.w("\nUNION ALL\n")
		}
		t.w("SELECT CAST(").arg(cs.ID).w(" AS BIGINT) AS codeset_id, concept_id FROM (\n").add(conceptSetSQL(&cs.Expression)).w("\n)")
	}
	return t
}

// conceptSetSQL expands a concept set expression: the included items'
// concepts (those present in concept), their valid descendants where asked,
// and the concepts that map to them where asked; less the excluded items
// expanded the same way.
func conceptSetSQL(cs *ConceptSetExpression) *sqlText {
	var inc, exc []ConceptSetItem
	for _, it := range cs.Items {
		if it.IsExcluded {
			exc = append(exc, it)
		} else {
			inc = append(inc, it)
		}
	}
	t := &sqlText{}
	t.w("SELECT DISTINCT I.concept_id FROM (\n").add(itemsSQL(inc)).w("\n) I")
	if len(exc) > 0 {
		t.w("\nLEFT JOIN (\n").add(itemsSQL(exc)).w("\n) E ON I.concept_id = E.concept_id\nWHERE E.concept_id IS NULL")
	}
	return t
}

func itemsSQL(items []ConceptSetItem) *sqlText {
	t := &sqlText{}
	if len(items) == 0 {
		return t.w("SELECT concept_id FROM ", q("concept"), " WHERE false")
	}
	var all, desc, mapped, mappedDesc []int64
	for _, it := range items {
		all = append(all, it.ConceptID)
		if it.IncludeDescendants {
			desc = append(desc, it.ConceptID)
		}
		if it.IncludeMapped {
			mapped = append(mapped, it.ConceptID)
			if it.IncludeDescendants {
				mappedDesc = append(mappedDesc, it.ConceptID)
			}
		}
	}
	t.add(withDescendants(all, desc))
	if len(mapped) > 0 {
		t.w("\nUNION\nSELECT cr.concept_id_1 AS concept_id FROM (\n").add(withDescendants(mapped, mappedDesc)).
			w("\n) C\nJOIN ", q("concept_relationship"), " cr ON C.concept_id = cr.concept_id_2 AND cr.relationship_id = 'Maps to' AND cr.invalid_reason IS NULL")
	}
	return t
}

func withDescendants(ids, desc []int64) *sqlText {
	t := &sqlText{}
	t.w("SELECT concept_id FROM ", q("concept"), " WHERE concept_id IN ").ids(ids)
	if len(desc) > 0 {
		t.w("\nUNION\nSELECT c.concept_id FROM ", q("concept"), " c JOIN ", q("concept_ancestor"),
			" ca ON c.concept_id = ca.descendant_concept_id\nWHERE c.invalid_reason IS NULL AND ca.ancestor_concept_id IN ").ids(desc)
	}
	return t
}

func sortDir(l Limit) string {
	if l == LimitLast {
		return "DESC"
	}
	return "ASC"
}

func (c *compiler) primaryEvents() *sqlText {
	p := c.e.Primary
	t := &sqlText{}
	t.w(`SELECT P.ordinal AS event_id, P.person_id, P.start_date, P.end_date, P.op_start_date, P.op_end_date, P.visit_occurrence_id
FROM (
SELECT E.person_id, E.start_date, E.end_date,
  row_number() OVER (PARTITION BY E.person_id ORDER BY E.sort_date `, sortDir(p.Limit), `, E.event_id) AS ordinal,
  OP.observation_period_start_date AS op_start_date, OP.observation_period_end_date AS op_end_date, E.visit_occurrence_id
FROM (
`)
	for i, cr := range p.Criteria {
		if i > 0 {
			t.w("\nUNION ALL\n")
		}
		t.add(c.criteria(cr))
	}
	t.w("\n) E\nJOIN ", q("observation_period"), ` OP ON E.person_id = OP.person_id AND E.start_date >= OP.observation_period_start_date AND E.start_date <= OP.observation_period_end_date
WHERE OP.observation_period_start_date + `).days(p.PriorDays).w(" <= E.start_date AND E.start_date + ").days(p.PostDays).w(" <= OP.observation_period_end_date\n) P")
	if p.Limit != LimitAll {
		t.w("\nWHERE P.ordinal = 1")
	}
	return t
}

func (c *compiler) qualifiedEvents() *sqlText {
	t := &sqlText{}
	// Circe applies the qualified limit only when there are additional
	// criteria; without a limit the numbering (a sort of every event) is
	// left out.
	limited := c.e.Additional != nil && c.e.QualifiedLimit != LimitAll
	t.w("SELECT pe.event_id, pe.person_id, pe.start_date, pe.end_date, pe.op_start_date, pe.op_end_date, pe.visit_occurrence_id")
	if limited {
		t.w(", row_number() OVER (PARTITION BY pe.person_id ORDER BY pe.start_date ", sortDir(c.e.QualifiedLimit), ", pe.event_id) AS ordinal")
	}
	t.w("\nFROM primary_events pe")
	if c.e.Additional != nil {
		t.w("\nJOIN (\n").add(c.group(c.e.Additional, "primary_events")).w("\n) AC ON AC.person_id = pe.person_id AND AC.event_id = pe.event_id")
	}
	if !limited {
		return t
	}
	return (&sqlText{}).w("SELECT event_id, person_id, start_date, end_date, op_start_date, op_end_date, visit_occurrence_id\nFROM (\n").add(t).w("\n) QE\nWHERE QE.ordinal = 1")
}

func (c *compiler) inclusionEvents() *sqlText {
	t := &sqlText{}
	if len(c.e.InclusionRules) == 0 {
		return t.w("SELECT CAST(NULL AS INTEGER) AS inclusion_rule_id, CAST(NULL AS BIGINT) AS person_id, CAST(NULL AS BIGINT) AS event_id WHERE false")
	}
	for i, r := range c.e.InclusionRules {
		if i > 0 {
			t.w("\nUNION ALL\n")
		}
		t.w(fmt.Sprintf("SELECT %d AS inclusion_rule_id, person_id, event_id FROM (\n", i)).add(c.group(r.Group, "qualified_events")).w("\n)")
	}
	return t
}

// maskSQL is the inclusion rule mask of each event of the event table Q.
const maskSQL = `SELECT Q.person_id, Q.event_id, Q.start_date, Q.end_date, Q.op_start_date, Q.op_end_date,
  CAST(COALESCE(SUM(CAST(1 AS BIGINT) << I.inclusion_rule_id), 0) AS BIGINT) AS inclusion_rule_mask
FROM qualified_events Q
LEFT JOIN inclusion_events I ON I.person_id = Q.person_id AND I.event_id = Q.event_id
GROUP BY Q.person_id, Q.event_id, Q.start_date, Q.end_date, Q.op_start_date, Q.op_end_date`

func (c *compiler) includedEvents() *sqlText {
	t := &sqlText{}
	n := len(c.e.InclusionRules)
	cols := "event_id, person_id, start_date, end_date, op_start_date, op_end_date"
	// Without rules every qualifying event passes, and without a limit
	// none is numbered: both steps cost a pass over every event.
	from := &sqlText{}
	if n > 0 {
		from.w("SELECT * FROM (\n", maskSQL, fmt.Sprintf("\n) MG\nWHERE MG.inclusion_rule_mask = %d", uint64(1)<<n-1))
	} else {
		from.w("SELECT ", cols, " FROM qualified_events")
	}
	if c.e.ExpressionLimit == LimitAll {
		return t.w("SELECT ", cols, " FROM (\n").add(from).w("\n) MG")
	}
	return t.w("SELECT ", cols, "\nFROM (\nSELECT MG.*, row_number() OVER (PARTITION BY MG.person_id ORDER BY MG.start_date ", sortDir(c.e.ExpressionLimit), ", MG.event_id) AS ordinal\nFROM (\n").
		add(from).w("\n) MG\n) R\nWHERE R.ordinal = 1")
}

// inclusionStats counts events (mode 0) and persons by their best event
// (mode 1: the event that passes most rules, then the lowest first rule,
// then the earliest) for each inclusion rule mask.
func inclusionStats() *sqlText {
	t := &sqlText{}
	return t.w(`, masks AS (
`, maskSQL, `
), ranked AS (
SELECT M.*, row_number() OVER (PARTITION BY M.person_id ORDER BY bit_count(M.inclusion_rule_mask) DESC,
  M.inclusion_rule_mask & -M.inclusion_rule_mask, M.start_date, M.event_id) AS rank_value
FROM masks M
)
SELECT 0 AS mode_id, inclusion_rule_mask, count(*) AS n FROM masks GROUP BY inclusion_rule_mask
UNION ALL
SELECT 1 AS mode_id, inclusion_rule_mask, count(*) AS n FROM ranked WHERE rank_value = 1 GROUP BY inclusion_rule_mask
ORDER BY mode_id, inclusion_rule_mask`)
}

func (c *compiler) endStrategy() {
	e := c.e
	switch {
	case e.End.DateOffset != nil:
		d := e.End.DateOffset
		field := "start_date"
		if d.DateField == "EndDate" {
			field = "end_date"
		}
		t := &sqlText{}
		t.w("SELECT event_id, person_id, CASE WHEN ", field, " + ").days(d.Offset).
			w(" > op_end_date THEN op_end_date ELSE ", field, " + ").days(d.Offset).w(" END AS end_date\nFROM included_events")
		c.cte("strategy_ends", "EndStrategy.DateOffset", t)
	case e.End.CustomEra != nil:
		ce := e.End.CustomEra
		end := &sqlText{}
		if ce.DaysSupplyOverride != nil {
			end.w("de.drug_exposure_start_date + ").days(*ce.DaysSupplyOverride)
		} else {
			end.w("COALESCE(de.drug_exposure_end_date, de.drug_exposure_start_date + CAST(de.days_supply AS INTEGER), de.drug_exposure_start_date + 1)")
		}
		t := &sqlText{}
		for i, col := range []string{"drug_concept_id", "drug_source_concept_id"} {
			if i > 0 {
				t.w("\nUNION ALL\n")
			}
			t.w("SELECT de.person_id, de.drug_exposure_start_date AS start_date, ").add(end).
				w(" AS end_date\nFROM ", q("drug_exposure"), " de\nWHERE de.person_id IN (SELECT person_id FROM included_events) AND de.", col,
					" IN (SELECT concept_id FROM codesets WHERE codeset_id = ").arg(ce.DrugCodesetID).w(")")
		}
		c.cte("drug_target", "EndStrategy.CustomEra", t)
		grow := &sqlText{}
		grow.days(ce.GapDays + ce.Offset)
		shrink := &sqlText{}
		shrink.days(ce.GapDays)
		c.cte("drug_eras", "", eras("drug_target", grow, shrink))
		c.cte("strategy_ends", "", (&sqlText{}).w(`SELECT et.event_id, et.person_id, ERAS.end_date
FROM included_events et
JOIN drug_eras ERAS ON ERAS.person_id = et.person_id AND et.start_date BETWEEN ERAS.start_date AND ERAS.end_date`))
	}
	if len(e.Censoring) > 0 {
		t := &sqlText{}
		for i, cr := range e.Censoring {
			if i > 0 {
				t.w("\nUNION ALL\n")
			}
			t.w("SELECT I.event_id, I.person_id, min(C.start_date) AS end_date\nFROM included_events I\nJOIN (\n").add(c.criteria(cr)).
				w("\n) C ON C.person_id = I.person_id AND C.start_date >= I.start_date AND C.start_date <= I.op_end_date\nGROUP BY I.event_id, I.person_id")
		}
		c.cte("censor_ends", "CensoringCriteria", t)
	}
}

// singleEnd is the cohort rows when each event has one end: the end of its
// observation period, or the DateOffset end (capped at it).
func (c *compiler) singleEnd() *sqlText {
	t := &sqlText{}
	d := c.e.End.DateOffset
	if d == nil {
		return t.w("SELECT person_id, start_date, op_end_date AS end_date FROM included_events WHERE op_end_date >= start_date")
	}
	field := "start_date"
	if d.DateField == "EndDate" {
		field = "end_date"
	}
	return t.w("SELECT person_id, start_date, end_date FROM (\nSELECT person_id, start_date, CASE WHEN ", field, " + ").days(d.Offset).
		w(" > op_end_date THEN op_end_date ELSE ", field, " + ").days(d.Offset).w(" END AS end_date\nFROM included_events\n) WHERE end_date >= start_date")
}

func (c *compiler) cohortEnds() *sqlText {
	var parts []string
	// A DateOffset end is already capped at the observation period's end;
	// otherwise that end is a candidate.
	if c.e.End.DateOffset == nil {
		parts = append(parts, "SELECT event_id, person_id, op_end_date AS end_date FROM included_events")
	}
	if c.e.End.DateOffset != nil || c.e.End.CustomEra != nil {
		parts = append(parts, "SELECT event_id, person_id, end_date FROM strategy_ends")
	}
	if len(c.e.Censoring) > 0 {
		parts = append(parts, "SELECT event_id, person_id, end_date FROM censor_ends")
	}
	return (&sqlText{}).w(strings.Join(parts, "\nUNION ALL\n"))
}

// eras merges, per person, the periods of the table from whose end plus
// grow overlaps the next start, and ends each merged era at its latest end
// plus grow less shrink: the construction Circe uses for both the era pad of
// CollapseSettings and the persistence window of CustomEra.
func eras(from string, grow, shrink *sqlText) *sqlText {
	t := &sqlText{}
	t.w(`SELECT person_id, min(start_date) AS start_date, max(end_date) - `).add(shrink).w(` AS end_date
FROM (
SELECT person_id, start_date, end_date,
  sum(is_start) OVER (PARTITION BY person_id ORDER BY start_date, is_start DESC ROWS UNBOUNDED PRECEDING) AS group_idx
FROM (
SELECT person_id, start_date, end_date,
  CASE WHEN max(end_date) OVER (PARTITION BY person_id ORDER BY start_date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= start_date THEN 0 ELSE 1 END AS is_start
FROM (SELECT person_id, start_date, end_date + `).add(grow).w(" AS end_date FROM ", from, `) CR
) ST
) GR
GROUP BY person_id, group_idx`)
	return t
}

func (c *compiler) finalSelect() *sqlText {
	t := &sqlText{}
	start, end := &sqlText{}, &sqlText{}
	start.w("start_date")
	end.w("end_date")
	if c.e.CensorStart != "" {
		start = (&sqlText{}).w("greatest(start_date, ").date(c.e.CensorStart).w(")")
	}
	if c.e.CensorEnd != "" {
		end = (&sqlText{}).w("least(end_date, ").date(c.e.CensorEnd).w(")")
	}
	t.w("-- CensorWindow\nSELECT person_id AS subject_id, ").add(start).w(" AS cohort_start_date, ").add(end).w(" AS cohort_end_date\nFROM final_cohort")
	if c.e.CensorStart != "" || c.e.CensorEnd != "" {
		t.w("\nWHERE ").add(start).w(" <= ").add(end)
	}
	return t
}
