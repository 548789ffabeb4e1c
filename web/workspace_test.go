package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// researcher is a signed-in browser of an approved researcher.
func researcher(t *testing.T, f *fixture, base, email string) *browser {
	t.Helper()
	b := signUp(t, f, base, email, "Researcher "+email, "a long enough password")
	approve(t, f, email)
	return b
}

// token is a bearer token of the user of email, for the API.
func token(t *testing.T, f *fixture, email string) string {
	t.Helper()
	u, err := f.store.UserByEmail(t.Context(), email)
	require.NoError(t, err)
	secret, _, err := f.store.CreateToken(t.Context(), u.ID, time.Hour, time.Now())
	require.NoError(t, err)
	return secret
}

// api calls the API at path with the token and decodes its JSON answer.
func api(t *testing.T, base, tok, path string, out any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}

// purpose is a valid workspace form.
func purpose(name string) url.Values {
	return url.Values{
		"name":                                  {name},
		"description":                           {"Fractures in older adults"},
		"research_purpose.intended_study":       {"How often do older adults break a wrist?"},
		"research_purpose.approach":             {"Cohorts of conditions and ages, counted."},
		"research_purpose.uses":                 {"disease_focused", "educational"},
		"research_purpose.disease_of_focus":     {"Osteoporosis"},
		"research_purpose.anticipated_findings": {""},
	}
}

// createWorkspace creates a workspace through its form and returns its
// id.
func createWorkspace(t *testing.T, b *browser, name string) string {
	t.Helper()
	_, _, tok := b.get("/workspaces/new")
	v := purpose(name)
	v.Set("csrf_token", tok)
	resp, body := b.post("/workspaces", v)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	loc := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, "/workspaces/"), loc)
	return strings.TrimPrefix(loc, "/workspaces/")
}

