package cohort

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// The index tables the compiled SQL reads, as package cdr builds them.
const (
	tablePerson        = cdrindex.SearchPerson
	tableEvents        = cdrindex.SearchEvents
	tableClosure       = cdrindex.ConceptClosure
	tableConceptPerson = cdrindex.ConceptPerson
	tablePairs         = cdrindex.ReadingPairs
)

// Options configure Compile. The zero value works.
type Options struct {
	// Schema is the schema or attached database that holds the index
	// tables; empty means the connection's default.
	Schema string
	// Dialect is the SQL the query is written in; the zero value is
	// DuckDB.
	Dialect Dialect
	// Repeats lets the query select a person more than once where only a
	// DISTINCT of its own would prevent it, for a caller that gathers the
	// persons as a set (package engine's count into a bitstring).
	Repeats bool
}

// Dialect is a SQL dialect that Compile writes.
type Dialect int

const (
	// DuckDB SQL, with the definition's values as arguments of `?`
	// placeholders.
	DuckDB Dialect = iota
	// Spark SQL, for Spark Connect, which binds no parameters: a Query
	// without Args, whose values are literals that internal/sqlb's
	// SparkLiteral writes from their Go types (int64 concept ids and
	// whole numbers, float64 numbers, validated dates). No string of a
	// definition enters the text: the dialect's only strings are the
	// dates, written back from the parsed day.
	Spark
)

// check reports options Compile cannot follow.
func (o Options) check() error {
	if o.Dialect != DuckDB && o.Dialect != Spark {
		return fmt.Errorf("cohort: compile: unknown SQL %s", o.Dialect)
	}
	return nil
}

// String returns the dialect's name.
func (d Dialect) String() string {
	switch d {
	case DuckDB:
		return "duckdb"
	case Spark:
		return "spark"
	}
	return "dialect(" + strconv.Itoa(int(d)) + ")"
}

// Query is compiled SQL with its positional arguments (`?`); a query of
// the Spark dialect has no arguments, its values are literals. The SQL
// selects one column, person_id, with each person of the cohort once, so a
// caller wraps it: `SELECT count(*) FROM (<SQL>)`. Concept id lists are
// []int64 arguments bound as BIGINT[], except a list of concepts without
// descendants, which is an int64 argument per concept; numbers are float64
// or int64, dates strings (YYYY-MM-DD) cast to DATE.
type Query struct {
	SQL  string
	Args []any
}

// Compile validates def and compiles it to DuckDB SQL over the index
// tables search_person, search_events, concept_closure and concept_person:
// items of concepts alone (no modifiers, no value attributes) read the
// persons of their concepts from concept_person, where each person of a
// concept is one row, instead of every matching event from search_events;
// the other items need the events. It is pure and
// deterministic: the same definition and options give the same Query.
// Values from the definition are only ever arguments.
func Compile(def *Definition, opt Options) (Query, error) {
	q, _, err := compile(def, opt, false)
	return q, err
}

// CompileKeyed compiles def like Compile to a query that selects each
// person's demo_key (search_person's demographic key) along with
// person_id, and reports whether it could: search_person and
// concept_person have the key, search_events not, so not when def needs
// events. Package engine counts demographics by key this way, without a
// second look at search_person.
func CompileKeyed(def *Definition, opt Options) (Query, bool, error) {
	q, c, err := compile(def, opt, true)
	if err != nil {
		return Query{}, false, err
	}
	return q, !c.events, nil
}

