package web_test

import (
	"log/slog"
	"net/url"
	"os"
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
	v.signIn("", email, password)
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

// previewDataset builds a dataset from the workspace's page by clicking:
// its first cohort and concept set, the condition domain less two of its
// columns; and previews it.
func (v *visitor) previewDataset(ws string) {
	t, b := v.t, v.b
	t.Helper()
	b.Do(chromedp.Navigate(v.base + "/workspaces/" + ws))
	v.click(`main a[href$="/datasets/new"]`)
	v.checkNoCounts("dataset-new")
	b.Do(chromedp.Click(chromedp.CSS("#cohort-0")), chromedp.Click(chromedp.CSS("#set-0")))
	b.Do(chromedp.Click(chromedp.CSS("#domain-CONDITION")))
	b.Do(chromedp.Click(chromedp.CSS(`#columns\.CONDITION summary`)))
	for _, col := range []string{"condition_source_value", "stop_reason"} {
		b.Do(chromedp.Click(chromedp.CSS(`input[name="column.CONDITION"][value="` + col + `"]`)))
	}
	v.click(`button[value="preview"]`)
	require.Equal(t, "Preview: the first rows of each domain", v.text("#preview-h"))
	cols := webtest.Eval[[]string](b, `[...document.querySelectorAll("#preview table.preview thead th")].map(e => e.textContent)`)
	assert.Contains(t, cols, "condition_concept_name")
	assert.NotContains(t, cols, "stop_reason")
	assert.Positive(t, v.count("#preview table.preview tbody tr"))
	v.checkNoCounts("dataset-preview")
}

// saveDataset saves the dataset of the builder shown as name; the page
// is then the dataset's, whose id it returns.
func (v *visitor) saveDataset(name string) string {
	v.t.Helper()
	v.fill("#name", name)
	v.click(`button[value="save"]`)
	require.Equal(v.t, "Dataset: "+name, v.text("h1"))
	return idIn(v.t, v.at(), "datasets")
}

// TestDatasetBuilder builds a dataset in Chromium by clicking: a cohort,
// a concept set, a domain and its columns, a preview, the save (without
// a name first), the code with its copy buttons, a download. Every page
// is checked with axe-core at desktop and phone widths and photographed.
func TestDatasetBuilder(t *testing.T) {
	f := newFixture(t)
	base := f.serveNotebooks(t, nil)
	v, client := signedInVisitor(t, f, base, "builder@example.org")
	b := v.b
	ws := createWorkspace(t, client, "Blood pressure study")
	savedWork(t, f, client, ws)

	v.previewDataset(ws)
	// Save without a name: the problem at its field; then with one.
	v.click(`button[value="save"]`)
	assert.Equal(t, "form-errors", webtest.Eval[string](b, `document.activeElement.id`))
	v.checkNoCounts("dataset-errors")
	v.saveDataset("Conditions of the cohort")
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

// labManager is a manager of JupyterLab servers for t, closed at its
// cleanup; t is skipped (or fails, with WORKBENCH_REQUIRE_JUPYTERLAB=1)
// when JupyterLab is not installed.
func labManager(t *testing.T) *jupyter.Manager {
	t.Helper()
	m, err := jupyter.New(jupyter.Config{Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, m.Close()) })
	if err := m.Available(); err != nil {
		if os.Getenv("WORKBENCH_REQUIRE_JUPYTERLAB") == "1" {
			t.Fatalf("%v (WORKBENCH_REQUIRE_JUPYTERLAB=1)", err)
		}
		t.Skipf("the lab is not tested: %v", err)
	}
	return m
}

// runStarterNotebook makes the starter notebook of the dataset whose page
// is shown, finds it on the workspace's Notebooks page, opens it in the
// workspace's JupyterLab through the pages and, once its kernel is idle,
// runs all its cells with JupyterLab's own command (Run, Run All Cells),
// and saves it.
// The outputs must show the first row of every domain of the dataset's
// preview: its first column's name and first two values. It returns the
// notebook's name. JupyterLab's own page is photographed, not checked with
// axe-core: its violations (unnamed buttons and editors of its toolbar
// and cells) are JupyterLab's, not the workbench pages'.
func (v *visitor) runStarterNotebook(ws string) string {
	t, b := v.t, v.b
	t.Helper()
	want := webtest.Eval[[]string](b, `[...document.querySelectorAll("table.preview")].flatMap(t => [t.querySelector("thead th").textContent,
		...[...t.querySelectorAll("tbody tr:first-child td")].slice(0, 2).map(e => e.textContent)])`)
	require.NotEmpty(t, want, "a preview on the dataset's page")
	name := webtest.Eval[string](b, `document.querySelector('form[action$="/notebooks"] input[name="name"]').value`)
	v.click(`form[action$="/notebooks"] button[type=submit]`)
	require.Equal(t, "Notebook: "+name, v.text("h1"))
	v.checkNoCounts("notebook-created")
	v.click(`.crumbs a[href$="/notebooks"]`)
	assert.Equal(t, name, v.text("table.notebooks tbody th a"))
	v.checkNoCounts("notebooks")
	v.click("table.notebooks tbody th a")
	v.click("#open-lab")
	require.True(t, strings.HasPrefix(webtest.Eval[string](b, `location.pathname`), "/workspaces/"+ws+"/lab/lab/tree/"))
	b.Do(chromedp.WaitVisible(chromedp.CSS(".jp-Notebook .jp-CodeCell .cm-content")))
	// Run once the notebook's kernel is up: before, JupyterLab would ask
	// which kernel to start.
	require.Eventually(t, func() bool {
		return webtest.Eval[bool](b, `fetch("/workspaces/`+ws+`/lab/api/sessions").then(r => r.json()).then(s => s.some(x => x.kernel?.execution_state === "idle"))`)
	}, 2*time.Minute, 200*time.Millisecond, "the notebook's kernel")
	require.Eventually(t, func() bool {
		return webtest.Eval[bool](b, `document.querySelector(".jp-Notebook-ExecutionIndicator")?.dataset.status === "idle"`)
	}, 2*time.Minute, 200*time.Millisecond, "the notebook's kernel in the page")
	v.photograph("lab-notebook")
	b.PointAndClick(`[...document.querySelectorAll(".lm-MenuBar-item")].find(e => e.textContent.trim() === "Run")`)
	b.Do(chromedp.WaitVisible(chromedp.CSS(`.lm-Menu-item[data-command="runmenu:run-all"]`)))
	b.PointAndClick(`document.querySelector('.lm-Menu-item[data-command="runmenu:run-all"]')`)
	outputs := func() string {
		return webtest.Eval[string](b, `[...document.querySelectorAll(".jp-OutputArea-output")].map(e => e.textContent).join("\n")`)
	}
	ran := assert.Eventually(t, func() bool {
		out := outputs()
		for _, w := range want {
			if !strings.Contains(out, w) {
				return false
			}
		}
		return webtest.Eval[bool](b, `document.querySelector(".jp-Notebook-ExecutionIndicator")?.dataset.status === "idle"`)
	}, 2*time.Minute, 200*time.Millisecond, "the dataset's first rows in the output: %q", want)
	b.Do(chromedp.ScrollIntoView(chromedp.CSS(".jp-Notebook .jp-Cell:last-child")))
	v.photograph("lab-notebook-run")
	if !ran {
		t.Fatalf("outputs: %s", outputs())
	}
	// Saved with its outputs (File, Save Notebook): the lab then lets the
	// page go without asking.
	b.PointAndClick(`[...document.querySelectorAll(".lm-MenuBar-item")].find(e => e.textContent.trim() === "File")`)
	b.Do(chromedp.WaitVisible(chromedp.CSS(`.lm-Menu-item[data-command="docmanager:save"]`)))
	b.PointAndClick(`document.querySelector('.lm-Menu-item[data-command="docmanager:save"]')`)
	waitFor(t, b, `document.querySelector(".lm-TabBar-tab.jp-mod-dirty") === null`)
	return name
}

// TestLabThroughThePages makes a starter notebook of a dataset, opens it
// in the workspace's JupyterLab through /workspaces/{ws}/lab/, runs every
// cell and finds the dataset's first rows in the output; the browser asks
// nothing of another origin.
func TestLabThroughThePages(t *testing.T) {
	f := newFixture(t)
	base := f.serveNotebooks(t, labManager(t))
	v, client := signedInVisitor(t, f, base, "lab@example.org")
	b := v.b
	ws := createWorkspace(t, client, "Lab study")
	cohortID, _ := savedWork(t, f, client, ws)
	_, _, tok := client.get("/workspaces/" + ws + "/datasets/new")
	resp, body := client.post("/workspaces/"+ws+"/datasets/build", url.Values{"csrf_token": {tok}, "op": {"save"}, "name": {"Demographics"},
		"cohort": {cohortID}, "domain": {"PERSON"}, "column.PERSON": {"person_id", "year_of_birth", "gender_concept_name"}})
	require.Equal(t, 303, resp.StatusCode, body)
	dataset := idIn(t, resp.Header.Get("Location"), "datasets")

	b.Do(chromedp.Navigate(base + "/workspaces/" + ws + "/datasets/" + dataset))
	name := v.runStarterNotebook(ws)
	assert.Equal(t, "Demographics", name)
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
	resp, page, _ := reader.get("/workspaces/" + ws + "/lab/lab/tree/Demographics.ipynb")
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
