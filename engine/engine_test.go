//go:build cgo

package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/oracle"
	"github.com/openworkbench/workbench/internal/testcdr"
)

// queryLog is a slog handler that counts the engine's query lines by op
// and remembers every attribute key logged.
type queryLog struct {
	mu   sync.Mutex
	ops  map[string]int
	keys map[string]bool
}

func newQueryLog() *queryLog { return &queryLog{ops: map[string]int{}, keys: map[string]bool{}} }

func (h *queryLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *queryLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *queryLog) WithGroup(string) slog.Handler            { return h }

func (h *queryLog) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	r.Attrs(func(a slog.Attr) bool {
		h.keys[a.Key] = true
		if a.Key == "op" {
			h.ops[a.Value.String()]++
		}
		return true
	})
	return nil
}

func (h *queryLog) count(op string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ops[op]
}

// examples are the shared example definitions with their GiBleed counts
// (cohort/testdata/examples/NOTICE).
var examples = map[string]int64{
	"osteoporotic_fracture.json":    56,
	"wrist_fracture.json":           442,
	"celecoxib_users.json":          1844,
	"wrist_fracture_female.json":    243,
	"wrist_fracture_two_dates.json": 48,
}

func readExample(t *testing.T, name string) *cohort.Definition {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../cohort/testdata/examples", name))
	require.NoError(t, err)
	def, err := cohort.Parse(data)
	require.NoError(t, err)
	return def
}

