package cdr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/openworkbench/workbench/internal/sqlname"
)

// The checks Validate runs, named as in OHDSI's Data Quality Dashboard so
// that a reader of DQD reports recognises them.
const (
	CheckTable           = "cdmTable"                // a required table is present
	CheckRequired        = "isRequired"              // a required column holds no NULL
	CheckPrimaryKey      = "isPrimaryKey"            // primary key values are unique
	CheckForeignKey      = "isForeignKey"            // references exist (person, visit, concept, ...)
	CheckStartBeforeEnd  = "plausibleStartBeforeEnd" // a start date is not after its end date
	CheckAfterBirth      = "plausibleAfterBirth"     // an event is not before the person's birth
	CheckBeforeDeath     = "plausibleBeforeDeath"    // an event is not long after the person's death
	CheckStandardConcept = "isStandardValidConcept"  // a main concept column holds standard, valid concepts
)

// thresholds is the percent of a check's rows that may violate it before the
// check fails. Structural checks allow nothing: a duplicated key, a NULL in a
// required column or a dangling reference breaks joins, and an end before its
// start a duration (DQD allows 1% of start/end outside observation_period; we
// do not). Birth and death allow DQD's 1%: prenatal records, administrative
// records lagging a death. Standard concepts allow 5% where DQD allows none,
// because vocabulary releases retire concepts that were standard when the
// ETL mapped them, and a CDR keeps them until it is mapped again.
var thresholds = map[string]float64{
	CheckTable:           0,
	CheckRequired:        0,
	CheckPrimaryKey:      0,
	CheckForeignKey:      0,
	CheckStartBeforeEnd:  0,
	CheckAfterBirth:      1,
	CheckBeforeDeath:     1,
	CheckStandardConcept: 5,
}

// deathGraceDays is how long after death an event is still plausible (DQD's
// value): administrative records lag.
const deathGraceDays = 60

// mainConcepts lists the main concept columns that the naming rule of
// isMainConcept misses.
var mainConcepts = map[string][]string{
	"person": {"gender_concept_id", "race_concept_id", "ethnicity_concept_id"},
	"death":  {"cause_concept_id"},
}

// Check is the outcome of one data quality check on one table field.
type Check struct {
	Name        string  `json:"name"`
	Table       string  `json:"table"`
	Field       string  `json:"field,omitempty"`
	Description string  `json:"description"`
	Rows        int64   `json:"rows"`      // rows that violate the check
	Total       int64   `json:"total"`     // rows the check applies to; 0 when the table is absent or empty
	Percent     float64 `json:"percent"`   // Rows / Total * 100
	Threshold   float64 `json:"threshold"` // percent of violating rows allowed
	Passed      bool    `json:"passed"`
}

// Report is the outcome of Validate: every check in a fixed order (tables in
// schema order, then the kind of check, then the column).
type Report struct {
	Version Version `json:"version"`
	Checks  []Check `json:"checks"`
}

// Passed reports whether every check passed.
func (r *Report) Passed() bool { return len(r.Failed()) == 0 }

// Failed returns the checks that failed.
func (r *Report) Failed() []Check {
	var failed []Check
	for _, c := range r.Checks {
		if !c.Passed {
			failed = append(failed, c)
		}
	}
	return failed
}

// Validate checks the data of c in the spirit of OHDSI's Data Quality
// Dashboard and reports every check with the rows violating it, the rows it
// applies to, and whether the violating share is within the check's
// threshold. The checks follow from the schema: required tables, required
// columns, primary keys, foreign keys (person, visit_occurrence and every
// other referenced table that is present; concept ids outside the
// vocabulary tables, 0 allowed), every start/end date pair, every date of a
// clinical table against the person's birth and death, and the main concept
// columns of clinical tables against standard concepts. Absent tables are
// not read: their checks have Total 0 and pass. Column presence and types
// are not checked here because Open refuses a CDR that gets them wrong.
// An error means a query could not run, not that the data failed.
func Validate(ctx context.Context, c *CDR) (*Report, error) {
	r := &Report{Version: c.Version()}
	for _, name := range RequiredTables {
		var absent int64
		if !c.Present(name) {
			absent = 1
		}
		r.Checks = append(r.Checks, newCheck(CheckTable, name, "", "required table is present", absent, 1))
	}
	for i := range c.schema.Tables {
		t := &c.schema.Tables[i]
		p := planTable(c, t)
		if c.Present(t.Name) {
			if err := p.run(ctx, c); err != nil {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("cdr: validate: %w", ctx.Err())
				}
				return nil, fmt.Errorf("cdr: validate table %s: %w", t.Name, err)
			}
		}
		for _, pc := range p.checks {
			r.Checks = append(r.Checks, newCheck(pc.name, t.Name, pc.field, pc.description, pc.rows, pc.total))
		}
	}
	return r, nil
}

