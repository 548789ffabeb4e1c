package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/webtest"
	"github.com/openworkbench/workbench/public"
)

// visitor is a browser on the site with what every page is checked for.
type visitor struct {
	t    *testing.T
	b    *webtest.Browser
	axe  string
	rel  *public.Release
	base string
	shot int
}

// check runs the checks of every page on the page shown and writes its
// screenshots as NN-name: no serious or critical axe-core violation,
// every count a released one, no inline style reaching the page.
func (v *visitor) check(name string) {
	v.t.Helper()
	v.b.Do(chromedp.WaitReady("body"))
	v.photograph(name)
	v.axeBothWidths(name)
	counts := webtest.Eval[[]string](v.b, `[...document.querySelectorAll(".count, svg.chart text.value")].map(e => e.textContent.trim())`)
	require.NotEmpty(v.t, counts, "%s shows counts", name)
	m := v.rel.Manifest().Disclosure
	for _, c := range counts {
		assert.True(v.t, released(c, m), "%s: %q is not 0, <= %d or a multiple of %d", name, c, m.Threshold, m.Bin)
	}
}

// released reports whether s is how a released count is shown.
func released(s string, m public.Parameters) bool {
	if s == "0" || s == "<= "+strconv.Itoa(m.Threshold) {
		return true
	}
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && n%m.Bin == 0
}

// click clicks the link or button sel and waits for the page it leads
// to.
func (v *visitor) click(sel string) {
	v.t.Helper()
	v.b.Follow(sel)
}

func (v *visitor) text(sel string) string {
	v.t.Helper()
	return webtest.Eval[string](v.b, `document.querySelector(`+strconv.Quote(sel)+`).textContent.trim()`)
}

