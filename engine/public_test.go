//go:build cgo

package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cdr/synth"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// synthCDR generates a small synthetic CDR (300 persons, seed 7: many
// cells of 1 to 19 persons), indexes and opens it under dir.
func synthCDR(ctx context.Context, dir string) (*cdr.CDR, cdr.IndexInfo, error) {
	if _, err := synth.Generate(ctx, dir, synth.Options{Persons: 300, Seed: 7}); err != nil {
		return nil, cdr.IndexInfo{}, err
	}
	info, err := cdr.Index(ctx, dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
	if err != nil {
		return nil, cdr.IndexInfo{}, err
	}
	c, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
	return c, info, err
}

// publicAll calls every public method with every parameter the CDR has:
// every concept of the vocabulary (search pages, and the counts of every
// stride-th concept with persons), every survey question, and cohorts of
// three conditions (every stride-th) or a sex at birth. It returns the
// results by call.
func publicAll(t *testing.T, c *cdr.CDR, e *engine.Engine, d access.Disclosure, stride int) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	put := func(name string, v any, err error) {
		t.Helper()
		require.NoError(t, err, name)
		out[name] = v
	}
	tot, err := e.PublicTotals(ctx, d)
	put("totals", tot, err)
	dem, err := e.PublicDemographics(ctx, d)
	put("demographics", dem, err)
	for off := 0; ; off += engine.MaxConceptLimit {
		page, err := e.PublicConceptSearch(ctx, d, engine.ConceptSearch{Limit: engine.MaxConceptLimit, Offset: off})
		put(fmt.Sprint("search ", off), page, err)
		if len(page) < engine.MaxConceptLimit {
			break
		}
	}
	for _, w := range []string{"a", "pain", "blood pressure", "Yes"} {
		found, err := e.PublicConceptSearch(ctx, d, engine.ConceptSearch{Query: w})
		put("search "+w, found, err)
	}
	for i, id := range column(t, c, "SELECT concept_id FROM concept_counts WHERE rollup_person_count > 0") {
		if i%stride != 0 {
			continue
		}
		cc, err := e.PublicConceptCounts(ctx, d, id)
		put(fmt.Sprint("concept ", id), cc, err)
	}
	for _, id := range column(t, c, "SELECT concept_id FROM concept WHERE concept_class_id = 'Question'") {
		s, err := e.PublicSurvey(ctx, d, id)
		put(fmt.Sprint("survey ", id), s, err)
	}
	conditions := column(t, c, "SELECT concept_id FROM concept_counts JOIN concept USING (concept_id) WHERE domain_id = 'Condition' AND standard_concept = 'S' AND rollup_person_count > 0")
	for i, id := range conditions {
		if i%stride != 0 {
			continue
		}
		def := conditionCohort(id, conditions[(i+1)%len(conditions)], conditions[(i+7)%len(conditions)])
		n, err := e.PublicCohortCount(ctx, d, access.PublicShape{}, def)
		put(fmt.Sprint("cohort ", id), n, err)
	}
	for _, sex := range column(t, c, "SELECT DISTINCT sex_at_birth_concept_id FROM search_person") {
		def := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{Type: cohort.DomainPerson,
			Parameters: []cohort.Parameter{{Type: cohort.TypeSex, ConceptID: sex}}}}}}}
		n, err := e.PublicCohortCount(ctx, d, access.PublicShape{}, def)
		put(fmt.Sprint("cohort sex ", sex), n, err)
	}
	return out
}

// conditionCohort is the persons with each of the conditions (with
// descendants), one include group per condition.
func conditionCohort(ids ...int64) *cohort.Definition {
	def := &cohort.Definition{}
	for _, id := range ids {
		def.Includes = append(def.Includes, cohort.Group{Items: []cohort.Item{{Type: cohort.DomainCondition,
			Parameters: []cohort.Parameter{{ConceptID: id, Group: true, Standard: true}}}}})
	}
	return def
}

var releasedType = reflect.TypeFor[access.Released]()

