package oracle

import (
	"math/rand/v2"
	"time"

	"github.com/openworkbench/workbench/cohort"
)

// The vocabulary of random data. Each event domain has a concept tree
// 100*(d+1)+1 .. 100*(d+1)+conceptsPerDomain where k's parent is
// (k+1)/3 (so 1 is the root), and source concepts 10000+ that are not in
// any hierarchy. Blood pressure readings are physical measurements of
// the concepts Systolic and Diastolic.
const (
	conceptsPerDomain = 7
	sourceBase        = 10000
	Systolic          = 903118
	Diastolic         = 903115
)

// Concept values of persons and events.
var (
	Genders     = []int64{8507, 8532}
	Sexes       = []int64{8507, 8532, 0}
	Races       = []int64{8515, 8516, 8527}
	Ethnicities = []int64{38003563, 38003564}
	VisitTypes  = []int64{9201, 9202, 9203}
	ValueCats   = []int64{4001, 4002, 4003}
	// RefDate is the reference date of random data.
	RefDate = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
)

var eventDomains = []cohort.Domain{
	cohort.DomainCondition, cohort.DomainDrug, cohort.DomainProcedure, cohort.DomainMeasurement,
	cohort.DomainObservation, cohort.DomainDevice, cohort.DomainVisit, cohort.DomainSurvey,
	cohort.DomainPhysicalMeasurement,
}

// concept returns the k-th (1-based) standard concept of domain index d.
func concept(d, k int) int64 { return int64(100*(d+1) + k) }

func domainIndex(d cohort.Domain) int {
	for i, x := range eventDomains {
		if x == d {
			return i
		}
	}
	return -1
}