// TestVisitorJourney is a visitor's journey through the public pages in
// Chromium: Data Snapshots, a search, a concept with its charts, a
// measurement's values, a domain sorted by name, the Survey Explorer and
// a question, About and the help form; then the requests the browser made.
func TestVisitorJourney(t *testing.T) {
	f := newFixture(t)
	axe := webtest.Axe(t)
	v := &visitor{t: t, b: webtest.New(t), axe: axe, rel: f.release}
	v.base = f.serve(t)

	v.b.Do(chromedp.Navigate(v.base + "/"))
	assert.Equal(t, f.release.Totals().Participants.String(), v.text(".lead .count"), "the home page's total is the release's")
	v.check("home")

	// The synthetic CDR has real diabetes concepts with persons enough to
	// be released.
	const word = "diabetes"
	v.b.Do(chromedp.SendKeys(chromedp.CSS("#q"), word))
	v.click("form.search button")
	v.check("search")

	// Among the conditions found, the real SNOMED concept 201826.
	v.click(`#res-CONDITION + .scroll a[href="/concepts/201826"]`)
	href := webtest.Eval[string](v.b, `location.pathname`)
	id, err := strconv.ParseInt(strings.TrimPrefix(href, "/concepts/"), 10, 64)
	require.NoError(t, err, href)
	c, err := f.release.Concept(id)
	require.NoError(t, err)
	assert.Equal(t, "Type 2 diabetes mellitus", c.Name)
	assert.Greater(t, c.Count.Value(), int64(f.release.Manifest().Disclosure.Threshold), "more persons than the threshold")
	assert.Equal(t, []string{c.Count.String(), c.CountWithDescendants.String()}, webtest.Eval[[]string](v.b, `[...document.querySelectorAll(".facts .count")].map(e => e.textContent)`))
	if c.SexAtBirth != nil {
		var want []string
		for _, g := range c.SexAtBirth.Groups {
			want = append(want, g.Label+": "+g.Count.String())
		}
		assert.Equal(t, want, webtest.Eval[[]string](v.b, `[...document.querySelectorAll("#sex svg g.bar > title")].map(e => e.textContent)`), "the chart's values are the release's")
	}
	assert.Positive(t, webtest.Eval[int](v.b, `document.querySelectorAll("svg.chart").length`)+webtest.Eval[int](v.b, `document.querySelectorAll(".figure .note").length`))
	v.check("concept")

	// A measurement with value histograms.
	ms, err := f.release.TopConcepts(public.DomainMeasurement, 100)
	require.NoError(t, err)
	for _, m := range ms {
		if len(f.release.Histograms(m.ID)) > 0 {
			v.b.Do(chromedp.Navigate(fmt.Sprintf("%s/concepts/%d", v.base, m.ID)))
			assert.Equal(t, len(f.release.Histograms(m.ID)), webtest.Eval[int](v.b, `document.querySelectorAll("#hist-h ~ .grid figure").length`))
			v.check("measurement")
			break
		}
	}

	// Conditions, sorted by name with the form.
	v.b.Do(chromedp.Navigate(v.base + "/browse/" + public.DomainCondition))
	v.b.Do(chromedp.SetValue(chromedp.CSS("#sort"), "name"))
	v.click("form.inline button")
	names := webtest.Eval[[]string](v.b, `[...document.querySelectorAll("table.concepts tbody th a")].map(e => e.textContent.trim())`)
	res, err := f.release.Search(public.Query{Domain: public.DomainCondition, Sort: public.SortName})
	require.NoError(t, err)
	require.Len(t, names, len(res.Concepts))
	assert.Equal(t, res.Concepts[0].Name, names[0])
	v.check("domain")

	v.click(`nav[aria-label="Main"] a[href="/surveys"]`)
	v.check("surveys")
	v.click(".cards a")
	v.check("survey")
	v.click(".question h2 a")
	qid, err := strconv.ParseInt(strings.TrimPrefix(webtest.Eval[string](v.b, `location.pathname`), "/questions/"), 10, 64)
	require.NoError(t, err)
	q, err := f.release.Question(qid)
	require.NoError(t, err)
	assert.Equal(t, q.Participants.String(), v.text(".lead .count"))
	v.check("question")

	v.click(`nav[aria-label="Main"] a[href="/about"]`)
	assert.Contains(t, v.text("main"), fmt.Sprintf("shown as “<= %d”", f.release.Manifest().Disclosure.Threshold))
	v.checkNoCounts("about")

	v.click(`nav[aria-label="Main"] a[href="/help"]`)
	v.b.Do(chromedp.SendKeys(chromedp.CSS("#email"), "not an address"))
	v.click("form.help button")
	assert.Equal(t, "form-errors", webtest.Eval[string](v.b, `document.activeElement.id`), "the errors take the focus")
	v.checkNoCounts("help-errors")
	v.b.Do(chromedp.SetValue(chromedp.CSS("#email"), "visitor@example.org"),
		chromedp.SetValue(chromedp.CSS("#topic"), "A question about the data"),
		chromedp.SendKeys(chromedp.CSS("#message"), "Where do the survey answers come from?"))
	v.click("form.help button")
	v.b.Do(chromedp.WaitReady(".success"))
	v.checkNoCounts("help-sent")

	// Every request went to this server, for a public page, a static file
	// or the public tier.
	allowed := regexp.MustCompile(`^/($|search$|browse/|concepts/|surveys|questions/|about$|help$|static/|v1/public/)`)
	reqs := v.b.Requests()
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		u, err := url.Parse(r)
		require.NoError(t, err)
		if !assert.Equal(t, strings.TrimPrefix(v.base, "http://"), u.Host, "request to another host: %s", r) {
			continue
		}
		assert.Regexp(t, allowed, u.Path, "request outside the public pages: %s", r)
	}
	t.Logf("%d requests, all to the public pages and their static files", len(reqs))
}

// checkNoCounts is check for the pages that show no count: About and
// the help form.
func (v *visitor) checkNoCounts(name string) {
	v.t.Helper()
	v.photograph(name)
	v.axeBothWidths(name)
}

// photograph writes the screenshots of the page shown as NN-name, the
// next number of the visitor's.
func (v *visitor) photograph(name string) {
	v.t.Helper()
	v.shot++
	v.b.Screenshots(fmt.Sprintf("%02d-%s", v.shot, name))
}

// axeBothWidths runs axe-core on the page at phone and desktop widths
// (tables that scroll sideways exist only at the first), and checks that
// at phone width no table of concepts hides a column past the screen's
// edge.
func (v *visitor) axeBothWidths(name string) {
	v.t.Helper()
	for _, phone := range []bool{true, false} {
		v.b.Phone(phone)
		for _, viol := range v.b.RunAxe(v.axe) {
			v.t.Errorf("%s (phone %v): axe: %s", name, phone, viol)
		}
		if phone {
			wide := webtest.Eval[[]string](v.b, `[...document.querySelectorAll("table.concepts")].filter(t => t.parentElement.scrollWidth > t.parentElement.clientWidth).map(t => t.parentElement.previousElementSibling?.textContent ?? "")`)
			assert.Empty(v.t, wide, "%s: tables of concepts wider than a phone's screen", name)
		}
	}
}
