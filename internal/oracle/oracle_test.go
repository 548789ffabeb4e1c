package oracle_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/oracle"
)

// TestRandomDefinitions checks that the generator makes valid definitions
// that cover the whole model, and that the oracle runs on them.
func TestRandomDefinitions(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 0))
	data := oracle.RandomData(r)
	cov := oracle.Coverage{}
	for i := range 400 {
		def := oracle.RandomDefinition(r)
		cov.Add(def)
		require.NoError(t, def.Validate(), "seed %d definition %d: %s", seed, i, def)
		oracle.Eval(def, data)
	}
	assert.Empty(t, cov.Missing(), "random definitions never used these")
}

func closure(pairs ...[2]int64) []oracle.Closure {
	var out []oracle.Closure
	for _, p := range pairs {
		out = append(out, oracle.Closure{AncestorID: p[0], DescendantID: p[1]})
	}
	return out
}

// TestOracle checks the oracle itself on data small enough to reason
// about by hand.
func TestOracle(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2022, 1, d, 0, 0, 0, 0, time.UTC) }
	visit := func(id int64) *int64 { return &id }
	num := func(f float64) *float64 { return &f }
	data := oracle.Data{
		Persons: []oracle.Person{
			{PersonID: 1, GenderConceptID: 8532, AgeAtRef: 30, HasEHRData: true},
			{PersonID: 2, GenderConceptID: 8507, AgeAtRef: 70, HasEHRData: true},
			{PersonID: 3, GenderConceptID: 8532, AgeAtRef: 50, IsDeceased: true},
		},
		Events: []oracle.Event{
			{PersonID: 1, EntryDate: day(1), Domain: "CONDITION", ConceptID: 11, IsStandard: true, VisitOccurrenceID: visit(1), AgeAtEvent: 28},
			{PersonID: 1, EntryDate: day(1), Domain: "DRUG", ConceptID: 21, IsStandard: true, VisitOccurrenceID: visit(1), AgeAtEvent: 28},
			{PersonID: 2, EntryDate: day(1), Domain: "CONDITION", ConceptID: 10, IsStandard: true, AgeAtEvent: 68},
			{PersonID: 2, EntryDate: day(20), Domain: "DRUG", ConceptID: 20, IsStandard: true, AgeAtEvent: 68},
			{PersonID: 2, EntryDate: day(3), Domain: "PHYSICAL_MEASUREMENT", ConceptID: oracle.Systolic, IsStandard: true, ValueAsNumber: num(150), VisitOccurrenceID: visit(7)},
			{PersonID: 2, EntryDate: day(3), Domain: "PHYSICAL_MEASUREMENT", ConceptID: oracle.Diastolic, IsStandard: true, ValueAsNumber: num(95), VisitOccurrenceID: visit(7)},
			{PersonID: 3, EntryDate: day(3), Domain: "PHYSICAL_MEASUREMENT", ConceptID: oracle.Systolic, IsStandard: true, ValueAsNumber: num(150), VisitOccurrenceID: visit(8)},
			{PersonID: 3, EntryDate: day(4), Domain: "PHYSICAL_MEASUREMENT", ConceptID: oracle.Diastolic, IsStandard: true, ValueAsNumber: num(95), VisitOccurrenceID: visit(8)},
			{PersonID: 3, EntryDate: day(5), Domain: "CONDITION", ConceptID: 11, IsStandard: false},
		},
		Closure: closure([2]int64{10, 10}, [2]int64{10, 11}, [2]int64{11, 11}, [2]int64{20, 20}, [2]int64{20, 21}, [2]int64{21, 21}),
	}
	param := func(c int64, group bool) cohort.Parameter {
		return cohort.Parameter{ConceptID: c, Group: group, Standard: true}
	}
	item := func(d cohort.Domain, side int, ps ...cohort.Parameter) cohort.Item {
		return cohort.Item{Type: d, TemporalGroup: side, Parameters: ps}
	}
	one := func(items ...cohort.Item) *cohort.Definition {
		return &cohort.Definition{Includes: []cohort.Group{{Items: items}}}
	}
	bp := cohort.Parameter{Standard: true, Attributes: []cohort.Attribute{
		{Name: cohort.AttrNum, Operator: cohort.GreaterThanOrEqual, Operands: []cohort.Operand{cohort.Number(140)}, ConceptID: oracle.Systolic},
		{Name: cohort.AttrNum, Operator: cohort.GreaterThanOrEqual, Operands: []cohort.Operand{cohort.Number(90)}, ConceptID: oracle.Diastolic},
	}}
	source := param(11, false)
	source.Standard = false
	tests := []struct {
		name string
		def  *cohort.Definition
		want []int64
	}{
		{"exact concept", one(item(cohort.DomainCondition, 0, param(10, false))), []int64{2}},
		{"with descendants", one(item(cohort.DomainCondition, 0, param(10, true))), []int64{1, 2}},
		{"drugs always with descendants", one(item(cohort.DomainDrug, 0, param(20, false))), []int64{1, 2}},
		{"source concept", one(item(cohort.DomainCondition, 0, source)), []int64{3}},
		{"any domain table", one(item(cohort.DomainObservation, 0, param(11, false))), []int64{1}},
		{"blood pressure same date and visit", one(item(cohort.DomainPhysicalMeasurement, 0, bp)), []int64{2}},
		{"gender", one(item(cohort.DomainPerson, 0, cohort.Parameter{Type: cohort.TypeGender, ConceptID: 8532})), []int64{1, 3}},
		{"age of the living", one(item(cohort.DomainPerson, 0, cohort.Parameter{Type: cohort.TypeAge, Attributes: []cohort.Attribute{
			{Name: cohort.AttrAge, Operator: cohort.Between, Operands: []cohort.Operand{cohort.Whole(40), cohort.Whole(80)}}}})), []int64{2}},
		{"deceased", one(item(cohort.DomainPerson, 0, cohort.Parameter{Type: cohort.TypeDeceased})), []int64{3}},
		{"exclude only", &cohort.Definition{Excludes: []cohort.Group{{Items: []cohort.Item{item(cohort.DomainCondition, 0, param(11, false))}}}}, []int64{2, 3}},
		{"data filter", &cohort.Definition{Excludes: []cohort.Group{{Items: []cohort.Item{item(cohort.DomainCondition, 0, param(10, false))}}},
			DataFilters: []cohort.DataFilter{cohort.HasEHRData}}, []int64{1}},
	}
	temporal := func(t cohort.TimeRelation, days int64) *cohort.Definition {
		return &cohort.Definition{Includes: []cohort.Group{{Temporal: true, Mention: cohort.AnyMention, Time: t, TimeValue: days,
			Items: []cohort.Item{item(cohort.DomainCondition, 0, param(10, true)), item(cohort.DomainDrug, 1, param(20, false))}}}}
	}
	tests = append(tests, []struct {
		name string
		def  *cohort.Definition
		want []int64
	}{
		{"same encounter", temporal(cohort.SameEncounter, 0), []int64{1}},
		{"0 days before", temporal(cohort.DaysBefore, 0), []int64{1, 2}},
		{"19 days before", temporal(cohort.DaysBefore, 19), []int64{2}},
		{"20 days before", temporal(cohort.DaysBefore, 20), nil},
		{"0 days after", temporal(cohort.DaysAfter, 0), []int64{1}},
		{"within 19 days", temporal(cohort.WithinDays, 19), []int64{1, 2}},
		{"within 18 days", temporal(cohort.WithinDays, 18), []int64{1}},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for id := range oracle.Eval(tt.def, data) {
				got = append(got, id)
			}
			slices.Sort(got)
			assert.Equal(t, tt.want, got, fmt.Sprint(tt.def))
		})
	}
}
