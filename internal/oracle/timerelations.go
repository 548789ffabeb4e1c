package oracle

import (
	"time"

	"github.com/openworkbench/workbench/cohort"
)

// TimeCase is a definition of TimeRelations and its count.
type TimeCase struct {
	Time cohort.TimeRelation
	Def  *cohort.Definition
	Want int64
}

// TimeRelations is data on which each relation of a temporal group counts
// a person that the others do not (or none, for the same encounter), and
// a definition of each. Person 1 has concept 100 on 2020-01-01 and
// 2020-06-01 and concept 200 on 2020-03-01: 100 at least 30 days before
// and after 200. Person 2 has 100 on 2020-03-01 and 200 on 2020-03-10:
// within 9 days, in windows of 10 day numbers that are neighbours, so a
// side-0 date of the window below a side-1 date's must be compared too.
func TimeRelations() (Data, []TimeCase) {
	date := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	event := func(id, person, concept int64, day string) Event {
		return Event{EventID: id, PersonID: person, EntryDate: date(day), Domain: "CONDITION", ConceptID: concept, IsStandard: true, AgeAtEvent: 50}
	}
	var data Data
	for _, id := range []int64{1, 2} {
		data.Persons = append(data.Persons, Person{PersonID: id, GenderConceptID: 8532, Gender: "FEMALE", SexAtBirthConceptID: 8532,
			SexAtBirth: "Female", BirthDate: date("1970-01-01"), AgeAtRef: 55, HasEHRData: true})
	}
	data.Events = []Event{
		event(1, 1, 100, "2020-01-01"), event(2, 1, 100, "2020-06-01"), event(3, 1, 200, "2020-03-01"),
		event(4, 2, 100, "2020-03-01"), event(5, 2, 200, "2020-03-10"),
	}
	data.Closure = []Closure{{AncestorID: 100, DescendantID: 100}, {AncestorID: 200, DescendantID: 200}}
	item := func(concept int64, side int) cohort.Item {
		return cohort.Item{Type: cohort.DomainCondition, TemporalGroup: side,
			Parameters: []cohort.Parameter{{ConceptID: concept, Standard: true}}}
	}
	var cases []TimeCase
	for _, c := range []struct {
		time cohort.TimeRelation
		days int64
		want int64
	}{{cohort.DaysBefore, 30, 1}, {cohort.DaysAfter, 30, 1}, {cohort.WithinDays, 9, 1}, {cohort.SameEncounter, 30, 0}} {
		def := &cohort.Definition{Includes: []cohort.Group{{Temporal: true, Mention: cohort.AnyMention, Time: c.time, TimeValue: c.days,
			Items: []cohort.Item{item(100, 0), item(200, 1)}}}}
		cases = append(cases, TimeCase{Time: c.time, Def: def, Want: c.want})
	}
	return data, cases
}
