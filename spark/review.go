package spark

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// ReviewSample draws the participants of a cohort review as
// engine.Engine.ReviewSample does, with the same order (md5 of the person
// id, a colon and the seed), so that the same definition, seed and CDR
// give the same sample on either engine.
func (e *Engine) ReviewSample(ctx context.Context, def *cohort.Definition, seed int64, size int) ([]int64, error) {
	if size < 1 || size > engine.MaxReviewSize {
		return nil, invalidf("review sample: size %d: want 1 to %d", size, engine.MaxReviewSize)
	}
	params := strconv.FormatInt(seed, 10) + "\x00" + strconv.Itoa(size)
	ids, err := run(ctx, e, def, "review_sample", params, func(q cohort.Query) ([]int64, error) {
		var b sqlb.Builder
		b.SQL("SELECT person_id FROM (SELECT person_id FROM (\n").AddQuery(q.SQL, nil)
		// The seed is an int64 written as a literal and made text by
		// Spark: the string hashed is DuckDB's, byte for byte.
		b.SQL("\n) ORDER BY md5(concat(CAST(person_id AS STRING), ':', CAST(").Arg(seed, "BIGINT")
		b.SQL(" AS STRING))), person_id LIMIT ").Arg(int64(size), "INTEGER").SQL(") ORDER BY person_id")
		rows, err := e.rows(ctx, "review_sample", &b)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, 0, len(rows))
		for _, r := range rows {
			id, ok := integer(r.At(0))
			if !ok {
				return nil, fmt.Errorf("spark: review sample: unexpected row %v", r.Values())
			}
			ids = append(ids, id)
		}
		return ids, nil
	})
	return slices.Clone(ids), err
}

// personEventsSQL is engine's query of a page of a person's events in
// Spark SQL: the same joins of source rows to standard ones, and NULLs
// ordered last as DuckDB orders them.
func personEventsSQL(person int64, d cohort.Domain, limit, offset int64) *sqlb.Builder {
	var b sqlb.Builder
	b.SQL("WITH ev AS (\n  SELECT * FROM ").Ident(cdrindex.SearchEvents).SQL(" WHERE person_id = ").Arg(person, "BIGINT")
	if d != "" {
		b.SQL(" AND domain = ", domainLiterals[d])
	}
	b.SQL(`
), src AS (
  SELECT domain, event_id, entry_date, any_value(concept_id) AS concept_id FROM ev WHERE NOT is_standard GROUP BY domain, event_id, entry_date
), events AS (
  SELECT s.entry_date, s.domain, s.event_id, s.concept_id, src.concept_id AS source_concept_id, s.visit_occurrence_id,
    s.visit_concept_id, s.age_at_event, s.value_as_number, s.value_as_concept_id, s.unit_concept_id
  FROM ev s LEFT JOIN src ON src.domain = s.domain AND src.event_id = s.event_id AND src.entry_date <=> s.entry_date
  WHERE s.is_standard
  UNION ALL
  SELECT s.entry_date, s.domain, s.event_id, 0L, s.concept_id, s.visit_occurrence_id,
    s.visit_concept_id, s.age_at_event, s.value_as_number, s.value_as_concept_id, s.unit_concept_id
  FROM ev s
  WHERE NOT s.is_standard AND NOT EXISTS (
    SELECT 1 FROM ev t WHERE t.is_standard AND t.domain = s.domain AND t.event_id = s.event_id AND t.entry_date <=> s.entry_date)
), page AS (
  SELECT * FROM events ORDER BY entry_date NULLS LAST, domain, event_id NULLS LAST, concept_id, source_concept_id NULLS LAST LIMIT `).Arg(limit, "INTEGER").SQL(" OFFSET ").Arg(offset, "INTEGER")
	b.SQL(`
)
SELECT n.total, p.entry_date, p.domain, p.event_id, p.concept_id, COALESCE(c.concept_name, ''), COALESCE(c.concept_code, ''), COALESCE(c.vocabulary_id, ''),
  COALESCE(p.source_concept_id, 0L), COALESCE(sc.concept_name, ''), COALESCE(sc.concept_code, ''), COALESCE(sc.vocabulary_id, ''),
  p.visit_occurrence_id, COALESCE(p.visit_concept_id, 0L), COALESCE(vc.concept_name, ''), p.age_at_event, p.value_as_number,
  COALESCE(p.value_as_concept_id, 0L), COALESCE(ac.concept_name, ''), COALESCE(p.unit_concept_id, 0L), COALESCE(uc.concept_name, '')
FROM (SELECT count(*) AS total FROM events) n
LEFT JOIN page p ON true
`)
	for _, j := range []struct{ alias, id string }{{"c", "concept_id"}, {"sc", "source_concept_id"}, {"vc", "visit_concept_id"}, {"ac", "value_as_concept_id"}, {"uc", "unit_concept_id"}} {
		b.SQL("LEFT JOIN ").Ident(cdrindex.Concept).SQL(" ", j.alias, " ON ", j.alias, ".concept_id = p.", j.id, "\n")
	}
	return b.SQL("ORDER BY p.entry_date NULLS LAST, p.domain, p.event_id NULLS LAST, p.concept_id, p.source_concept_id NULLS LAST")
}