// TestEngineGiBleed runs every engine call on the indexed Eunomia GiBleed
// CDR.
func TestEngineGiBleed(t *testing.T) {
	c := indexedGiBleed(t)
	info, ok := c.Index()
	require.True(t, ok)
	ctx := context.Background()
	log := newQueryLog()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{Logger: slog.New(log)})
	require.NoError(t, err)

	t.Run("count", func(t *testing.T) {
		for name, want := range examples {
			n, err := e.Count(ctx, readExample(t, name))
			require.NoError(t, err)
			assert.Equal(t, want, n, name)
		}
	})

	t.Run("demographics", func(t *testing.T) {
		for name, want := range examples {
			d, err := e.Demographics(ctx, readExample(t, name))
			require.NoError(t, err)
			assert.Equal(t, want, d.Count, name)
			assert.Equal(t, want, d.Ages.Total(), name)
			for breakdown, rows := range map[string][]engine.DemographicCount{
				"sex at birth": d.SexAtBirth, "gender": d.Gender, "race": d.Race, "ethnicity": d.Ethnicity,
			} {
				var sum int64
				for _, r := range rows {
					assert.Equal(t, r.Count, r.Ages.Total(), "%s %s %d", name, breakdown, r.ConceptID)
					assert.NotEmpty(t, r.Name)
					sum += r.Count
				}
				assert.Equal(t, want, sum, "%s: %s", name, breakdown)
				assert.True(t, slices.IsSortedFunc(rows, func(a, b engine.DemographicCount) int { return int(b.Count - a.Count) }))
			}
		}
		d, err := e.Demographics(ctx, readExample(t, "wrist_fracture_female.json"))
		require.NoError(t, err)
		assert.Equal(t, []engine.DemographicCount{{ConceptID: 8532, Name: "FEMALE", Count: 243, Ages: d.Ages}}, d.Gender)

		// The bins agree with search_person's ages of the participants
		// (GiBleed has no deaths).
		def := readExample(t, "celecoxib_users.json")
		ids, _, err := e.Participants(ctx, def, 0, engine.MaxPageSize)
		require.NoError(t, err)
		var want engine.AgeCounts
		rows, err := c.DB().QueryContext(ctx, "SELECT age_at_ref FROM search_person WHERE person_id IN (SELECT unnest(?::BIGINT[]))", ids)
		require.NoError(t, err)
		for rows.Next() {
			var age int
			require.NoError(t, rows.Scan(&age))
			switch {
			case age < 18:
				want.Age0To17++
			case age < 45:
				want.Age18To44++
			case age < 65:
				want.Age45To64++
			default:
				want.Age65Up++
			}
		}
		require.NoError(t, rows.Err())
		d, err = e.Demographics(ctx, def)
		require.NoError(t, err)
		assert.Equal(t, want, d.Ages)

		b, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Contains(t, string(b), `"sex_at_birth":[{"concept_id":`)
		assert.Contains(t, string(b), `"ages":{"0-17":`)
	})

	t.Run("top concepts", func(t *testing.T) {
		// Everyone with esophagitis (not its descendants) has it; a few
		// nearly universal conditions of GiBleed tie with it, and ties go
		// to the lower concept id.
		def := conceptCohort(cohort.DomainCondition, 30753)
		def.Includes[0].Items[0].Parameters[0].Group = false
		n, err := e.Count(ctx, def)
		require.NoError(t, err)
		require.Positive(t, n)
		top, err := e.TopConcepts(ctx, def, cohort.DomainCondition, 10)
		require.NoError(t, err)
		require.Len(t, top, 10)
		assert.Equal(t, engine.ConceptCount{ConceptID: 30753, Name: "Esophagitis", Count: n}, top[0])
		for i := 1; i < len(top); i++ {
			assert.GreaterOrEqual(t, top[i-1].Count, top[i].Count)
		}
		drugs, err := e.TopConcepts(ctx, def, cohort.DomainDrug, 3)
		require.NoError(t, err)
		assert.Len(t, drugs, 3)
		assert.NotEqual(t, top[0].ConceptID, drugs[0].ConceptID)
	})

	t.Run("source hierarchy", func(t *testing.T) {
		// ICD10CM K92 (1569708) subsumes K92.2 (35208414), the source code
		// of GiBleed's 479 persons with gastrointestinal hemorrhage; no
		// event has K92 itself.
		source := func(concept int64, descendants bool) *cohort.Definition {
			return &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{
				Type:       cohort.DomainCondition,
				Parameters: []cohort.Parameter{{ConceptID: concept, Group: descendants, Standard: false}},
			}}}}}
		}
		for _, tc := range []struct {
			name        string
			concept     int64
			descendants bool
			want        int64
		}{
			{"K92 with descendants", 1569708, true, 479},
			{"K92 alone", 1569708, false, 0},
			{"K92.2", 35208414, false, 479},
			{"K92.2 with descendants", 35208414, true, 479},
		} {
			n, err := e.Count(ctx, source(tc.concept, tc.descendants))
			require.NoError(t, err)
			assert.Equal(t, tc.want, n, tc.name)
		}
		ids, _, err := e.Participants(ctx, source(1569708, true), 0, engine.MaxPageSize)
		require.NoError(t, err)
		assert.Equal(t, persons(t, c.DB(), cohort.Query{SQL: "SELECT DISTINCT person_id FROM condition_occurrence WHERE condition_source_concept_id = 35208414"}), ids)
	})

	t.Run("participants", func(t *testing.T) {
		def := readExample(t, "wrist_fracture.json")
		var all []int64
		for page := 0; ; page++ {
			ids, total, err := e.Participants(ctx, def, page, 100)
			require.NoError(t, err)
			assert.Equal(t, int64(442), total)
			if len(ids) == 0 {
				assert.Equal(t, 5, page, "442 persons fill 5 pages of 100")
				break
			}
			assert.LessOrEqual(t, len(ids), 100)
			all = append(all, ids...)
		}
		assert.Len(t, all, 442)
		assert.True(t, slices.IsSorted(all))
		assert.Len(t, slices.Compact(slices.Clone(all)), 442, "each person once")
		q, err := e.SQL(def)
		require.NoError(t, err)
		assert.Equal(t, all, persons(t, c.DB(), q))
	})

	t.Run("cache", func(t *testing.T) {
		def := readExample(t, "wrist_fracture_female.json")
		before := log.count("count")
		for range 3 {
			n, err := e.Count(ctx, def)
			require.NoError(t, err)
			assert.Equal(t, int64(243), n)
		}
		assert.Equal(t, before, log.count("count"), "counted above: cached")
		// A definition with the same canonical form is the same entry.
		again, err := cohort.Parse([]byte(def.String()))
		require.NoError(t, err)
		_, err = e.Count(ctx, again)
		require.NoError(t, err)
		assert.Equal(t, before, log.count("count"))

		// Another version sharing a cache runs its own queries.
		shared := engine.NewCache(16)
		newEngine := func(version string) *engine.Engine {
			e, err := engine.New(c.DB(), version, engine.Options{Cache: shared, Logger: slog.New(log)})
			require.NoError(t, err)
			return e
		}
		before = log.count("count")
		for _, version := range []string{"v1", "v1", "v2", "v2"} {
			_, err := newEngine(version).Count(ctx, def)
			require.NoError(t, err)
		}
		assert.Equal(t, before+2, log.count("count"), "one query per version")

		// Demographics caches the count along with the breakdown.
		fresh, err := engine.New(c.DB(), info.VersionID, engine.Options{Logger: slog.New(log)})
		require.NoError(t, err)
		d, err := fresh.Demographics(ctx, def)
		require.NoError(t, err)
		before = log.count("count")
		n, err := fresh.Count(ctx, def)
		require.NoError(t, err)
		assert.Equal(t, int64(243), n)
		assert.Equal(t, d.Count, n)
		assert.Equal(t, before, log.count("count"), "counted by Demographics: cached")
		assert.Equal(t, map[string]bool{"op": true, "duration": true}, log.keys, "the log says what ran and how long, nothing more")
	})

	t.Run("cancelled", func(t *testing.T) {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		def := readExample(t, "osteoporotic_fracture.json")
		_, err := e.Demographics(cancelled, def)
		assert.ErrorIs(t, err, context.Canceled)
		_, err = e.TopConcepts(cancelled, def, cohort.DomainDrug, 5)
		assert.ErrorIs(t, err, context.Canceled)
		_, _, err = e.Participants(cancelled, def, 0, 10)
		assert.ErrorIs(t, err, context.Canceled)

		// A fresh engine, so the query itself starts and is cancelled.
		fresh, err := engine.New(c.DB(), info.VersionID, engine.Options{})
		require.NoError(t, err)
		timeout, cancel := context.WithTimeout(ctx, time.Nanosecond)
		defer cancel()
		<-timeout.Done()
		_, err = fresh.Count(timeout, def)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		n, err := fresh.Count(ctx, def)
		require.NoError(t, err, "an error is not cached")
		assert.Equal(t, int64(56), n)
	})

	t.Run("invalid", func(t *testing.T) {
		def, err := cohort.Parse([]byte(`{"includes": [{"items": [{"type": "CONDITION", "searchParameters": [
			{"conceptId": 1, "attributes": [{"name": "NUM", "operator": "BETWEEN", "operands": ["1"]}]}],
			"modifiers": [{"name": "CATI", "operator": "IN", "operands": ["1"]}]}]}]}`))
		require.NoError(t, err)
		_, err = e.Count(ctx, def)
		require.ErrorIs(t, err, cohort.ErrInvalid)
		list := fault.FieldsOf(err)
		require.NotEmpty(t, list, "%v", err)
		assert.Len(t, list, 2)
		for _, v := range list {
			assert.Contains(t, v.Path, "includes[0].items[0].")
		}
		_, err = e.Demographics(ctx, def)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, err = e.SQL(def)
		assert.ErrorIs(t, err, cohort.ErrInvalid)

		ok := readExample(t, "wrist_fracture.json")
		for name, call := range map[string]func() error{
			"page -1":        func() error { _, _, err := e.Participants(ctx, ok, -1, 10); return err },
			"size 0":         func() error { _, _, err := e.Participants(ctx, ok, 0, 0); return err },
			"size too large": func() error { _, _, err := e.Participants(ctx, ok, 0, engine.MaxPageSize+1); return err },
			"person domain":  func() error { _, err := e.TopConcepts(ctx, ok, cohort.DomainPerson, 5); return err },
			"n 0":            func() error { _, err := e.TopConcepts(ctx, ok, cohort.DomainDrug, 0); return err },
			"nil definition": func() error { _, err := e.Count(ctx, nil); return err },
		} {
			err := call()
			assert.ErrorIs(t, err, cohort.ErrInvalid, name)
			assert.ErrorContains(t, err, "cohort: ", name)
		}
	})

	t.Run("sql", func(t *testing.T) {
		def := readExample(t, "celecoxib_users.json")
		q, err := e.SQL(def)
		require.NoError(t, err)
		want, err := cohort.Compile(def, cohort.Options{})
		require.NoError(t, err)
		assert.Equal(t, want, q)
	})
}

