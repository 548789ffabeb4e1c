package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cdr/synth"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/server"
)

// TestPublicSmallCells walks the public tier of a server over a synthetic
// CDR small enough that most concept, survey and demographic cells hold 1
// to 19 persons, and checks every number of every answer: a count is 0, or
// 20 marked at_most, or a multiple of 20 above it; no key names a person
// id. Every number is read, whatever its key, so a raw count added to an
// answer under any name fails. TestPublicNeverSmallCounts walks GiBleed's
// answers the same way.
func TestPublicSmallCells(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and indexes a synthetic CDR")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cdr")
	_, err := synth.Generate(ctx, dir, synth.Options{Persons: 400, Seed: 5})
	require.NoError(t, err)
	info, err := cdr.Index(ctx, dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
	require.NoError(t, err)
	c, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })

	// What the test asks for comes from the CDR itself, read directly.
	column := func(q string) []int64 {
		t.Helper()
		rows, err := c.DB().QueryContext(ctx, q)
		require.NoError(t, err)
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var v int64
			require.NoError(t, rows.Scan(&v))
			out = append(out, v)
		}
		require.NoError(t, rows.Err())
		return out
	}
	small := column("SELECT concept_id FROM concept_counts WHERE rollup_person_count BETWEEN 1 AND 19 ORDER BY concept_id")
	larger := column("SELECT concept_id FROM concept_counts WHERE rollup_person_count >= 20 ORDER BY concept_id")
	questions := column("SELECT concept_id FROM concept WHERE concept_class_id = 'Question' ORDER BY concept_id")
	conditions := column(`SELECT concept_id FROM concept_counts JOIN concept USING (concept_id)
		WHERE domain_id = 'Condition' AND standard_concept = 'S' AND rollup_person_count > 0 ORDER BY rollup_person_count, concept_id`)
	require.Greater(t, len(small), 200, "the CDR has many small cells")
	require.NotEmpty(t, questions)
	require.Greater(t, len(conditions), 30)

	var requests []string
	add := func(path string, q url.Values) {
		if q != nil {
			path += "?" + q.Encode()
		}
		requests = append(requests, "GET "+path)
	}
	add("/v1/public/totals", nil)
	add("/v1/public/demographics", nil)
	for _, w := range []string{"", "a", "pain", "blood", "pressure", "Yes", "No", "disorder", "fracture", "mg", "survey"} {
		add("/v1/public/concepts", url.Values{"q": {w}, "limit": {"1000"}})
	}
	for _, d := range []string{"Condition", "Drug", "Measurement", "Procedure", "Observation", "Visit", "Device"} {
		add("/v1/public/concepts", url.Values{"q": {""}, "domain": {d}, "limit": {"1000"}})
	}
	// Every answer costs a query: a sample of the concepts is enough for
	// any rule that depends on the count alone.
	asked := 0
	for i, id := range small {
		if i%8 == 0 {
			asked++
			add(fmt.Sprint("/v1/public/concepts/", id), nil)
			add("/v1/public/concepts", url.Values{"q": {fmt.Sprint(id)}})
		}
	}
	for i, id := range larger {
		if i%16 == 0 {
			add(fmt.Sprint("/v1/public/concepts/", id), nil)
		}
	}
	for _, id := range questions {
		add(fmt.Sprint("/v1/public/surveys/", id), nil)
	}
	var cohorts [][]byte
	for i, id := range conditions {
		// Conditions alone, the rarest first, and with two others (the
		// shape's most items), as a visitor narrowing a cohort down would.
		if i%8 != 0 {
			continue
		}
		for _, def := range []*cohort.Definition{conditionsCohort(id), conditionsCohort(id, conditions[(i+1)%len(conditions)], conditions[(i+5)%len(conditions)])} {
			b, err := def.MarshalJSON()
			require.NoError(t, err)
			cohorts = append(cohorts, b)
		}
	}
	for _, sex := range column("SELECT DISTINCT sex_at_birth_concept_id FROM search_person ORDER BY 1") {
		for _, race := range column("SELECT DISTINCT race_concept_id FROM search_person WHERE race_concept_id > 0 ORDER BY 1") {
			def := &cohort.Definition{Includes: []cohort.Group{
				{Items: []cohort.Item{{Type: cohort.DomainPerson, Parameters: []cohort.Parameter{{Type: cohort.TypeSex, ConceptID: sex}}}}},
				{Items: []cohort.Item{{Type: cohort.DomainPerson, Parameters: []cohort.Parameter{{Type: cohort.TypeRace, ConceptID: race}}}}},
				{Items: []cohort.Item{{Type: cohort.DomainCondition, Parameters: []cohort.Parameter{{ConceptID: conditions[0], Group: true, Standard: true}}}}},
			}}
			b, err := def.MarshalJSON()
			require.NoError(t, err)
			cohorts = append(cohorts, b)
		}
	}

	for _, tc := range []struct {
		name string
		d    access.Disclosure
	}{
		{"all of us rule", access.Disclosure{}},
		{"keyed noise", access.Disclosure{NoiseKey: []byte("secret"), NoiseMax: 15}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng, err := engine.New(c.DB(), info.VersionID, engine.Options{})
			require.NoError(t, err)
			srv, err := server.New(server.Config{Disclosure: tc.d, RateLimit: server.RateLimit{Rate: 1e6, Burst: 1 << 20}},
				server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info})
			require.NoError(t, err)
			hs := httptest.NewServer(srv.Handler())
			defer hs.Close()
			f := &fixture{url: hs.URL, store: st}

			var seen released
			check := func(t *testing.T, what string, r response) {
				t.Helper()
				require.Equal(t, http.StatusOK, r.status, "%s: %s", what, r.body)
				var v any
				require.NoError(t, json.Unmarshal(r.body, &v), what)
				seen.walk(t, what, v, "")
			}
			for _, req := range requests {
				method, path, _ := strings.Cut(req, " ")
				check(t, req, f.do(t, method, path, "", nil, ""))
			}
			for _, b := range cohorts {
				check(t, string(b), f.do(t, "POST", "/v1/public/cohorts/count", "", b, ""))
			}
			// The walk met the small cells it was built to meet.
			assert.Greater(t, seen.atMost, asked, "answers of <= 20")
			assert.Greater(t, seen.above, 100, "answers above 20")
			assert.Positive(t, seen.zero, "answers of 0")
		})
	}
}