// releasedIn calls f with every access.Released reachable from v.
func releasedIn(v reflect.Value, f func(access.Released)) {
	if v.Type() == releasedType {
		f(v.Interface().(access.Released))
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			releasedIn(v.Elem(), f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				releasedIn(v.Field(i), f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			releasedIn(v.Index(i), f)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			releasedIn(it.Value(), f)
		}
	}
}

// exact is how the zero Disclosure releases n.
func exact(n int64) (value int64, atMost bool) {
	switch {
	case n <= 0:
		return 0, false
	case n <= 20:
		return 20, true
	}
	return (n + 19) / 20 * 20, false
}

func TestPublic(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and indexes a synthetic CDR")
	}
	ctx := context.Background()
	c, info, err := synthCDR(ctx, filepath.Join(t.TempDir(), "cdr"))
	require.NoError(t, err)
	defer c.Close()
	newEngine := func() *engine.Engine { // a fresh cache each time
		e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
		require.NoError(t, err)
		return e
	}
	e := newEngine()
	noisy := access.Disclosure{NoiseKey: []byte("a secret"), NoiseMax: 15}

	t.Run("small cells never show", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			d      access.Disclosure
			stride int
		}{
			{"all of us", access.Disclosure{}, 1},
			{"noise and bin 50", access.Disclosure{Threshold: 30, Bin: 50, NoiseKey: noisy.NoiseKey, NoiseMax: 40}, 3},
		} {
			t.Run(tc.name, func(t *testing.T) {
				thr, bin := int64(max(tc.d.Threshold, 20)), int64(max(tc.d.Bin, 20))
				var released, atMost, zero int
				for call, r := range publicAll(t, c, e, tc.d, tc.stride) {
					releasedIn(reflect.ValueOf(r), func(v access.Released) {
						released++
						switch {
						case v.AtMost():
							atMost++
							assert.Equal(t, thr, v.Value(), call)
						case v.Value() == 0:
							zero++
						default:
							assert.Greater(t, v.Value(), thr, call)
							assert.Zero(t, v.Value()%bin, "%s: %d is not a multiple of %d", call, v.Value(), bin)
						}
						assert.False(t, v.Value() > 0 && v.Value() < 20, "%s: %d", call, v.Value())
					})
				}
				// The CDR is small enough for the rule to matter.
				assert.Greater(t, released, 1000)
				assert.Greater(t, atMost, released/10, "cells of 1 to the threshold")
				assert.Greater(t, released-atMost-zero, 100, "cells above the threshold")
			})
		}
	})

	t.Run("values are the exact counts rounded up", func(t *testing.T) {
		check := func(what string, r access.Released, q string, args ...any) {
			t.Helper()
			var n int64
			require.NoError(t, c.DB().QueryRowContext(ctx, q, args...).Scan(&n))
			v, atMost := exact(n)
			assert.Equal(t, v, r.Value(), "%s: %d persons", what, n)
			assert.Equal(t, atMost, r.AtMost(), "%s: %d persons", what, n)
		}
		tot, err := e.PublicTotals(ctx, access.Disclosure{})
		require.NoError(t, err)
		check("total", tot.Count, "SELECT count(*) FROM person")

		dem, err := e.PublicDemographics(ctx, access.Disclosure{})
		require.NoError(t, err)
		assert.Equal(t, tot.Count, dem.Race.Total)
		for _, g := range dem.Race.Groups {
			check("race "+g.Label, g.Count, "SELECT count(*) FROM person p JOIN concept c ON c.concept_id = p.race_concept_id WHERE c.concept_name = ?", g.Label)
		}
		var ages []string
		for _, g := range dem.Age.Groups {
			ages = append(ages, g.Label)
		}
		assert.Subset(t, []string{engine.AgeBin0To17, engine.AgeBin18To44, engine.AgeBin45To64, engine.AgeBin65Up, engine.AgeBinUnknown}, ages)

		// A condition high in the hierarchy, and its persons by sex.
		var id int64
		require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT concept_id FROM concept_counts JOIN concept USING (concept_id)
			WHERE domain_id = 'Condition' ORDER BY rollup_person_count DESC, concept_id LIMIT 1`).Scan(&id))
		const persons = `SELECT count(DISTINCT o.person_id) FROM condition_occurrence o
			JOIN person p ON p.person_id = o.person_id
			WHERE (o.condition_concept_id = ? OR o.condition_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = ?))`
		cc, err := e.PublicConceptCounts(ctx, access.Disclosure{}, id)
		require.NoError(t, err)
		check("concept total", cc.SexAtBirth.Total, persons, id, id)
		assert.Equal(t, cc.SexAtBirth.Total, cc.Age.Total)
		require.NotEmpty(t, cc.SexAtBirth.Groups)
		for _, g := range cc.SexAtBirth.Groups {
			check("concept sex "+g.Label, g.Count, persons+" AND p.gender_concept_id IN (SELECT concept_id FROM concept WHERE concept_name = ?)", id, id, g.Label)
		}

		// The survey question most persons answered, by answer.
		require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT observation_concept_id FROM observation
			JOIN concept ON concept_id = observation_concept_id WHERE concept_class_id = 'Question'
			GROUP BY 1 ORDER BY count(DISTINCT person_id) DESC, 1 LIMIT 1`).Scan(&id))
		s, err := e.PublicSurvey(ctx, access.Disclosure{}, id)
		require.NoError(t, err)
		check("survey total", s.Answers.Total, "SELECT count(DISTINCT person_id) FROM observation WHERE observation_concept_id = ?", id)
		require.NotEmpty(t, s.Answers.Groups)
		for _, g := range s.Answers.Groups {
			check("answer "+g.Label, g.Count, `SELECT count(DISTINCT person_id) FROM observation o JOIN concept c ON c.concept_id = o.value_as_concept_id
				WHERE o.observation_concept_id = ? AND c.concept_name = ?`, id, g.Label)
		}
	})

	t.Run("noise is deterministic per query and key", func(t *testing.T) {
		a := publicAll(t, c, newEngine(), noisy, 25)
		assert.Equal(t, a, publicAll(t, c, newEngine(), noisy, 25), "the same key")
		other := noisy
		other.NoiseKey = []byte("another secret")
		assert.NotEqual(t, a, publicAll(t, c, newEngine(), other, 25), "another key")
		assert.NotEqual(t, a, publicAll(t, c, newEngine(), access.Disclosure{}, 25), "no noise")
	})

	t.Run("one number, one answer", func(t *testing.T) {
		// A concept's rollup count in a search is its breakdowns' total;
		// a question's count is its answers' total; a cohort renamed or
		// reordered is the same cohort.
		for _, id := range column(t, c, "SELECT concept_id FROM concept_counts WHERE rollup_person_count > 0 ORDER BY concept_id LIMIT 40") {
			found, err := e.PublicConceptSearch(ctx, noisy, engine.ConceptSearch{Query: fmt.Sprint(id), Limit: 1})
			require.NoError(t, err)
			require.Len(t, found, 1)
			cc, err := e.PublicConceptCounts(ctx, noisy, id)
			require.NoError(t, err)
			assert.Equal(t, found[0].RollupCount, cc.SexAtBirth.Total, "concept %d", id)
		}
		for _, id := range column(t, c, "SELECT concept_id FROM concept WHERE concept_class_id = 'Question' LIMIT 10") {
			found, err := e.PublicConceptSearch(ctx, noisy, engine.ConceptSearch{Query: fmt.Sprint(id), Limit: 1})
			require.NoError(t, err)
			s, err := e.PublicSurvey(ctx, noisy, id)
			require.NoError(t, err)
			assert.Equal(t, found[0].Count, s.Answers.Total, "question %d", id)
		}
		conditions := column(t, c, "SELECT concept_id FROM concept_counts JOIN concept USING (concept_id) WHERE domain_id = 'Condition' AND rollup_person_count > 20 LIMIT 30")
		for i := 0; i+2 < len(conditions); i += 3 {
			a, b, d := conditions[i], conditions[i+1], conditions[i+2]
			one := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{Type: cohort.DomainCondition, Parameters: []cohort.Parameter{
				{ConceptID: a, Group: true, Standard: true}, {ConceptID: b, Group: true, Standard: true}}}}}, {Items: []cohort.Item{{Type: cohort.DomainCondition,
				Parameters: []cohort.Parameter{{ConceptID: d, Group: true, Standard: true}}}}}}}
			other := &cohort.Definition{Includes: []cohort.Group{{Name: "renamed", Items: []cohort.Item{{Type: cohort.DomainCondition, Name: "x",
				Parameters: []cohort.Parameter{{ConceptID: d, Group: true, Standard: true, Name: "y", ParameterID: "p1"}}}}}, {Items: []cohort.Item{{Type: cohort.DomainCondition,
				Parameters: []cohort.Parameter{{ConceptID: b, Group: true, Standard: true}, {ConceptID: a, Group: true, Standard: true}, {ConceptID: b, Group: true, Standard: true}}}}}}}
			n1, err := e.PublicCohortCount(ctx, noisy, access.PublicShape{}, one)
			require.NoError(t, err)
			n2, err := newEngine().PublicCohortCount(ctx, noisy, access.PublicShape{}, other)
			require.NoError(t, err)
			assert.Equal(t, n1, n2, "%d %d %d", a, b, d)
		}
	})

	t.Run("cached by disclosure settings", func(t *testing.T) {
		a, err := e.PublicTotals(ctx, access.Disclosure{Bin: 40})
		require.NoError(t, err)
		b, err := e.PublicTotals(ctx, access.Disclosure{Bin: 1000})
		require.NoError(t, err)
		assert.Zero(t, a.Count.Value()%40)
		assert.Equal(t, int64(1000), b.Count.Value())
	})

	t.Run("bad requests", func(t *testing.T) {
		_, err := e.PublicTotals(ctx, access.Disclosure{Threshold: 5})
		assert.ErrorIs(t, err, access.ErrInvalid)
		_, err = e.PublicConceptCounts(ctx, access.Disclosure{}, 999_999_999_999)
		assert.ErrorIs(t, err, engine.ErrNotFound)
		_, err = e.PublicSurvey(ctx, access.Disclosure{}, 999_999_999_999)
		assert.ErrorIs(t, err, engine.ErrNotFound)
		notQuestion := column(t, c, "SELECT concept_id FROM concept WHERE concept_class_id <> 'Question' LIMIT 1")[0]
		_, err = e.PublicSurvey(ctx, access.Disclosure{}, notQuestion)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, err = e.PublicConceptSearch(ctx, access.Disclosure{}, engine.ConceptSearch{Limit: -1})
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, err = e.PublicCohortCount(ctx, access.Disclosure{}, access.PublicShape{}, nil)
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		_, err = e.PublicCohortCount(ctx, access.Disclosure{}, access.PublicShape{}, &cohort.Definition{Includes: []cohort.Group{{}}})
		assert.ErrorIs(t, err, cohort.ErrInvalid)
	})
}