// age is the age in completed years on day at of a person born on birth.
func age(birth, at time.Time) int32 {
	a := at.Year() - birth.Year()
	if at.Month() < birth.Month() || (at.Month() == birth.Month() && at.Day() < birth.Day()) {
		a--
	}
	return int32(a)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func ptr[T any](v T) *T { return &v }

// RandomData makes a small index: persons, their events in every domain
// (with visits, values, source rows and blood pressure pairs) and the
// closure of the vocabulary.
func RandomData(r *rand.Rand) Data {
	var data Data
	for d := range eventDomains {
		for k := 1; k <= conceptsPerDomain; k++ {
			for a := k; a >= 1; a = (a + 1) / 3 {
				data.Closure = append(data.Closure, Closure{AncestorID: concept(d, a), DescendantID: concept(d, k), MinLevels: int32(depth(k) - depth(a))})
				if a == 1 {
					break
				}
			}
			data.Closure = append(data.Closure, Closure{AncestorID: sourceBase + concept(d, k), DescendantID: sourceBase + concept(d, k)})
		}
	}
	for _, c := range append([]int64{Systolic, Diastolic}, VisitTypes...) {
		data.Closure = append(data.Closure, Closure{AncestorID: c, DescendantID: c})
	}
	// Dates are drawn from a small set so that events share dates.
	day0 := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	date := func() time.Time { return day0.AddDate(0, 0, r.IntN(40)*7) }
	persons := 25 + r.IntN(25)
	var eventID, visitID int64
	for pid := int64(1); pid <= int64(persons); pid++ {
		birth := time.Date(1930+r.IntN(85), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		p := Person{
			PersonID:            pid,
			GenderConceptID:     pick(r, Genders),
			SexAtBirthConceptID: pick(r, Sexes),
			RaceConceptID:       pick(r, Races),
			EthnicityConceptID:  pick(r, Ethnicities),
			BirthDate:           birth,
			AgeAtRef:            age(birth, RefDate),
			HasSurveyData:       r.IntN(2) == 0,
		}
		p.Gender, p.SexAtBirth, p.Race, p.Ethnicity = "g", "s", "r", "e"
		if r.IntN(6) == 0 {
			p.IsDeceased = true
			p.DeathDate = ptr(RefDate.AddDate(0, 0, -r.IntN(300)))
		}
		type visit struct {
			id, concept int64
			date        time.Time
		}
		var visits []visit
		for range r.IntN(4) {
			visitID++
			v := visit{id: visitID, concept: pick(r, VisitTypes), date: date()}
			visits = append(visits, v)
			eventID++
			data.Events = append(data.Events, Event{PersonID: pid, EntryDate: v.date, Domain: string(cohort.DomainVisit),
				ConceptID: v.concept, IsStandard: true, EventID: eventID, VisitOccurrenceID: ptr(v.id), VisitConceptID: ptr(v.concept),
				AgeAtEvent: age(birth, v.date)})
		}
		n := r.IntN(20)
		for range n {
			d := r.IntN(len(eventDomains))
			e := Event{PersonID: pid, Domain: string(eventDomains[d]), ConceptID: concept(d, 1+r.IntN(conceptsPerDomain)), IsStandard: true}
			if r.IntN(10) == 0 {
				// Recorded in another domain's table, as source codes can be.
				e.Domain = string(pick(r, eventDomains))
			}
			if len(visits) > 0 && r.IntN(5) > 0 {
				v := pick(r, visits)
				e.VisitOccurrenceID, e.VisitConceptID, e.EntryDate = ptr(v.id), ptr(v.concept), v.date
			} else {
				e.EntryDate = date()
			}
			e.AgeAtEvent = age(birth, e.EntryDate)
			switch eventDomains[d] {
			case cohort.DomainMeasurement, cohort.DomainObservation, cohort.DomainSurvey, cohort.DomainPhysicalMeasurement:
				if r.IntN(5) > 0 {
					e.ValueAsNumber = ptr(float64(r.IntN(200)) / 2)
				}
				if r.IntN(2) == 0 {
					e.ValueAsConceptID = ptr(pick(r, ValueCats))
				}
				e.UnitConceptID = ptr(int64(8876))
			}
			if eventDomains[d] == cohort.DomainPhysicalMeasurement && r.IntN(2) == 0 {
				// A blood pressure: systolic and diastolic of one date and
				// visit; sometimes the diastolic is missing, of another
				// visit, or of none.
				for _, c := range []int64{Systolic, Diastolic} {
					bp := e
					eventID++
					bp.EventID, bp.ConceptID = eventID, c
					bp.ValueAsNumber = ptr(float64(50 + r.IntN(130)))
					if c == Diastolic {
						switch r.IntN(8) {
						case 0:
							continue
						case 1:
							bp.VisitOccurrenceID = ptr(1000000 + eventID)
						case 2:
							bp.VisitOccurrenceID, bp.VisitConceptID = nil, nil
						}
					}
					data.Events = append(data.Events, bp)
				}
				continue
			}
			eventID++
			e.EventID = eventID
			data.Events = append(data.Events, e)
			if r.IntN(4) == 0 {
				src := e
				src.ConceptID, src.IsStandard = sourceBase+e.ConceptID, false
				data.Events = append(data.Events, src)
			}
		}
		p.HasEHRData = len(visits) > 0 || n > 0
		p.HasPhysicalMeasurementData = r.IntN(3) == 0
		data.Persons = append(data.Persons, p)
	}
	return data
}

func depth(k int) int {
	d := 0
	for ; k > 1; k = (k + 1) / 3 {
		d++
	}
	return d
}

// RandomDefinition makes a valid definition over the vocabulary of
// RandomData, using every domain, modifier, attribute, operator, mention
// and time relation with some probability.
func RandomDefinition(r *rand.Rand) *cohort.Definition {
	def := &cohort.Definition{}
	for range pick(r, []int{0, 1, 1, 1, 2}) {
		def.Includes = append(def.Includes, randomGroup(r))
	}
	for range r.IntN(2) {
		def.Excludes = append(def.Excludes, randomGroup(r))
	}
	if len(def.Includes) == 0 && len(def.Excludes) == 0 {
		def.Includes = append(def.Includes, randomGroup(r))
	}
	for _, f := range cohort.DataFilters {
		if r.IntN(5) == 0 {
			def.DataFilters = append(def.DataFilters, f)
		}
	}
	return def
}

func randomGroup(r *rand.Rand) cohort.Group {
	var g cohort.Group
	if r.IntN(3) == 0 {
		g.Temporal = true
		g.Mention = pick(r, cohort.Mentions)
		g.Time = pick(r, cohort.TimeRelations)
		if g.Time != cohort.SameEncounter {
			g.TimeValue = int64(r.IntN(4) * 30)
		}
		for side := range 2 {
			for range 1 + r.IntN(2) {
				it := randomItem(r, pick(r, eventDomains))
				it.TemporalGroup = side
				g.Items = append(g.Items, it)
			}
		}
		return g
	}
	for range 1 + r.IntN(3) {
		d := pick(r, cohort.Domains)
		g.Items = append(g.Items, randomItem(r, d))
	}
	return g
}

func randomItem(r *rand.Rand, d cohort.Domain) cohort.Item {
	it := cohort.Item{Type: d, Name: "item"}
	if d == cohort.DomainPerson {
		for range 1 + r.IntN(2) {
			it.Parameters = append(it.Parameters, randomPerson(r))
		}
		return it
	}
	for range 1 + r.IntN(3) {
		it.Parameters = append(it.Parameters, randomParameter(r, d))
	}
	for _, m := range cohort.ModifierNames {
		if r.IntN(5) > 0 {
			continue
		}
		mod := cohort.Modifier{Name: m}
		switch m {
		case cohort.AgeAtEvent:
			mod.Operator, mod.Operands = randomComparison(r, func() cohort.Operand { return cohort.Whole(r.IntN(90)) })
		case cohort.NumOfOccurrences:
			mod.Operator, mod.Operands = randomComparison(r, func() cohort.Operand { return cohort.Whole(1 + r.IntN(3)) })
		case cohort.EventDate:
			mod.Operator, mod.Operands = randomComparison(r, func() cohort.Operand {
				return cohort.Date(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(40)*7))
			})
		case cohort.Encounters:
			mod.Operator = cohort.In
			for range 1 + r.IntN(2) {
				mod.Operands = append(mod.Operands, cohort.ConceptID(pick(r, VisitTypes)))
			}
		}
		it.Modifiers = append(it.Modifiers, mod)
	}
	return it
}

// randomComparison returns a comparison operator and its operands drawn
// from val, in order for BETWEEN.
func randomComparison(r *rand.Rand, val func() cohort.Operand) (cohort.Operator, []cohort.Operand) {
	ops := []cohort.Operator{cohort.Equal, cohort.NotEqual, cohort.LessThan, cohort.GreaterThan,
		cohort.LessThanOrEqual, cohort.GreaterThanOrEqual, cohort.Between, cohort.Between}
	op := pick(r, ops)
	if op != cohort.Between {
		return op, []cohort.Operand{val()}
	}
	a, b := val(), val()
	if less(b, a) {
		a, b = b, a
	}
	return op, []cohort.Operand{a, b}
}

// less orders operands of one kind: numbers by value, dates by their
// YYYY-MM-DD text.
func less(a, b cohort.Operand) bool {
	switch a := a.(type) {
	case cohort.Number:
		return a < b.(cohort.Number)
	case cohort.Whole:
		return a < b.(cohort.Whole)
	}
	return a.String() < b.String()
}

func randomParameter(r *rand.Rand, d cohort.Domain) cohort.Parameter {
	di := domainIndex(d)
	p := cohort.Parameter{
		Name:         "param",
		Type:         "VOCAB",
		Group:        r.IntN(3) == 0,
		AncestorData: r.IntN(4) == 0,
		Standard:     r.IntN(6) > 0,
		ConceptID:    concept(di, 1+r.IntN(conceptsPerDomain)),
	}
	if r.IntN(2) == 0 {
		p.Domain = d
	}
	if !p.Standard {
		p.ConceptID += sourceBase
	}
	if d == cohort.DomainVisit && p.Standard && r.IntN(2) == 0 {
		p.ConceptID = pick(r, VisitTypes)
	}
	if d == cohort.DomainPhysicalMeasurement && r.IntN(3) == 0 {
		// Blood pressure: both readings, each with its own condition,
		// in either order.
		p.ConceptID, p.Group, p.AncestorData = 0, false, false
		readings := []int64{Systolic, Diastolic}
		if r.IntN(2) == 0 {
			readings[0], readings[1] = Diastolic, Systolic
		}
		for _, c := range readings {
			op, operands := randomComparison(r, func() cohort.Operand { return cohort.Number(50 + r.IntN(130)) })
			p.Attributes = append(p.Attributes, cohort.Attribute{Name: cohort.AttrNum, Operator: op, Operands: operands, ConceptID: c})
		}
		return p
	}
	switch d {
	case cohort.DomainMeasurement, cohort.DomainObservation, cohort.DomainSurvey, cohort.DomainPhysicalMeasurement:
	default:
		return p
	}
	for range r.IntN(3) {
		a := cohort.Attribute{Name: pick(r, []cohort.AttrName{cohort.AttrAny, cohort.AttrNum, cohort.AttrCat})}
		if r.IntN(2) == 0 {
			a.ConceptID = p.ConceptID
		}
		switch a.Name {
		case cohort.AttrNum:
			a.Operator, a.Operands = randomComparison(r, func() cohort.Operand { return cohort.Number(float64(r.IntN(200)) / 2) })
		case cohort.AttrCat:
			a.Operator = pick(r, []cohort.Operator{cohort.In, cohort.Equal})
			n := 1
			if a.Operator == cohort.In {
				n += r.IntN(2)
			}
			for range n {
				a.Operands = append(a.Operands, cohort.ConceptID(pick(r, ValueCats)))
			}
		}
		p.Attributes = append(p.Attributes, a)
	}
	return p
}

func randomPerson(r *rand.Rand) cohort.Parameter {
	p := cohort.Parameter{Domain: cohort.DomainPerson, Type: pick(r, cohort.PersonTypes), Standard: true, Name: "person"}
	switch p.Type {
	case cohort.TypeAge:
		op, operands := randomComparison(r, func() cohort.Operand { return cohort.Whole(r.IntN(95)) })
		p.Attributes = []cohort.Attribute{{Name: cohort.AttrAge, Operator: op, Operands: operands}}
	case cohort.TypeGender:
		p.ConceptID = pick(r, Genders)
	case cohort.TypeSex:
		p.ConceptID = pick(r, Sexes[:2])
	case cohort.TypeRace:
		p.ConceptID = pick(r, Races)
	case cohort.TypeEthnicity:
		p.ConceptID = pick(r, Ethnicities)
	}
	return p
}
