package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/webtest"
	"github.com/openworkbench/workbench/public"
)

// byID is the CSS selector of the element with the id, which may hold
// dots.
func byID(id string) string { return `[id="` + id + `"]` }

// createWorkspace fills the new workspace's form shown with the name and
// a research purpose, and creates it; it returns its id.
func (v *visitor) createWorkspace(name string) string {
	v.t.Helper()
	v.fill("#name", name,
		byID("research_purpose.intended_study"), "How often do adults past 40 break a wrist?",
		byID("research_purpose.approach"), "A cohort of a condition and its descendants, by age at the event.",
		byID("research_purpose.disease_of_focus"), "Osteoporosis")
	if !webtest.Eval[bool](v.b, `document.getElementById("use-disease_focused").checked`) {
		v.b.Do(chromedp.Click(chromedp.CSS("#use-disease_focused")))
	}
	v.click("main form button[type=submit]")
	ws := strings.TrimPrefix(v.at(), "/workspaces/")
	require.NotContains(v.t, ws, "/")
	require.Equal(v.t, name, v.text("h1"))
	return ws
}

// commonCondition is the id, as text, of a common condition of the
// release with descendants: what the journeys search for.
func commonCondition(t *testing.T, f *fixture) string {
	t.Helper()
	top, err := f.release.TopConcepts(public.DomainCondition, 100)
	require.NoError(t, err)
	for _, c := range top {
		if c.CountWithDescendants.Value() > c.Count.Value() {
			t.Logf("condition %d %q", c.ID, c.Name)
			return strconv.FormatInt(c.ID, 10)
		}
	}
	require.Fail(t, "no condition with descendants")
	return ""
}

// buildCohort builds, from the workspace's page, a cohort by clicking: the
// condition word found by search, with its descendants; an age-at-event
// modifier that the live count follows; an exclude group of the
// deceased. It saves it as name, checks that the count on the page is
// the API's for the saved definition (asked with the token of the user),
// and returns the cohort's id.
func (v *visitor) buildCohort(ws, word, name, tok string) string {
	t, b := v.t, v.b
	t.Helper()
	v.click(`main a[href$="/cohorts/new"]`)
	v.checkNoCounts("cohort-new")
	b.Do(chromedp.SendKeys(chromedp.CSS("#q"), word))
	v.click(`button[value="search"]`)
	v.checkNoCounts("cohort-search")
	assert.True(t, webtest.Eval[bool](b, `document.getElementById("descendants").checked`), "with descendants by default")
	v.click(`table.found button[value^="add:"]`)
	require.NotEmpty(t, webtest.Eval[string](b, `document.getElementById("cohort-count")?.textContent ?? ""`), "a count")
	assert.Contains(t, v.text(".item .summary"), "(with descendants)")
	v.checkNoCounts("cohort-condition")

	// An age-at-event modifier: the count follows without a reload.
	before := webtest.Eval[string](b, `document.getElementById("cohort-count").textContent`)
	b.Do(chromedp.SetValue(chromedp.CSS("#i-0-0-age-op"), "GREATER_THAN_OR_EQUAL_TO"))
	webtest.Eval[bool](b, `document.getElementById("i-0-0-age-op").dispatchEvent(new Event("change", {bubbles: true}))`)
	b.Do(chromedp.SendKeys(chromedp.CSS("#i-0-0-age-a"), "40"))
	waitFor(t, b, `document.getElementById("results").dataset.updates >= 1 && !document.getElementById("results").hasAttribute("aria-busy")`)
	after := webtest.Eval[string](b, `document.getElementById("cohort-count").textContent`)
	refreshes := 0
	for _, r := range b.Requests() {
		if strings.HasSuffix(r, "/cohorts/results") {
			refreshes++
		}
	}
	// Three changes (the operator, two keystrokes) come within the
	// debounce's 400 ms, or nearly: one request, two at most.
	assert.LessOrEqual(t, refreshes, 2, "changes are debounced")
	t.Logf("count %s, then %s with the age at event", before, after)
	assert.LessOrEqual(t, atoi(t, after), atoi(t, before), "a modifier narrows")
	v.checkNoCounts("cohort-age-modifier")

	// An exclude group: deceased participants.
	b.Do(chromedp.SetValue(chromedp.CSS("#target"), "e:new"))
	v.click(`button[value="deceased"]`)
	assert.Contains(t, v.text(".group.exclude .summary"), "Deceased")
	assert.Contains(t, v.text(".item .summary"), "age at event at least 40", "the modifier went along with the form")
	assert.Positive(t, webtest.Eval[int](b, `document.querySelectorAll("#chart-sex svg.chart rect, #chart-age svg.chart rect").length`), "the demographics chart shows")
	v.checkNoCounts("cohort-exclude")

	// Save.
	b.Do(chromedp.SendKeys(chromedp.CSS("#name"), name))
	v.click(`button[value="save"]`)
	path := v.at()
	require.Regexp(t, `^/workspaces/`+regexp.QuoteMeta(ws)+`/cohorts/[^/?]+`, path)
	id := idIn(t, path, "cohorts")
	assert.Equal(t, "The cohort is saved.", v.text(".success"))
	shown := webtest.Eval[string](b, `document.getElementById("cohort-count").textContent`)
	var count struct{ Count int64 }
	require.Equal(t, http.StatusOK, api(t, v.base, tok, "/v1/workspaces/"+ws+"/cohorts/"+id+"/count", &count))
	assert.Equal(t, strconv.FormatInt(count.Count, 10), shown, "the page's count is the API's for the saved definition")
	assert.Positive(t, webtest.Eval[int](b, `document.querySelectorAll("#chart-sex svg.chart rect, #chart-age svg.chart rect").length`), "the saved cohort's demographics chart shows")
	v.checkNoCounts("cohort-saved")
	return id
}

