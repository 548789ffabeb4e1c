package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/public"
)

var (
	participantLinkRe = regexp.MustCompile(`/reviews/[\w-]+/participants/(\d+)[?"]`)
	ageCell           = regexp.MustCompile(`<td class="num">(\d+)</td><td>`)
	sexCell           = regexp.MustCompile(`</a></th>\s*<td>([^<]*)<span`)
	statusRadio       = regexp.MustCompile(`id="status-(\w+)" name="status" value="\w+" checked`)
)

// saveCohort saves, through the builder's form, a cohort of the persons
// of the most common condition and its descendants, and returns its id.
func saveCohort(t *testing.T, f *fixture, b *browser, ws, name string) string {
	t.Helper()
	top, err := f.release.TopConcepts(public.DomainCondition, 1)
	require.NoError(t, err)
	def := fmt.Sprintf(`{"includes":[{"items":[{"type":"CONDITION","searchParameters":[{"domain":"CONDITION","type":"SNOMED","group":true,"conceptId":%d}]}]}]}`, top[0].ID)
	_, _, tok := b.get("/workspaces/" + ws + "/cohorts/new")
	resp, body := b.post("/workspaces/"+ws+"/cohorts/build", url.Values{"csrf_token": {tok}, "op": {"save"}, "name": {name}, "definition": {def}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	loc := strings.TrimSuffix(resp.Header.Get("Location"), "?saved=1")
	return loc[strings.LastIndex(loc, "/")+1:]
}

// participantsOf is the participant ids the page links to, in its order.
func participantsOf(page string) []string {
	var out []string
	for _, m := range participantLinkRe.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestReviewPages(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	ada := researcher(t, f, base, "rita@example.org")
	bob := researcher(t, f, base, "rob@example.org")
	eve := researcher(t, f, base, "rose@example.org")
	ws := createWorkspace(t, ada, "Reviews")
	cohortID := saveCohort(t, f, ada, ws, "A common condition")

	_, page, tok := ada.get("/workspaces/" + ws + "/cohorts/" + cohortID)
	assert.Contains(t, page, `href="/workspaces/`+ws+`/reviews/new?cohort=`+cohortID+`"`, "the cohort's page offers a review")
	_, page, _ = ada.get("/workspaces/" + ws)
	assert.Contains(t, page, `href="/workspaces/`+ws+`/reviews/new"`, "so does the workspace's")

	var review string
	t.Run("create, with the problems of the form at their fields", func(t *testing.T) {
		_, page, _ := ada.get("/workspaces/" + ws + "/reviews/new?cohort=" + cohortID)
		assert.Contains(t, page, `<option value="`+cohortID+`" selected>`)
		for _, c := range []struct{ name, cohort, size, field string }{
			{"not a number", cohortID, "twenty", "size"},
			{"none", cohortID, "0", "size"},
			{"too many", cohortID, "10001", "size"},
			{"no cohort", "", "20", "cohort"},
		} {
			resp, body := ada.post("/workspaces/"+ws+"/reviews", url.Values{"csrf_token": {tok}, "name": {"First look"}, "cohort": {c.cohort}, "size": {c.size}})
			assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, c.name)
			assert.Contains(t, body, `id="`+c.field+`-error"`, c.name)
			assert.Contains(t, body, `value="First look"`, "%s: what was typed stays", c.name)
			assert.Contains(t, body, `aria-invalid="true"`, c.name)
		}
		resp, body := ada.post("/workspaces/"+ws+"/reviews", url.Values{"csrf_token": {tok}, "name": {"First look"}, "cohort": {cohortID}, "size": {"30"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		loc := resp.Header.Get("Location")
		require.Regexp(t, `^/workspaces/`+ws+`/reviews/[\w-]+$`, loc)
		review = loc[strings.LastIndex(loc, "/")+1:]
	})
	require.NotEmpty(t, review)
	rv := "/workspaces/" + ws + "/reviews/" + review

	_, page, _ = ada.get(rv)
	assert.Contains(t, page, "<h1>Review: First look</h1>")
	assert.Contains(t, page, "30 participants; page 1 of 2")
	first := participantsOf(page)
	require.Len(t, first, 25)
	_, page, _ = ada.get(rv + "?page=2")
	second := participantsOf(page)
	require.Len(t, second, 5)
	ids := append(first, second...)
	for i := 1; i < len(ids); i++ {
		assert.Less(t, atoi(t, ids[i-1]), atoi(t, ids[i]), "by participant id")
	}
	var api30 workbench.ParticipantPage
	require.Equal(t, http.StatusOK, api(t, base, token(t, f, "rita@example.org"), "/v1/workspaces/"+ws+"/reviews/"+review+"/participants?size=100", &api30))
	require.Len(t, api30.Participants, 30)
	assert.Equal(t, fmt.Sprint(api30.Participants[0].PersonID), ids[0], "the API's sample")

	t.Run("filter, sort and page by the query", func(t *testing.T) {
		_, page, _ := ada.get(rv + "?sort=age&order=desc")
		var ages []int
		for _, m := range ageCell.FindAllStringSubmatch(page, -1) {
			ages = append(ages, atoi(t, m[1]))
		}
		require.Len(t, ages, 25)
		for i := 1; i < len(ages); i++ {
			assert.LessOrEqual(t, ages[i], ages[i-1], "oldest first")
		}
		assert.Contains(t, page, `aria-sort="descending"><a href="`+rv+`?sort=age"`, "the column's link sorts the other way")
		assert.Contains(t, page, `page=2`, "the next page keeps the order")
		assert.Contains(t, page, `sort=age`)

		_, page, _ = ada.get(rv + "?sex_at_birth=FEMALE")
		sexes := sexCell.FindAllStringSubmatch(page, -1)
		require.NotEmpty(t, sexes)
		for _, m := range sexes {
			assert.Equal(t, "FEMALE", m[1])
		}
		assert.Contains(t, page, "match the filters")
		assert.Contains(t, page, `<option selected>FEMALE</option>`)

		_, page, _ = ada.get(rv + "?status=INCLUDED")
		assert.Contains(t, page, "No participant matches the filters.")

		for _, c := range []struct{ query, field string }{{"page=0", `id="page"`}, {"sort=name", `id="sort-error"`}, {"status=MAYBE", `id="status-error"`}, {"order=up", `id="order-error"`}} {
			resp, page, _ := ada.get(rv + "?" + c.query)
			assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, c.query)
			assert.Contains(t, page, c.field, c.query)
		}
	})

	fields := map[string]string{} // name -> form field
	t.Run("annotation fields", func(t *testing.T) {
		resp, body := ada.post(rv+"/fields", url.Values{"csrf_token": {tok}, "field-name": {""}, "field-type": {"STRING"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="field-name-error"`)
		resp, body = ada.post(rv+"/fields", url.Values{"csrf_token": {tok}, "field-name": {"Severity"}, "field-type": {"ENUM"}, "field-values": {"\n \n"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="field-values-error"`)
		assert.Contains(t, body, `value="Severity"`)
		for _, fd := range []struct{ name, typ, values string }{
			{"Confirmed", "BOOLEAN", ""}, {"Severity", "ENUM", "mild\nmoderate\r\nsevere\n"}, {"Onset", "DATE", ""}, {"Visits", "INTEGER", ""}, {"Note", "STRING", "ignored"},
		} {
			resp, body := ada.post(rv+"/fields", url.Values{"csrf_token": {tok}, "field-name": {fd.name}, "field-type": {fd.typ}, "field-values": {fd.values}})
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		}
		resp, body = ada.post(rv+"/fields", url.Values{"csrf_token": {tok}, "field-name": {"Note"}, "field-type": {"STRING"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "a name the cohort has")
		assert.Contains(t, body, `id="field-name-error"`)
		resp, body = ada.post(rv+"/fields", url.Values{"csrf_token": {tok}, "field-name": {"Passing thought"}, "field-type": {"STRING"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		_, page, _ := ada.get(rv)
		del := regexp.MustCompile(`href="(` + rv + `/fields/[\w-]+)/delete" aria-label="Delete the field Passing thought"`).FindStringSubmatch(page)
		require.NotNil(t, del)
		_, page, _ = ada.get(del[1] + "/delete")
		assert.Contains(t, page, "Delete the annotation field “Passing thought”?")
		assert.Contains(t, page, "in every review of the cohort")
		resp, body = ada.post(del[1]+"/delete", url.Values{"csrf_token": {tok}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		_, page, _ = ada.get(rv)
		assert.NotContains(t, page, "Passing thought")
		_, page, _ = ada.get(rv)
		assert.Contains(t, page, "<td>mild, moderate, severe</td>")
		assert.Contains(t, page, "<td>A choice from a list</td>")
		var list []workbench.AnnotationField
		require.Equal(t, http.StatusOK, api(t, base, token(t, f, "rita@example.org"), "/v1/workspaces/"+ws+"/cohorts/"+cohortID+"/annotation-fields", &list))
		require.Len(t, list, 5)
		for _, fd := range list {
			fields[fd.Name] = "annotation-" + fd.ID
		}
	})
	require.Len(t, fields, 5)

	person := rv + "/participants/" + ids[0]
	t.Run("a participant's page", func(t *testing.T) {
		resp, page, _ := ada.get(person + "?status=NOT_REVIEWED")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "<h1>Participant "+ids[0]+"</h1>")
		assert.Contains(t, page, "Sex at birth</dt>")
		assert.Contains(t, page, "First participant")
		assert.Contains(t, page, `href="`+rv+"/participants/"+ids[1]+`?status=NOT_REVIEWED" rel="next"`, "next follows the table")
		assert.Contains(t, page, "(1 of 30)")
		assert.Regexp(t, `\d+ events?, oldest first`, page)
		assert.Contains(t, page, `type="checkbox" id="`+fields["Confirmed"]+`"`)
		assert.Contains(t, page, `<select id="`+fields["Severity"]+`"`)
		assert.Contains(t, page, `id="`+fields["Onset"]+`" name="`+fields["Onset"]+`" type="date"`)
		assert.Contains(t, page, `id="`+fields["Visits"]+`" name="`+fields["Visits"]+`" type="number"`)
		assert.Contains(t, page, `id="`+fields["Note"]+`" name="`+fields["Note"]+`" type="text"`)

		_, page, _ = ada.get(person + "?domain=CONDITION")
		// The sample is drawn anew each run: its first person may have one condition.
		assert.Regexp(t, `[1-9]\d* events? of Conditions, oldest first`, page)
		assert.NotContains(t, page, "<td>Drugs</td>")
		resp, _, _ = ada.get(rv + "/participants/999999999")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "a person outside the review")
		resp, _, _ = ada.get(person + "?domain=NOTHING")
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})

	t.Run("status", func(t *testing.T) {
		resp, body := ada.post(person+"/status", url.Values{"csrf_token": {tok}, "status": {"MAYBE"}, "table": {"status=NOT_REVIEWED"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="status-error"`)
		resp, body = ada.post(person+"/status", url.Values{"csrf_token": {tok}, "status": {"INCLUDED"}, "table": {"status=NOT_REVIEWED"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		loc := resp.Header.Get("Location")
		assert.Equal(t, person+"?saved=status&status=NOT_REVIEWED#status-h", loc)
		_, page, _ := ada.get(strings.TrimSuffix(loc, "#status-h"))
		assert.Contains(t, page, "The status is saved.")
		assert.Equal(t, "INCLUDED", statusRadio.FindStringSubmatch(page)[1])
		assert.Contains(t, page, `href="`+rv+"/participants/"+ids[1]+`?status=NOT_REVIEWED" rel="next"`, "a participant who left the filtered table still leads on through it")
		_, page, _ = ada.get(rv + "?status=INCLUDED")
		assert.Equal(t, []string{ids[0]}, participantsOf(page))
		_, page, _ = ada.get(rv + "?sort=status&order=desc")
		assert.Equal(t, ids[0], participantsOf(page)[0])
	})

	t.Run("annotations, each problem at its field", func(t *testing.T) {
		resp, body := ada.post(person+"/annotations", url.Values{"csrf_token": {tok}, fields["Confirmed"]: {"true"}, fields["Severity"]: {"huge"},
			fields["Onset"]: {"last spring"}, fields["Visits"]: {"3.5"}, fields["Note"]: {"Seen twice"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		for _, name := range []string{"Severity", "Onset", "Visits"} {
			assert.Contains(t, body, `id="`+fields[name]+`-error"`, name)
		}
		assert.NotContains(t, body, `id="`+fields["Note"]+`-error"`)
		assert.Contains(t, body, `value="last spring"`, "what was typed stays")
		assert.Contains(t, body, `value="3.5"`)

		resp, body = ada.post(person+"/annotations", url.Values{"csrf_token": {tok}, fields["Confirmed"]: {"true"}, fields["Severity"]: {"moderate"},
			fields["Onset"]: {"2024-03-01"}, fields["Visits"]: {"3"}, fields["Note"]: {"Seen twice"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		_, page, _ := ada.get(person)
		assert.Contains(t, page, `id="`+fields["Confirmed"]+`" name="`+fields["Confirmed"]+`" value="true" checked`)
		assert.Contains(t, page, `<option selected>moderate</option>`)
		assert.Contains(t, page, `value="2024-03-01"`)
		assert.Contains(t, page, `value="3"`)
		assert.Contains(t, page, `value="Seen twice"`)
		var p workbench.Participant
		require.Equal(t, http.StatusOK, api(t, base, token(t, f, "rita@example.org"), "/v1/workspaces/"+ws+"/reviews/"+review+"/participants/"+ids[0], &p))
		assert.Len(t, p.Annotations, 5)
		assert.JSONEq(t, `"moderate"`, string(p.Annotations[strings.TrimPrefix(fields["Severity"], "annotation-")]))
		assert.JSONEq(t, `3`, string(p.Annotations[strings.TrimPrefix(fields["Visits"], "annotation-")]))

		// Unchecking the box answers no; emptying a field clears it.
		resp, body = ada.post(person+"/annotations", url.Values{"csrf_token": {tok}, fields["Severity"]: {"moderate"}, fields["Onset"]: {"2024-03-01"}, fields["Visits"]: {""}, fields["Note"]: {"Seen twice"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		p = workbench.Participant{}
		require.Equal(t, http.StatusOK, api(t, base, token(t, f, "rita@example.org"), "/v1/workspaces/"+ws+"/reviews/"+review+"/participants/"+ids[0], &p))
		assert.JSONEq(t, `false`, string(p.Annotations[strings.TrimPrefix(fields["Confirmed"], "annotation-")]))
		assert.NotContains(t, p.Annotations, strings.TrimPrefix(fields["Visits"], "annotation-"))
	})

	t.Run("a READER sees everything and no write control; a forced POST is refused", func(t *testing.T) {
		resp, body := ada.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {"rob@example.org"}, "role": {"READER"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		resp, page, btok := bob.get(rv)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Len(t, participantsOf(page), 25)
		for _, control := range []string{"Add the field", "/delete", `/fields/`} {
			assert.NotContains(t, page, control)
		}
		resp, page, _ = bob.get(person)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "moderate", "the annotations show")
		assert.Contains(t, page, `<span class="status status-included">Included</span>`)
		for _, control := range []string{"Save the status", "Save the annotations", `type="radio"`} {
			assert.NotContains(t, page, control)
		}
		_, page, _ = bob.get("/workspaces/" + ws + "/cohorts/" + cohortID)
		assert.NotContains(t, page, "/reviews/new")
		resp, _, _ = bob.get("/workspaces/" + ws + "/reviews/new")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		for path, form := range map[string]url.Values{
			"/workspaces/" + ws + "/reviews": {"cohort": {cohortID}, "size": {"5"}},
			person + "/status":               {"status": {"EXCLUDED"}},
			person + "/annotations":          {fields["Note"]: {"Overwritten"}},
			rv + "/fields":                   {"field-name": {"Forced"}, "field-type": {"STRING"}},
			rv + "/fields/" + strings.TrimPrefix(fields["Note"], "annotation-") + "/delete": {},
			rv + "/delete": {},
		} {
			form.Set("csrf_token", btok)
			resp, _ := bob.post(path, form)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		}
		_, page, _ = ada.get(person)
		assert.Contains(t, page, `value="Seen twice"`, "nothing changed")
	})

	t.Run("a POST without the CSRF token is refused", func(t *testing.T) {
		resp, body := ada.post(person+"/status", url.Values{"status": {"EXCLUDED"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Contains(t, body, "security token")
		resp, _ = ada.post(rv+"/delete", url.Values{"csrf_token": {"forged.token"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		_, page, _ := ada.get(person)
		assert.Equal(t, "INCLUDED", statusRadio.FindStringSubmatch(page)[1])
	})

	t.Run("another user's workspace is not found", func(t *testing.T) {
		for _, p := range []string{rv, person, rv + "/delete", "/workspaces/" + ws + "/reviews/new"} {
			resp, _, _ := eve.get(p)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
		}
		_, _, etok := eve.get("/workspaces")
		resp, _ := eve.post(person+"/status", url.Values{"csrf_token": {etok}, "status": {"EXCLUDED"}})
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})

	t.Run("delete, after a confirmation", func(t *testing.T) {
		_, page, _ := ada.get(rv + "/delete")
		assert.Contains(t, page, "Delete the review “First look”?")
		resp, _ := ada.post(rv+"/delete", url.Values{"csrf_token": {tok}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _, _ = ada.get(rv)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		_, page, _ = ada.get("/workspaces/" + ws + "/cohorts/" + cohortID)
		assert.NotContains(t, page, "First look")
	})
}
