package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/webtest"
)

// TestResearchJourney is the whole journey of a researcher (issue 13) in
// Chromium, by clicking: sign up with the link the outbox received, the
// profile, the training and its quiz, the code of conduct; an
// administrator approves in a second browser context; a workspace; a
// cohort of a condition with descendants, an age-at-event modifier and an
// exclude group, whose count is the API's for the saved definition and
// whose demographics chart shows; a concept set; a review of 20
// participants, one annotated; a dataset previewed and saved; its
// starter notebook opened in JupyterLab through the pages and run there
// with Run All, showing the dataset's first rows; sign out, after which
// the pages ask to sign in. Every page is checked with axe-core at phone
// and desktop widths and photographed, in order, into one folder.
func TestResearchJourney(t *testing.T) {
	f := newFixture(t)
	base := f.serveNotebooks(t, labManager(t))
	axe := webtest.Axe(t)
	v := &visitor{t: t, b: webtest.New(t), axe: axe, rel: f.release, base: base}
	t.Logf("the journey's screenshots: %s", v.b.Out)
	const name, email, password = "Grace Hopper", "grace.journey@example.org", "a ship in port is safe"

	// Registration and the data access steps.
	v.signUpByClicking(f, "Grace", email, password)
	v.checkNoCounts("access-start")
	v.click(`a[href="/access/profile"]`)
	v.checkNoCounts("profile")
	v.saveProfile("#name", name, "#institution", "Yale University", "#role", "Research scientist",
		"#background", "Compilers, and the records of a naval hospital.")
	v.readTraining()
	v.checkNoCounts("quiz")
	v.passQuiz()
	v.checkNoCounts("quiz-passed")
	v.click(`a[href="/access/conduct"]`)
	v.checkNoCounts("conduct")
	v.signConduct(name)
	v.checkNoCounts("access-waiting")

	// An administrator, in a browser context of their own, approves.
	const adminEmail, adminPassword = "steward@example.org", "the steward's own password"
	signUp(t, f, base, adminEmail, "Data Steward", adminPassword)
	makeAdmin(t, f, adminEmail)
	admin := &visitor{t: t, b: v.b.Context(t), axe: axe, rel: f.release, base: base, shot: v.shot}
	admin.signIn("", adminEmail, adminPassword)
	admin.approveByClicking(f, email)
	v.shot = admin.shot

	// The researcher's status page now says so; a workspace.
	v.b.Do(chromedp.Navigate(base + "/access"))
	assert.Contains(t, v.text(".lead"), "registered tier")
	v.checkNoCounts("access-approved")
	v.click(`nav[aria-label="Main"] a[href="/workspaces"]`)
	v.checkNoCounts("workspaces")
	v.click(`main a[href="/workspaces/new"]`)
	v.checkNoCounts("workspace-new")
	ws := v.createWorkspace("Wrist fractures")
	v.checkNoCounts("workspace")

	// A cohort and a concept set.
	word := commonCondition(t, f)
	cohortID := v.buildCohort(ws, word, "Adults past 40 with a condition", token(t, f, email))
	v.makeConceptSet(ws, word, "The condition and its descendants")

	// A review of 20 participants of the cohort, one annotated.
	v.click(`.crumbs a[href="/workspaces/` + ws + `"]`)
	v.checkNoCounts("workspace-filled")
	v.click(`main a[href="/workspaces/` + ws + `/cohorts/` + cohortID + `"]`)
	v.click(`main a[href$="/reviews/new?cohort=` + cohortID + `"]`)
	v.checkNoCounts("review-new")
	v.createReview(20, "First twenty")
	v.addAnnotationFields()
	v.checkNoCounts("review")
	v.click("table.participants tbody tr th a")
	v.checkNoCounts("participant")
	v.annotate()
	v.checkNoCounts("participant-annotated")

	// A dataset, its starter notebook run in JupyterLab.
	v.previewDataset(ws)
	v.saveDataset("Conditions of the cohort")
	v.checkNoCounts("dataset-saved")
	v.runStarterNotebook(ws)

	// Sign out: the pages then ask to sign in.
	v.b.Do(chromedp.Navigate(base + "/workspaces/" + ws))
	v.signOut()
	v.checkNoCounts("signed-out")
	v.b.Do(chromedp.Navigate(base + "/workspaces/" + ws))
	require.True(t, strings.HasPrefix(v.at(), "/signin?next="), v.at())
	assert.Equal(t, 1, v.count(`main input[type=password]`), "the sign-in form")
	v.checkNoCounts("sign-in-asked")
}