// makeConceptSet makes, from the workspace's page, a concept set of the
// condition word with its descendants, saved as name; it returns its id.
func (v *visitor) makeConceptSet(ws, word, name string) string {
	t, b := v.t, v.b
	t.Helper()
	b.Do(chromedp.Navigate(v.base + "/workspaces/" + ws))
	v.click(`main a[href$="/conceptsets/new"]`)
	b.Do(chromedp.SetValue(chromedp.CSS("#domain"), "Condition"), chromedp.SendKeys(chromedp.CSS("#q"), word))
	v.click(`button[value="search"]`)
	v.click(`table.found button[value^="add:"]`)
	v.checkNoCounts("conceptset-selected")
	b.Do(chromedp.SendKeys(chromedp.CSS("#name"), name))
	v.click(`button[value="save"]`)
	assert.Equal(t, "The concept set is saved.", v.text(".success"))
	assert.Positive(t, atoi(t, v.text("#expansion-total")))
	v.checkNoCounts("conceptset-saved")
	return idIn(t, v.at(), "conceptsets")
}

// TestCohortJourney is an approved researcher's journey in Chromium, by
// clicking: sign in, create a workspace, build a cohort (a condition
// with descendants, an age-at-event modifier that the live count follows,
// an exclude group), see its demographics, save it and find the API's
// count of the saved definition on the page, make a concept set, import
// an ATLAS cohort, read the data dictionary. Every page is checked with
// axe-core and photographed.
func TestCohortJourney(t *testing.T) {
	f := newFixture(t)
	axe := webtest.Axe(t)
	v := &visitor{t: t, b: webtest.New(t), axe: axe, rel: f.release}
	v.base = f.serve(t)
	const email, password = "journey@example.org", "a long enough password"
	signUp(t, f, v.base, email, "Journey Researcher", password)
	approve(t, f, email)
	b := v.b

	v.signIn("", email, password)
	require.Equal(t, "/workspaces", webtest.Eval[string](b, `location.pathname`))
	v.checkNoCounts("workspaces")

	// Create a workspace: first with a problem, shown at its field.
	v.click(`main a[href="/workspaces/new"]`)
	b.Do(chromedp.SendKeys(chromedp.CSS("#name"), "Wrist fractures"))
	v.click("main form button[type=submit]")
	assert.Equal(t, "form-errors", webtest.Eval[string](b, `document.activeElement.id`), "the errors take the focus")
	v.checkNoCounts("workspace-new-errors")
	ws := v.createWorkspace("Wrist fractures")
	v.checkNoCounts("workspace")

	word := commonCondition(t, f)
	v.buildCohort(ws, word, "Adults past 40 with a condition", token(t, f, email))
	v.makeConceptSet(ws, word, "The condition and its descendants")

	b.Do(chromedp.Navigate(v.base + "/workspaces/" + ws))
	assert.Contains(t, v.text("main"), "Adults past 40 with a condition")
	assert.Contains(t, v.text("main"), "The condition and its descendants")
	v.checkNoCounts("workspace-filled")

	// An ATLAS (Circe) cohort, pasted into the import form.
	v.click(`main a[href$="/circe/new"]`)
	v.checkNoCounts("circe-import")
	b.Do(chromedp.SendKeys(chromedp.CSS("#name"), "Type 2 diabetes from 40"), chromedp.SetValue(chromedp.CSS("#definition"), diabetesFrom40))
	v.click("main form button[type=submit]")
	assert.Contains(t, webtest.Eval[string](b, `location.pathname`), "/circe/cc_")
	assert.Contains(t, v.text("main"), "1. Aged 40 or more")
	v.checkNoCounts("circe-cohort")

	v.click(`nav[aria-label="Main"] a[href="/dictionary"]`)
	v.checkNoCounts("dictionary")
	v.click(`main a[href="/dictionary/person"]`)
	v.checkNoCounts("dictionary-person")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s))
	require.NoError(t, err, fmt.Sprintf("%q", s))
	return n
}

