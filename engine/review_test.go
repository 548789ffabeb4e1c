package engine_test

import (
	"context"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

func TestReviewSample(t *testing.T) {
	ctx := context.Background()
	c := indexedGiBleed(t)
	info, _ := c.Index()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	data, err := os.ReadFile("../cohort/testdata/examples/wrist_fracture.json") // 442 persons
	require.NoError(t, err)
	def, err := cohort.Parse(data)
	require.NoError(t, err)
	all, _, err := e.Participants(ctx, def, 0, engine.MaxPageSize)
	require.NoError(t, err)

	a, err := e.ReviewSample(ctx, def, 7, 100)
	require.NoError(t, err)
	assert.Len(t, a, 100)
	assert.True(t, slices.IsSorted(a))
	assert.Len(t, slices.Compact(slices.Clone(a)), 100, "no person twice")
	for _, id := range a {
		assert.Contains(t, all, id, "the sample is drawn from the cohort")
	}

	fresh, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	again, err := fresh.ReviewSample(ctx, def, 7, 100)
	require.NoError(t, err)
	assert.Equal(t, a, again, "same seed, same sample, without the cache")

	other, err := e.ReviewSample(ctx, def, 8, 100)
	require.NoError(t, err)
	assert.NotEqual(t, a, other, "another seed, another sample")

	whole, err := e.ReviewSample(ctx, def, 7, engine.MaxReviewSize)
	require.NoError(t, err)
	assert.Equal(t, all, whole, "a sample larger than the cohort is the cohort")

	for _, size := range []int{0, -1, engine.MaxReviewSize + 1} {
		_, err := e.ReviewSample(ctx, def, 7, size)
		assert.True(t, errors.Is(err, cohort.ErrInvalid), "size %d: %v", size, err)
	}
}

func TestParticipantEvents(t *testing.T) {
	ctx := context.Background()
	c := indexedGiBleed(t)
	info, _ := c.Index()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	// Person 648 has conditions recorded with a source concept that
	// differs from the standard one, such as condition_occurrence 10968.
	const person = 648

	// The truth comes from the OMOP tables, not from the index.
	var conditions int64
	require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT count(*) FROM condition_occurrence
		WHERE person_id = ? AND (condition_concept_id <> 0 OR condition_source_concept_id <> 0)`, int64(person)).Scan(&conditions))
	var stdID, srcID int64
	var stdName, date string
	require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT o.condition_concept_id, o.condition_source_concept_id, c.concept_name, strftime(o.condition_start_date, '%Y-%m-%d')
		FROM condition_occurrence o JOIN concept c ON c.concept_id = o.condition_concept_id WHERE o.condition_occurrence_id = 10968`).Scan(&stdID, &srcID, &stdName, &date))
	require.NotEqual(t, stdID, srcID)

	all, total, err := e.ParticipantEvents(ctx, person, cohort.DomainCondition, 0, engine.MaxPageSize)
	require.NoError(t, err)
	assert.EqualValues(t, conditions, total, "one event per condition_occurrence row, source rows joined to theirs")
	assert.Len(t, all, int(total))
	assert.True(t, slices.IsSortedFunc(all, func(a, b engine.Event) int { return strings.Compare(a.Date, b.Date) }), "by date")
	i := slices.IndexFunc(all, func(ev engine.Event) bool { return ev.EventID == 10968 })
	require.GreaterOrEqual(t, i, 0)
	ev := all[i]
	assert.Equal(t, stdID, ev.ConceptID)
	assert.Equal(t, srcID, ev.SourceConceptID)
	assert.Equal(t, stdName, ev.ConceptName)
	assert.Equal(t, date, ev.Date)
	assert.Equal(t, cohort.DomainCondition, ev.Domain)
	require.NotNil(t, ev.AgeAtEvent)
	require.NotNil(t, ev.VisitOccurrenceID)
	for _, ev := range all {
		assert.Equal(t, cohort.DomainCondition, ev.Domain)
	}

	t.Run("pages make the whole", func(t *testing.T) {
		var paged []engine.Event
		for page := 0; ; page++ {
			evs, n, err := e.ParticipantEvents(ctx, person, cohort.DomainCondition, page, 7)
			require.NoError(t, err)
			assert.Equal(t, total, n, "page %d tells the total", page)
			if len(evs) == 0 {
				break
			}
			paged = append(paged, evs...)
		}
		assert.Equal(t, all, paged)
	})
	t.Run("every domain", func(t *testing.T) {
		var sum int64
		for _, d := range cohort.Domains[:len(cohort.Domains)-1] {
			_, n, err := e.ParticipantEvents(ctx, person, d, 0, 1)
			require.NoError(t, err)
			sum += n
		}
		evs, n, err := e.ParticipantEvents(ctx, person, "", 0, engine.MaxPageSize)
		require.NoError(t, err)
		assert.Equal(t, sum, n)
		assert.Len(t, evs, int(n))
	})
	t.Run("unknown person", func(t *testing.T) {
		evs, n, err := e.ParticipantEvents(ctx, -1, "", 0, 10)
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.Empty(t, evs)
	})
	for _, tc := range []struct {
		name       string
		domain     cohort.Domain
		page, size int
	}{
		{"person is no event domain", cohort.DomainPerson, 0, 10},
		{"unknown domain", "NOPE", 0, 10},
		{"negative page", cohort.DomainCondition, -1, 10},
		{"no size", cohort.DomainCondition, 0, 0},
		{"size too large", cohort.DomainCondition, 0, engine.MaxPageSize + 1},
		{"page too large", cohort.DomainCondition, math.MaxInt / 2, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.ParticipantEvents(ctx, person, tc.domain, tc.page, tc.size)
			assert.ErrorIs(t, err, cohort.ErrInvalid)
		})
	}
}