// A definition outside the public shape is refused before any query: on
// a closed database and with a cancelled context, the refusal is the
// shape's, while a definition of the shape gets as far as the query.
func TestPublicCohortCountShape(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and indexes a synthetic CDR")
	}
	ctx := context.Background()
	c, info, err := synthCDR(ctx, filepath.Join(t.TempDir(), "cdr"))
	require.NoError(t, err)
	require.NoError(t, c.Close())
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	item := func(id int64) cohort.Item {
		return cohort.Item{Type: cohort.DomainCondition, Parameters: []cohort.Parameter{{ConceptID: id, Standard: true}}}
	}
	fourItems := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{item(1), item(2)}}, {Items: []cohort.Item{item(3), item(4)}}}}
	exclude := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{item(1)}}}, Excludes: []cohort.Group{{Items: []cohort.Item{item(2)}}}}
	temporal := &cohort.Definition{Includes: []cohort.Group{{Temporal: true, Mention: cohort.AnyMention, Time: cohort.SameEncounter,
		Items: []cohort.Item{item(1), {Type: cohort.DomainCondition, TemporalGroup: 1, Parameters: []cohort.Parameter{{ConceptID: 2, Standard: true}}}}}}}
	for name, def := range map[string]*cohort.Definition{"4 items": fourItems, "an exclude": exclude, "a temporal group": temporal} {
		t.Run(name, func(t *testing.T) {
			for _, ctx := range []context.Context{ctx, cancelled} {
				_, err := e.PublicCohortCount(ctx, access.Disclosure{}, access.PublicShape{}, def)
				require.ErrorIs(t, err, access.ErrForbidden)
				assert.NotErrorIs(t, err, context.Canceled)
				assert.NotContains(t, err.Error(), "closed")
			}
		})
	}
	t.Run("a wider shape", func(t *testing.T) {
		_, err := e.PublicCohortCount(ctx, access.Disclosure{}, access.PublicShape{MaxItems: 4}, fourItems)
		require.Error(t, err)
		assert.NotErrorIs(t, err, access.ErrForbidden)
		assert.Contains(t, err.Error(), "closed", "the query ran")
	})
	t.Run("the shape", func(t *testing.T) {
		def := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{item(1), item(2), item(3)}}}}
		_, err := e.PublicCohortCount(ctx, access.Disclosure{}, access.PublicShape{}, def)
		require.Error(t, err)
		assert.NotErrorIs(t, err, access.ErrForbidden)
		_, err = e.PublicCohortCount(cancelled, access.Disclosure{}, access.PublicShape{}, def)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// The public methods return only labels, concept metadata and released
