// Package oracle is a plain-Go evaluator of cohort definitions over rows
// held in memory, written independently of the SQL compiler so the two can
// be compared: the same definition must give the same persons through
// cohort.Compile on DuckDB (the tests of package engine) and through Eval.
// It also generates random index rows and random definitions from a seed,
// and counts what random definitions cover (Coverage).
//
// Eval follows the semantics of DESIGN.md "Cohort definitions" and the
// decisions documented in package cohort. It assumes a valid definition.
package oracle

import (
	"slices"
	"time"

	"github.com/openworkbench/workbench/cohort"
)

// Person is a row of search_person.
type Person struct {
	PersonID                   int64
	GenderConceptID            int64
	Gender                     string
	SexAtBirthConceptID        int64
	SexAtBirth                 string
	RaceConceptID              int64
	Race                       string
	EthnicityConceptID         int64
	Ethnicity                  string
	BirthDate                  time.Time
	AgeAtRef                   int32
	DeathDate                  *time.Time
	IsDeceased                 bool
	HasEHRData                 bool
	HasSurveyData              bool
	HasPhysicalMeasurementData bool
}

// Event is a row of search_events.
type Event struct {
	PersonID          int64
	EntryDate         time.Time
	Domain            string
	ConceptID         int64
	IsStandard        bool
	EventID           int64
	VisitOccurrenceID *int64
	VisitConceptID    *int64
	AgeAtEvent        int32
	ValueAsNumber     *float64
	ValueAsConceptID  *int64
	UnitConceptID     *int64
}

// Closure is a row of concept_closure.
type Closure struct {
	AncestorID   int64
	DescendantID int64
	MinLevels    int32
}

// Data is a small CDR index held in memory.
type Data struct {
	Persons []Person
	Events  []Event
	Closure []Closure
}

// Eval returns the persons of the cohort def over data.
func Eval(def *cohort.Definition, data Data) map[int64]bool {
	ev := evaluator{data: data, desc: map[int64]map[int64]bool{}}
	for _, c := range data.Closure {
		if ev.desc[c.AncestorID] == nil {
			ev.desc[c.AncestorID] = map[int64]bool{}
		}
		ev.desc[c.AncestorID][c.DescendantID] = true
	}
	var include []map[int64]bool
	for _, g := range def.Includes {
		include = append(include, ev.group(g))
	}
	var exclude []map[int64]bool
	for _, g := range def.Excludes {
		exclude = append(exclude, ev.group(g))
	}
	out := map[int64]bool{}
persons:
	for _, p := range data.Persons {
		for _, s := range include {
			if !s[p.PersonID] {
				continue persons
			}
		}
		for _, s := range exclude {
			if s[p.PersonID] {
				continue persons
			}
		}
		for _, f := range def.DataFilters {
			switch f {
			case cohort.HasEHRData:
				if !p.HasEHRData {
					continue persons
				}
			case cohort.HasPhysicalMeasurementData:
				if !p.HasPhysicalMeasurementData {
					continue persons
				}
			}
		}
		out[p.PersonID] = true
	}
	return out
}

type evaluator struct {
	data Data
	desc map[int64]map[int64]bool
}

// group returns the persons matching g.
func (ev *evaluator) group(g cohort.Group) map[int64]bool {
	out := map[int64]bool{}
	if !g.Temporal {
		for _, it := range g.Items {
			if it.Type == cohort.DomainPerson {
				for _, p := range ev.data.Persons {
					if slices.ContainsFunc(it.Parameters, func(par cohort.Parameter) bool { return personMatches(p, par) }) {
						out[p.PersonID] = true
					}
				}
				continue
			}
			for _, e := range ev.item(it) {
				out[e.PersonID] = true
			}
		}
		return out
	}
	var sides [2][]Event
	for _, it := range g.Items {
		sides[it.TemporalGroup] = append(sides[it.TemporalGroup], ev.item(it)...)
	}
	for s := range sides {
		sides[s] = mention(sides[s], g.Mention)
	}
	for _, a := range sides[0] {
		for _, b := range sides[1] {
			if a.PersonID == b.PersonID && related(a, b, g.Time, int(g.TimeValue)) {
				out[a.PersonID] = true
			}
		}
	}
	return out
}

