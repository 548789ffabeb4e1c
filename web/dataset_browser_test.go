package web_test

import (
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/webtest"
	"github.com/openworkbench/workbench/jupyter"
)

// signedInVisitor signs an approved researcher of email in, in Chromium,
// and returns the visitor with a form client of the same user.
func signedInVisitor(t *testing.T, f *fixture, base, email string) (*visitor, *browser) {
	t.Helper()
	const password = "a long enough password"
	v := &visitor{t: t, b: webtest.New(t), axe: webtest.Axe(t), rel: f.release, base: base}
	client := signUp(t, f, base, email, "Researcher "+email, password)
	approve(t, f, email)
	v.b.Do(chromedp.Navigate(base + "/signin"))
	v.b.Do(chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password))
	v.click("main form button[type=submit]")
	require.Equal(t, "/workspaces", webtest.Eval[string](v.b, `location.pathname`))
	return v, client
}

// fetchText fetches path in the page, with the page's session, and
// returns the start of what came back.
func fetchText(v *visitor, path string) string {
	return webtest.Eval[string](v.b, `fetch(`+jsString(path)+`).then(r => r.ok ? r.text() : "status " + r.status).then(t => t.slice(0, 200))`)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// TestDatasetBuilder builds a dataset in Chromium by clicking: a cohort,
// a concept set, a domain and its columns, a preview, the save, the code
// with its copy buttons, a download. Every page is checked with axe-core
// at desktop and phone widths and photographed.
func TestDatasetBuilder(t *testing.T) {
	f := newFixture(t)
	base := f.serveNotebooks(t, nil)
	v, client := signedInVisitor(t, f, base, "builder@example.org")
	b := v.b
	ws := createWorkspace(t, client, "Blood pressure study")
	savedWork(t, f, client, ws)

	b.Do(chromedp.Navigate(base + "/workspaces/" + ws))
	v.click(`main a[href$="/datasets/new"]`)
	v.checkNoCounts("dataset-new")
	b.Do(chromedp.Click(chromedp.CSS("#cohort-0")), chromedp.Click(chromedp.CSS("#set-0")))
	// The condition domain, less two of its columns.
	b.Do(chromedp.Click(chromedp.CSS("#domain-condition")))
	b.Do(chromedp.Click(chromedp.CSS(`#columns\.condition summary`)))
	for _, col := range []string{"condition_source_value", "stop_reason"} {
		b.Do(chromedp.Click(chromedp.CSS(`input[name="column.condition"][value="` + col + `"]`)))
	}
	v.click(`button[value="preview"]`)
	require.Equal(t, "Preview: the first rows of each domain", v.text("#preview-h"))
	cols := webtest.Eval[[]string](b, `[...document.querySelectorAll("#preview table.preview thead th")].map(e => e.textContent)`)
	assert.Contains(t, cols, "condition_concept_name")
	assert.NotContains(t, cols, "stop_reason")
	assert.Positive(t, webtest.Eval[int](b, `document.querySelectorAll("#preview table.preview tbody tr").length`))
	v.checkNoCounts("dataset-preview")

	// Save without a name: the problem at its field; then with one.
	v.click(`button[value="save"]`)
	assert.Equal(t, "form-errors", webtest.Eval[string](b, `document.activeElement.id`))
	v.checkNoCounts("dataset-errors")
	b.Do(chromedp.SendKeys(chromedp.CSS("#name"), "Conditions of the cohort"))
	v.click(`button[value="save"]`)
	assert.Equal(t, "Dataset: Conditions of the cohort", v.text("h1"))
	assert.Contains(t, v.text("#code-python"), "import pandas")
	assert.Contains(t, v.text("#code-r"), "library(")
	assert.False(t, webtest.Eval[bool](b, `document.querySelector('button[data-copy="code-python"]').hidden`), "the copy buttons show with JavaScript")
	v.checkNoCounts("dataset-saved")

	// A download, as the page's link asks for it.
	href := webtest.Eval[string](b, `document.querySelector('a[href*="format=csv"]').getAttribute("href")`)
	csv := fetchText(v, href)
	assert.True(t, strings.HasPrefix(csv, "condition_occurrence_id,person_id,"), "the CSV of %s: %q", href, csv)

	// The confirmation page of a delete.
	v.click(`main a[href$="/delete"]`)
	v.checkNoCounts("dataset-delete")
}

// TestLabThroughThePages makes a starter notebook of a dataset, opens it
// in the workspace's JupyterLab through /workspaces/{ws}/lab/, runs every
// cell and finds the dataset's first rows in the output; the browser asks
// nothing of another origin.
func TestLabThroughThePages(t *testing.T) {
	f := newFixture(t)
	m, err := jupyter.New(jupyter.Config{Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, m.Close()) })
	if err := m.Available(); err != nil {
		if os.Getenv("WORKBENCH_REQUIRE_JUPYTERLAB") == "1" {
			t.Fatalf("%v (WORKBENCH_REQUIRE_JUPYTERLAB=1)", err)
		}
		t.Skipf("the lab is not tested: %v", err)
	}
	base := f.serveNotebooks(t, m)
	v, client := signedInVisitor(t, f, base, "lab@example.org")
	b := v.b
	ws := createWorkspace(t, client, "Lab study")
	cohortID, _ := savedWork(t, f, client, ws)
	_, _, tok := client.get("/workspaces/" + ws + "/datasets/new")
	resp, body := client.post("/workspaces/"+ws+"/datasets/build", url.Values{"csrf_token": {tok}, "op": {"save"}, "name": {"Demographics"},
		"cohort": {cohortID}, "domain": {"person"}, "column.person": {"person_id", "year_of_birth", "gender_concept_name"}})
	require.Equal(t, 303, resp.StatusCode, body)
	dataset := idIn(t, resp.Header.Get("Location"), "datasets")
	// The first row of the preview: the notebook shows the same.
	_, page, _ := client.get("/workspaces/" + ws + "/datasets/" + dataset)
	first := regexp.MustCompile(`(?s)id="preview-person".*?<tbody><tr><td>(\d+)</td><td>(\d+)</td>`).FindStringSubmatch(page)
	require.NotNil(t, first, "a first row")

	b.Do(chromedp.Navigate(base + "/workspaces/" + ws + "/datasets/" + dataset))
	v.click(`form[action$="/notebooks"] button[type=submit]`)
	require.Equal(t, "Notebook: Demographics", v.text("h1"))
	v.checkNoCounts("notebook-created")
	b.Do(chromedp.Navigate(base + "/workspaces/" + ws + "/notebooks"))
	v.checkNoCounts("notebooks")
	b.Do(chromedp.Navigate(base + "/workspaces/" + ws + "/notebooks/Demographics"))
	v.click("#open-lab")
	require.True(t, strings.HasPrefix(webtest.Eval[string](b, `location.pathname`), "/workspaces/"+ws+"/lab/lab/tree/Demographics.ipynb"))
	cell := chromedp.CSS(".jp-Notebook .jp-CodeCell .cm-content")
	b.Do(chromedp.WaitVisible(cell))
	// Run once the notebook's kernel is up: before, JupyterLab would ask
	// which kernel to start.
	require.Eventually(t, func() bool {
		_, body, _ := client.get("/workspaces/" + ws + "/lab/api/sessions")
		return strings.Contains(body, `"execution_state": "idle"`) || strings.Contains(body, `"execution_state":"idle"`)
	}, 2*time.Minute, 200*time.Millisecond, "the notebook's kernel")
	require.Eventually(t, func() bool {
		return webtest.Eval[bool](b, `document.querySelector(".jp-Notebook-ExecutionIndicator")?.dataset.status === "idle"`)
	}, 2*time.Minute, 200*time.Millisecond, "the notebook's kernel in the page")
	// Run every code cell from the first: Shift+Enter runs one and moves
	// on to the next.
	b.Do(chromedp.Click(cell))
	for range webtest.Eval[int](b, `document.querySelectorAll(".jp-Notebook .jp-CodeCell").length`) {
		b.Do(chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierShift)))
	}
	ran := assert.Eventually(t, func() bool {
		out := webtest.Eval[string](b, `[...document.querySelectorAll(".jp-OutputArea-output")].map(e => e.textContent).join("\n")`)
		return strings.Contains(out, "gender_concept_name") && strings.Contains(out, first[1]) && strings.Contains(out, first[2])
	}, 2*time.Minute, 200*time.Millisecond, "the dataset's first rows in the output")
	b.Screenshots("lab-notebook-run")
	if !ran {
		t.Logf("outputs: %s", webtest.Eval[string](b, `[...document.querySelectorAll(".jp-OutputArea-output")].map(e => e.textContent).join("\n---\n")`))
		t.FailNow()
	}
	for _, u := range b.Requests() {
		if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			assert.True(t, strings.HasPrefix(u, base+"/"), "a request elsewhere: %s", u)
		}
	}
	// The lab's pages have their own policy; the workbench's keep theirs.
	labCSP := fetchHeader(t, client, "/workspaces/"+ws+"/lab/api/status")
	assert.Contains(t, labCSP, "connect-src "+base+"/workspaces/"+ws+"/lab/")
	assert.NotContains(t, fetchHeader(t, client, "/workspaces/"+ws), "unsafe")

	// A reader is refused with a page that says why.
	_, _, tok = client.get("/workspaces/" + ws)
	reader := researcher(t, f, base, "lab-reader@example.org")
	resp, body = client.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {"lab-reader@example.org"}, "role": {"READER"}})
	require.Equal(t, 303, resp.StatusCode, body)
	resp, page, _ = reader.get("/workspaces/" + ws + "/lab/lab/tree/Demographics.ipynb")
	assert.Equal(t, 403, resp.StatusCode)
	assert.Contains(t, page, "opens for its writers and owners")
	_, page, _ = reader.get("/workspaces/" + ws + "/notebooks")
	assert.NotContains(t, page, "/lab/")
}

// fetchHeader is the Content-Security-Policy of the answer to path.
func fetchHeader(t *testing.T, b *browser, path string) string {
	t.Helper()
	resp, _, _ := b.get(path)
	return resp.Header.Get("Content-Security-Policy")
}