func compile(def *Definition, opt Options, keyed bool) (Query, *compiler, error) {
	if err := opt.check(); err != nil {
		return Query{}, nil, err
	}
	if err := def.Validate(); err != nil {
		return Query{}, nil, err
	}
	c := &compiler{opt: opt, who: "person_id"}
	if keyed {
		c.who = "person_id, demo_key"
	}
	// The cohort is (includes ∩ data filters) − excludes: a chain of
	// INTERSECT then EXCEPT, evaluated left to right. The include groups
	// of demographics only and the data filters are one scan of
	// search_person whose conditions are ANDed: a set operation between
	// sets of most persons costs more than the scan (three demographic
	// groups on 1M persons: 100 ms).
	var sets []*sqlb.Builder // what the chain selects person_id from
	var unique []bool        // whether each set has each person once
	for i, g := range def.Includes {
		if demographicsOnly(g) {
			continue
		}
		name := "include" + strconv.Itoa(i)
		sets = append(sets, new(sqlb.Builder).SQL(name))
		unique = append(unique, c.group(name, index("includes", i), g))
	}
	persons, personPaths := personsConditions(def)
	switch {
	case !persons.Empty():
		var body sqlb.Builder
		body.SQL("  SELECT ", c.who, " FROM ")
		c.personsWhere(&body).Add(persons)
		c.addCTE("persons", personPaths, &body)
		sets = append(sets, new(sqlb.Builder).SQL("persons"))
		unique = append(unique, true)
	case len(def.Includes) == 0:
		sets = append(sets, c.table(new(sqlb.Builder), tablePerson))
		unique = append(unique, true)
	}
	var final sqlb.Builder
	switch {
	case c.opt.Dialect == DuckDB && len(sets) > 1 && !slices.Contains(unique, false):
		// Sets that have each person once intersect as a join, which
		// DuckDB runs without the hash aggregates of INTERSECT (three
		// groups at 1,000,000 persons: 37 ms instead of 64).
		for i, s := range sets {
			if i == 0 {
				final.SQL("SELECT ", qualified("s0", c.who), " FROM ").Add(s).SQL(" s0")
				continue
			}
			a := "s" + strconv.Itoa(i)
			final.SQL("\nJOIN ").Add(s).SQL(" ", a, " ON ", a, ".person_id = s0.person_id")
		}
	default:
		for i, s := range sets {
			if i > 0 {
				final.SQL("\nINTERSECT\n")
			}
			// Set operations return each person once; a lone SELECT must
			// ask, unless its set has each person once already: a DISTINCT
			// of half a million persons costs more than reading them.
			if len(sets) == 1 && len(def.Excludes) == 0 && !unique[i] && !c.opt.Repeats {
				final.SQL("SELECT DISTINCT ", c.who, " FROM ").Add(s)
			} else {
				final.SQL("SELECT ", c.who, " FROM ").Add(s)
			}
		}
	}
	for i, g := range def.Excludes {
		name := "exclude" + strconv.Itoa(i)
		c.group(name, index("excludes", i), g)
		final.SQL("\nEXCEPT\nSELECT ", c.who, " FROM ", name)
	}

	out, err := c.query(c.with(&final))
	return out, c, err
}

// with returns the query of the compiler's CTEs, in the order added, and
// then final.
func (c *compiler) with(final *sqlb.Builder) *sqlb.Builder {
	var q sqlb.Builder
	for i, t := range c.ctes {
		if i == 0 {
			q.SQL("WITH ")
		} else {
			q.SQL(",\n")
		}
		q.SQL(t.name, " AS ( -- ", t.path, "\n").Add(&t.body).SQL("\n)")
	}
	if len(c.ctes) > 0 {
		q.SQL("\n")
	}
	return q.Add(final)
}

// qualified returns the columns cols (comma-separated) of the table alias
// a.
func qualified(a, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, col := range parts {
		parts[i] = a + "." + col
	}
	return strings.Join(parts, ", ")
}

// query renders b in the dialect of the options.
func (c *compiler) query(b *sqlb.Builder) (Query, error) {
	if c.opt.Dialect == Spark {
		text, err := b.Spark()
		if err != nil {
			return Query{}, fmt.Errorf("cohort: compile: %w", err)
		}
		return Query{SQL: text}, nil
	}
	return Query{SQL: b.String(), Args: b.Args()}, nil
}

// dataFilterColumns maps each data filter to its search_person column.
var dataFilterColumns = map[DataFilter]string{
	HasEHRData:                 "has_ehr_data",
	HasPhysicalMeasurementData: "has_physical_measurement_data",
}

// personColumns maps the concept-valued demographic types to their
// search_person columns.
var personColumns = map[CriteriaType]string{
	TypeGender:    "gender_concept_id",
	TypeSex:       "sex_at_birth_concept_id",
	TypeRace:      "race_concept_id",
	TypeEthnicity: "ethnicity_concept_id",
}

// part is one SELECT of a union, with a label (the items it selects
// from) that union writes as a comment. unique says that it selects each
// person at most once.
type part struct {
	sqlb.Builder
	label  string
	unique bool
}

type cte struct {
	name, path string
	body       sqlb.Builder
}

type compiler struct {
	opt  Options
	ctes []cte
	// who is the columns that name a person in the sets: person_id, or
	// person_id and demo_key for CompileKeyed.
	who string
	// events is set when some set reads search_events (or reading_pairs:
	// neither has demo_key).
	events bool
}

// table writes the index table name, in the schema of the options.
func (c *compiler) table(b *sqlb.Builder, name string) *sqlb.Builder {
	return b.Table(c.opt.Schema, name)
}

// demographicsOnly reports whether the group g is of demographic items
// alone, whose conditions personsConditions ANDs.
func demographicsOnly(g Group) bool {
	return !g.Temporal && !slices.ContainsFunc(g.Items, func(it Item) bool { return it.Type != DomainPerson })
}