// conditionsCohort is the persons with each of the conditions (with
// descendants), one include group per condition.
func conditionsCohort(ids ...int64) *cohort.Definition {
	def := &cohort.Definition{}
	for _, id := range ids {
		def.Includes = append(def.Includes, cohort.Group{Items: []cohort.Item{{Type: cohort.DomainCondition,
			Parameters: []cohort.Parameter{{ConceptID: id, Group: true, Standard: true}}}}})
	}
	return def
}

// released counts the numbers a walk of public answers met.
type released struct{ atMost, above, zero int }

// notCounts are the keys of public answers whose numbers are not counts.
var notCounts = map[string]bool{"concept_id": true}

// walk checks every number of the JSON value v, found under key, of the
// answer what. A number is a count unless its key is in notCounts or is
// "share" (a fraction of released numbers). A key naming a person id
// fails whatever its value.
func (s *released) walk(t *testing.T, what string, v any, key string) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		atMost, _ := v["at_most"].(bool)
		for k, x := range v {
			assert.NotContains(t, strings.ToLower(k), "person_id", "%s: a person id key", what)
			if atMost && k == "count" {
				assert.EqualValues(t, access.MinThreshold, x, "%s: at_most with count %v", what, x)
			}
			s.walk(t, what, x, k)
		}
		if atMost {
			s.atMost++
		}
	case []any:
		for _, x := range v {
			s.walk(t, what, x, key)
		}
	case float64:
		switch {
		case notCounts[key]:
		case key == "share":
			assert.True(t, v >= 0 && v <= 1, "%s: share %v", what, v)
		case v == 0:
			s.zero++
		default:
			assert.True(t, v >= access.MinThreshold && float64(int64(v)) == v && int64(v)%access.MinThreshold == 0,
				"%s: %s = %v is not a released count", what, key, v)
			if v > access.MinThreshold {
				s.above++
			}
		}
	}
}