// TestDemographicsAgeAtDeath checks that a deceased person is binned by
// age at death, a living one by age on the reference date.
func TestDemographicsAgeAtDeath(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	date := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	died := date("2000-03-01")
	person := func(id int64, birth string, age int32, death *time.Time) oracle.Person {
		return oracle.Person{PersonID: id, GenderConceptID: 8532, Gender: "FEMALE", SexAtBirthConceptID: 8532, SexAtBirth: "Female",
			RaceConceptID: 8527, Race: "White", EthnicityConceptID: 38003564, Ethnicity: "Not Hispanic or Latino",
			BirthDate: date(birth), AgeAtRef: age, DeathDate: death, IsDeceased: death != nil, HasEHRData: true}
	}
	testcdr.LoadOracle(t, db, oracle.Data{Persons: []oracle.Person{
		person(1, "1955-03-02", 70, &died), // 44 at death: the day before the birthday
		person(2, "1955-03-01", 70, &died), // 45 at death
		person(3, "2010-01-01", 15, nil),
		person(4, "1960-01-01", 65, nil),
	}})
	e, err := engine.New(db, "test", engine.Options{})
	require.NoError(t, err)
	women := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{
		Type: cohort.DomainPerson, Parameters: []cohort.Parameter{{Type: cohort.TypeGender, ConceptID: 8532}},
	}}}}}
	d, err := e.Demographics(context.Background(), women)
	require.NoError(t, err)
	assert.Equal(t, engine.AgeCounts{Age0To17: 1, Age18To44: 1, Age45To64: 1, Age65Up: 1}, d.Ages)
	assert.Equal(t, []engine.DemographicCount{{ConceptID: 38003564, Name: "Not Hispanic or Latino", Count: 4, Ages: d.Ages}}, d.Ethnicity)
}