// personsConditions returns the AND of the conditions on search_person
// (alias p) of def's include groups of demographics only and of its data
// filters, empty when it has none, and the paths they come from.
func personsConditions(def *Definition) (*sqlb.Builder, string) {
	var b sqlb.Builder
	var paths []string
	for i, g := range def.Includes {
		if !demographicsOnly(g) {
			continue
		}
		if !b.Empty() {
			b.SQL(" AND ")
		}
		b.SQL("(")
		personConditions(&b, g.Items)
		b.SQL(")")
		paths = append(paths, index("includes", i))
	}
	for _, f := range slices.Compact(slices.Sorted(slices.Values(def.DataFilters))) {
		if !b.Empty() {
			b.SQL(" AND ")
		}
		b.SQL(dataFilterColumns[f])
	}
	if len(def.DataFilters) > 0 {
		paths = append(paths, "dataFilters")
	}
	return &b, strings.Join(paths, ", ")
}

// personsWhere writes search_person and its WHERE, whose condition
// follows. The table has an alias: Spark SQL (outside ANSI mode) reads a
// table name followed by WHERE and a parenthesis, as a condition of
// demographics begins, as an alias WHERE with column names, and fails.
func (c *compiler) personsWhere(b *sqlb.Builder) *sqlb.Builder {
	return c.table(b, tablePerson).SQL(" p WHERE ")
}

func (c *compiler) addCTE(name, path string, body *sqlb.Builder) {
	c.ctes = append(c.ctes, cte{name: name, path: path})
	c.ctes[len(c.ctes)-1].body.Add(body)
}

// unit is one scan of search_events: events of one standard flag, with one reading (or several, all of one date and visit), each of
// the given concepts and satisfying its attributes.
type unit struct {
	standard bool
	readings []unitReading
	items    []string // the items merged into the unit, for comments
}

type unitReading struct {
	exact, desc []int64 // concepts alone, and concepts with descendants
	attrs       []Attribute
}

// plain reports whether p has no value conditions: its events need only
// the right concept.
func (p Parameter) plain() bool {
	rs := p.readings()
	return len(rs) == 1 && !slices.ContainsFunc(rs[0].attrs, func(a Attribute) bool { return a.Name != AttrAny })
}

// buckets merges plain parameters into one unit per standard flag.
type buckets []unit

func (b *buckets) add(item Domain, p Parameter, label string) {
	i := slices.IndexFunc(*b, func(u unit) bool { return u.standard == p.Standard })
	if i < 0 {
		*b = append(*b, unit{standard: p.Standard, readings: []unitReading{{}}})
		i = len(*b) - 1
	}
	if !slices.Contains((*b)[i].items, label) {
		(*b)[i].items = append((*b)[i].items, label)
	}
	r := &(*b)[i].readings[0]
	concept := p.readings()[0].concept
	if p.descendants(item) {
		r.desc = append(r.desc, concept)
	} else {
		r.exact = append(r.exact, concept)
	}
}

// units returns the scans for the parameters of an item: merged plain
// ones first, then one per parameter with value conditions.
func units(it Item) []unit {
	var plain buckets
	var valued []unit
	for _, p := range it.Parameters {
		if p.plain() {
			plain.add(it.Type, p, "")
			continue
		}
		u := unit{standard: p.Standard}
		for _, r := range p.readings() {
			ur := unitReading{attrs: r.attrs}
			if p.descendants(it.Type) {
				ur.desc = []int64{r.concept}
			} else {
				ur.exact = []int64{r.concept}
			}
			u.readings = append(u.readings, ur)
		}
		valued = append(valued, u)
	}
	return append(plain, valued...)
}

// event columns a part selects: person only, or what temporal relations
// and occurrence counts need.
const (
	colsPerson = "person_id"
	colsEvent  = "person_id, entry_date, visit_occurrence_id"
)

// scan writes one SELECT over search_events for u, with the modifiers
// mods (other than occurrences) applied, selecting cols of the first
// reading.
func (c *compiler) scan(f *sqlb.Builder, u unit, mods []Modifier, cols string) {
	c.events = true
	if first, second, ok := readingPair(u); ok {
		// One row of reading_pairs instead of a join of the two
		// readings' events: blood pressure over 140/90 at 1,000,000
		// persons counted in 37-39 ms instead of 221-319.
		f.SQL("SELECT ", qualified("e", cols))
		c.table(f.SQL(" FROM "), tablePairs).SQL(" e\n  WHERE e.first_concept_id = ").Arg(first.exact[0], "BIGINT")
		values(f, "e.first_value", first.attrs)
		values(f, "e.second_value", second.attrs)
		c.modifiers(f, mods)
		return
	}
	f.SQL("SELECT ", qualified("e", cols))
	c.table(f.SQL(" FROM "), tableEvents).SQL(" e")
	// The readings after the first are filtered in derived tables: with
	// their conditions in the outer WHERE, DuckDB joined the unfiltered
	// events first (blood pressure on 1M persons: 2.7 s instead of 0.5 s).
	for i := 1; i < len(u.readings); i++ {
		a := "e" + strconv.Itoa(i)
		c.table(f.SQL("\n  JOIN (SELECT * FROM "), tableEvents).SQL(" ", a, " WHERE ")
		c.reading(f, a, u.standard, u.readings[i])
		f.SQL(") ", a, " ON ", a, ".person_id = e.person_id AND ", a, ".entry_date = e.entry_date AND ",
			a, ".visit_occurrence_id IS NOT DISTINCT FROM e.visit_occurrence_id")
	}
	f.SQL("\n  WHERE ")
	c.reading(f, "e", u.standard, u.readings[0])
	c.modifiers(f, mods)
}

