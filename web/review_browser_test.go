package web_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/webtest"
)

// count is the number of elements sel selects in the page.
func (v *visitor) count(sel string) int {
	v.t.Helper()
	return webtest.Eval[int](v.b, `document.querySelectorAll(`+strconv.Quote(sel)+`).length`)
}

// createReview fills the new review's form shown, whose cohort is
// chosen, with the size and name, and creates it; the page is then the
// review's, whose path it returns.
func (v *visitor) createReview(size int, name string) string {
	t := v.t
	t.Helper()
	v.fill("#size", strconv.Itoa(size), "#name", name)
	v.click("main form button[type=submit]")
	path := webtest.Eval[string](v.b, `location.pathname`)
	require.Regexp(t, `/reviews/[\w-]+$`, path)
	assert.Equal(t, "Review: "+name, v.text("h1"))
	assert.Equal(t, size, v.count("table.participants tbody tr"))
	assert.Equal(t, fmt.Sprintf("%d participants; page 1 of 1", size), v.text("#participants-caption"))
	return path
}

// addAnnotationFields defines, on the review's page, three annotation
// fields: Severity (a list: mild, moderate, severe), Fracture confirmed
// (yes or no) and Date of the fracture.
func (v *visitor) addAnnotationFields() {
	t, b := v.t, v.b
	t.Helper()
	// The choices of a list show for a list only.
	assert.True(t, webtest.Eval[bool](b, `document.getElementById("field-values-field").hidden`), "no choices for text")
	b.Do(chromedp.SendKeys(chromedp.CSS("#field-name"), "Severity"), chromedp.SetValue(chromedp.CSS("#field-type"), "ENUM"))
	webtest.Eval[bool](b, `document.getElementById("field-type").dispatchEvent(new Event("change"))`)
	assert.False(t, webtest.Eval[bool](b, `document.getElementById("field-values-field").hidden`), "choices for a list")
	b.Do(chromedp.SendKeys(chromedp.CSS("#field-values"), "mild\nmoderate\nsevere"))
	v.click("#new-field button")
	b.Do(chromedp.SendKeys(chromedp.CSS("#field-name"), "Fracture confirmed"), chromedp.SetValue(chromedp.CSS("#field-type"), "BOOLEAN"))
	v.click("#new-field button")
	b.Do(chromedp.SendKeys(chromedp.CSS("#field-name"), "Date of the fracture"), chromedp.SetValue(chromedp.CSS("#field-type"), "DATE"))
	v.click("#new-field button")
	assert.Equal(t, 3, v.count("table.fields tbody tr"))
}

// annotate includes the participant shown and gives them the annotations
// of addAnnotationFields: moderate, confirmed, on 1 March 2024.
func (v *visitor) annotate() {
	t, b := v.t, v.b
	t.Helper()
	b.Do(chromedp.Click(chromedp.CSS("#status-INCLUDED")))
	v.click(`form[action$="/status"] button`)
	assert.Equal(t, "The status is saved.", v.text(".success"))
	assert.True(t, webtest.Eval[bool](b, `document.getElementById("status-INCLUDED").checked`))
	sev := webtest.Eval[string](b, `document.querySelector("select[id^=annotation-]").id`)
	require.NotEmpty(t, sev)
	b.Do(chromedp.SetValue(chromedp.CSS("#"+sev), "moderate"))
	b.Do(chromedp.Click(chromedp.CSS(`input[type=checkbox][id^=annotation-]`)))
	b.Do(chromedp.SetValue(chromedp.CSS(`input[type=date][id^=annotation-]`), "2024-03-01"))
	v.click(`form[action$="/annotations"] button`)
	assert.Equal(t, "The annotations are saved.", v.text(".success"))
	assert.Equal(t, "moderate", webtest.Eval[string](b, `document.getElementById(`+strconv.Quote(sev)+`).value`))
	assert.True(t, webtest.Eval[bool](b, `document.querySelector("input[type=checkbox][id^=annotation-]").checked`))
	assert.Equal(t, "2024-03-01", webtest.Eval[string](b, `document.querySelector("input[type=date][id^=annotation-]").value`))
}

