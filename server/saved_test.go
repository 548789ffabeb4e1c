package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/server"
)

func TestSavedCohorts(t *testing.T) {
	f := newFixture(t, server.Config{})
	wrist := string(example(t, "wrist_fracture.json"))
	saved := func(name string) string { return fmt.Sprintf(`{"name": %q, "definition": %s}`, name, wrist) }
	ws := "/v1/workspaces/" + f.ws
	var id string
	c := func(p string) string { return ws + "/cohorts/" + id + p }

	f.run(t, []step{
		{name: "save", method: "POST", path: ws + "/cohorts", token: f.researcher, body: saved("Wrist fracture"), want: 201,
			check: func(t *testing.T, r response) {
				v := r.json(t)
				id = v["id"].(string)
				assert.Equal(t, f.ws, v["workspace_id"])
				assert.NotEmpty(t, v["definition"])
			}},
		{name: "same name is 409", method: "POST", path: ws + "/cohorts", token: f.researcher, body: saved("Wrist fracture"), want: 409},
		{name: "invalid definition", method: "POST", path: ws + "/cohorts", token: f.researcher,
			body: `{"name": "bad", "definition": {"includes": [{"items": [{"type": "NOPE", "searchParameters": []}]}]}}`, want: 400,
			check: func(t *testing.T, r response) {
				errs := r.json(t)["errors"].([]any)
				require.NotEmpty(t, errs)
				for _, e := range errs {
					assert.Regexp(t, `^definition\.`, e.(map[string]any)["path"])
				}
			}},
		{name: "no definition", method: "POST", path: ws + "/cohorts", token: f.researcher, body: `{"name": "empty"}`, want: 400},
		{name: "reader of nothing is 404", method: "POST", path: ws + "/cohorts", token: f.other, body: saved("Mine"), want: 404},
	})
	cases := []step{
		{name: "list", method: "GET", path: ws + "/cohorts", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"name":"Wrist fracture"`) }},
		{name: "get", method: "GET", path: c(""), token: f.researcher, want: 200},
		{name: "count", method: "GET", path: c("/count"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.EqualValues(t, 442, r.json(t)["count"]) }},
		{name: "demographics sum to the count", method: "GET", path: c("/demographics"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				type row struct{ Count int64 }
				var d struct {
					Count      int64
					SexAtBirth []row `json:"sex_at_birth"`
					Gender     []row
					Race       []row
					Ethnicity  []row
				}
				require.NoError(t, json.Unmarshal(r.body, &d))
				assert.EqualValues(t, 442, d.Count)
				for name, rows := range map[string][]row{"sex": d.SexAtBirth, "gender": d.Gender, "race": d.Race, "ethnicity": d.Ethnicity} {
					var sum int64
					for _, row := range rows {
						sum += row.Count
					}
					assert.EqualValues(t, 442, sum, name)
				}
			}},
		{name: "top concepts, the domain in any case", method: "GET", path: c("/top-concepts?domain=condition&limit=3"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var top []map[string]any
				require.NoError(t, json.Unmarshal(r.body, &top))
				assert.Len(t, top, 3)
			}},
		{name: "top concepts of no domain", method: "GET", path: c("/top-concepts"), token: f.researcher, want: 400},
		{name: "top concepts of an unknown domain name the domains", method: "GET", path: c("/top-concepts?domain=conditions"), token: f.researcher, want: 400,
			check: func(t *testing.T, r response) {
				assert.Contains(t, string(r.body), `"path":"domain"`)
				assert.Contains(t, string(r.body), "CONDITION, DRUG")
			}},
		{name: "participants page", method: "GET", path: c("/participants?page=1&size=50"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var p workbench.Page
				require.NoError(t, json.Unmarshal(r.body, &p))
				assert.EqualValues(t, 442, p.Total)
				assert.Len(t, p.PersonIDs, 50)
				assert.IsIncreasing(t, p.PersonIDs)
			}},
		{name: "participants bad size", method: "GET", path: c("/participants?size=x"), token: f.researcher, want: 400},
		{name: "sql", method: "GET", path: c("/sql"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, r.json(t)["sql"], "SELECT") }},
		{name: "rename", method: "PUT", path: c(""), token: f.researcher, body: saved("Wrists"), want: 200,
			check: func(t *testing.T, r response) { assert.Equal(t, "Wrists", r.json(t)["name"]) }},
		{name: "no role is 404", method: "GET", path: c("/count"), token: f.other, want: 404},
		{name: "pending without a role is 404", method: "GET", path: c("/count"), token: f.pending, want: 404},
		{name: "share as READER", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "READER"}`, want: 204},
		{name: "share with pending", method: "PUT", path: ws + "/collaborators/p@example.org", token: f.researcher, body: `{"role": "OWNER"}`, want: 204},
		{name: "pending with a role is 403", method: "GET", path: c("/count"), token: f.pending, want: 403},
		{name: "reader counts", method: "GET", path: c("/count"), token: f.other, want: 200},
		{name: "reader sees participants", method: "GET", path: c("/participants"), token: f.other, want: 200},
		{name: "reader may not change", method: "PUT", path: c(""), token: f.other, body: saved("Mine"), want: 403},
		{name: "reader may not save", method: "POST", path: ws + "/cohorts", token: f.other, body: saved("Mine"), want: 403},
		{name: "reader may not delete", method: "DELETE", path: c(""), token: f.other, want: 403},
		{name: "delete", method: "DELETE", path: c(""), token: f.researcher, want: 204},
		{name: "deleted is 404", method: "GET", path: c("/count"), token: f.researcher, want: 404},
	}
	f.run(t, cases)

	recs, err := f.store.QueryAudit(context.Background(), store.AuditQuery{UserID: f.researcherID})
	require.NoError(t, err)
	var sizes []int64
	for _, rec := range recs {
		if rec.Action == access.CohortParticipants {
			sizes = append(sizes, rec.ResultSize)
		}
	}
	assert.Equal(t, []int64{50}, sizes, "the audit has the result size, not the rows")
}