// modifiers writes the conditions of mods (other than occurrences) on the
// event e.
func (c *compiler) modifiers(f *sqlb.Builder, mods []Modifier) {
	for _, m := range mods {
		switch m.Name {
		case AgeAtEvent:
			compare(f.SQL("\n    AND "), "e.age_at_event", m.Operator, m.Operands)
		case EventDate:
			compare(f.SQL("\n    AND "), "e.entry_date", m.Operator, m.Operands)
		case Encounters:
			c.idList(f.SQL("\n    AND e.visit_concept_id IN "), concepts(m.Operands))
		}
	}
}

// readingPair returns u's readings as the first and second of a pair of
// cdrindex.ReadingPairConcepts (in either order in u), when u is two
// standard readings of exactly those concepts, not their descendants,
// with conditions on their values only: a row of reading_pairs then
// stands for the two events.
func readingPair(u unit) (first, second unitReading, ok bool) {
	if !u.standard || len(u.readings) != 2 {
		return first, second, false
	}
	for _, r := range u.readings {
		if len(r.exact) != 1 || len(r.desc) != 0 {
			return first, second, false
		}
		for _, a := range r.attrs {
			if a.Name != AttrNum {
				return first, second, false
			}
		}
	}
	a, b := u.readings[0], u.readings[1]
	for _, p := range cdrindex.ReadingPairConcepts {
		switch {
		case a.exact[0] == p[0] && b.exact[0] == p[1]:
			return a, b, true
		case a.exact[0] == p[1] && b.exact[0] == p[0]:
			return b, a, true
		}
	}
	return first, second, false
}

// values writes the numeric conditions attrs on the column col.
func values(f *sqlb.Builder, col string, attrs []Attribute) {
	for _, at := range attrs {
		compare(f.SQL(" AND "), col, at.Operator, at.Operands)
	}
}

// reading writes the conditions on the events a of one reading: concept,
// standard flag, value attributes.
func (c *compiler) reading(f *sqlb.Builder, a string, standard bool, r unitReading) {
	c.conceptIn(f, a, r.exact, r.desc)
	if standard {
		f.SQL(" AND ", a, ".is_standard")
	} else {
		f.SQL(" AND NOT ", a, ".is_standard")
	}
	for _, at := range r.attrs {
		switch at.Name {
		case AttrNum:
			compare(f.SQL(" AND "), a+".value_as_number", at.Operator, at.Operands)
		case AttrCat:
			c.idList(f.SQL(" AND ", a, ".value_as_concept_id IN "), concepts(at.Operands))
		}
	}
}

// conceptIn writes "a.concept_id IN (...)" for the concepts exact and
// the concepts desc with all their descendants, the events a of
// search_events. In DuckDB SQL the buckets of those concepts come first
// (bucketIn).
func (c *compiler) conceptIn(f *sqlb.Builder, a string, exact, desc []int64) {
	exact, desc = conceptLists(exact, desc)
	c.bucketIn(f, a, exact, desc)
	f.SQL(a, ".concept_id IN (")
	if len(desc) == 0 {
		// A placeholder per concept: DuckDB then plans the list as
		// constants, pushed into the scan, with better row estimates
		// than for a list argument's subquery (same encounter on 1M
		// persons: 0.40 s instead of 0.54 s).
		f.Int64Args(exact).SQL(")")
		return
	}
	if len(exact) > 0 {
		c.unnest(f.SQL("SELECT "), exact)
	}
	if len(exact) > 0 && len(desc) > 0 {
		f.SQL(" UNION ALL ")
	}
	if len(desc) > 0 {
		c.table(f.SQL("SELECT descendant_id FROM "), tableClosure).SQL(" WHERE ancestor_id IN (")
		c.unnest(f.SQL("SELECT "), desc).SQL(")")
	}
	f.SQL(")")
}

