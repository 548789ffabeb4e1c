package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/internal/testcdr"
)

// postFile sends a multipart form with the fields and, when file is not
// nil, a file field "file".
func (b *browser) postFile(path string, fields map[string]string, file []byte) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		require.NoError(b.t, mw.WriteField(k, v))
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "cohort.json")
		require.NoError(b.t, err)
		fw.Write(file)
	}
	require.NoError(b.t, mw.Close())
	resp, err := b.c.Post(b.base+path, mw.FormDataContentType(), &body)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp, out.String()
}

func TestCircePages(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	ada := researcher(t, f, base, "circe-ada@example.org")
	ws := createWorkspace(t, ada, "Celecoxib users")
	def, err := os.ReadFile(filepath.Join(testcdr.Root, "circe", "testdata", "eunomia", "celecoxib.json"))
	require.NoError(t, err)

	_, page, tok := ada.get("/workspaces/" + ws + "/circe/new")
	require.Contains(t, page, "Import from ATLAS")

	t.Run("problems at their fields, the expression's at its paths", func(t *testing.T) {
		resp, body := ada.postFile("/workspaces/"+ws+"/circe", map[string]string{"csrf_token": tok, "name": ""}, nil)
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="name-error"`)
		assert.Contains(t, body, `id="definition-error"`)
		bad := `{"PrimaryCriteria": {"CriteriaList": [{"Region": {}}]}}`
		resp, body = ada.postFile("/workspaces/"+ws+"/circe", map[string]string{"csrf_token": tok, "name": "Bad", "definition": bad}, nil)
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, "PrimaryCriteria.CriteriaList[0]")
		assert.Contains(t, body, "Region: criteria type not supported")
	})
	t.Run("a file without the session's token is refused", func(t *testing.T) {
		resp, _ := ada.postFile("/workspaces/"+ws+"/circe", map[string]string{"name": "No token"}, def)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})

	resp, body := ada.postFile("/workspaces/"+ws+"/circe", map[string]string{"csrf_token": tok, "name": "Celecoxib"}, def)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	loc := resp.Header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	_, page, _ = ada.get(loc)
	var n circe.Counts
	require.Equal(t, http.StatusOK, api(t, base, token(t, f, "circe-ada@example.org"), "/v1/workspaces/"+ws+"/circe-cohorts/"+id+"/count", &n))
	assert.Contains(t, page, "<h1>Celecoxib</h1>")
	assert.Contains(t, page, `<dd class="big">`+strconv.FormatInt(n.Subjects, 10)+`</dd>`, "the page shows the API's count")
	_, page, _ = ada.get("/workspaces/" + ws)
	assert.Contains(t, page, `/circe/`+id+`">Celecoxib</a>`)

	t.Run("pasted, with an inclusion rule", func(t *testing.T) {
		resp, body := ada.postFile("/workspaces/"+ws+"/circe", map[string]string{"csrf_token": tok, "name": "Type 2 diabetes from 40", "definition": diabetesFrom40}, nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		loc := resp.Header.Get("Location")
		_, page, _ := ada.get(loc)
		var n circe.Counts
		require.Equal(t, http.StatusOK, api(t, base, token(t, f, "circe-ada@example.org"), "/v1/workspaces/"+ws+"/circe-cohorts/"+loc[strings.LastIndex(loc, "/")+1:]+"/count", &n))
		require.Positive(t, n.Subjects)
		assert.Contains(t, page, `<dd class="big">`+strconv.FormatInt(n.Subjects, 10)+`</dd>`)
		assert.Contains(t, page, "1. Aged 40 or more")
	})
	t.Run("a concept set expression becomes a concept set", func(t *testing.T) {
		mapped := `{"items": [{"concept": {"CONCEPT_ID": 201826}, "includeDescendants": true, "includeMapped": true}]}`
		resp, body := ada.postFile("/workspaces/"+ws+"/circe", map[string]string{"csrf_token": tok, "name": "Mapped", "definition": mapped}, nil)
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, "items[0].includeMapped: mapped concepts are not imported")
		set := `{"items": [{"concept": {"CONCEPT_ID": 201826, "CONCEPT_NAME": "a caption from elsewhere"}, "includeDescendants": true, "isExcluded": false}]}`
		resp, body = ada.postFile("/workspaces/"+ws+"/circe", map[string]string{"csrf_token": tok, "name": "Type 2 diabetes from ATLAS", "definition": set}, nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		loc := resp.Header.Get("Location")
		assert.Contains(t, loc, "/conceptsets/")
		_, page, _ := ada.get(loc)
		assert.Contains(t, page, "Type 2 diabetes mellitus", "the CDR's name of the concept")
		assert.NotContains(t, page, "a caption from elsewhere")
		resp, body = ada.postFile("/workspaces/"+ws+"/circe", map[string]string{"csrf_token": tok, "name": "Type 2 diabetes from ATLAS", "definition": set}, nil)
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, "a concept set of this workspace has this name")
	})
}

// diabetesFrom40 is a Circe cohort: the first type 2 diabetes of each
// person, kept from the age of 40.
const diabetesFrom40 = `{
 "ConceptSets": [{"id": 0, "name": "Type 2 diabetes", "expression": {"items": [{"concept": {"CONCEPT_ID": 201826}, "includeDescendants": true}]}}],
 "PrimaryCriteria": {"CriteriaList": [{"ConditionOccurrence": {"CodesetId": 0}}], "ObservationWindow": {"PriorDays": 0, "PostDays": 0}, "PrimaryCriteriaLimit": {"Type": "First"}},
 "QualifiedLimit": {"Type": "First"}, "ExpressionLimit": {"Type": "First"},
 "InclusionRules": [{"name": "Aged 40 or more", "expression": {"Type": "ALL", "CriteriaList": [], "DemographicCriteriaList": [{"Age": {"Value": 40, "Op": "gte"}}], "Groups": []}}],
 "CensoringCriteria": [], "CollapseSettings": {"CollapseType": "ERA", "EraPad": 0}
}`