// waitFor waits until the expression is true in the page.
func waitFor(t *testing.T, b *webtest.Browser, expr string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if webtest.Eval[bool](b, expr) {
			return
		}
	}
	t.Fatalf("waited 30 s for %s", expr)
}

// TestCohortBuilderWithoutJavaScript builds and saves a cohort in
// Chromium with scripts off: every action is a form POST.
func TestCohortBuilderWithoutJavaScript(t *testing.T) {
	f := newFixture(t)
	v := &visitor{t: t, b: webtest.New(t), rel: f.release}
	v.base = f.serve(t)
	const email, password = "nojs@example.org", "a long enough password"
	ws := createWorkspace(t, researcher(t, f, v.base, email), "Without scripts")
	b := v.b
	b.Do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	v.signIn("/workspaces/"+ws+"/cohorts/new", email, password)
	v.click(`button[value="search"]`)
	v.click(`table.found button[value^="add:"]`)
	b.Do(chromedp.SetValue(chromedp.CSS("#i-0-0-age-op"), "GREATER_THAN_OR_EQUAL_TO"), chromedp.SendKeys(chromedp.CSS("#i-0-0-age-a"), "50"))
	v.click(`button[value="apply"]`)
	assert.Contains(t, v.text(".item .summary"), "age at event at least 50")
	assert.NotEmpty(t, v.text("#cohort-count"))
	assert.Empty(t, webtest.Eval[string](b, `document.getElementById("results").dataset.updates ?? ""`), "no script ran")
	// axe-core needs scripts: the same page is checked in TestCohortJourney.
	b.Screenshots("15-nojs-cohort")
	b.Do(chromedp.SendKeys(chromedp.CSS("#name"), "Saved without scripts"))
	v.click(`button[value="save"]`)
	assert.Equal(t, "The cohort is saved.", v.text(".success"))
	assert.Contains(t, v.text(".item .summary"), "age at event at least 50")
}