// bucketIn writes, in DuckDB SQL, "a.bucket IN (...) AND " for the
// buckets (cdrindex.ConceptBucket) of the concepts exact, and of the
// descendants of the concepts desc, of search_events or concept_person
// (a, or the table itself when a is empty): DuckDB then opens the files
// of those buckets alone. The buckets of exact concepts are an argument
// each, which DuckDB prunes the files by as it plans (a rare concept of
// concept_person at 1,000,000 persons: 2.5-3.5 ms instead of 8-12); those
// of descendants come from concept_closure as the query runs, which still
// skips most files (the events of a concept with two descendants: 26 ms
// instead of 55). The Spark dialect names the buckets of concepts alone
// too, as literals, and Spark reads those partitions' files alone (on
// Spark local[2], a 2,000-person index, load 4-5, medians of 7: a concept
// of concept_person 285 ms instead of 464, BMI 30-40 of search_events 297
// instead of 728); with descendants it reads every file.
func (c *compiler) bucketIn(f *sqlb.Builder, a string, exact, desc []int64) {
	if c.opt.Dialect == Spark && len(desc) > 0 {
		return
	}
	if a != "" {
		a += "."
	}
	var buckets []int64
	for _, id := range exact {
		buckets = append(buckets, cdrindex.ConceptBucket(id))
	}
	buckets = slices.Compact(slices.Sorted(slices.Values(buckets)))
	f.SQL(a, "bucket IN (")
	if len(desc) == 0 {
		f.Int64Args(buckets).SQL(") AND ")
		return
	}
	if len(buckets) > 0 {
		c.unnest(f.SQL("SELECT "), buckets).SQL(" UNION ALL ")
	}
	c.table(f.SQL("SELECT descendant_id % ", strconv.Itoa(cdrindex.ConceptBuckets), " FROM "), tableClosure).SQL(" WHERE ancestor_id IN (")
	c.unnest(f.SQL("SELECT "), desc).SQL(")) AND ")
}

// flagged are concept ids and the flag of their rows in concept_person
// and concept_bits: direct or rolled.
type flagged struct {
	ids  []int64
	flag string
}

// conceptRows returns the condition on is_standard and the rows of
// concept_person (and concept_bits) that hold the persons of the plain
// unit u: the direct rows of its concepts alone, the rolled rows of its
// concepts with descendants, each list present only when not empty.
func conceptRows(u unit) (standard string, rows []flagged) {
	exact, desc := conceptLists(u.readings[0].exact, u.readings[0].desc)
	standard = "is_standard"
	if !u.standard {
		standard = "NOT is_standard"
	}
	if len(exact) > 0 {
		rows = append(rows, flagged{exact, "direct"})
	}
	if len(desc) > 0 {
		rows = append(rows, flagged{desc, "rolled"})
	}
	return standard, rows
}

// conceptLists returns the concepts alone exact and with descendants desc
// sorted and unique, without the concepts alone that desc has.
func conceptLists(exact, desc []int64) ([]int64, []int64) {
	desc = slices.Compact(slices.Sorted(slices.Values(desc)))
	exact = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(exact))), func(id int64) bool {
		_, found := slices.BinarySearch(desc, id)
		return found
	})
	return exact, desc
}

// conceptPersons writes the SELECT of the persons of the plain unit u from
// concept_person: the direct rows of its concepts alone, the rolled rows of
// its concepts with descendants. A list of constants is pushed into the
// scan, which then reads only the row groups of those concepts. The rows
// of one concept and flag have each person once.
func (c *compiler) conceptPersons(f *part, u unit) {
	standard, rows := conceptRows(u)
	f.unique = len(rows) == 1 && len(rows[0].ids) == 1
	for i, p := range rows {
		if i > 0 {
			f.SQL("\nUNION ALL\n")
		}
		c.table(f.SQL("SELECT ", c.who, " FROM "), tableConceptPerson).SQL(" WHERE ")
		c.bucketIn(&f.Builder, "", p.ids, nil)
		f.SQL("concept_id IN (").Int64Args(p.ids).SQL(") AND ", standard, " AND ", p.flag)
	}
}