func related(a, b Event, t cohort.TimeRelation, days int) bool {
	switch t {
	case cohort.SameEncounter:
		return a.VisitOccurrenceID != nil && b.VisitOccurrenceID != nil && *a.VisitOccurrenceID == *b.VisitOccurrenceID
	case cohort.DaysBefore:
		return !a.EntryDate.After(b.EntryDate.AddDate(0, 0, -days))
	case cohort.DaysAfter:
		return !a.EntryDate.Before(b.EntryDate.AddDate(0, 0, days))
	case cohort.WithinDays:
		d := int(a.EntryDate.Sub(b.EntryDate).Hours() / 24)
		return d <= days && -d <= days
	}
	panic("oracle: unknown time relation " + string(t))
}

// mention keeps, per person, the events of the earliest (FIRST) or latest
// (LAST) date, or all events (ANY).
func mention(events []Event, m cohort.Mention) []Event {
	if m == cohort.AnyMention {
		return events
	}
	best := map[int64]time.Time{}
	for _, e := range events {
		b, ok := best[e.PersonID]
		if !ok || (m == cohort.FirstMention && e.EntryDate.Before(b)) || (m == cohort.LastMention && e.EntryDate.After(b)) {
			best[e.PersonID] = e.EntryDate
		}
	}
	var out []Event
	for _, e := range events {
		if e.EntryDate.Equal(best[e.PersonID]) {
			out = append(out, e)
		}
	}
	return out
}

func personMatches(p Person, par cohort.Parameter) bool {
	switch par.Type {
	case cohort.TypeAge:
		if p.IsDeceased {
			return false
		}
		for _, a := range par.Attributes {
			if !compareInt(int64(p.AgeAtRef), a.Operator, a.Operands) {
				return false
			}
		}
		return true
	case cohort.TypeGender:
		return p.GenderConceptID == par.ConceptID
	case cohort.TypeSex:
		return p.SexAtBirthConceptID == par.ConceptID
	case cohort.TypeRace:
		return p.RaceConceptID == par.ConceptID
	case cohort.TypeEthnicity:
		return p.EthnicityConceptID == par.ConceptID
	case cohort.TypeDeceased:
		return p.IsDeceased
	}
	panic("oracle: unknown person type " + string(par.Type))
}

// item returns the events of it: those of any of its parameters that
// satisfy every modifier, then, with NUM_OF_OCCURRENCES, only those of
// persons whose count of distinct dates satisfies it.
func (ev *evaluator) item(it cohort.Item) []Event {
	var events []Event
	for _, par := range it.Parameters {
		for _, e := range ev.parameter(it.Type, par) {
			if modifiersHold(e, it.Modifiers) {
				events = append(events, e)
			}
		}
	}
	for _, m := range it.Modifiers {
		if m.Name != cohort.NumOfOccurrences {
			continue
		}
		dates := map[int64]map[time.Time]bool{}
		for _, e := range events {
			if dates[e.PersonID] == nil {
				dates[e.PersonID] = map[time.Time]bool{}
			}
			dates[e.PersonID][e.EntryDate] = true
		}
		events = slices.DeleteFunc(events, func(e Event) bool {
			return !compareInt(int64(len(dates[e.PersonID])), m.Operator, m.Operands)
		})
	}
	return events
}

func modifiersHold(e Event, mods []cohort.Modifier) bool {
	for _, m := range mods {
		switch m.Name {
		case cohort.AgeAtEvent:
			if !compareInt(int64(e.AgeAtEvent), m.Operator, m.Operands) {
				return false
			}
		case cohort.EventDate:
			if !compareDate(e.EntryDate, m.Operator, m.Operands) {
				return false
			}
		case cohort.Encounters:
			if e.VisitConceptID == nil || !slices.Contains(ints(m.Operands), *e.VisitConceptID) {
				return false
			}
		}
	}
	return true
}