// searchEventsTimeline is how a timeline was read before person_events:
// a person's rows of search_events, each source row joined to the
// standard row of its event; here for the persons of a list at once,
// each person's rows in the order of their timeline (one query instead
// of one a person: each reads the concept table five times).
// TestTimelineAsBefore compares the two.
const searchEventsTimeline = `WITH ev AS MATERIALIZED (SELECT * FROM search_events WHERE person_id IN (SELECT unnest(?::BIGINT[]))),
src AS (SELECT person_id, domain, event_id, entry_date, any_value(concept_id) AS concept_id FROM ev WHERE NOT is_standard GROUP BY ALL),
events AS (
  SELECT s.person_id, s.entry_date, s.domain, s.event_id, s.concept_id, src.concept_id AS source_concept_id, s.visit_occurrence_id,
    s.visit_concept_id, s.age_at_event, s.value_as_number, s.value_as_concept_id, s.unit_concept_id
  FROM ev s LEFT JOIN src ON src.person_id = s.person_id AND src.domain = s.domain AND src.event_id = s.event_id AND src.entry_date IS NOT DISTINCT FROM s.entry_date
  WHERE s.is_standard
  UNION ALL
  SELECT s.person_id, s.entry_date, s.domain, s.event_id, 0, s.concept_id, s.visit_occurrence_id,
    s.visit_concept_id, s.age_at_event, s.value_as_number, s.value_as_concept_id, s.unit_concept_id
  FROM ev s
  WHERE NOT s.is_standard AND NOT EXISTS (
    SELECT 1 FROM ev t WHERE t.person_id = s.person_id AND t.is_standard AND t.domain = s.domain AND t.event_id = s.event_id AND t.entry_date IS NOT DISTINCT FROM s.entry_date)
)
SELECT p.person_id, strftime(p.entry_date, '%Y-%m-%d'), p.domain, p.event_id, p.concept_id, COALESCE(c.concept_name, ''), COALESCE(c.concept_code, ''), COALESCE(c.vocabulary_id, ''),
  COALESCE(p.source_concept_id, 0), COALESCE(sc.concept_name, ''), COALESCE(sc.concept_code, ''), COALESCE(sc.vocabulary_id, ''),
  p.visit_occurrence_id, COALESCE(p.visit_concept_id, 0), COALESCE(vc.concept_name, ''), p.age_at_event, p.value_as_number,
  COALESCE(p.value_as_concept_id, 0), COALESCE(ac.concept_name, ''), COALESCE(p.unit_concept_id, 0), COALESCE(uc.concept_name, '')
FROM events p
LEFT JOIN concept c ON c.concept_id = p.concept_id LEFT JOIN concept sc ON sc.concept_id = p.source_concept_id
LEFT JOIN concept vc ON vc.concept_id = p.visit_concept_id LEFT JOIN concept ac ON ac.concept_id = p.value_as_concept_id
LEFT JOIN concept uc ON uc.concept_id = p.unit_concept_id
ORDER BY p.person_id, p.entry_date, p.domain, p.event_id, p.concept_id, p.source_concept_id`

// TestTimelineAsBefore checks that the timelines of persons spread over
// GiBleed, read from person_events, are those read from search_events
// before it, event for event, names included.
func TestTimelineAsBefore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := indexedGiBleed(t)
	info, _ := c.Index()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	rows, err := c.DB().QueryContext(ctx, "SELECT person_id FROM search_person WHERE person_id % 37 = 0 ORDER BY person_id")
	require.NoError(t, err)
	var ids []int64
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	require.Greater(t, len(ids), 50)
	want := map[int64][]engine.Event{}
	var sources int
	rows, err = c.DB().QueryContext(ctx, searchEventsTimeline, ids)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		var ev engine.Event
		require.NoError(t, rows.Scan(&id, &ev.Date, &ev.Domain, &ev.EventID, &ev.ConceptID, &ev.ConceptName, &ev.ConceptCode, &ev.Vocabulary,
			&ev.SourceConceptID, &ev.SourceConceptName, &ev.SourceConceptCode, &ev.SourceVocabulary,
			&ev.VisitOccurrenceID, &ev.VisitConceptID, &ev.VisitName, &ev.AgeAtEvent, &ev.ValueAsNumber,
			&ev.ValueAsConceptID, &ev.ValueAsConceptName, &ev.UnitConceptID, &ev.UnitConceptName))
		want[id] = append(want[id], ev)
		if ev.SourceConceptID != 0 {
			sources++
		}
	}
	require.NoError(t, rows.Err())
	var events int
	for _, id := range ids {
		want := want[id]
		var got []engine.Event
		for page := 0; ; page++ {
			evs, total, err := e.ParticipantEvents(ctx, id, "", page, engine.MaxPageSize)
			require.NoError(t, err)
			require.EqualValues(t, len(want), total, "person %d", id)
			if len(evs) == 0 {
				break
			}
			got = append(got, evs...)
		}
		if len(want) == 0 {
			want = nil
		}
		require.Equal(t, want, got, "person %d", id)
		events += len(got)
	}
	assert.Greater(t, events, 1000)
	assert.Positive(t, sources, "some events have a source concept of their own")
}