func TestSavedConceptSets(t *testing.T) {
	f := newFixture(t, server.Config{})
	ws := "/v1/workspaces/" + f.ws + "/concept-sets"
	var id string
	cs := func(p string) string { return ws + "/" + id + p }
	f.run(t, []step{
		{name: "save", method: "POST", path: ws, token: f.researcher, want: 201,
			body:  `{"name": "Fractures", "definition": {"items": [{"concept_id": 4134304, "include_descendants": true}]}}`,
			check: func(t *testing.T, r response) { id = r.json(t)["id"].(string) }},
		{name: "same name is 409", method: "POST", path: ws, token: f.researcher, want: 409,
			body: `{"name": "Fractures", "definition": {"items": [{"concept_id": 4134304}]}}`},
		{name: "no items", method: "POST", path: ws, token: f.researcher, want: 400, body: `{"name": "none", "definition": {"items": []}}`,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"path":"definition`) }},
		{name: "unknown field", method: "POST", path: ws, token: f.researcher, want: 400, body: `{"name": "x", "definition": {"items": [], "sql": "1"}}`},
		{name: "unknown concepts are refused at their paths", method: "POST", path: ws, token: f.researcher, want: 400,
			body: `{"name": "Unknown", "definition": {"items": [{"concept_id": 4134304}, {"concept_id": 999999999}, {"concept_id": 888888888, "exclude": true}]}}`,
			check: func(t *testing.T, r response) {
				assert.Equal(t, []string{"definition.items[1].concept_id", "definition.items[2].concept_id"}, problemPaths(t, r))
			}},
		{name: "no role is 404", method: "GET", path: ws, token: f.other, want: 404},
		// An OHDSI concept set expression, as ATLAS exports it, is imported
		// as the same items; its captions are not the CDR's and are not kept.
		{name: "an OHDSI expression is imported", method: "POST", path: ws, token: f.researcher, want: 201,
			body: `{"name": "From ATLAS", "definition": {"items": [
				{"concept": {"CONCEPT_ID": 4134304, "CONCEPT_NAME": "Fracture subluxation of wrist", "VOCABULARY_ID": "SNOMED"}, "isExcluded": false, "includeDescendants": true, "includeMapped": false},
				{"concept": {"CONCEPT_ID": 192671}, "isExcluded": true}]}}`,
			check: func(t *testing.T, r response) {
				var v struct{ Definition cohort.ConceptSet }
				require.NoError(t, json.Unmarshal(r.body, &v))
				assert.Equal(t, []cohort.ConceptSetItem{{ConceptID: 4134304, IncludeDescendants: true}, {ConceptID: 192671, Exclude: true}}, v.Definition.Items)
			}},
		{name: "an OHDSI expression's problems at their paths", method: "POST", path: ws, token: f.researcher, want: 400,
			body: `{"name": "Mapped", "definition": {"items": [{"concept": {"CONCEPT_ID": 4134304}, "includeMapped": true}, {"concept": {"CONCEPT_ID": "x"}}, {"concept": {"CONCEPT_ID": 999999999}}]}}`,
			check: func(t *testing.T, r response) {
				assert.Equal(t, []string{"definition.items[1].concept.CONCEPT_ID"}, problemPaths(t, r), "the expression's own problems first")
			}},
		{name: "mapped concepts are refused at their path", method: "POST", path: ws, token: f.researcher, want: 400,
			body: `{"name": "Mapped", "definition": {"items": [{"concept": {"CONCEPT_ID": 4134304}, "includeMapped": true}]}}`,
			check: func(t *testing.T, r response) {
				assert.Equal(t, []string{"definition.items[0].includeMapped"}, problemPaths(t, r))
			}},
		{name: "an OHDSI expression's unknown concepts at their paths", method: "POST", path: ws, token: f.researcher, want: 400,
			body: `{"name": "Unknown OHDSI", "definition": {"items": [{"concept": {"CONCEPT_ID": 4134304}}, {"concept": {"CONCEPT_ID": 999999999}}]}}`,
			check: func(t *testing.T, r response) {
				assert.Equal(t, []string{"definition.items[1].concept_id"}, problemPaths(t, r))
			}},
	})
	f.run(t, []step{
		{name: "list", method: "GET", path: ws, token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"name":"Fractures"`) }},
		{name: "get", method: "GET", path: cs(""), token: f.researcher, want: 200},
		{name: "expand", method: "GET", path: cs("/concepts"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var v struct {
					ConceptIDs []int64 `json:"concept_ids"`
					Concepts   []struct {
						ID          int64  `json:"concept_id"`
						Name        string `json:"name"`
						PersonCount int64  `json:"person_count"`
					} `json:"concepts"`
				}
				require.NoError(t, json.Unmarshal(r.body, &v))
				assert.Contains(t, v.ConceptIDs, int64(4134304))
				require.Len(t, v.Concepts, len(v.ConceptIDs), "each concept with its name and count")
				for _, c := range v.Concepts {
					if c.ID == 4134304 {
						assert.Equal(t, "Fracture subluxation of wrist", c.Name)
						assert.Positive(t, c.PersonCount)
					}
				}
			}},
		{name: "change", method: "PUT", path: cs(""), token: f.researcher, want: 200,
			body: `{"name": "Fracture", "definition": {"items": [{"concept_id": 4134304}]}}`},
		{name: "delete", method: "DELETE", path: cs(""), token: f.researcher, want: 204},
		{name: "deleted is 404", method: "GET", path: cs(""), token: f.researcher, want: 404},
	})
}