// TestConceptInTwoDomains: a concept whose events of one person fall in
// two domains counts the person once in a cohort and once in each
// domain's top concepts.
func TestConceptInTwoDomains(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	date := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	person := func(id int64) oracle.Person {
		return oracle.Person{PersonID: id, GenderConceptID: 8532, Gender: "FEMALE", SexAtBirthConceptID: 8532, SexAtBirth: "Female",
			BirthDate: date("1970-01-01"), AgeAtRef: 55, HasEHRData: true}
	}
	event := func(id, person int64, domain string) oracle.Event {
		return oracle.Event{EventID: id, PersonID: person, EntryDate: date("2020-01-0" + strconv.Itoa(int(id))), Domain: domain, ConceptID: 100, IsStandard: true, AgeAtEvent: 50}
	}
	testcdr.LoadOracle(t, db, oracle.Data{
		Persons: []oracle.Person{person(1), person(2)},
		Events: []oracle.Event{
			event(1, 1, "MEASUREMENT"), event(2, 1, "PHYSICAL_MEASUREMENT"), event(3, 1, "MEASUREMENT"),
			event(4, 2, "MEASUREMENT"),
		},
		Closure: []oracle.Closure{{AncestorID: 100, DescendantID: 100}},
	})
	_, err = db.Exec("CREATE TABLE concept AS SELECT 100::BIGINT AS concept_id, 'Weight' AS concept_name")
	require.NoError(t, err)
	e, err := engine.New(db, "test", engine.Options{})
	require.NoError(t, err)
	ctx := context.Background()
	for _, group := range []bool{false, true} {
		def := conceptCohort(cohort.DomainMeasurement, 100)
		def.Includes[0].Items[0].Parameters[0].Group = group
		n, err := e.Count(ctx, def)
		require.NoError(t, err)
		assert.Equal(t, int64(2), n, "with descendants: %v", group)
	}
	women := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{
		Type: cohort.DomainPerson, Parameters: []cohort.Parameter{{Type: cohort.TypeGender, ConceptID: 8532}},
	}}}}}
	for domain, want := range map[cohort.Domain]int64{cohort.DomainMeasurement: 2, cohort.DomainPhysicalMeasurement: 1} {
		top, err := e.TopConcepts(ctx, women, domain, 5)
		require.NoError(t, err)
		assert.Equal(t, []engine.ConceptCount{{ConceptID: 100, Name: "Weight", Count: want}}, top, domain)
	}
	top, err := e.TopConcepts(ctx, women, cohort.DomainCondition, 5)
	require.NoError(t, err)
	assert.Empty(t, top)
}