// ParticipantEvents returns a page of the events of the person, as
// engine.Engine.ParticipantEvents does. Spark counts rows to skip in an
// INT: a page whose first row is past that is refused.
func (e *Engine) ParticipantEvents(ctx context.Context, personID int64, d cohort.Domain, page, size int) ([]engine.Event, int64, error) {
	if d != "" && (!d.Valid() || d == cohort.DomainPerson) {
		return nil, 0, invalidf("participant events: domain %q: want an event domain", d)
	}
	if page < 0 {
		return nil, 0, invalidf("participant events: page %d: want 0 or more", page)
	}
	if size < 1 || size > engine.MaxPageSize {
		return nil, 0, invalidf("participant events: page size %d: want 1 to %d", size, engine.MaxPageSize)
	}
	if page > (math.MaxInt32-size)/size {
		return nil, 0, invalidf("participant events: page %d is too large", page)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("spark: participant events: %w", err)
	}
	rows, err := e.rows(ctx, "participant_events", personEventsSQL(personID, d, int64(size), int64(page)*int64(size)))
	if err != nil {
		return nil, 0, err
	}
	events := []engine.Event{}
	var total int64
	for _, r := range rows {
		v := r.Values()
		if len(v) != 21 {
			return nil, 0, fmt.Errorf("spark: participant events: unexpected row of %d values", len(v))
		}
		total, _ = integer(v[0])
		domain, ok := v[2].(string)
		if !ok {
			continue // the total's row of an empty page
		}
		ev := engine.Event{Date: day(v[1]), Domain: cohort.Domain(domain)}
		ev.EventID, _ = integer(v[3])
		ev.ConceptID, _ = integer(v[4])
		ev.ConceptName, ev.ConceptCode, ev.Vocabulary = v[5].(string), v[6].(string), v[7].(string)
		ev.SourceConceptID, _ = integer(v[8])
		ev.SourceConceptName, ev.SourceConceptCode, ev.SourceVocabulary = v[9].(string), v[10].(string), v[11].(string)
		if id, ok := integer(v[12]); ok {
			ev.VisitOccurrenceID = &id
		}
		ev.VisitConceptID, _ = integer(v[13])
		ev.VisitName = v[14].(string)
		if age, ok := integer(v[15]); ok {
			ev.AgeAtEvent = &age
		}
		if f, ok := float(v[16]); ok {
			ev.ValueAsNumber = &f
		}
		ev.ValueAsConceptID, _ = integer(v[17])
		ev.ValueAsConceptName = v[18].(string)
		ev.UnitConceptID, _ = integer(v[19])
		ev.UnitConceptName = v[20].(string)
		events = append(events, ev)
	}
	return events, total, nil
}

// Persons is the demographics of the persons ids that the CDR holds, as
// engine.Engine.Persons gives them.
func (e *Engine) Persons(ctx context.Context, ids []int64) (map[int64]engine.Person, error) {
	out := make(map[int64]engine.Person, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	b := new(sqlb.Builder).SQL("SELECT person_id, sex_at_birth, gender, race, ethnicity, age_at_ref, is_deceased\nFROM ").
		Ident(cdrindex.SearchPerson).SQL("\nWHERE person_id IN (").Int64Args(ids).SQL(")")
	rows, err := e.rows(ctx, "persons", b)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		v := r.Values()
		id, ok := integer(v[0])
		if !ok {
			return nil, fmt.Errorf("spark: persons: unexpected row %v", v)
		}
		var p engine.Person
		p.SexAtBirth, _ = v[1].(string)
		p.Gender, _ = v[2].(string)
		p.Race, _ = v[3].(string)
		p.Ethnicity, _ = v[4].(string)
		if age, ok := integer(v[5]); ok {
			p.Age = &age
		}
		p.Deceased, _ = v[6].(bool)
		out[id] = p
	}
	return out, nil
}