// TestCohortReview is a researcher's cohort review in Chromium, by
// clicking: from a saved cohort's page, create a review of 20
// participants; define annotation fields; open a participant and read
// the timeline, narrowed to measurements; set a status and annotations;
// go on to the next participant; filter the table by status. Every page
// is checked with axe-core at desktop and phone widths and photographed.
func TestCohortReview(t *testing.T) {
	f := newFixture(t)
	axe := webtest.Axe(t)
	v := &visitor{t: t, b: webtest.New(t), axe: axe, rel: f.release}
	v.base = f.serve(t)
	const email, password = "reviewer@example.org", "a long enough password"
	hb := researcher(t, f, v.base, email)
	ws := createWorkspace(t, hb, "Wrist fractures")
	cohortID := saveCohort(t, f, hb, ws, "A common condition")
	b := v.b
	text := func(sel string) string { return v.text(sel) }
	count := v.count

	v.signIn("/workspaces/"+ws+"/cohorts/"+cohortID, email, password)
	assert.Contains(t, text("main"), "No review yet")

	// Create a review of 20 participants, from the cohort's page.
	v.click(`main a[href$="/reviews/new?cohort=` + cohortID + `"]`)
	assert.Equal(t, cohortID, webtest.Eval[string](b, `document.getElementById("cohort").value`), "the cohort is chosen")
	b.Do(chromedp.SetValue(chromedp.CSS("#size"), "0"))
	v.click("main form button[type=submit]")
	assert.Equal(t, "form-errors", webtest.Eval[string](b, `document.activeElement.id`), "the errors take the focus")
	assert.NotEmpty(t, text("#size-error"))
	v.checkNoCounts("review-new-errors")
	path := v.createReview(20, "First twenty")
	require.Regexp(t, `^/workspaces/`+regexp.QuoteMeta(ws)+`/reviews/[\w-]+$`, path)
	v.addAnnotationFields()
	v.checkNoCounts("review")

	// Sorted by age, oldest first, by the column's links.
	v.click(`table.participants thead a[href*="sort=age"]`)
	v.click(`table.participants thead a[href*="sort=age"]`)
	assert.Equal(t, "descending", webtest.Eval[string](b, `document.querySelector("th[aria-sort=descending]") ? "descending" : ""`))
	ages := webtest.Eval[[]string](b, `[...document.querySelectorAll("table.participants tbody td.num")].map(e => e.textContent.trim())`)
	require.Len(t, ages, 20)
	for i := 1; i < len(ages); i++ {
		if ages[i] != "unknown" && ages[i-1] != "unknown" {
			assert.LessOrEqual(t, atoi(t, ages[i]), atoi(t, ages[i-1]))
		}
	}
	v.checkNoCounts("review-by-age")

	// A participant: demographics, status, annotations and the timeline.
	v.click(`a[href="` + path + `"]`)
	first := text("table.participants tbody tr th a")
	v.click("table.participants tbody tr th a")
	assert.Equal(t, "Participant "+first, text("h1"))
	assert.Contains(t, text("nav.neighbours"), "(1 of 20)")
	events := count("table.timeline tbody tr")
	require.Positive(t, events, "a timeline")
	t.Logf("participant %s: %s", first, text("#timeline-caption"))
	v.checkNoCounts("participant")

	// The timeline narrowed to measurements: values with their units.
	b.Do(chromedp.SetValue(chromedp.CSS("#domain"), "MEASUREMENT"))
	v.click(`form[action$="#timeline-h"] button`)
	if count("table.timeline tbody tr") > 0 {
		domains := webtest.Eval[[]string](b, `[...document.querySelectorAll("table.timeline tbody td:nth-child(2)")].map(e => e.textContent)`)
		for _, d := range domains {
			assert.Equal(t, "Measurements", d)
		}
		values := webtest.Eval[[]string](b, `[...document.querySelectorAll("table.timeline tbody td:nth-child(4)")].map(e => e.textContent.trim()).filter(s => s)`)
		t.Logf("measurement values: %q", values)
	} else {
		assert.Contains(t, text("main"), "No event of Measurements")
	}
	v.checkNoCounts("participant-measurements")

	// A status and annotations.
	v.annotate()
	v.checkNoCounts("participant-annotated")

	// On to the next participant, and back to the table, filtered.
	v.click(`nav.neighbours a[rel="next"]`)
	assert.NotEqual(t, "Participant "+first, text("h1"))
	assert.Contains(t, text("nav.neighbours"), "(2 of 20)")
	v.click(`nav.neighbours a[href="` + path + `"]`)
	b.Do(chromedp.SetValue(chromedp.CSS("#status"), "INCLUDED"))
	v.click("form.review-filters button")
	assert.Equal(t, []string{first}, webtest.Eval[[]string](b, `[...document.querySelectorAll("table.participants tbody th a")].map(e => e.textContent)`))
	assert.Equal(t, "Included", text("table.participants tbody .status"))
	assert.Contains(t, webtest.Eval[string](b, `location.search`), "status=INCLUDED")
	v.checkNoCounts("review-included")

	v.click(`main a[href$="/delete"]`)
	assert.Contains(t, text("h1"), "Delete the review “First twenty”?")
	v.checkNoCounts("review-delete")
	v.click("main form button.danger")
	assert.Equal(t, "/workspaces/"+ws, webtest.Eval[string](b, `location.pathname`))
	assert.NotContains(t, text("main"), "First twenty")
}