// TestNewNotIndexed checks that an engine over a CDR without an index
// (no version id) is refused with an error that says how to build one.
func TestNewNotIndexed(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	_, err = engine.New(db, "", engine.Options{})
	require.ErrorIs(t, err, engine.ErrNotIndexed)
	assert.Contains(t, err.Error(), "run `workbench cdr index DIR`")
	_, err = engine.New(nil, "v1", engine.Options{})
	assert.Error(t, err)
}

// Women with a condition of the wrist fracture hierarchy on at least two
// dates, as the All of Us Cohort Builder would send it.
const wristFractures = `{
  "includes": [
    {"items": [{"type": "CONDITION", "searchParameters": [
      {"parameterId": "p4134304", "name": "Fracture of wrist", "domain": "CONDITION", "type": "SNOMED",
       "group": true, "ancestorData": false, "standard": true, "conceptId": 4134304, "attributes": []}],
      "modifiers": [{"name": "NUM_OF_OCCURRENCES", "operator": "GREATER_THAN_OR_EQUAL_TO", "operands": ["2"]}]}]},
    {"items": [{"type": "PERSON", "searchParameters": [
      {"parameterId": "g8532", "name": "Female", "domain": "PERSON", "type": "GENDER", "conceptId": 8532}]}]}
  ],
  "excludes": [],
  "dataFilters": ["HAS_EHR_DATA"]
}`

// An engine over an indexed CDR counts a cohort and breaks it down. The
// CDR here is GiBleed, indexed as `workbench cdr index` (cdr.Index) does
// it, once for every test.
func ExampleEngine() {
	ctx := context.Background()
	dir, err := testcdr.GiBleedDir()
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := cdr.Open(ctx, dir, cdr.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	info, _ := c.Index()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	def, err := cohort.Parse([]byte(wristFractures))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := e.Count(ctx, def)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n, "persons")
	d, err := e.Demographics(ctx, def)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range d.Gender {
		fmt.Printf("%s: %d (45-64: %d)\n", g.Name, g.Count, g.Ages.Age45To64)
	}
	// Output:
	// 23 persons
	// FEMALE: 23 (45-64: 10)
}

// TestTimeRelations counts the temporal groups of each time relation
// over persons whose event dates tell the ways of comparing them apart
// (oracle.TimeRelations).
func TestTimeRelations(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	data, cases := oracle.TimeRelations()
	testcdr.LoadOracle(t, db, data)
	e, err := engine.New(db, "test", engine.Options{})
	require.NoError(t, err)
	for _, tc := range cases {
		t.Run(string(tc.Time), func(t *testing.T) {
			n, err := e.Count(context.Background(), tc.Def)
			require.NoError(t, err)
			assert.Equal(t, tc.Want, n)
			assert.Len(t, oracle.Eval(tc.Def, data), int(tc.Want), "the oracle")
		})
	}
}