// datesPart returns, in DuckDB SQL, the SELECT of the persons of item it
// from concept_person's distinct dates when it is one plain parameter
// whose only modifier is occ, the number of occurrences; else nil. The
// events of the concept (and its descendants) grouped by person cost
// more than the concept's persons read with their count (Hyperlipidemia
// and descendants, at least 3 dates, at 1,000,000 persons: 1.4M events,
// 100-160 ms). A union of several parameters needs the dates themselves.
func (c *compiler) datesPart(it Item, occ *Modifier, label string) *part {
	if c.opt.Dialect == Spark || len(it.Modifiers) != 1 || len(it.Parameters) != 1 || !it.Parameters[0].plain() {
		return nil
	}
	p := it.Parameters[0]
	id := p.readings()[0].concept
	flag, dates := "direct", "dates"
	if p.descendants(it.Type) {
		flag, dates = "rolled", "rolled_dates"
	}
	standard := "is_standard"
	if !p.Standard {
		standard = "NOT is_standard"
	}
	f := &part{label: label, unique: true}
	c.table(f.SQL("SELECT ", c.who, " FROM "), tableConceptPerson).SQL(" WHERE ")
	c.bucketIn(&f.Builder, "", []int64{id}, nil)
	f.SQL("concept_id IN (").Arg(id, "BIGINT").SQL(") AND ", standard, " AND ", flag, " AND ")
	compare(&f.Builder, dates, occ.Operator, occ.Operands)
	return f
}

// idList writes "(SELECT unnest(?::BIGINT[]))" for ids.
func (c *compiler) idList(f *sqlb.Builder, ids []int64) {
	c.unnest(f.SQL("(SELECT "), slices.Compact(slices.Sorted(slices.Values(ids)))).SQL(")")
}

// unnest writes the set function that makes rows of the list ids:
// DuckDB's unnest of a list argument, Spark's explode of an array literal.
func (c *compiler) unnest(f *sqlb.Builder, ids []int64) *sqlb.Builder {
	if c.opt.Dialect == Spark {
		return f.SQL("explode(").Arg(ids, "BIGINT[]").SQL(")")
	}
	return f.SQL("unnest(").Arg(ids, "BIGINT[]").SQL(")")
}

// concepts returns the concept ids of operands, which Validate checked.
func concepts(operands []Operand) []int64 {
	ids := make([]int64, 0, len(operands))
	for _, o := range operands {
		ids = append(ids, int64(o.(ConceptID)))
	}
	return ids
}

var comparisonSQL = map[Operator]string{
	Equal: "=", NotEqual: "<>", LessThan: "<", GreaterThan: ">", LessThanOrEqual: "<=", GreaterThanOrEqual: ">=",
}

// compare writes "expr <op> operand(s)" with the operands, which Validate
// checked, as arguments: a Number as DOUBLE, a Whole as BIGINT, a Date as
// DATE from its YYYY-MM-DD text.
func compare(f *sqlb.Builder, expr string, op Operator, operands []Operand) {
	arg := func(o Operand) {
		switch o := o.(type) {
		case Number:
			f.Arg(float64(o), "DOUBLE")
		case Whole:
			f.Arg(int64(o), "BIGINT")
		case Date:
			f.Arg(o.String(), "DATE")
		}
	}
	f.SQL(expr)
	if op == Between {
		f.SQL(" BETWEEN ")
		arg(operands[0])
		f.SQL(" AND ")
		arg(operands[1])
		return
	}
	f.SQL(" ", comparisonSQL[op], " ")
	arg(operands[0])
}

// occurrences returns the item's NUM_OF_OCCURRENCES modifier and the
// others.
func occurrences(it Item) (*Modifier, []Modifier) {
	var occ *Modifier
	var rest []Modifier
	for _, m := range it.Modifiers {
		if m.Name == NumOfOccurrences {
			occ = &m
			continue
		}
		rest = append(rest, m)
	}
	return occ, rest
}

// having writes the occurrence condition on count(DISTINCT entry_date).
func having(f *sqlb.Builder, occ *Modifier) {
	compare(f.SQL(" GROUP BY person_id HAVING "), "count(DISTINCT entry_date)", occ.Operator, occ.Operands)
}

// union writes the parts joined by UNION ALL, each line indented.
func union(f *sqlb.Builder, parts []*part, indent string) {
	for i, p := range parts {
		if i > 0 {
			f.SQL("\n", indent, "UNION ALL\n")
		}
		if p.label != "" {
			f.SQL(indent, "-- ", p.label, "\n")
		}
		f.AddIndented(&p.Builder, indent)
	}
}

// itemParts returns the SELECTs of an event item's events, selecting
// cols, labelled label.
func (c *compiler) itemParts(it Item, cols, label string) []*part {
	_, mods := occurrences(it)
	var parts []*part
	for _, u := range units(it) {
		f := &part{label: label}
		c.scan(&f.Builder, u, mods, cols)
		parts = append(parts, f)
	}
	return parts
}