// newCheck fills a check's derived fields from its counts.
func newCheck(name, table, field, description string, rows, total int64) Check {
	c := Check{Name: name, Table: table, Field: field, Description: description,
		Rows: rows, Total: total, Threshold: thresholds[name]}
	if total > 0 {
		c.Percent = float64(rows) / float64(total) * 100
	}
	c.Passed = c.Percent <= c.Threshold
	return c
}

// tablePlan is every check of one table and the queries that count them:
// one scan computing filtered counts, one grouping by the primary key, and
// one grouping the concept columns by value, so that a large table is read
// three times however many checks it has.
type tablePlan struct {
	table    *Table
	checks   []*planned
	scan     []string   // aggregates of the scan; scan[0] is count(*)
	persons  bool       // the scan joins persons (birth, death, existence)
	pk       *planned   // duplicates of the primary key
	concepts []*planned // concept checks, counted by the concept query
}

// planned is a check before its counts are known. A scan check takes rows
// and total from the scan's aggregates at rowsAt and totalAt; a key or
// concept-id check counts rows in its own query and applies to the whole
// table; a check with neither counts nothing.
type planned struct {
	name, field, description string
	rows, total              int64
	rowsAt, totalAt          int // rowsAt 0: not a scan check
	wholeTable               bool
}

func (p *tablePlan) add(name, field, description string) *planned {
	pc := &planned{name: name, field: field, description: description}
	p.checks = append(p.checks, pc)
	return pc
}

// count adds a scan check counting rows where violated holds among rows
// where applies holds ("" meaning every row).
func (p *tablePlan) count(name, field, description, violated, applies string) {
	pc := p.add(name, field, description)
	pc.rowsAt = p.aggregate(violated)
	if applies != "" {
		pc.totalAt = p.aggregate(applies)
	}
}

func (p *tablePlan) aggregate(cond string) int {
	p.scan = append(p.scan, "count(*) FILTER (WHERE "+cond+")")
	return len(p.scan) - 1
}

func col(name string) string { return "t." + sqlname.Quote(name) }

