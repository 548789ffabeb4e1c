package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/webtest"
)

// fill sets the fields of the pairs of CSS selector and text.
func (v *visitor) fill(kv ...string) {
	v.t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		v.b.Do(chromedp.SetValue(chromedp.CSS(kv[i]), kv[i+1]))
	}
}

// at is the path of the page shown.
func (v *visitor) at() string {
	v.t.Helper()
	return webtest.Eval[string](v.b, `location.pathname + location.search`)
}

// signUpByClicking signs up with the form, then confirms with the link
// the outbox received: the page is then the status of the data access
// steps.
func (v *visitor) signUpByClicking(f *fixture, name, email, password string) {
	v.t.Helper()
	v.b.Do(chromedp.Navigate(v.base + "/signup"))
	v.fill("#name", name, "#email", email, "#password", password)
	v.click("form.narrow button")
	m, ok := f.outbox.last(email)
	require.True(v.t, ok, "a message to %s", email)
	link := linkPath.FindStringSubmatch(m.Body)
	require.NotNil(v.t, link, "a link in %q", m.Body)
	v.b.Do(chromedp.Navigate(v.base + link[1]))
	v.click("main form button")
	require.Equal(v.t, "/access", v.at())
}

// signIn signs in with the form, sent from the page next ("" for none):
// the page is then where the sign-in leads.
func (v *visitor) signIn(next, email, password string) {
	v.t.Helper()
	path := "/signin"
	if next != "" {
		path += "?next=" + url.QueryEscape(next)
	}
	v.b.Do(chromedp.Navigate(v.base + path))
	v.fill("#email", email, "#password", password)
	v.click("main form button[type=submit]")
}

// signOut signs out with the button of the layout.
func (v *visitor) signOut() {
	v.t.Helper()
	v.click("form.signout button")
}

// saveProfile fills the profile form shown with the pairs of selector and
// text, and saves it.
func (v *visitor) saveProfile(kv ...string) {
	v.t.Helper()
	v.fill(kv...)
	v.click("form.profile button")
	require.Equal(v.t, "Your profile was saved.", v.text(".success"))
}

// readTraining follows the training's link on the status page through
// its three pages to the quiz, photographing each.
func (v *visitor) readTraining() {
	v.t.Helper()
	v.click(`a[href="/access/training"]`)
	for i := 1; i <= 3; i++ {
		if i == 3 {
			assert.Equal(v.t, "The data use rules", v.text("article h2"))
		}
		v.checkNoCounts(fmt.Sprintf("training-%d", i))
		v.click("a.button")
	}
	require.NotZero(v.t, webtest.Eval[int](v.b, `document.querySelectorAll("form.quiz").length`), "the quiz")
}

// passQuiz answers every question of the quiz shown right, and sends it.
func (v *visitor) passQuiz() {
	v.t.Helper()
	for i := 0; i+1 < len(quizAnswers); i += 2 {
		v.b.Do(chromedp.Click(chromedp.CSS("#" + quizAnswers[i] + "-" + quizAnswers[i+1])))
	}
	v.click("form.quiz button")
	require.Contains(v.t, v.text(".success"), "You passed the quiz")
}

// signConduct signs the code of conduct shown with the name; the
// researcher then waits for an administrator.
func (v *visitor) signConduct(name string) {
	v.t.Helper()
	v.fill("#name", name)
	v.click("main form button")
	require.Contains(v.t, v.text(".waiting"), "waiting for an administrator's approval")
	assert.Equal(v.t, 3, webtest.Eval[int](v.b, `document.querySelectorAll(".step-done").length`))
}

// approveByClicking is an administrator, signed in, who approves the
// researcher of email from the pending researchers of the administration
// page.
func (v *visitor) approveByClicking(f *fixture, email string) {
	v.t.Helper()
	u, err := f.store.UserByEmail(v.t.Context(), email)
	require.NoError(v.t, err)
	v.click(`nav[aria-label="Main"] a[href="/admin"]`)
	assert.Contains(v.t, v.text("table.pending"), email)
	v.checkNoCounts("admin-pending")
	v.click(`table.pending form[action="/admin/users/` + u.ID + `/approve"] button`)
	require.Contains(v.t, v.text(".success"), "approved")
	v.checkNoCounts("admin-approved")
}

