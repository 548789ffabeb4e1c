package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	itemsField = regexp.MustCompile(`name="items" value="([^"]*)"`)
	selectOp   = regexp.MustCompile(`name="op" value="add:(\d+)"`)
	childOf    = regexp.MustCompile(`(?s)Its children.*?name="op" value="add:(\d+)"`)
)

func TestConceptSetSelector(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	b := researcher(t, f, base, "dora@example.org")
	ws := createWorkspace(t, b, "Concepts")
	_, page, tok := b.get("/workspaces/" + ws + "/conceptsets/new")
	assert.Contains(t, page, "No concept selected yet")
	post := func(v url.Values) (int, string) {
		t.Helper()
		v.Set("csrf_token", tok)
		resp, body := b.post("/workspaces/"+ws+"/conceptsets/build", v)
		return resp.StatusCode, body
	}
	items := func(page string) string {
		t.Helper()
		m := itemsField.FindStringSubmatch(page)
		require.NotNil(t, m)
		return htmlUnescape(m[1])
	}

	code, page := post(url.Values{"op": {"search"}, "domain": {"Condition"}, "q": {"a"}})
	require.Equal(t, http.StatusOK, code, page)
	found := selectOp.FindAllStringSubmatch(page, -1)
	require.NotEmpty(t, found)
	first := found[0][1]

	// Select the first with descendants; browse it and exclude a child
	// when it has one.
	code, page = post(url.Values{"op": {"add:" + first}, "edits": {"1"}, "descendants": {"1"}})
	require.Equal(t, http.StatusOK, code, page)
	set := items(page)
	assert.JSONEq(t, `[{"concept_id":`+first+`,"include_descendants":true,"exclude":false}]`, set)
	code, page = post(url.Values{"op": {"browse:" + first}, "items": {set}})
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "Its children")
	if m := childOf.FindStringSubmatch(page); m != nil {
		code, page = post(url.Values{"op": {"exclude:" + m[1]}, "items": {set}, "edits": {"1"}, "item-0-desc": {"1"}, "descendants": {"1"}})
		require.Equal(t, http.StatusOK, code)
		set = items(page)
		assert.Contains(t, set, `"exclude":true`)
	}

	t.Run("problems at their fields", func(t *testing.T) {
		code, page := post(url.Values{"op": {"save"}, "items": {set}, "name": {""}})
		assert.Equal(t, http.StatusUnprocessableEntity, code)
		assert.Contains(t, page, `id="name-error"`)
		code, page = post(url.Values{"op": {"save"}, "items": {"[]"}, "name": {"Empty"}})
		assert.Equal(t, http.StatusUnprocessableEntity, code)
		assert.Contains(t, page, "want at least one concept")
	})

	code, page = post(url.Values{"op": {"save"}, "items": {set}, "name": {"Conditions of interest"}})
	require.Equal(t, http.StatusSeeOther, code, page)
	_, page, _ = b.get("/workspaces/" + ws)
	m := regexp.MustCompile(`/workspaces/` + ws + `/conceptsets/([\w-]+)">Conditions of interest`).FindStringSubmatch(page)
	require.NotNil(t, m, page)
	resp, page, _ := b.get("/workspaces/" + ws + "/conceptsets/" + m[1])
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "The concepts it selects")
	assert.Regexp(t, `id="expansion-total">[1-9]\d*<`, page)

	_, page, _ = b.get("/workspaces/" + ws + "/conceptsets/" + m[1] + "/delete")
	assert.Contains(t, page, "Delete the concept set “Conditions of interest”?")
	resp, _ = b.post("/workspaces/"+ws+"/conceptsets/"+m[1]+"/delete", url.Values{"csrf_token": {tok}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _, _ = b.get("/workspaces/" + ws + "/conceptsets/" + m[1])
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestDataDictionary(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	b := researcher(t, f, base, "dict@example.org")
	resp, page, _ := b.get("/dictionary")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, table := range []string{"person", "condition_occurrence", "measurement", "concept", "concept_ancestor"} {
		assert.Contains(t, page, `href="/dictionary/`+table+`"`)
	}
	resp, page, _ = b.get("/dictionary/person")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "<code>person_id</code>")
	assert.Contains(t, page, "<code>year_of_birth</code>")
	resp, _, _ = b.get("/dictionary/no_such_table")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	anon := newBrowser(t, base)
	resp, _, _ = anon.get("/dictionary")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "signed-in researchers only")
}