// planTable lists the checks of t, in report order, with the SQL that counts
// them.
func planTable(c *CDR, t *Table) *tablePlan {
	p := &tablePlan{table: t, scan: []string{"count(*)"}}
	_, hasPerson := t.Column("person_id")
	clinical := hasPerson && !t.Vocabulary
	p.persons = clinical && t.Name != "person"

	for _, cl := range t.Columns {
		if cl.Required {
			p.count(CheckRequired, cl.Name, "required column is not NULL", col(cl.Name)+" IS NULL", "")
		}
	}
	if key := t.PrimaryKey(); key != nil {
		p.pk = p.add(CheckPrimaryKey, key.Name, "primary key is unique (rows sharing a value)")
		p.pk.wholeTable = true
	}
	if !t.Vocabulary {
		for _, cl := range t.Columns {
			fk := cl.ForeignKey
			switch {
			case isConceptColumn(&cl):
				pc := p.add(CheckForeignKey, cl.Name, "concept id exists in concept (0 allowed)")
				pc.wholeTable = true
				p.concepts = append(p.concepts, pc)
			case fk == nil:
			case p.persons && cl.Name == "person_id" && fk.Table == "person":
				p.count(CheckForeignKey, cl.Name, "person_id exists in person",
					col(cl.Name)+" IS NOT NULL AND p.person_id IS NULL", "")
			default:
				desc := fmt.Sprintf("%s exists in %s.%s", cl.Name, fk.Table, fk.Column)
				if !c.Present(fk.Table) {
					// Without the table there is nothing to compare with;
					// the check is listed and counts nothing.
					p.add(CheckForeignKey, cl.Name, desc+" (table absent, not checked)")
					continue
				}
				p.count(CheckForeignKey, cl.Name, desc, fmt.Sprintf(
					"%s IS NOT NULL AND NOT coalesce(%s IN (SELECT %s FROM %s), false)",
					col(cl.Name), col(cl.Name), sqlname.Quote(fk.Column), sqlname.Quote(fk.Table)), "")
			}
		}
	}
	for _, pair := range datePairs(t) {
		start, end := col(pair[0]), col(pair[1])
		p.count(CheckStartBeforeEnd, pair[0], pair[0]+" is not after "+pair[1],
			start+" > "+end, start+" IS NOT NULL AND "+end+" IS NOT NULL")
	}
	if p.persons {
		for _, cl := range t.Columns {
			if isDate(&cl) {
				d := "CAST(" + col(cl.Name) + " AS DATE)"
				p.count(CheckAfterBirth, cl.Name, "date is not before the person's birth",
					d+" < p.birth", col(cl.Name)+" IS NOT NULL")
			}
		}
		if t.Name != "death" {
			for _, cl := range t.Columns {
				if isDate(&cl) {
					d := "CAST(" + col(cl.Name) + " AS DATE)"
					p.count(CheckBeforeDeath, cl.Name,
						fmt.Sprintf("date is not more than %d days after the person's death", deathGraceDays),
						fmt.Sprintf("%s > p.death + %d", d, deathGraceDays),
						col(cl.Name)+" IS NOT NULL AND p.death IS NOT NULL")
				}
			}
		}
	}
	if clinical {
		for _, cl := range t.Columns {
			if isConceptColumn(&cl) && isMainConcept(t, cl.Name) {
				p.concepts = append(p.concepts, p.add(CheckStandardConcept, cl.Name,
					"concept is standard and valid (0 allowed; unknown ids count under isForeignKey)"))
			}
		}
	}
	return p
}

func isDate(c *Column) bool { return c.Type == Date || c.Type == Datetime }

// isConceptColumn reports whether c holds concept ids: it refers to concept,
// or is named like a concept column.
func isConceptColumn(c *Column) bool {
	if c.Type != Integer {
		return false
	}
	if fk := c.ForeignKey; fk != nil {
		return fk.Table == "concept" && fk.Column == "concept_id"
	}
	return strings.HasSuffix(c.Name, "_concept_id")
}

// isMainConcept reports whether column name is the concept that says what a
// row of clinical table t is: the column named after the table's first words
// (condition_concept_id of condition_occurrence, visit_detail_concept_id of
// visit_detail), or one listed in mainConcepts. Type, unit, route and source
// concepts are not main.
func isMainConcept(t *Table, name string) bool {
	if slices.Contains(mainConcepts[t.Name], name) {
		return true
	}
	prefix, ok := strings.CutSuffix(name, "_concept_id")
	return ok && strings.HasPrefix(t.Name+"_", prefix+"_")
}

// datePairs finds the start and end columns of t from their names: an end
// column X_end_date (or X_end_datetime) pairs with X_start_date, or with
// X_date when there is no X_start_date (procedure_date, procedure_end_date).
func datePairs(t *Table) [][2]string {
	var pairs [][2]string
	for _, cl := range t.Columns {
		for _, suffix := range []string{"_date", "_datetime"} {
			prefix, ok := strings.CutSuffix(cl.Name, "_end"+suffix)
			if !ok {
				continue
			}
			for _, start := range []string{prefix + "_start" + suffix, prefix + suffix} {
				if _, ok := t.Column(start); ok {
					pairs = append(pairs, [2]string{start, cl.Name})
					break
				}
			}
		}
	}
	return pairs
}

