package synth

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/openworkbench/workbench/cdr"
)

// rows is what one table file gets: the columns set (others are NULL) and
// a function that writes row i's values in that order.
type rows struct {
	table string
	cols  []string
	n     int
	row   func(i int, out []any)
}

// write writes the rows to a Parquet file at path.
func (rs rows) write(ctx context.Context, w *cdr.ParquetWriter, path string) error {
	return w.Write(ctx, path, rs.table, rs.cols, rs.n, rs.row)
}

// Optional values: absent ones are NULL.
func optDay(d day) any {
	if d == noDay {
		return nil
	}
	return d.time()
}

func optID(id int64) any {
	if id < 0 {
		return nil
	}
	return id
}

func optVisit(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func optFloat(x float64) any {
	if math.IsNaN(x) {
		return nil
	}
	return x
}

func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var sourceValues = map[int64]string{
	male: "M", female: "F",
	raceWhite: "White", raceBlack: "Black or African American", raceAsian: "Asian",
	raceAIAN: "American Indian or Alaska Native", raceNHPI: "Native Hawaiian or Other Pacific Islander",
	hispanic: "Hispanic or Latino", notHispanic: "Not Hispanic or Latino",
	inpatientVisit: "IP", outpatientVisit: "OP", erVisit: "ER",
}

// tables lists the block's rows per clinical table.
func (b *block) tables() []rows {
	return []rows{
		{"person", []string{"person_id", "gender_concept_id", "year_of_birth", "month_of_birth", "day_of_birth",
			"birth_datetime", "race_concept_id", "ethnicity_concept_id", "gender_source_value", "race_source_value",
			"ethnicity_source_value"}, len(b.persons), func(i int, o []any) {
			r := &b.persons[i]
			y, m, d := r.birth.date()
			o[0], o[1], o[2], o[3], o[4] = r.id, r.gender, int64(y), int64(m), int64(d)
			o[5], o[6], o[7], o[8] = r.birth.time(), r.race, r.ethnicity, sourceValues[r.gender]
			o[9], o[10] = optString(sourceValues[r.race]), optString(sourceValues[r.ethnicity])
		}},
		{"observation_period", []string{"observation_period_id", "person_id", "observation_period_start_date",
			"observation_period_end_date", "period_type_concept_id"}, len(b.periods), func(i int, o []any) {
			r := &b.periods[i]
			o[0], o[1], o[2], o[3], o[4] = r.person, r.person, r.start.time(), r.end.time(), int64(periodEHR)
		}},
		{"visit_occurrence", []string{"visit_occurrence_id", "person_id", "visit_concept_id", "visit_start_date",
			"visit_start_datetime", "visit_end_date", "visit_end_datetime", "visit_type_concept_id",
			"visit_source_value", "visit_source_concept_id"}, len(b.visits), func(i int, o []any) {
			r := &b.visits[i]
			o[0], o[1], o[2], o[3], o[4] = r.id, r.person, r.concept, r.start.time(), r.start.at(r.startSec)
			o[5], o[6], o[7], o[8], o[9] = r.end.time(), r.end.at(r.endSec), int64(visitEHR), sourceValues[r.concept], r.concept
		}},
		{"condition_occurrence", []string{"condition_occurrence_id", "person_id", "condition_concept_id",
			"condition_start_date", "condition_start_datetime", "condition_end_date", "condition_type_concept_id",
			"visit_occurrence_id", "condition_source_value", "condition_source_concept_id"}, len(b.conditions), func(i int, o []any) {
			r := &b.conditions[i]
			o[0], o[1], o[2], o[3], o[4] = r.id, r.person, r.concept, r.start.time(), r.start.at(r.sec)
			o[5], o[6], o[7], o[8], o[9] = optDay(r.end), int64(conditionEHR), optVisit(r.visit), r.code, r.source
		}},
		{"drug_exposure", []string{"drug_exposure_id", "person_id", "drug_concept_id", "drug_exposure_start_date",
			"drug_exposure_start_datetime", "drug_exposure_end_date", "drug_type_concept_id", "refills", "quantity",
			"days_supply", "visit_occurrence_id", "drug_source_value", "drug_source_concept_id"}, len(b.drugs), func(i int, o []any) {
			r := &b.drugs[i]
			o[0], o[1], o[2], o[3], o[4] = r.id, r.person, r.concept, r.start.time(), r.start.at(r.sec)
			o[5], o[6], o[7], o[8], o[9] = r.end.time(), int64(drugPrescription), int64(r.refills), r.quantity, int64(r.days)
			o[10], o[11], o[12] = optVisit(r.visit), r.code, r.concept
		}},
		{"procedure_occurrence", []string{"procedure_occurrence_id", "person_id", "procedure_concept_id",
			"procedure_date", "procedure_datetime", "procedure_type_concept_id", "quantity", "visit_occurrence_id",
			"procedure_source_value", "procedure_source_concept_id"}, len(b.procedures), func(i int, o []any) {
			r := &b.procedures[i]
			o[0], o[1], o[2], o[3], o[4] = r.id, r.person, r.concept, r.date.time(), r.date.at(r.sec)
			o[5], o[6], o[7], o[8], o[9] = int64(procedureEHR), int64(1), optVisit(r.visit), r.code, r.concept
		}},
		{"measurement", []string{"measurement_id", "person_id", "measurement_concept_id", "measurement_date",
			"measurement_datetime", "measurement_type_concept_id", "value_as_number", "value_as_concept_id",
			"unit_concept_id", "range_low", "range_high", "visit_occurrence_id", "measurement_source_value",
			"measurement_source_concept_id", "unit_source_value"}, len(b.measurements), func(i int, o []any) {
			r := &b.measurements[i]
			o[0], o[1], o[2], o[3], o[4] = r.id, r.person, r.concept, r.date.time(), r.date.at(r.sec)
			o[5], o[6], o[7], o[8], o[9] = r.typ, optFloat(r.value), optID(r.valueConcept), optID(r.unit), optFloat(r.low)
			source := r.concept
			if r.source != 0 {
				source = r.source
			}
			o[10], o[11], o[12], o[13], o[14] = optFloat(r.high), optVisit(r.visit), r.code, source, optString(r.unitCode)
		}},
		{"observation", []string{"observation_id", "person_id", "observation_concept_id", "observation_date",
			"observation_datetime", "observation_type_concept_id", "value_as_number", "value_as_concept_id",
			"visit_occurrence_id", "observation_source_value", "observation_source_concept_id"}, len(b.observations), func(i int, o []any) {
			r := &b.observations[i]
			o[0], o[1], o[2], o[3], o[4] = r.id, r.person, r.concept, r.date.time(), r.date.at(r.sec)
			o[5], o[6], o[7], o[8], o[9] = r.typ, optFloat(r.value), optID(r.valueConcept), optVisit(r.visit), r.code
			o[10] = r.concept
		}},
		{"device_exposure", []string{"device_exposure_id", "person_id", "device_concept_id",
			"device_exposure_start_date", "device_exposure_start_datetime", "device_exposure_end_date",
			"device_type_concept_id", "quantity", "visit_occurrence_id", "device_source_value",
			"device_source_concept_id"}, len(b.devices), func(i int, o []any) {
			r := &b.devices[i]
			o[0], o[1], o[2], o[3], o[4] = r.id, r.person, r.concept, r.start.time(), r.start.at(r.sec)
			o[5], o[6], o[7], o[8], o[9] = optDay(r.end), int64(typeEHR), int64(1), optVisit(r.visit), r.code
			o[10] = r.concept
		}},
		{"death", []string{"person_id", "death_date", "death_datetime", "death_type_concept_id", "cause_concept_id"},
			len(b.deaths), func(i int, o []any) {
				r := &b.deaths[i]
				o[0], o[1], o[2], o[3], o[4] = r.person, r.date.time(), r.date.at(r.sec), int64(typeEHR), optID(r.cause)
			}},
	}
}

// Vocabulary rows carry these validity dates, as OMOP's do for concepts
// that are in force.
var (
	validStart = dayOf(1970, time.January, 1).time()
	validEnd   = dayOf(2099, time.December, 31).time()
)

// ancestry is one concept_ancestor row.
type ancestry struct {
	ancestor, descendant int64
	min, max             int64
}

// ancestors derives concept_ancestor from the "Is a" edges: every
// ancestor/descendant pair with the shortest and longest path between.
func (v *vocabulary) ancestors() []ancestry {
	parents := map[int64][]int64{}
	for _, e := range v.isA {
		parents[e.from] = append(parents[e.from], e.to)
	}
	type span struct{ min, max int64 }
	memo := map[int64]map[int64]span{}
	var up func(id int64) map[int64]span
	up = func(id int64) map[int64]span {
		if m, ok := memo[id]; ok {
			return m
		}
		m := map[int64]span{}
		for _, p := range parents[id] {
			merge := func(a int64, s span) {
				if old, ok := m[a]; ok {
					s = span{min(old.min, s.min), max(old.max, s.max)}
				}
				m[a] = s
			}
			merge(p, span{1, 1})
			for a, s := range up(p) {
				merge(a, span{s.min + 1, s.max + 1})
			}
		}
		memo[id] = m
		return m
	}
	var out []ancestry
	for _, c := range v.concepts {
		for a, s := range up(c.id) {
			out = append(out, ancestry{a, c.id, s.min, s.max})
		}
	}
	slices.SortFunc(out, func(x, y ancestry) int {
		return cmp.Or(cmp.Compare(x.ancestor, y.ancestor), cmp.Compare(x.descendant, y.descendant))
	})
	return out
}

type relation struct {
	a, b int64
	rel  string
}

func (v *vocabulary) relations() []relation {
	var out []relation
	for _, e := range v.isA {
		out = append(out, relation{e.from, e.to, "Is a"}, relation{e.to, e.from, "Subsumes"})
	}
	for _, e := range v.mapsTo {
		out = append(out, relation{e.from, e.to, "Maps to"}, relation{e.to, e.from, "Mapped from"})
	}
	for _, e := range v.answerOf {
		out = append(out, relation{e.from, e.to, "Answer of (PPI)"}, relation{e.to, e.from, "Has answer (PPI)"})
	}
	slices.SortFunc(out, func(x, y relation) int {
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b), cmp.Compare(x.rel, y.rel))
	})
	return out
}

