package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/server"
)

// TestCirceCohorts keeps OHDSI's celecoxib cohort in a workspace and gets
// the published CohortGenerator result on GiBleed (1,800 entries, 1,800
// subjects), its rows and attrition, and uses it as a dataset's cohort.
func TestCirceCohorts(t *testing.T) {
	f := newFixture(t, server.Config{})
	base := "/v1/workspaces/" + f.ws + "/circe-cohorts"
	var id string
	f.run(t, []step{
		{name: "save", method: "POST", path: base, token: f.researcher, body: `{"name": "Celecoxib", "definition": ` + celecoxib + `}`, want: 201,
			check: func(t *testing.T, r response) {
				id = r.json(t)["id"].(string)
				assert.True(t, strings.HasPrefix(id, "cc_"), id)
			}},
		{name: "a name is taken once", method: "POST", path: base, token: f.researcher, body: `{"name": "Celecoxib", "definition": ` + celecoxib + `}`, want: 409},
		{name: "an unsupported field is refused at its path", method: "POST", path: base, token: f.researcher,
			body: `{"name": "Bad", "definition": {"ConceptSets": [], "PrimaryCriteria": {"CriteriaList": [{"Region": {}}], "ObservationWindow": {"PriorDays": 0, "PostDays": 0}}}}`, want: 400,
			check: func(t *testing.T, r response) {
				paths := problemPaths(t, r)
				require.NotEmpty(t, paths)
				assert.True(t, strings.HasPrefix(paths[0], "definition.PrimaryCriteria.CriteriaList[0]"), "%v", paths)
			}},
		{name: "no definition", method: "POST", path: base, token: f.researcher, body: `{"name": "Empty"}`, want: 400},
		{name: "list", method: "GET", path: base, token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"name":"Celecoxib"`) }},
	})
	f.run(t, []step{
		{name: "count", method: "GET", path: base + "/" + id + "/count", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				assert.JSONEq(t, `{"count": 1800, "entries": 1800}`, string(r.body))
			}},
		{name: "rows", method: "GET", path: base + "/" + id + "/rows?size=3&page=1", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var p struct {
					Rows []struct {
						SubjectID int64 `json:"subject_id"`
					} `json:"rows"`
					Total int64 `json:"total"`
				}
				require.NoError(t, json.Unmarshal(r.body, &p))
				assert.EqualValues(t, 1800, p.Total)
				require.Len(t, p.Rows, 3)
				assert.Less(t, p.Rows[0].SubjectID, p.Rows[2].SubjectID)
			}},
		{name: "a bad page size", method: "GET", path: base + "/" + id + "/rows?size=0&page=-1", token: f.researcher, want: 400},
		{name: "attrition", method: "GET", path: base + "/" + id + "/attrition", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"persons"`) }},
		{name: "another user's workspace is not found", method: "GET", path: base + "/" + id + "/count", token: f.other, want: 404},
		{name: "as a dataset's cohort", method: "POST", path: "/v1/workspaces/" + f.ws + "/datasets", token: f.researcher,
			body: fmt.Sprintf(`{"name": "Celecoxib persons", "cohort_ids": [%q], "columns": {"PERSON": ["person_id"]}}`, id), want: 201},
	})
	var datasets []struct{ ID string }
	r := f.do(t, "GET", "/v1/workspaces/"+f.ws+"/datasets", f.researcher, nil, "")
	require.Equal(t, 200, r.status)
	require.NoError(t, json.Unmarshal(r.body, &datasets))
	require.Len(t, datasets, 1)
	r = f.accept(t, "/v1/workspaces/"+f.ws+"/datasets/"+datasets[0].ID+"/export?domain=PERSON&format=csv", f.researcher, "")
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Equal(t, 1800+1, strings.Count(string(r.body), "\n"), "a header and the cohort's 1,800 persons")
	f.run(t, []step{
		{name: "a cohort a dataset uses stays", method: "DELETE", path: base + "/" + id, token: f.researcher, want: 409},
	})

	// A cohort that reads a column beyond the CDM (drug_exposure's
	// effective_drug_dose, of CDM v5.0) is saved, but a dataset over it is
	// refused at the expression's path, before any query.
	dosed := `{"ConceptSets": [{"id": 0, "name": "celecoxib", "expression": {"items": [{"concept": {"CONCEPT_ID": 1118084}}]}}],
		"PrimaryCriteria": {"CriteriaList": [{"DrugExposure": {"CodesetId": 0, "EffectiveDrugDose": {"Op": "gt", "Value": 5}}}],
		"ObservationWindow": {"PriorDays": 0, "PostDays": 0}}}`
	r = f.do(t, "POST", base, f.researcher, []byte(`{"name": "Dosed", "definition": `+dosed+`}`), "application/json")
	require.Equal(t, 201, r.status, "%s", r.body)
	var saved struct{ ID string }
	require.NoError(t, json.Unmarshal(r.body, &saved))
	f.run(t, []step{
		{name: "a count names what the CDR lacks", method: "GET", path: base + "/" + saved.ID + "/count", token: f.researcher, want: 400,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), "EffectiveDrugDose") }},
		{name: "so does a dataset", method: "POST", path: "/v1/workspaces/" + f.ws + "/datasets", token: f.researcher,
			body: fmt.Sprintf(`{"name": "Dosed persons", "cohort_ids": [%q], "columns": {"PERSON": ["person_id"]}}`, saved.ID), want: 400,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), "EffectiveDrugDose") }},
	})
}