// personsSQL is one row per person id with the birth date (birth_datetime,
// else year/month/day of birth with a missing month or day taken as 1; an
// impossible date is NULL and checks nothing) and the death date (the
// latest, when death has several rows).
func personsSQL() string {
	return "SELECT b.person_id, b.birth, d.death FROM " +
		"(SELECT person_id, min(birth_date) AS birth FROM (" + personBirthSQL + ") WHERE person_id IS NOT NULL GROUP BY person_id) AS b " +
		"LEFT JOIN (SELECT person_id, max(death_date) AS death FROM death GROUP BY person_id) AS d ON b.person_id = d.person_id"
}

func (p *tablePlan) run(ctx context.Context, c *CDR) error {
	if err := p.runScan(ctx, c); err != nil {
		return err
	}
	if p.pk != nil {
		if err := p.runPrimaryKey(ctx, c); err != nil {
			return err
		}
	}
	if len(p.concepts) > 0 {
		return p.runConcepts(ctx, c)
	}
	return nil
}

func (p *tablePlan) runScan(ctx context.Context, c *CDR) error {
	var b strings.Builder
	if p.persons {
		b.WriteString("WITH p AS (" + personsSQL() + ") ")
	}
	b.WriteString("SELECT " + strings.Join(p.scan, ", ") + " FROM " + sqlname.Quote(p.table.Name) + " AS t")
	if p.persons {
		b.WriteString(" LEFT JOIN p ON " + col("person_id") + " = p.person_id")
	}
	counts := make([]int64, len(p.scan))
	dest := make([]any, len(counts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := queryRow(ctx, c, b.String(), dest...); err != nil {
		return err
	}
	for _, pc := range p.checks {
		switch {
		case pc.rowsAt > 0:
			pc.rows, pc.total = counts[pc.rowsAt], counts[pc.totalAt]
		case pc.wholeTable:
			pc.total = counts[0]
		}
	}
	return nil
}

// runPrimaryKey counts the rows whose key value another row shares, as DQD
// does: one duplicated pair is two violating rows. Most extracts are written
// in key order, and keys that strictly increase in the order they are read
// are unique; one streaming pass proves that, which is an order of magnitude
// faster than grouping a large table by its key. Only when it fails are the
// duplicates counted by grouping. The first row alone may lack a previous
// one; more rows without one would mean the pass was not a single sequence,
// and the grouping decides.
func (p *tablePlan) runPrimaryKey(ctx context.Context, c *CDR) error {
	key, table := sqlname.Quote(p.pk.field), sqlname.Quote(p.table.Name)
	var increasing bool
	query := fmt.Sprintf("SELECT count(*) FILTER (WHERE prev IS NULL) <= 1 AND count(*) FILTER (WHERE id <= prev) = 0 "+
		"FROM (SELECT %[1]s AS id, lag(%[1]s) OVER () AS prev FROM %[2]s WHERE %[1]s IS NOT NULL)", key, table)
	if err := queryRow(ctx, c, query, &increasing); err != nil || increasing {
		return err
	}
	query = fmt.Sprintf("SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM %[2]s WHERE %[1]s IS NOT NULL GROUP BY %[1]s HAVING count(*) > 1)",
		key, table)
	return queryRow(ctx, c, query, &p.pk.rows)
}

// runConcepts counts, per concept column, the rows whose concept id is not in
// concept and the rows whose concept is not standard and valid. The table is
// grouped by each column's values in one pass (grouping sets), so concept is
// joined with the few distinct ids rather than with every row.
func (p *tablePlan) runConcepts(ctx context.Context, c *CDR) error {
	q := sqlname.Quote
	var cols []string
	for _, pc := range p.concepts {
		if !slices.Contains(cols, pc.field) {
			cols = append(cols, pc.field)
		}
	}
	var sets, which, value []string
	for i, name := range cols {
		sets = append(sets, "("+q(name)+")")
		which = append(which, fmt.Sprintf("WHEN grouping(%s) = 0 THEN %d", q(name), i))
		value = append(value, fmt.Sprintf("WHEN grouping(%s) = 0 THEN %s", q(name), q(name)))
	}
	query := fmt.Sprintf("WITH u AS (SELECT CASE %[1]s END AS k, CASE %[2]s END AS v, count(*) AS n FROM %[3]s GROUP BY GROUPING SETS (%[4]s)), "+
		"c AS (SELECT %[5]s AS id, bool_or(coalesce(%[6]s = 'S' AND %[7]s IS NULL, false)) AS standard FROM %[8]s GROUP BY %[5]s) "+
		"SELECT u.k, coalesce(sum(u.n), 0), "+
		"coalesce(sum(u.n) FILTER (WHERE c.id IS NULL AND u.v <> 0), 0), "+
		"coalesce(sum(u.n) FILTER (WHERE NOT c.standard AND u.v <> 0), 0) "+
		"FROM u LEFT JOIN c ON u.v = c.id WHERE u.v IS NOT NULL GROUP BY u.k",
		strings.Join(which, " "), strings.Join(value, " "), q(p.table.Name), strings.Join(sets, ", "),
		q("concept_id"), q("standard_concept"), q("invalid_reason"), q("concept"))
	rows, err := c.db.QueryContext(ctx, query)
	if err != nil {
		return cleanError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k int
		var nonNull, unknown, nonStandard int64
		if err := rows.Scan(&k, &nonNull, &unknown, &nonStandard); err != nil {
			return err
		}
		for _, pc := range p.concepts {
			switch {
			case pc.field != cols[k]:
			case pc.name == CheckForeignKey:
				pc.rows = unknown
			case pc.name == CheckStandardConcept:
				pc.rows, pc.total = nonStandard, nonNull
			}
		}
	}
	return cleanError(rows.Err())
}

func queryRow(ctx context.Context, c *CDR, query string, dest ...any) error {
	rows, err := c.db.QueryContext(ctx, query)
	if err != nil {
		return cleanError(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return cleanError(err)
		}
		return errors.New("query returned no row")
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return cleanError(rows.Err())
}

// WriteText writes the report as an aligned table, one check a line, with
// failed checks marked FAIL and checks of absent tables marked n/a, then
// the failures again with their descriptions.
func (r *Report) WriteText(w io.Writer) error {
	header := []string{"status", "check", "table", "field", "violating", "total", "percent", "threshold"}
	right := []bool{false, false, false, false, true, true, true, true}
	lines := [][]string{header}
	for _, c := range r.Checks {
		lines = append(lines, []string{status(c), c.Name, c.Table, c.Field,
			strconv.FormatInt(c.Rows, 10), strconv.FormatInt(c.Total, 10),
			formatPercent(c.Percent, c.Rows), formatPercent(c.Threshold, 0)})
	}
	widths := make([]int, len(header))
	for _, l := range lines {
		for i, cell := range l {
			widths[i] = max(widths[i], len(cell))
		}
	}
	var b strings.Builder
	failed := r.Failed()
	fmt.Fprintf(&b, "OMOP CDM %s: %d checks, %d failed\n\n", r.Version, len(r.Checks), len(failed))
	for _, l := range lines {
		for i, cell := range l {
			pad := strings.Repeat(" ", widths[i]-len(cell))
			switch {
			case right[i]:
				b.WriteString(pad + cell)
			case i == len(l)-1:
				b.WriteString(cell)
			default:
				b.WriteString(cell + pad)
			}
			if i < len(l)-1 {
				b.WriteString("  ")
			}
		}
		b.WriteString("\n")
	}
	if len(failed) > 0 {
		b.WriteString("\nFailed:\n")
		for _, c := range failed {
			fmt.Fprintf(&b, "  %s %s.%s: %d of %d rows (%s, threshold %s): %s\n",
				c.Name, c.Table, c.Field, c.Rows, c.Total,
				formatPercent(c.Percent, c.Rows), formatPercent(c.Threshold, 0), c.Description)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func status(c Check) string {
	switch {
	case !c.Passed:
		return "FAIL"
	case c.Total == 0:
		return "n/a"
	}
	return "ok"
}

// formatPercent writes a percent with two decimals, and a non-zero share of
// rows that would round to zero as "<0.01%" so that it does not read as none.
func formatPercent(pct float64, rows int64) string {
	if rows > 0 && pct < 0.005 {
		return "<0.01%"
	}
	return strconv.FormatFloat(pct, 'f', 2, 64) + "%"
}