// vocabularyTables lists the rows of the vocabulary tables and cdm_source.
func (v *vocabulary) tables(opt Options) []rows {
	concepts := slices.Clone(v.concepts)
	slices.SortFunc(concepts, func(a, b concept) int { return cmp.Compare(a.id, b.id) })
	anc := v.ancestors()
	rel := v.relations()
	classes := make([]string, 0, len(v.classIDs))
	for c := range v.classIDs {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	return []rows{
		{"concept", []string{"concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
			"standard_concept", "concept_code", "valid_start_date", "valid_end_date"}, len(concepts), func(i int, o []any) {
			c := &concepts[i]
			o[0], o[1], o[2], o[3], o[4] = c.id, c.name, c.domain, c.vocabulary, c.class
			o[5], o[6], o[7], o[8] = optString(c.std), c.code, validStart, validEnd
		}},
		{"concept_ancestor", []string{"ancestor_concept_id", "descendant_concept_id", "min_levels_of_separation",
			"max_levels_of_separation"}, len(anc), func(i int, o []any) {
			a := &anc[i]
			o[0], o[1], o[2], o[3] = a.ancestor, a.descendant, a.min, a.max
		}},
		{"concept_relationship", []string{"concept_id_1", "concept_id_2", "relationship_id", "valid_start_date",
			"valid_end_date"}, len(rel), func(i int, o []any) {
			r := &rel[i]
			o[0], o[1], o[2], o[3], o[4] = r.a, r.b, r.rel, validStart, validEnd
		}},
		{"vocabulary", []string{"vocabulary_id", "vocabulary_name", "vocabulary_reference", "vocabulary_version",
			"vocabulary_concept_id"}, len(vocabularies), func(i int, o []any) {
			r := &vocabularies[i]
			id := r.concept
			if id == 0 {
				id = v.typeID
			}
			o[0], o[1], o[2], o[3], o[4] = r.id, r.name, "Workbench synthetic vocabulary", vocabularyVersion, id
		}},
		{"domain", []string{"domain_id", "domain_name", "domain_concept_id"}, len(domains), func(i int, o []any) {
			o[0], o[1], o[2] = domains[i].id, domains[i].id, domains[i].concept
		}},
		{"concept_class", []string{"concept_class_id", "concept_class_name", "concept_class_concept_id"},
			len(classes), func(i int, o []any) {
				o[0], o[1], o[2] = classes[i], classes[i], v.classIDs[classes[i]]
			}},
		{"relationship", []string{"relationship_id", "relationship_name", "is_hierarchical", "defines_ancestry",
			"reverse_relationship_id", "relationship_concept_id"}, len(relationships), func(i int, o []any) {
			r := &relationships[i]
			o[0], o[1], o[2], o[3], o[4], o[5] = r.id, r.name, flag(r.hierarchical), flag(r.defines), r.reverse, v.relIDs[r.id]
		}},
		{"cdm_source", []string{"cdm_source_name", "cdm_source_abbreviation", "cdm_holder", "source_description",
			"source_release_date", "cdm_release_date", "cdm_version", "vocabulary_version"}, 1, func(i int, o []any) {
			o[0], o[1], o[2] = "Workbench synthetic CDR", "WB-SYNTH", "openworkbench"
			o[3] = fmt.Sprintf("Synthetic persons for testing, not real people: %d persons from seed %d.", opt.Persons, opt.Seed)
			o[4], o[5], o[6], o[7] = refDay.time(), refDay.time(), "v5.3", vocabularyVersion
		}},
	}
}

const vocabularyVersion = "Workbench synthetic vocabulary 1"

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
