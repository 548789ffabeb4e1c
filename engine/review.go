package engine

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// MaxReviewSize is the most participants a cohort review holds.
const MaxReviewSize = 10000

// ReviewSample draws the participants of a cohort review: a random sample
// of at most size persons of the cohort, in ascending person id. The
// order is md5 of the person id and the seed, so the same definition, seed
// and CDR always give the same sample, whichever DuckDB version computes
// it, and a new seed gives an independent one.
func (e *Engine) ReviewSample(ctx context.Context, def *cohort.Definition, seed int64, size int) ([]int64, error) {
	if size < 1 || size > MaxReviewSize {
		return nil, invalidf("review sample: size %d: want 1 to %d", size, MaxReviewSize)
	}
	params := strconv.FormatInt(seed, 10) + "\x00" + strconv.Itoa(size)
	ids, err := run(ctx, e, def, "review sample", params, func(q cohort.Query) ([]int64, error) {
		var b sqlb.Builder
		b.SQL("SELECT person_id FROM (SELECT person_id FROM (\n").AddQuery(q.SQL, q.Args)
		b.SQL("\n) ORDER BY md5(CAST(person_id AS VARCHAR) || ':' || ").Arg(strconv.FormatInt(seed, 10), "VARCHAR")
		b.SQL("), person_id LIMIT ").Arg(int64(size), "BIGINT").SQL(") ORDER BY person_id")
		ids := []int64{}
		err := e.query(ctx, "review sample", &b, func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
		return ids, err
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(ids), nil
}

// Event is one clinical event of a participant, as the index has it: the
// standard concept, the source concept the CDR recorded, the visit, the
// age at the event and the values of measurements and observations.
// Names come from the concept table; an unknown concept has an empty
// name. An event without a standard concept has ConceptID 0.
type Event struct {
	Date               string        `json:"date"`
	Domain             cohort.Domain `json:"domain"`
	EventID            int64         `json:"event_id"`
	ConceptID          int64         `json:"concept_id"`
	ConceptName        string        `json:"concept_name"`
	ConceptCode        string        `json:"concept_code"`
	Vocabulary         string        `json:"vocabulary_id"`
	SourceConceptID    int64         `json:"source_concept_id,omitempty"`
	SourceConceptName  string        `json:"source_concept_name,omitempty"`
	SourceConceptCode  string        `json:"source_concept_code,omitempty"`
	SourceVocabulary   string        `json:"source_vocabulary_id,omitempty"`
	VisitOccurrenceID  *int64        `json:"visit_occurrence_id,omitempty"`
	VisitConceptID     int64         `json:"visit_concept_id,omitempty"`
	VisitName          string        `json:"visit_name,omitempty"`
	AgeAtEvent         *int64        `json:"age_at_event,omitempty"`
	ValueAsNumber      *float64      `json:"value_as_number,omitempty"`
	ValueAsConceptID   int64         `json:"value_as_concept_id,omitempty"`
	ValueAsConceptName string        `json:"value_as_concept_name,omitempty"`
	UnitConceptID      int64         `json:"unit_concept_id,omitempty"`
	UnitConceptName    string        `json:"unit_concept_name,omitempty"`
}

// personEventsSQL selects a page (limit and offset) of the events of the
// person, in the domain d unless it is empty, with the number of all of
// them. person_events has one row per event with its standard and source
// concepts, in a file per bucket of persons sorted by person: the scan
// opens the person's bucket alone, by the folder's name, and reads the
// row group or two of the person in it (search_events, sorted by
// concept, has a person's events in every row group: 140-740 ms at
// 1,000,000 persons). The total comes from a one-row side joined to the
// page, so that a page past the end still tells it. The concept names of
// the page come from one lookup of the concept table (the vocabulary of a
// real CDR has millions of rows) that the five joins read.
func (e *Engine) personEventsSQL(person int64, d cohort.Domain, limit, offset int64) *sqlb.Builder {
	var b sqlb.Builder
	e.table(b.SQL("WITH events AS (\n  SELECT * FROM "), cdrindex.PersonEvents).SQL(" WHERE bucket = ").Arg(cdrindex.PersonBucket(person), "BIGINT")
	b.SQL(" AND person_id = ").Arg(person, "BIGINT")
	if d != "" {
		b.SQL(" AND domain = ").Arg(string(d), "VARCHAR")
	}
	b.SQL(`
), page AS (
  SELECT * FROM events ORDER BY entry_date, domain, event_id, concept_id, source_concept_id LIMIT `).Arg(limit, "BIGINT").SQL(" OFFSET ").Arg(offset, "BIGINT")
	b.SQL(`
), names AS (
  SELECT concept_id, concept_name, concept_code, vocabulary_id FROM `)
	e.table(&b, cdrindex.Concept).SQL(` WHERE concept_id IN (
    SELECT unnest([concept_id, source_concept_id, visit_concept_id, value_as_concept_id, unit_concept_id]) FROM page)
)
SELECT n.total, p.entry_date, p.domain, p.event_id, p.concept_id, COALESCE(c.concept_name, ''), COALESCE(c.concept_code, ''), COALESCE(c.vocabulary_id, ''),
  COALESCE(p.source_concept_id, 0), COALESCE(sc.concept_name, ''), COALESCE(sc.concept_code, ''), COALESCE(sc.vocabulary_id, ''),
  p.visit_occurrence_id, COALESCE(p.visit_concept_id, 0), COALESCE(vc.concept_name, ''), p.age_at_event, p.value_as_number,
  COALESCE(p.value_as_concept_id, 0), COALESCE(ac.concept_name, ''), COALESCE(p.unit_concept_id, 0), COALESCE(uc.concept_name, '')
FROM (SELECT count(*) AS total FROM events) n
LEFT JOIN page p ON true
`)
	for _, j := range []struct{ alias, id string }{{"c", "concept_id"}, {"sc", "source_concept_id"}, {"vc", "visit_concept_id"}, {"ac", "value_as_concept_id"}, {"uc", "unit_concept_id"}} {
		b.SQL("LEFT JOIN names ", j.alias, " ON ", j.alias, ".concept_id = p.", j.id, "\n")
	}
	return b.SQL("ORDER BY p.entry_date, p.domain, p.event_id, p.concept_id, p.source_concept_id")
}

// ParticipantEvents returns page page (from 0) of size size (1 to
// MaxPageSize) of the events of the person in the event domain d (every
// domain when d is empty), by date, and how many there are. A person
// without events, or unknown to the CDR, has none. Events are row-level
// data: callers gate this method by tier and check that the person is one
// they may see (a participant of a review). Results are not cached: a
// reviewer reads each participant's pages once.
func (e *Engine) ParticipantEvents(ctx context.Context, personID int64, d cohort.Domain, page, size int) (events []Event, total int64, err error) {
	if d != "" && (!d.Valid() || d == cohort.DomainPerson) {
		return nil, 0, invalidf("participant events: domain %q: want an event domain", d)
	}
	if page < 0 {
		return nil, 0, invalidf("participant events: page %d: want 0 or more", page)
	}
	if size < 1 || size > MaxPageSize {
		return nil, 0, invalidf("participant events: page size %d: want 1 to %d", size, MaxPageSize)
	}
	if page > math.MaxInt64/size {
		return nil, 0, invalidf("participant events: page %d is too large", page)
	}
	events = []Event{}
	err = e.query(ctx, "participant_events", e.personEventsSQL(personID, d, int64(size), int64(page)*int64(size)), func(r *sql.Rows) error {
		var ev Event
		var date sql.NullTime
		var domain sql.NullString
		var eventID, conceptID sql.NullInt64
		if err := r.Scan(&total, &date, &domain, &eventID, &conceptID, &ev.ConceptName, &ev.ConceptCode, &ev.Vocabulary,
			&ev.SourceConceptID, &ev.SourceConceptName, &ev.SourceConceptCode, &ev.SourceVocabulary,
			&ev.VisitOccurrenceID, &ev.VisitConceptID, &ev.VisitName, &ev.AgeAtEvent, &ev.ValueAsNumber,
			&ev.ValueAsConceptID, &ev.ValueAsConceptName, &ev.UnitConceptID, &ev.UnitConceptName); err != nil {
			return err
		}
		if !domain.Valid {
			return nil // the total's row of an empty page
		}
		if date.Valid {
			ev.Date = date.Time.Format(time.DateOnly)
		}
		ev.Domain, ev.EventID, ev.ConceptID = cohort.Domain(domain.String), eventID.Int64, conceptID.Int64
		events = append(events, ev)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return events, total, nil
}

// Person is the demographics of one person as a review shows them next to
// the person's status: row-level data, served to the review's readers.
type Person struct {
	SexAtBirth string `json:"sex_at_birth"`
	Gender     string `json:"gender"`
	Race       string `json:"race"`
	Ethnicity  string `json:"ethnicity"`
	// Age is in completed years at the CDR's reference date, or at death
	// for the deceased; nil when the birth date is unknown.
	Age      *int64 `json:"age,omitempty"`
	Deceased bool   `json:"deceased"`
}

// Persons is the demographics of the persons ids that the CDR holds, by
// person id; an id it does not hold is absent.
func (e *Engine) Persons(ctx context.Context, ids []int64) (map[int64]Person, error) {
	out := make(map[int64]Person, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q := new(sqlb.Builder).SQL("SELECT person_id, sex_at_birth, gender, race, ethnicity, age_at_ref, is_deceased\nFROM ").
		Table(e.opt.Compile.Schema, cdrindex.SearchPerson).SQL("\nWHERE person_id IN (SELECT unnest(").Arg(ids, "BIGINT[]").SQL("))")
	err := e.query(ctx, "persons", q, func(r *sql.Rows) error {
		var id int64
		var p Person
		var sex, gender, race, ethnicity sql.NullString
		var age sql.NullInt64
		var deceased sql.NullBool
		if err := r.Scan(&id, &sex, &gender, &race, &ethnicity, &age, &deceased); err != nil {
			return err
		}
		p.SexAtBirth, p.Gender, p.Race, p.Ethnicity, p.Deceased = sex.String, gender.String, race.String, ethnicity.String, deceased.Bool
		if age.Valid {
			p.Age = &age.Int64
		}
		out[id] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