// group adds the CTEs of group g, the last one named name, and reports
// whether that CTE has each person once.
func (c *compiler) group(name, path string, g Group) bool {
	if g.Temporal {
		c.temporal(name, path, g)
		return true
	}
	var parts []*part
	var person sqlb.Builder
	var personItems []string
	var plain buckets
	for i, it := range g.Items {
		label := index("items", i)
		occ, _ := occurrences(it)
		switch {
		case it.Type == DomainPerson:
			personItems = append(personItems, label)
			if !person.Empty() {
				person.SQL(" OR ")
			}
			personConditions(&person, []Item{it})
		case len(it.Modifiers) == 0 && !slices.ContainsFunc(it.Parameters, func(p Parameter) bool { return !p.plain() }):
			for _, p := range it.Parameters {
				plain.add(it.Type, p, label)
			}
		case occ != nil && c.datesPart(it, occ, label) != nil:
			parts = append(parts, c.datesPart(it, occ, label))
		case occ != nil:
			f := &part{label: label, unique: true}
			f.SQL("SELECT person_id FROM (\n")
			union(&f.Builder, c.itemParts(it, "person_id, entry_date", ""), "  ")
			f.SQL("\n)")
			having(&f.Builder, occ)
			parts = append(parts, f)
		default:
			parts = append(parts, c.itemParts(it, colsPerson, label)...)
		}
	}
	var head []*part
	if !person.Empty() {
		f := &part{label: strings.Join(personItems, ", "), unique: true}
		c.personsWhere(f.SQL("SELECT ", c.who, " FROM ")).Add(&person)
		head = append(head, f)
	}
	for _, u := range plain {
		f := &part{label: strings.Join(u.items, ", ")}
		c.conceptPersons(f, u)
		head = append(head, f)
	}
	all := append(head, parts...)
	if len(g.Items) == 1 {
		all[0].label = "" // the CTE's comment says it
	}
	var body sqlb.Builder
	union(&body, all, "  ")
	c.addCTE(name, path, &body)
	return len(all) == 1 && all[0].unique
}

// personConditions writes the search_person condition that any parameter
// of the PERSON items holds.
func personConditions(f *sqlb.Builder, items []Item) {
	for i, it := range items {
		for j, p := range it.Parameters {
			if i > 0 || j > 0 {
				f.SQL(" OR ")
			}
			personCondition(f, p)
		}
	}
}

// personCondition writes the search_person condition of a PERSON
// parameter.
func personCondition(f *sqlb.Builder, p Parameter) {
	switch p.Type {
	case TypeAge:
		f.SQL("(")
		for i, a := range p.Attributes {
			if i > 0 {
				f.SQL(" AND ")
			}
			compare(f, "age_at_ref", a.Operator, a.Operands)
		}
		f.SQL(" AND NOT is_deceased)")
	case TypeDeceased:
		f.SQL("is_deceased")
	default:
		f.SQL(personColumns[p.Type], " = ").Arg(p.ConceptID, "BIGINT")
	}
}

// temporal adds the CTEs of a temporal group: per item with an occurrence
// modifier its events, per side the events kept by the mention, and the
// group's persons as the pairs of side events in the relation.
func (c *compiler) temporal(name, path string, g Group) {
	var sides [2][]*part
	for i, it := range g.Items {
		occ, _ := occurrences(it)
		label := index("items", i)
		if occ != nil {
			itemName := name + "_item" + strconv.Itoa(i)
			var body sqlb.Builder
			union(&body, c.itemParts(it, colsEvent, ""), "  ")
			c.addCTE(itemName, index(field(path, "items"), i), &body)
			f := &part{label: label}
			f.SQL("SELECT ", colsEvent, " FROM ", itemName, " WHERE person_id IN (SELECT person_id FROM ", itemName)
			having(&f.Builder, occ)
			f.SQL(")")
			sides[it.TemporalGroup] = append(sides[it.TemporalGroup], f)
			continue
		}
		parts := c.itemParts(it, colsEvent, label)
		sides[it.TemporalGroup] = append(sides[it.TemporalGroup], parts...)
	}
	for s, parts := range sides {
		var body sqlb.Builder
		agg := map[Mention]string{FirstMention: "min", LastMention: "max"}[g.Mention]
		switch {
		case agg == "":
			union(&body, parts, "  ")
		case c.opt.Dialect == Spark:
			// Spark SQL has no QUALIFY: the window is a column of a
			// derived table.
			body.SQL("  SELECT ", colsEvent, " FROM (\n    SELECT ", colsEvent, ", ", agg, "(entry_date) OVER (PARTITION BY person_id) AS mention_date FROM (\n")
			union(&body, parts, "      ")
			body.SQL("\n    )\n  ) WHERE entry_date = mention_date")
		default:
			body.SQL("  SELECT ", colsEvent, " FROM (\n")
			union(&body, parts, "    ")
			body.SQL("\n  ) QUALIFY entry_date = ", agg, "(entry_date) OVER (PARTITION BY person_id)")
		}
		c.addCTE(name+"_side"+strconv.Itoa(s), path+" temporalGroup "+strconv.Itoa(s), &body)
	}
	var body sqlb.Builder
	switch g.Time {
	case WithinDays:
		c.withinDays(&body, name, g.TimeValue)
	case DaysBefore, DaysAfter:
		c.daysBeforeAfter(&body, name, g)
	default:
		body.SQL("  SELECT DISTINCT a.person_id FROM ", name, "_side0 a JOIN ", name, "_side1 b ON b.person_id = a.person_id AND a.visit_occurrence_id = b.visit_occurrence_id")
	}
	c.addCTE(name, path, &body)
}