// numbers: every field of their results, at any depth, is a string, a
// concept id, or a type of package access (whose own test proves it holds
// no raw count). A new public method is checked by being named Public*.
func TestPublicTypes(t *testing.T) {
	accessPkg := reflect.TypeFor[access.Released]().PkgPath()
	var check func(path string, ty reflect.Type)
	check = func(path string, ty reflect.Type) {
		switch {
		case ty.PkgPath() == accessPkg:
			return
		case ty.Kind() == reflect.String:
			return
		case ty.Kind() == reflect.Slice || ty.Kind() == reflect.Pointer:
			check(path+"[]", ty.Elem())
		case ty.Kind() == reflect.Struct:
			for i := range ty.NumField() {
				f := ty.Field(i)
				if f.Type.Kind() == reflect.Int64 && f.Name == "ConceptID" {
					continue
				}
				check(path+"."+f.Name, f.Type)
			}
		default:
			t.Errorf("%s: %s could hold a raw count or a person id", path, ty)
		}
	}
	errType := reflect.TypeFor[error]()
	et := reflect.TypeFor[*engine.Engine]()
	var n int
	for i := range et.NumMethod() {
		m := et.Method(i)
		if !strings.HasPrefix(m.Name, "Public") {
			continue
		}
		n++
		for j := range m.Type.NumOut() {
			if out := m.Type.Out(j); out != errType {
				check(m.Name, out)
			}
		}
	}
	assert.Equal(t, 6, n, "public methods")
}

// The Data Browser's numbers for a small synthetic CDR, with the All of
// Us rule: nothing from 1 to 20 is shown, larger counts are rounded up,
// and shares come from the released numbers (so they may sum past 100%).
func ExampleEngine_PublicDemographics() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "public-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	c, info, err := synthCDR(ctx, filepath.Join(dir, "cdr"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := e.PublicDemographics(ctx, access.Disclosure{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("participants:", d.Age.Total)
	for _, b := range []access.PublicBreakdown{d.SexAtBirth, d.Age} {
		for _, g := range b.Groups {
			fmt.Printf("%s %s: %s (%.0f%%)\n", b.Label, g.Label, g.Count, 100*g.Share)
		}
	}
	// Output:
	// participants: 300
	// sex_at_birth FEMALE: 160 (53%)
	// sex_at_birth MALE: 160 (53%)
	// age 0-17: <= 20 (7%)
	// age 18-44: 120 (40%)
	// age 45-64: 100 (33%)
	// age 65+: 100 (33%)
}