// TestResearcherAccessJourney is a researcher's way to registered access
// in Chromium, by clicking: sign up and confirm the address, the status
// page, the profile (with a mistake first), the three training pages and
// the quiz (one answer wrong first), the code of conduct (a wrong name
// first), waiting for approval, an API token made and revoked; then an
// administrator approves them, reads the audit log and the help
// requests, and the researcher reaches their workspaces. Every page is
// checked with axe-core and screenshot at phone and desktop widths.
func TestResearcherAccessJourney(t *testing.T) {
	f := newFixture(t)
	axe := webtest.Axe(t)
	v := &visitor{t: t, b: webtest.New(t), axe: axe, rel: f.release}
	v.base = f.serve(t)
	const email, password = "marie@example.org", "radium and polonium"

	v.signUpByClicking(f, "Marie", email, password)
	assert.Equal(t, 4, webtest.Eval[int](v.b, `document.querySelectorAll(".step-missing").length`))
	v.checkNoCounts("access-start")

	v.b.Do(chromedp.Navigate(v.base + "/workspaces"))
	assert.Contains(t, v.text("h1"), "Complete your data access steps")
	v.checkNoCounts("access-needed")

	// The profile, with a mistake first.
	v.b.Do(chromedp.Navigate(v.base + "/access"))
	v.click(`a[href="/access/profile"]`)
	v.fill("#name", "Marie Curie", "#role", "Professor")
	v.click("form.profile button")
	assert.Equal(t, "form-errors", webtest.Eval[string](v.b, `document.activeElement.id`), "the errors take the focus")
	assert.Equal(t, []string{"institution-error", "background-error"}, webtest.Eval[[]string](v.b, `[...document.querySelectorAll("p.error")].map(e => e.id)`))
	v.checkNoCounts("profile-errors")
	v.saveProfile("#institution", "University of Paris", "#background", "Radioactivity: its measurement and its uses in medicine.")

	// The training's pages, then the quiz with two answers wrong.
	v.readTraining()
	for _, a := range []string{"#q1-a", "#q2-b", "#q3-c", "#q4-a"} {
		v.b.Do(chromedp.Click(chromedp.CSS(a)))
	}
	v.click("form.quiz button")
	assert.Equal(t, []string{"q1-error", "q5-error"}, webtest.Eval[[]string](v.b, `[...document.querySelectorAll("p.error")].map(e => e.id)`))
	assert.True(t, webtest.Eval[bool](v.b, `document.querySelector("#q2-b").checked`), "the answers given stay")
	v.checkNoCounts("quiz-errors")
	v.passQuiz()

	// The code of conduct, signed with a wrong name first.
	v.click(`a[href="/access/conduct"]`)
	assert.Equal(t, "1", v.text(".version"))
	v.fill("#name", "Marie Sklodowska")
	v.click("main form button")
	assert.Contains(t, v.text("#name-error"), "Marie Curie")
	v.checkNoCounts("conduct-error")
	v.signConduct("marie curie")
	v.checkNoCounts("access-waiting")

	// An API token, shown once, then revoked.
	v.click(`nav[aria-label="Main"] a[href="/account"]`)
	v.b.Do(chromedp.SetValue(chromedp.CSS("#ttl"), "90"))
	v.click(`form[action="/account/tokens"] button`)
	secret := webtest.Eval[string](v.b, `document.querySelector("#new-token").value`)
	assert.True(t, strings.HasPrefix(secret, "wb_"), secret)
	v.checkNoCounts("account-token")
	v.click(`form[action$="/revoke"] button`)
	assert.Contains(t, v.text("table.tokens tbody td:nth-child(4)"), "Revoked")
	v.checkNoCounts("account-revoked")
	v.signOut()

	// An administrator approves.
	signUp(t, f, v.base, "curator@example.org", "Cora", "the administrator's password")
	makeAdmin(t, f, "curator@example.org")
	v.signIn("", "curator@example.org", "the administrator's password")
	v.approveByClicking(f, email)
	v.click(`a[href^="/admin/users/"][href$="/disable"]`)
	v.click("form.narrow button")
	assert.Equal(t, "reason-error", webtest.Eval[string](v.b, `document.querySelector("p.error").id`))
	v.checkNoCounts("admin-disable-error")
	v.click(`.crumbs a[href="/admin"]`)
	v.click(`nav.subnav a[href="/admin/audit"]`)
	v.b.Do(chromedp.SetValue(chromedp.CSS("#action"), "account.complete_step"))
	v.click("form.filters button")
	assert.Positive(t, webtest.Eval[int](v.b, `document.querySelectorAll("table.audit tbody tr").length`))
	v.checkNoCounts("admin-audit")
	v.click(`nav.subnav a[href="/admin/help"]`)
	v.checkNoCounts("admin-help")
	v.signOut()

	// The researcher reaches the workspaces.
	v.signIn("", email, password)
	assert.Equal(t, "/workspaces", v.at())
	v.b.Do(chromedp.Navigate(v.base + "/access"))
	assert.Contains(t, v.text(".lead"), "registered tier")
	v.checkNoCounts("access-approved")
}

// TestInstitutionSignIn signs in through an OpenID provider in Chromium.
// The provider is at localhost, another site than the workbench's
// 127.0.0.1, so the redirect back is a cross-site navigation: the
// session's SameSite=Strict cookie must still reach the page after it.
func TestInstitutionSignIn(t *testing.T) {
	f := newFixture(t)
	axe := webtest.Axe(t)
	p := newProvider(t)
	p.claims = func(c map[string]any) {
		c["email"], c["name"] = "rosalind@uni.example.org", "Rosalind Franklin"
	}
	v := &visitor{t: t, b: webtest.New(t), axe: axe, rel: f.release}
	v.base = f.serveConfig(t, p.config)

	v.b.Do(chromedp.Navigate(v.base + "/signin?next=%2Faccess"))
	v.checkNoCounts("institution-signin")
	v.click(`a[href^="/signin/oidc"]`)
	// The provider, the callback's page, then its refresh to /access.
	deadline := time.Now().Add(30 * time.Second)
	for v.at() != "/access" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, "/access", v.at())
	v.b.Do(chromedp.WaitReady("h1"))
	assert.Equal(t, "Data access", v.text("h1"), "signed in")
	assert.Equal(t, "rosalind@uni.example.org", v.text(`nav[aria-label="Main"] a[href="/account"]`))
	v.checkNoCounts("institution-signed-in")
}