// parameter returns the events of par: with attributes naming several
// concepts, the events of the first concept that have, for every other,
// an event of the same person, date and visit satisfying its attributes.
func (ev *evaluator) parameter(item cohort.Domain, par cohort.Parameter) []Event {
	domain := par.Domain
	if domain == "" {
		domain = item
	}
	type reading struct {
		concept int64
		attrs   []cohort.Attribute
	}
	var rs []reading
	add := func(c int64, a *cohort.Attribute) {
		for i := range rs {
			if rs[i].concept == c {
				if a != nil {
					rs[i].attrs = append(rs[i].attrs, *a)
				}
				return
			}
		}
		r := reading{concept: c}
		if a != nil {
			r.attrs = []cohort.Attribute{*a}
		}
		rs = append(rs, r)
	}
	if len(par.Attributes) == 0 {
		add(par.ConceptID, nil)
	}
	for _, a := range par.Attributes {
		c := a.ConceptID
		if c == 0 {
			c = par.ConceptID
		}
		add(c, &a)
	}
	descendants := par.Group || par.AncestorData || domain == cohort.DomainDrug
	matches := func(e Event, r reading) bool {
		if e.IsStandard != par.Standard {
			return false
		}
		if descendants {
			if !ev.desc[r.concept][e.ConceptID] {
				return false
			}
		} else if e.ConceptID != r.concept {
			return false
		}
		for _, a := range r.attrs {
			switch a.Name {
			case cohort.AttrNum:
				if e.ValueAsNumber == nil || !compareFloat(*e.ValueAsNumber, a.Operator, a.Operands) {
					return false
				}
			case cohort.AttrCat:
				if e.ValueAsConceptID == nil || !slices.Contains(ints(a.Operands), *e.ValueAsConceptID) {
					return false
				}
			}
		}
		return true
	}
	var out []Event
	for _, e := range ev.data.Events {
		if !matches(e, rs[0]) {
			continue
		}
		all := true
		for _, r := range rs[1:] {
			if !slices.ContainsFunc(ev.data.Events, func(o Event) bool {
				return o.PersonID == e.PersonID && o.EntryDate.Equal(e.EntryDate) && sameVisit(o, e) && matches(o, r)
			}) {
				all = false
				break
			}
		}
		if all {
			out = append(out, e)
		}
	}
	return out
}

// sameVisit compares visit ids, two missing visits being the same.
func sameVisit(a, b Event) bool {
	if a.VisitOccurrenceID == nil || b.VisitOccurrenceID == nil {
		return a.VisitOccurrenceID == nil && b.VisitOccurrenceID == nil
	}
	return *a.VisitOccurrenceID == *b.VisitOccurrenceID
}

// ints, floats and dates return the values of operands of one kind,
// which a valid definition has.
func ints(os []cohort.Operand) []int64 {
	var out []int64
	for _, o := range os {
		switch o := o.(type) {
		case cohort.Whole:
			out = append(out, int64(o))
		case cohort.ConceptID:
			out = append(out, int64(o))
		default:
			panic("oracle: bad integer operand " + o.String())
		}
	}
	return out
}

func floats(os []cohort.Operand) []float64 {
	var out []float64
	for _, o := range os {
		f, ok := o.(cohort.Number)
		if !ok {
			panic("oracle: bad number operand " + o.String())
		}
		out = append(out, float64(f))
	}
	return out
}

func dates(os []cohort.Operand) []time.Time {
	var out []time.Time
	for _, o := range os {
		d, ok := o.(cohort.Date)
		if !ok {
			panic("oracle: bad date operand " + o.String())
		}
		out = append(out, time.Time(d))
	}
	return out
}

// holds applies op given cmp(i), the comparison (-1, 0, 1) of the value
// with operand i.
func holds(op cohort.Operator, cmp func(i int) int) bool {
	switch op {
	case cohort.Equal:
		return cmp(0) == 0
	case cohort.NotEqual:
		return cmp(0) != 0
	case cohort.LessThan:
		return cmp(0) < 0
	case cohort.GreaterThan:
		return cmp(0) > 0
	case cohort.LessThanOrEqual:
		return cmp(0) <= 0
	case cohort.GreaterThanOrEqual:
		return cmp(0) >= 0
	case cohort.Between:
		return cmp(0) >= 0 && cmp(1) <= 0
	}
	panic("oracle: operator " + string(op) + " does not compare")
}

func three[T int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func compareInt(x int64, op cohort.Operator, operands []cohort.Operand) bool {
	v := ints(operands)
	return holds(op, func(i int) int { return three(x, v[i]) })
}

func compareFloat(x float64, op cohort.Operator, operands []cohort.Operand) bool {
	v := floats(operands)
	return holds(op, func(i int) int { return three(x, v[i]) })
}

func compareDate(x time.Time, op cohort.Operator, operands []cohort.Operand) bool {
	v := dates(operands)
	return holds(op, func(i int) int { return x.Compare(v[i]) })
}
