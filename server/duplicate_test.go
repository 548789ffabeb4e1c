package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/server"
)

// TestReaderDuplicatesThenExports pins a decision of the access rules
// (see access/doc.go, "Duplicating a workspace"): a READER may not export
// from the workspace shared with them, but may duplicate it and export
// from the copy, which is theirs alone, keeps the source's tier and is
// audited with the source's id.
func TestReaderDuplicatesThenExports(t *testing.T) {
	f := newFixture(t, server.Config{})
	ws := "/v1/workspaces/" + f.ws
	var cohortID, setID, datasetID, copyID, copyDataset string
	f.run(t, []step{
		{name: "cohort", method: "POST", path: ws + "/cohorts", token: f.researcher, want: 201,
			body:  fmt.Sprintf(`{"name": "Wrist fracture", "definition": %s}`, example(t, "wrist_fracture.json")),
			check: func(t *testing.T, r response) { cohortID = r.json(t)["id"].(string) }},
		{name: "concept set", method: "POST", path: ws + "/concept-sets", token: f.researcher, want: 201,
			body:  `{"name": "Fractures", "definition": {"items": [{"concept_id": 4134304, "include_descendants": true}]}}`,
			check: func(t *testing.T, r response) { setID = r.json(t)["id"].(string) }},
	})
	f.run(t, []step{
		{name: "dataset", method: "POST", path: ws + "/datasets", token: f.researcher, want: 201,
			body:  fmt.Sprintf(`{"name": "Fractures", "cohort_ids": [%q], "concept_set_ids": [%q], "columns": {"CONDITION": ["person_id", "condition_start_date"]}}`, cohortID, setID),
			check: func(t *testing.T, r response) { datasetID = r.json(t)["id"].(string) }},
	})
	f.run(t, []step{
		{name: "share as READER", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "READER"}`, want: 204},
		{name: "the reader may not export from the source", method: "GET", path: ws + "/datasets/" + datasetID + "/export?domain=CONDITION", token: f.other, want: 403},
		{name: "a user without a role may not duplicate", method: "POST", path: ws + "/duplicate", token: f.pending, body: `{"name": "Mine"}`, want: 404},
		{name: "the reader duplicates", method: "POST", path: ws + "/duplicate", token: f.other, body: `{"name": "My copy"}`, want: 201,
			check: func(t *testing.T, r response) {
				copyID = r.json(t)["id"].(string)
				assert.Equal(t, "registered", r.json(t)["tier"], "the copy keeps the source's tier")
			}},
	})
	cp := "/v1/workspaces/" + copyID
	f.run(t, []step{
		{name: "the reader owns the copy alone", method: "GET", path: cp + "/collaborators", token: f.other, want: 200,
			check: func(t *testing.T, r response) {
				assert.Contains(t, string(r.body), `"email":"o@example.org","role":"OWNER"`)
				assert.NotContains(t, string(r.body), "r@example.org")
			}},
		{name: "the source's owner has no role in the copy", method: "GET", path: cp, token: f.researcher, want: 404},
		{name: "the copy holds the dataset", method: "GET", path: cp + "/datasets", token: f.other, want: 200,
			check: func(t *testing.T, r response) {
				var list []map[string]any
				require.NoError(t, json.Unmarshal(r.body, &list))
				require.Len(t, list, 1)
				copyDataset = list[0]["id"].(string)
			}},
	})
	source := f.accept(t, ws+"/datasets/"+datasetID+"/export?domain=CONDITION&format=json", f.researcher, "")
	require.Equal(t, http.StatusOK, source.status, "%s", source.body)
	fromCopy := f.accept(t, cp+"/datasets/"+copyDataset+"/export?domain=CONDITION&format=json", f.other, "")
	require.Equal(t, http.StatusOK, fromCopy.status, "%s", fromCopy.body)
	assert.Equal(t, readExport(t, "json", source.body), readExport(t, "json", fromCopy.body), "the same rows as the owner's export")

	other, err := f.store.UserByEmail(context.Background(), "o@example.org")
	require.NoError(t, err)
	recs, err := f.store.QueryAudit(context.Background(), store.AuditQuery{UserID: other.ID})
	require.NoError(t, err)
	var dup, exports []access.AuditRecord
	for _, r := range recs {
		switch {
		case r.Action == access.DuplicateWorkspace && r.Allowed:
			dup = append(dup, r)
		case r.Action == access.ExportDataset && r.Allowed:
			exports = append(exports, r)
		}
	}
	require.Len(t, dup, 1)
	assert.Equal(t, f.ws, dup[0].Workspace, "the duplicate is audited with its source")
	assert.Equal(t, copyID, dup[0].Object)
	require.Len(t, exports, 1)
	assert.Equal(t, copyID, exports[0].Workspace)
}
