package cohort

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench/internal/sqlname"
)

// The index tables the compiled SQL reads, as package cdr builds them.
const (
	tablePerson        = "search_person"
	tableEvents        = "search_events"
	tableClosure       = "concept_closure"
	tableConceptPerson = "concept_person"
)

// Options configure Compile. The zero value works.
type Options struct {
	// Schema is the schema or attached database that holds the index
	// tables; empty means the connection's default.
	Schema string
}

// Query is compiled SQL with its positional arguments (`?`). The SQL
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

// compileKeyed compiles def to a query that selects each person's
// demo_key along with person_id (search_person and concept_person have
// it, search_events not), and reports whether it could: not when def needs
// events.
func compileKeyed(def *Definition, opt Options) (Query, bool, error) {
	q, c, err := compile(def, opt, true)
	if err != nil {
		return Query{}, false, err
	}
	return q, !c.events, nil
}

func compile(def *Definition, opt Options, keyed bool) (Query, *compiler, error) {
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
	var sets []string // what the chain selects person_id from
	var unique []bool // whether each set has each person once
	var persons frag
	var personPaths []string
	for i, g := range def.Includes {
		if !g.Temporal && !slices.ContainsFunc(g.Items, func(it Item) bool { return it.Type != DomainPerson }) {
			if !persons.empty() {
				persons.w(" AND ")
			}
			persons.w("(")
			personConditions(&persons, g.Items)
			persons.w(")")
			personPaths = append(personPaths, index("includes", i))
			continue
		}
		name := "include" + strconv.Itoa(i)
		sets = append(sets, name)
		unique = append(unique, c.group(name, index("includes", i), g))
	}
	for _, f := range slices.Compact(slices.Sorted(slices.Values(def.DataFilters))) {
		if !persons.empty() {
			persons.w(" AND ")
		}
		persons.w(dataFilterColumns[f])
	}
	if len(def.DataFilters) > 0 {
		personPaths = append(personPaths, "dataFilters")
	}
	switch {
	case !persons.empty():
		var body frag
		body.w("  SELECT ", c.who, " FROM ", c.table(tablePerson), " WHERE ")
		body.add(&persons)
		c.addCTE("persons", strings.Join(personPaths, ", "), &body)
		sets = append(sets, "persons")
		unique = append(unique, true)
	case len(def.Includes) == 0:
		sets = append(sets, c.table(tablePerson))
		unique = append(unique, true)
	}
	var final strings.Builder
	for i, s := range sets {
		if i > 0 {
			final.WriteString("\nINTERSECT\n")
		}
		// Set operations return each person once; a lone SELECT must
		// ask, unless its set has each person once already: a DISTINCT
		// of half a million persons costs more than reading them.
		if len(sets) == 1 && len(def.Excludes) == 0 && !unique[i] {
			final.WriteString("SELECT DISTINCT " + c.who + " FROM " + s)
		} else {
			final.WriteString("SELECT " + c.who + " FROM " + s)
		}
	}
	for i, g := range def.Excludes {
		name := "exclude" + strconv.Itoa(i)
		c.group(name, index("excludes", i), g)
		final.WriteString("\nEXCEPT\nSELECT " + c.who + " FROM " + name)
	}

	var q frag
	for i, t := range c.ctes {
		if i == 0 {
			q.w("WITH ")
		} else {
			q.w(",\n")
		}
		q.w(t.name, " AS ( -- ", t.path, "\n")
		q.add(&t.body)
		q.w("\n)")
	}
	if len(c.ctes) > 0 {
		q.w("\n")
	}
	q.w(final.String())
	return Query{SQL: q.b.String(), Args: q.args}, c, nil
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

// frag is SQL text with the arguments of its placeholders, in order, and
// a label (the items it selects from) that union writes as a comment.
// unique says that it selects each person at most once.
type frag struct {
	b      strings.Builder
	args   []any
	label  string
	unique bool
}

func (f *frag) w(s ...string) {
	for _, s := range s {
		f.b.WriteString(s)
	}
}

// arg writes a placeholder with a cast to typ and records its value.
func (f *frag) arg(v any, typ string) {
	f.b.WriteString("?::" + typ)
	f.args = append(f.args, v)
}

func (f *frag) add(g *frag) {
	f.b.WriteString(g.b.String())
	f.args = append(f.args, g.args...)
}

func (f *frag) empty() bool { return f.b.Len() == 0 }

type cte struct {
	name, path string
	body       frag
}

type compiler struct {
	opt  Options
	ctes []cte
	// who is the columns that name a person in the sets: person_id, or
	// person_id and demo_key for compileKeyed.
	who string
	// events is set when some set reads search_events.
	events bool
}

func (c *compiler) table(name string) string {
	if c.opt.Schema == "" {
		return sqlname.Quote(name)
	}
	return sqlname.Quote(c.opt.Schema) + "." + sqlname.Quote(name)
}

func (c *compiler) addCTE(name, path string, body *frag) {
	c.ctes = append(c.ctes, cte{name: name, path: path})
	c.ctes[len(c.ctes)-1].body.add(body)
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
func (c *compiler) scan(f *frag, u unit, mods []Modifier, cols string) {
	c.events = true
	f.w("SELECT ")
	for i, col := range strings.Split(cols, ", ") {
		if i > 0 {
			f.w(", ")
		}
		f.w("e.", col)
	}
	f.w(" FROM ", c.table(tableEvents), " e")
	// The readings after the first are filtered in derived tables: with
	// their conditions in the outer WHERE, DuckDB joined the unfiltered
	// events first (blood pressure on 1M persons: 2.7 s instead of 0.5 s).
	for i := 1; i < len(u.readings); i++ {
		a := "e" + strconv.Itoa(i)
		f.w("\n  JOIN (SELECT * FROM ", c.table(tableEvents), " ", a, " WHERE ")
		c.reading(f, a, u.standard, u.readings[i])
		f.w(") ", a, " ON ", a, ".person_id = e.person_id AND ", a, ".entry_date = e.entry_date AND ",
			a, ".visit_occurrence_id IS NOT DISTINCT FROM e.visit_occurrence_id")
	}
	f.w("\n  WHERE ")
	c.reading(f, "e", u.standard, u.readings[0])
	for _, m := range mods {
		switch m.Name {
		case AgeAtEvent:
			f.w("\n    AND ")
			compare(f, "e.age_at_event", m.Operator, m.Operands, kindWhole)
		case EventDate:
			f.w("\n    AND ")
			compare(f, "e.entry_date", m.Operator, m.Operands, kindDate)
		case Encounters:
			f.w("\n    AND e.visit_concept_id IN ")
			idList(f, concepts(m.Operands))
		}
	}
}

// reading writes the conditions on the events a of one reading: concept,
// standard flag, value attributes.
func (c *compiler) reading(f *frag, a string, standard bool, r unitReading) {
	c.conceptIn(f, a+".concept_id", r.exact, r.desc)
	if standard {
		f.w(" AND ", a, ".is_standard")
	} else {
		f.w(" AND NOT ", a, ".is_standard")
	}
	for _, at := range r.attrs {
		switch at.Name {
		case AttrNum:
			f.w(" AND ")
			compare(f, a+".value_as_number", at.Operator, at.Operands, kindNumber)
		case AttrCat:
			f.w(" AND ", a, ".value_as_concept_id IN ")
			idList(f, concepts(at.Operands))
		}
	}
}

// conceptIn writes "col IN (...)" for the concepts exact and the concepts
// desc with all their descendants.
func (c *compiler) conceptIn(f *frag, col string, exact, desc []int64) {
	exact, desc = conceptLists(exact, desc)
	f.w(col, " IN (")
	if len(desc) == 0 {
		// A placeholder per concept: DuckDB then plans the list as
		// constants, pushed into the scan, with better row estimates
		// than for a list argument's subquery (same encounter on 1M
		// persons: 0.40 s instead of 0.54 s).
		for i, id := range exact {
			if i > 0 {
				f.w(", ")
			}
			f.arg(id, "BIGINT")
		}
		f.w(")")
		return
	}
	if len(exact) > 0 {
		f.w("SELECT unnest(")
		f.arg(exact, "BIGINT[]")
		f.w(")")
	}
	if len(exact) > 0 && len(desc) > 0 {
		f.w(" UNION ALL ")
	}
	if len(desc) > 0 {
		f.w("SELECT descendant_id FROM ", c.table(tableClosure), " WHERE ancestor_id IN (SELECT unnest(")
		f.arg(desc, "BIGINT[]")
		f.w("))")
	}
	f.w(")")
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
func (c *compiler) conceptPersons(f *frag, u unit) {
	exact, desc := conceptLists(u.readings[0].exact, u.readings[0].desc)
	f.unique = len(exact)+len(desc) == 1
	standard := "is_standard"
	if !u.standard {
		standard = "NOT is_standard"
	}
	for i, part := range []struct {
		ids  []int64
		flag string
	}{{exact, "direct"}, {desc, "rolled"}} {
		if len(part.ids) == 0 {
			continue
		}
		if i > 0 && len(exact) > 0 {
			f.w("\nUNION ALL\n")
		}
		f.w("SELECT ", c.who, " FROM ", c.table(tableConceptPerson), " WHERE concept_id IN (")
		for j, id := range part.ids {
			if j > 0 {
				f.w(", ")
			}
			f.arg(id, "BIGINT")
		}
		f.w(") AND ", standard, " AND ", part.flag)
	}
}

// idList writes "(SELECT unnest(?::BIGINT[]))" for ids.
func idList(f *frag, ids []int64) {
	f.w("(SELECT unnest(")
	f.arg(slices.Compact(slices.Sorted(slices.Values(ids))), "BIGINT[]")
	f.w("))")
}

func concepts(operands []string) []int64 {
	ids := make([]int64, 0, len(operands))
	for _, s := range operands {
		v, _ := parseOperand(kindConcept, s)
		ids = append(ids, v.(int64))
	}
	return ids
}

var comparisonSQL = map[Operator]string{
	Equal: "=", NotEqual: "<>", LessThan: "<", GreaterThan: ">", LessThanOrEqual: "<=", GreaterThanOrEqual: ">=",
}

// compare writes "expr <op> operand(s)" with the operands, validated to be
// of kind k, as arguments.
func compare(f *frag, expr string, op Operator, operands []string, k operandKind) {
	typ := map[operandKind]string{kindNumber: "DOUBLE", kindWhole: "BIGINT", kindDate: "DATE"}[k]
	val := func(s string) any {
		v, _ := parseOperand(k, s)
		if t, ok := v.(time.Time); ok {
			return t.Format(time.DateOnly)
		}
		return v
	}
	f.w(expr)
	if op == Between {
		f.w(" BETWEEN ")
		f.arg(val(operands[0]), typ)
		f.w(" AND ")
		f.arg(val(operands[1]), typ)
		return
	}
	f.w(" ", comparisonSQL[op], " ")
	f.arg(val(operands[0]), typ)
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
func having(f *frag, occ *Modifier) {
	f.w(" GROUP BY person_id HAVING ")
	compare(f, "count(DISTINCT entry_date)", occ.Operator, occ.Operands, kindWhole)
}

// union writes the parts joined by UNION ALL, each line indented.
func union(f *frag, parts []*frag, indent string) {
	for i, p := range parts {
		if i > 0 {
			f.w("\n", indent, "UNION ALL\n")
		}
		if p.label != "" {
			f.w(indent, "-- ", p.label, "\n")
		}
		f.w(indent, strings.ReplaceAll(p.b.String(), "\n", "\n"+indent))
		f.args = append(f.args, p.args...)
	}
}

// itemParts returns the SELECTs of an event item's events, selecting
// cols, labelled label.
func (c *compiler) itemParts(it Item, cols, label string) []*frag {
	_, mods := occurrences(it)
	var parts []*frag
	for _, u := range units(it) {
		f := &frag{label: label}
		c.scan(f, u, mods, cols)
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
	var parts []*frag
	var person frag
	var personItems []string
	var plain buckets
	for i, it := range g.Items {
		label := index("items", i)
		occ, _ := occurrences(it)
		switch {
		case it.Type == DomainPerson:
			personItems = append(personItems, label)
			if !person.empty() {
				person.w(" OR ")
			}
			personConditions(&person, []Item{it})
		case len(it.Modifiers) == 0 && !slices.ContainsFunc(it.Parameters, func(p Parameter) bool { return !p.plain() }):
			for _, p := range it.Parameters {
				plain.add(it.Type, p, label)
			}
		case occ != nil:
			f := &frag{label: label, unique: true}
			f.w("SELECT person_id FROM (\n")
			union(f, c.itemParts(it, "person_id, entry_date", ""), "  ")
			f.w("\n)")
			having(f, occ)
			parts = append(parts, f)
		default:
			parts = append(parts, c.itemParts(it, colsPerson, label)...)
		}
	}
	var head []*frag
	if !person.empty() {
		f := &frag{label: strings.Join(personItems, ", "), unique: true}
		f.w("SELECT ", c.who, " FROM ", c.table(tablePerson), " WHERE ")
		f.add(&person)
		head = append(head, f)
	}
	for _, u := range plain {
		f := &frag{label: strings.Join(u.items, ", ")}
		c.conceptPersons(f, u)
		head = append(head, f)
	}
	all := append(head, parts...)
	if len(g.Items) == 1 {
		all[0].label = "" // the CTE's comment says it
	}
	var body frag
	union(&body, all, "  ")
	c.addCTE(name, path, &body)
	return len(all) == 1 && all[0].unique
}

// personConditions writes the search_person condition that any parameter
// of the PERSON items holds.
func personConditions(f *frag, items []Item) {
	for i, it := range items {
		for j, p := range it.Parameters {
			if i > 0 || j > 0 {
				f.w(" OR ")
			}
			personCondition(f, p)
		}
	}
}

// personCondition writes the search_person condition of a PERSON
// parameter.
func personCondition(f *frag, p Parameter) {
	switch p.Type {
	case TypeAge:
		f.w("(")
		for i, a := range p.Attributes {
			if i > 0 {
				f.w(" AND ")
			}
			compare(f, "age_at_ref", a.Operator, a.Operands, kindWhole)
		}
		f.w(" AND NOT is_deceased)")
	case TypeDeceased:
		f.w("is_deceased")
	default:
		f.w(personColumns[p.Type], " = ")
		f.arg(p.ConceptID, "BIGINT")
	}
}

// temporal adds the CTEs of a temporal group: per item with an occurrence
// modifier its events, per side the events kept by the mention, and the
// group's persons as the pairs of side events in the relation.
func (c *compiler) temporal(name, path string, g Group) {
	var sides [2][]*frag
	for i, it := range g.Items {
		occ, _ := occurrences(it)
		label := index("items", i)
		if occ != nil {
			itemName := name + "_item" + strconv.Itoa(i)
			var body frag
			union(&body, c.itemParts(it, colsEvent, ""), "  ")
			c.addCTE(itemName, index(field(path, "items"), i), &body)
			f := &frag{label: label}
			f.w("SELECT ", colsEvent, " FROM ", itemName, " WHERE person_id IN (SELECT person_id FROM ", itemName)
			having(f, occ)
			f.w(")")
			sides[it.TemporalGroup] = append(sides[it.TemporalGroup], f)
			continue
		}
		parts := c.itemParts(it, colsEvent, label)
		sides[it.TemporalGroup] = append(sides[it.TemporalGroup], parts...)
	}
	for s, parts := range sides {
		var body frag
		agg := map[Mention]string{FirstMention: "min", LastMention: "max"}[g.Mention]
		if agg == "" {
			union(&body, parts, "  ")
		} else {
			body.w("  SELECT ", colsEvent, " FROM (\n")
			union(&body, parts, "    ")
			body.w("\n  ) QUALIFY entry_date = ", agg, "(entry_date) OVER (PARTITION BY person_id)")
		}
		c.addCTE(fmt.Sprintf("%s_side%d", name, s), path+" temporalGroup "+strconv.Itoa(s), &body)
	}
	var body frag
	body.w("  SELECT DISTINCT a.person_id FROM ", name, "_side0 a JOIN ", name, "_side1 b ON b.person_id = a.person_id AND ")
	switch g.Time {
	case SameEncounter:
		body.w("a.visit_occurrence_id = b.visit_occurrence_id")
	case DaysBefore:
		body.w("a.entry_date <= b.entry_date - ")
		body.arg(g.TimeValue, "INTEGER")
	case DaysAfter:
		body.w("a.entry_date >= b.entry_date + ")
		body.arg(g.TimeValue, "INTEGER")
	case WithinDays:
		body.w("abs(a.entry_date - b.entry_date) <= ")
		body.arg(g.TimeValue, "INTEGER")
	}
	c.addCTE(name, path, &body)
}
