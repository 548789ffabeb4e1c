package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/server"
)

// concepts decodes a {concepts: [...]} body.
func concepts(t *testing.T, r response) []engine.Concept {
	t.Helper()
	var v struct {
		Concepts []engine.Concept `json:"concepts"`
	}
	require.NoError(t, json.Unmarshal(r.body, &v), "body: %s", r.body)
	require.NotNil(t, v.Concepts, "an empty list is [], not null")
	return v.Concepts
}

func conceptIDs(cs []engine.Concept) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestConcepts(t *testing.T) {
	f := newFixture(t, server.Config{})
	f.run(t, []step{
		{name: "search by words", method: "GET", path: "/v1/concepts?q=wrist+fracture", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				cs := concepts(t, r)
				require.Len(t, cs, 1)
				assert.Equal(t, engine.Concept{ID: 4134304, Name: "Fracture subluxation of wrist", DomainID: "Condition", VocabularyID: "SNOMED",
					ClassID: "Clinical Finding", StandardConcept: "S", Code: "263102004", PersonCount: 442, RollupPersonCount: 442}, cs[0],
					"442 persons, as published for GiBleed")
			}},
		{name: "by code, an exact small count that the public tier shows as <= 20", method: "GET", path: "/v1/concepts?q=1734006", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				cs := concepts(t, r)
				require.Len(t, cs, 1)
				assert.Equal(t, int64(4066995), cs[0].ID)
				assert.Equal(t, int64(3), cs[0].PersonCount)
			}},
		{name: "filters", method: "GET", path: "/v1/concepts?q=fracture&domain=condition&vocabulary=SNOMED&standard=true&limit=3&offset=1", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				cs := concepts(t, r)
				assert.Len(t, cs, 3)
				for _, c := range cs {
					assert.Equal(t, "Condition", c.DomainID)
					assert.Equal(t, "S", c.StandardConcept)
					assert.Contains(t, strings.ToLower(c.Name), "fracture")
				}
			}},
		{name: "nothing found is an empty list", method: "GET", path: "/v1/concepts?q=fracture&domain=Drug", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Empty(t, concepts(t, r)) }},
		{name: "one concept", method: "GET", path: "/v1/concepts/40480160", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var c engine.Concept
				require.NoError(t, json.Unmarshal(r.body, &c))
				assert.Equal(t, "Pathological fracture due to osteoporosis", c.Name)
				assert.Equal(t, int64(56), c.RollupPersonCount, "56 persons, as published for GiBleed")
			}},
		{name: "parents", method: "GET", path: "/v1/concepts/40480160/parents", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				cs := concepts(t, r)
				// concept_ancestor has three more parents, which GiBleed's
				// cut-down concept table lacks.
				assert.Equal(t, []int64{80502}, conceptIDs(cs), "one level up in concept_ancestor")
				assert.Equal(t, "Osteoporosis", cs[0].Name)
			}},
		{name: "children", method: "GET", path: "/v1/concepts/80502/children", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, conceptIDs(concepts(t, r)), int64(40480160)) }},
		{name: "a concept without children", method: "GET", path: "/v1/concepts/40480160/children", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Empty(t, concepts(t, r)) }},
	})
	for _, tc := range []struct {
		name, path, token string
		want              int
		param             string // what the problem names: an error's path, else in the detail
	}{
		{"standard not a boolean", "/v1/concepts?q=x&standard=maybe", f.researcher, 400, "standard"},
		{"limit not a number", "/v1/concepts?limit=ten", f.researcher, 400, "limit"},
		{"limit too large", "/v1/concepts?limit=5000", f.researcher, 400, "limit"},
		{"negative offset", "/v1/concepts?offset=-1", f.researcher, 400, "offset"},
		{"query too long", "/v1/concepts?q=" + strings.Repeat("a", 1001), f.researcher, 400, "q"},
		{"id not a number", "/v1/concepts/abc", f.researcher, 400, "id"},
		{"parents of a bad id", "/v1/concepts/abc/parents", f.researcher, 400, "id"},
		{"unknown concept", "/v1/concepts/999999999", f.researcher, 404, "999999999"},
		{"children of an unknown concept", "/v1/concepts/999999999/children", f.researcher, 404, "999999999"},
		{"anonymous", "/v1/concepts?q=wrist", "", 401, ""},
		{"anonymous concept", "/v1/concepts/4134304", "", 401, ""},
		{"steps missing", "/v1/concepts?q=wrist", f.pending, 403, ""},
		{"steps missing, parents", "/v1/concepts/40480160/parents", f.pending, 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := requireProblem(t, f.do(t, "GET", tc.path, tc.token, nil, ""), tc.want)
			if tc.param == "" {
				return
			}
			if errs, ok := p["errors"].([]any); ok {
				var paths []any
				for _, e := range errs {
					paths = append(paths, e.(map[string]any)["path"])
				}
				assert.Contains(t, paths, tc.param)
			} else {
				assert.Contains(t, p["detail"], tc.param)
			}
		})
	}

	recs, err := f.store.QueryAudit(context.Background(), store.AuditQuery{UserID: f.researcherID})
	require.NoError(t, err)
	var sizes []int64
	for _, rec := range recs {
		if rec.Action == access.BrowseConcepts && rec.Object == "40480160" {
			sizes = append(sizes, rec.ResultSize)
		}
	}
	assert.Equal(t, []int64{1, 1, 0}, sizes, "the concept, its parents and its children, audited by result size")
}