// daysBeforeAfter writes the query of the persons with a side-0
// event at least X days before (or after) a side-1 event of the sides
// name_side0 and name_side1. Some pair of dates is so exactly when the
// person's earliest side-0 date is at least X days before their latest
// side-1 date (after: the latest at least X days after the earliest): a
// row a person and side, where a join compares every pair of the
// person's events. 07's groups as "30 days before" on the 200,000-person
// CDR of 1,500 events a person took 2,626-3,090 ms by pairs and 453-542
// by the persons' dates (through a probe, while other tests ran).
func (c *compiler) daysBeforeAfter(body *sqlb.Builder, name string, g Group) {
	first, second, cond := "min", "max", "a.entry_date <= b.entry_date - "
	if g.Time == DaysAfter {
		first, second, cond = "max", "min", "a.entry_date >= b.entry_date + "
	}
	if c.opt.Dialect == Spark {
		// Spark's date - integer is an error under ANSI rules; datediff
		// counts the days, and no arithmetic can overflow on a large X.
		cond = "datediff(b.entry_date, a.entry_date) >= "
		if g.Time == DaysAfter {
			cond = "datediff(a.entry_date, b.entry_date) >= "
		}
	}
	body.SQL("  SELECT a.person_id FROM (SELECT person_id, ", first, "(entry_date) AS entry_date FROM ", name, "_side0 GROUP BY person_id) a\n")
	body.SQL("  JOIN (SELECT person_id, ", second, "(entry_date) AS entry_date FROM ", name, "_side1 GROUP BY person_id) b\n")
	body.SQL("    ON b.person_id = a.person_id AND ", cond).Arg(g.TimeValue, c.daysType())
}

// withinDays writes the query of the persons with events of the
// sides name_side0 and name_side1 at most x days apart. The dates fall in
// windows of x+1 days (of day numbers, so every window is at least that
// wide), and two dates at most x days apart are in one window or two
// neighbouring ones: each side-1 event stands for its window and both
// neighbours, and the join on person and window compares a person's
// dates of nearby windows alone, not every pair of the person's events.
// On the 200,000-person CDR of 1,500 events a person, 07's join made 184M
// pairs: it counted in 2,402 ms, by windows in 863 (p50s of 7). At
// 1,000,000 persons of the natural density, 314 and 337 ms against 368
// and 405 (docs/benchmarks.md).
func (c *compiler) withinDays(body *sqlb.Builder, name string, x int64) {
	// Any two dates are within 2^40 days: a wider window changes nothing.
	width := min(x, 1<<40) + 1
	window := func(b *sqlb.Builder, a string) *sqlb.Builder {
		return b.SQL("(", a, "entry_date - DATE '1970-01-01') // ").Arg(width, "BIGINT")
	}
	neighbours, apart := "unnest([w - 1, w, w + 1])", "abs(a.entry_date - b.entry_date)"
	if c.opt.Dialect == Spark {
		window = func(b *sqlb.Builder, a string) *sqlb.Builder {
			return b.SQL("datediff(", a, "entry_date, DATE '1970-01-01') div ").Arg(width, "BIGINT")
		}
		neighbours, apart = "explode(array(w - 1, w, w + 1))", "abs(datediff(a.entry_date, b.entry_date))"
	}
	body.SQL("  SELECT DISTINCT a.person_id FROM ", name, "_side0 a JOIN (\n")
	body.SQL("    SELECT person_id, entry_date, ", neighbours, " AS w FROM (SELECT person_id, entry_date, ")
	window(body, "").SQL(" AS w FROM ", name, "_side1)\n")
	body.SQL("  ) b ON b.person_id = a.person_id AND b.w = ")
	window(body, "a.").SQL(" AND ", apart, " <= ").Arg(x, c.daysType())
}

// daysType is the type of a number of days that a date is compared with:
// DuckDB adds an INTEGER to a date; Spark's datediff compares with any
// number.
func (c *compiler) daysType() string {
	if c.opt.Dialect == Spark {
		return "BIGINT"
	}
	return "INTEGER"
}