func TestWorkspacePages(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	ada := researcher(t, f, base, "ada@example.org")
	bob := researcher(t, f, base, "bob@example.org")
	eve := researcher(t, f, base, "eve@example.org")

	t.Run("problems of the form are shown at their fields", func(t *testing.T) {
		_, page, tok := ada.get("/workspaces/new")
		assert.Contains(t, page, `name="research_purpose.uses"`)
		resp, body := ada.post("/workspaces", url.Values{"csrf_token": {tok}, "name": {""}, "research_purpose.intended_study": {"x"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="name-error"`)
		v := purpose("Fractures")
		v.Set("csrf_token", tok)
		v.Del("research_purpose.uses")
		v.Set("research_purpose.approach", " ")
		resp, body = ada.post("/workspaces", v)
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="uses-error"`)
		assert.Contains(t, body, `id="research_purpose.approach-error"`)
		assert.Contains(t, body, `value="Fractures"`, "what was typed stays")
	})

	ws := createWorkspace(t, ada, "Fractures")
	_, page, tok := ada.get("/workspaces/" + ws)
	assert.Contains(t, page, "<h1>Fractures</h1>")
	assert.Contains(t, page, "Osteoporosis")
	assert.Contains(t, page, "Build a cohort")
	assert.Contains(t, page, "Add a collaborator")

	t.Run("edit", func(t *testing.T) {
		_, page, tok := ada.get("/workspaces/" + ws + "/edit")
		assert.Contains(t, page, `value="Fractures"`)
		v := purpose("Wrist fractures")
		v.Set("csrf_token", tok)
		resp, body := ada.post("/workspaces/"+ws+"/edit", v)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		_, page, _ = ada.get("/workspaces/" + ws)
		assert.Contains(t, page, "<h1>Wrist fractures</h1>")
	})

	t.Run("collaborators", func(t *testing.T) {
		resp, body := ada.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {"nobody@example.org"}, "role": {"WRITER"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="email-error"`)
		assert.Contains(t, body, "no researcher has an account")

		resp, body = ada.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {"ada@example.org"}, "role": {"NONE"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "the last owner stays")
		assert.Contains(t, body, `id="email-error"`)
		assert.Contains(t, body, "last owner")

		resp, body = ada.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {"bob@example.org"}, "role": {"WRITER"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		resp, body = ada.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {"bob@example.org"}, "role": {"READER"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		_, page, _ := ada.get("/workspaces/" + ws)
		assert.Regexp(t, `bob@example.org</th><td>READER`, page)
	})

	t.Run("a READER sees no write control and a forced POST is refused", func(t *testing.T) {
		resp, page, btok := bob.get("/workspaces/" + ws)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "Your role: <strong>READER</strong>")
		for _, control := range []string{"Build a cohort", "Make a concept set", "Add a collaborator", "/edit", "/delete", `name="role"`} {
			assert.NotContains(t, page, control)
		}
		resp, _, _ = bob.get("/workspaces/" + ws + "/cohorts/new")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		v := purpose("Taken over")
		v.Set("csrf_token", btok)
		resp, _ = bob.post("/workspaces/"+ws+"/edit", v)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = bob.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {btok}, "email": {"bob@example.org"}, "role": {"OWNER"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = bob.post("/workspaces/"+ws+"/delete", url.Values{"csrf_token": {btok}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = bob.post("/workspaces/"+ws+"/cohorts/build", url.Values{"csrf_token": {btok}, "op": {"save"}, "name": {"Forced"},
			"definition": {`{"includes":[{"items":[{"type":"PERSON","searchParameters":[{"type":"DECEASED","domain":"PERSON"}]}]}]}`}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = bob.post("/workspaces/"+ws+"/conceptsets/build", url.Values{"csrf_token": {btok}, "op": {"save"}, "name": {"Forced"}, "items": {`[{"concept_id":1}]`}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})

	t.Run("another user's workspace is not found", func(t *testing.T) {
		for _, p := range []string{"", "/edit", "/delete", "/cohorts/new", "/conceptsets/new"} {
			resp, _, _ := eve.get("/workspaces/" + ws + p)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
		}
		_, _, etok := eve.get("/workspaces")
		resp, _ := eve.post("/workspaces/"+ws+"/cohorts/results", url.Values{"csrf_token": {etok}})
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})

	t.Run("duplicate and delete", func(t *testing.T) {
		resp, body := ada.post("/workspaces/"+ws+"/duplicate", url.Values{"csrf_token": {tok}, "name": {""}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="duplicate-name-error"`)
		resp, body = ada.post("/workspaces/"+ws+"/duplicate", url.Values{"csrf_token": {tok}, "name": {"Wrist fractures, again"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		dup := strings.TrimPrefix(resp.Header.Get("Location"), "/workspaces/")
		require.NotEqual(t, ws, dup)
		_, page, _ := ada.get("/workspaces/" + dup + "/delete")
		assert.Contains(t, page, "cannot be undone")
		resp, body = ada.post("/workspaces/"+dup+"/delete", url.Values{"csrf_token": {tok}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		resp, _, _ = ada.get("/workspaces/" + dup)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		_, page, _ = ada.get("/workspaces")
		assert.Contains(t, page, "Wrist fractures")
		assert.NotContains(t, page, "Wrist fractures, again")
	})
}

var (
	definitionField = regexp.MustCompile(`name="definition" value="([^"]*)"`)
	countShown      = regexp.MustCompile(`id="cohort-count">(\d+)<`)
	addButton       = regexp.MustCompile(`name="op" value="add:(\d+)"`)
)

// builderForm is the builder's state in page: its definition.
func builderForm(t *testing.T, page string) string {
	t.Helper()
	m := definitionField.FindStringSubmatch(page)
	require.NotNil(t, m, "a definition field")
	return htmlUnescape(m[1])
}

func TestCohortBuilder(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	ada := researcher(t, f, base, "cora@example.org")
	ws := createWorkspace(t, ada, "Builder")
	_, page, tok := ada.get("/workspaces/" + ws + "/cohorts/new")
	assert.Contains(t, page, "Add criteria")
	assert.Contains(t, page, "Add criteria to see how many participants match.")

	post := func(v url.Values) (int, string) {
		t.Helper()
		v.Set("csrf_token", tok)
		resp, body := ada.post("/workspaces/"+ws+"/cohorts/build", v)
		return resp.StatusCode, body
	}
	// The most common conditions, found by an empty search.
	code, page := post(url.Values{"op": {"search"}, "domain": {"CONDITION"}, "q": {"a"}})
	require.Equal(t, http.StatusOK, code, page)
	adds := addButton.FindAllStringSubmatch(page, -1)
	require.NotEmpty(t, adds, "concepts found")
	concept := adds[0][1]

	t.Run("browse the hierarchy", func(t *testing.T) {
		code, page := post(url.Values{"op": {"browse:" + concept}, "domain": {"CONDITION"}, "q": {"a"}})
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, page, "Its parents")
		assert.Contains(t, page, "Its children")
	})

	// Add the condition with descendants to a new include group.
	code, page = post(url.Values{"op": {"add:" + concept}, "domain": {"CONDITION"}, "target": {"i:new"}, "edits": {"1"}, "descendants": {"1"}})
	require.Equal(t, http.StatusOK, code, page)
	def := builderForm(t, page)
	assert.Contains(t, def, `"conceptId":`+concept)
	assert.Contains(t, def, `"group":true`)
	require.Regexp(t, countShown, page)

	// An age-at-event modifier, through the item's fields.
	code, page = post(url.Values{"op": {"apply"}, "definition": {def}, "edits": {"1"}, "descendants": {"1"},
		"i-0-0-0-desc": {"1"}, "i-0-0-age-op": {"GREATER_THAN_OR_EQUAL_TO"}, "i-0-0-age-a": {"40"}})
	require.Equal(t, http.StatusOK, code, page)
	def = builderForm(t, page)
	assert.Contains(t, def, `"name":"AGE_AT_EVENT","operator":"GREATER_THAN_OR_EQUAL_TO","operands":["40"]`)
	assert.Contains(t, page, "age at event at least 40")

	t.Run("a bad value is shown at its item, and the count waits", func(t *testing.T) {
		code, page := post(url.Values{"op": {"apply"}, "definition": {def}, "edits": {"1"}, "i-0-0-0-desc": {"1"}, "i-0-0-age-op": {"BETWEEN"}, "i-0-0-age-a": {"40"}, "i-0-0-age-b": {"old"}})
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, page, `id="i-0-0-errors"`)
		assert.Contains(t, page, "The count waits")
		assert.NotRegexp(t, countShown, page)
		code, page = post(url.Values{"op": {"save"}, "definition": {def}, "name": {""}})
		assert.Equal(t, http.StatusUnprocessableEntity, code)
		assert.Contains(t, page, `id="name-error"`)
	})

	// An exclude group: deceased persons.
	code, page = post(url.Values{"op": {"deceased"}, "definition": {def}, "target": {"e:new"}})
	require.Equal(t, http.StatusOK, code, page)
	def = builderForm(t, page)
	assert.Contains(t, def, `"excludes":[{`)
	shown := countShown.FindStringSubmatch(page)
	require.NotNil(t, shown)

	t.Run("the results fragment counts the form as it stands", func(t *testing.T) {
		resp, body := ada.post("/workspaces/"+ws+"/cohorts/results", url.Values{"csrf_token": {tok}, "definition": {def}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, shown[1], countShown.FindStringSubmatch(body)[1])
		assert.Contains(t, body, `id="chart-sex"`)
		assert.NotContains(t, body, "<html")
		resp, _ = ada.post("/workspaces/"+ws+"/cohorts/results", url.Values{"csrf_token": {"forged.token"}, "definition": {def}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})

	// Save: the page's count is the API's count of the saved definition.
	code, page = post(url.Values{"op": {"save"}, "definition": {def}, "name": {"Older adults with a condition"}})
	require.Equal(t, http.StatusSeeOther, code, page)
	resp, body := ada.post("/workspaces/"+ws+"/cohorts/build", url.Values{"csrf_token": {tok}, "op": {"save"}, "definition": {def}, "name": {"Older adults with a condition"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "the name is taken")
	assert.Contains(t, body, `id="name-error"`)

	_, page, _ = ada.get("/workspaces/" + ws)
	m := regexp.MustCompile(`/workspaces/` + ws + `/cohorts/([\w-]+)">Older adults`).FindStringSubmatch(page)
	require.NotNil(t, m, page)
	id := m[1]
	_, page, _ = ada.get("/workspaces/" + ws + "/cohorts/" + id)
	shown = countShown.FindStringSubmatch(page)
	require.NotNil(t, shown)
	var count struct{ Count int64 }
	require.Equal(t, http.StatusOK, api(t, base, token(t, f, "cora@example.org"), "/v1/workspaces/"+ws+"/cohorts/"+id+"/count", &count))
	assert.Equal(t, shown[1], fmt.Sprint(count.Count), "the page's count is the API's")
	var saved struct{ Definition json.RawMessage }
	require.Equal(t, http.StatusOK, api(t, base, token(t, f, "cora@example.org"), "/v1/workspaces/"+ws+"/cohorts/"+id, &saved))
	assert.JSONEq(t, def, string(saved.Definition), "the saved definition is the page's")

	t.Run("rename and duplicate", func(t *testing.T) {
		def := builderForm(t, page)
		code, _ := post(url.Values{"op": {"save"}, "cohort_id": {id}, "definition": {def}, "name": {"Renamed"}})
		require.Equal(t, http.StatusSeeOther, code)
		code, _ = post(url.Values{"op": {"duplicate"}, "cohort_id": {id}, "definition": {def}, "name": {"Renamed"}})
		require.Equal(t, http.StatusSeeOther, code)
		_, page, _ := ada.get("/workspaces/" + ws)
		assert.Contains(t, page, ">Renamed</a>")
		assert.Contains(t, page, ">Copy of Renamed</a>")
	})

	t.Run("temporal groups", func(t *testing.T) {
		require.GreaterOrEqual(t, len(adds), 2)
		code, page := post(url.Values{"op": {"add:" + adds[0][1]}, "domain": {"CONDITION"}, "target": {"i:new"}})
		require.Equal(t, http.StatusOK, code, page)
		code, page = post(url.Values{"op": {"add:" + adds[1][1]}, "domain": {"CONDITION"}, "target": {"i:0"}, "definition": {builderForm(t, page)}})
		require.Equal(t, http.StatusOK, code, page)
		code, page = post(url.Values{"op": {"apply"}, "definition": {builderForm(t, page)}, "edits": {"1"},
			"i-0-temporal": {"1"}, "i-0-mention": {"FIRST_MENTION"}, "i-0-time": {"WITHIN_X_DAYS_OF"}, "i-0-timevalue": {"365"}, "i-0-1-side": {"1"}})
		require.Equal(t, http.StatusOK, code, page)
		def := builderForm(t, page)
		assert.Contains(t, def, `"temporal":true,"mention":"FIRST_MENTION","time":"WITHIN_X_DAYS_OF","timeValue":365`)
		assert.Contains(t, def, `"temporalGroup":1`)
		assert.Regexp(t, countShown, page)
		assert.Contains(t, page, `id="i-0-1-side"`)
	})

	t.Run("value filters of measurements", func(t *testing.T) {
		code, page := post(url.Values{"op": {"search"}, "domain": {"MEASUREMENT"}, "q": {"a"}})
		require.Equal(t, http.StatusOK, code)
		ms := addButton.FindAllStringSubmatch(page, -1)
		require.NotEmpty(t, ms)
		code, page = post(url.Values{"op": {"add:" + ms[0][1]}, "domain": {"MEASUREMENT"}, "target": {"i:new"}})
		require.Equal(t, http.StatusOK, code, page)
		assert.Contains(t, page, `id="i-0-0-0-val-op"`)
		code, page = post(url.Values{"op": {"apply"}, "definition": {builderForm(t, page)}, "edits": {"1"}, "i-0-0-0-val-op": {"BETWEEN"}, "i-0-0-0-val-a": {"0"}, "i-0-0-0-val-b": {"1000"}})
		require.Equal(t, http.StatusOK, code, page)
		assert.Contains(t, builderForm(t, page), `"attributes":[{"name":"NUM","operator":"BETWEEN","operands":["0","1000"]}]`)
		assert.Regexp(t, countShown, page)
	})

	t.Run("a READER sees the cohort and its count, no write control", func(t *testing.T) {
		researcher(t, f, base, "reader@example.org")
		_, _, tok := ada.get("/workspaces/" + ws)
		resp, body := ada.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {"reader@example.org"}, "role": {"READER"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		reader := newBrowser(t, base)
		_, _, rtok := reader.get("/signin")
		resp, _ = reader.post("/signin", url.Values{"csrf_token": {rtok}, "email": {"reader@example.org"}, "password": {"a long enough password"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, page, _ := reader.get("/workspaces/" + ws + "/cohorts/" + id)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Regexp(t, countShown, page)
		for _, control := range []string{`value="save"`, `value="duplicate"`, `value="search"`, `value="remove:`, `-age-op"`, "/delete"} {
			assert.NotContains(t, page, control)
		}
		_, _, rtok = reader.get("/workspaces/" + ws)
		resp, _ = reader.post("/workspaces/"+ws+"/cohorts/"+id+"/delete", url.Values{"csrf_token": {rtok}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})

	t.Run("delete, after a confirmation", func(t *testing.T) {
		_, page, _ := ada.get("/workspaces/" + ws + "/cohorts/" + id + "/delete")
		assert.Contains(t, page, "Delete the cohort “Renamed”?")
		resp, _ := ada.post("/workspaces/"+ws+"/cohorts/"+id+"/delete", url.Values{"csrf_token": {tok}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _, _ = ada.get("/workspaces/" + ws + "/cohorts/" + id)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }
