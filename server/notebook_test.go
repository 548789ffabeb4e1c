package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/notebook"
	"github.com/openworkbench/workbench/server"
)

// aNotebook is a small valid .ipynb document.
const aNotebook = `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
  "cells": [{"id": "a1", "cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "text"]},
            {"id": "b2", "cell_type": "code", "metadata": {}, "source": "print(1)", "execution_count": null, "outputs": []}]}`

// withPlot is a notebook whose code cell shows a PNG of n base64 bytes.
func withPlot(n int) string {
	return `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"id": "p1", "cell_type": "code", "metadata": {}, "source": "plot()",
  "execution_count": 1, "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": "` + strings.Repeat("A", n) + `"}}]}]}`
}

// savedDataset saves a cohort and a dataset of it in the workspace as the
// user, straight in the store.
func savedDataset(t *testing.T, f *fixture, ws, userID, name string) workbench.Dataset {
	t.Helper()
	ctx := context.Background()
	c, err := f.store.CreateCohort(ctx, userID, workbench.Cohort{WorkspaceID: ws, Name: "Cohort of " + name, Definition: json.RawMessage(`{"includes":[]}`)})
	require.NoError(t, err)
	d, err := f.store.CreateDataset(ctx, userID, workbench.Dataset{WorkspaceID: ws, Name: name, CohortIDs: []string{c.ID},
		Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}, cohort.DomainCondition: {"person_id", "condition_concept_id"}}})
	require.NoError(t, err)
	return d
}

func TestNotebooks(t *testing.T) {
	f := newFixture(t, server.Config{})
	nbs := "/v1/workspaces/" + f.ws + "/notebooks"
	create := func(name, doc string) string { return fmt.Sprintf(`{"name": %q, "notebook": %s}`, name, doc) }
	d := savedDataset(t, f, f.ws, f.researcherID, "Visits \"2024\"\nall")

	f.run(t, []step{
		{name: "empty list", method: "GET", path: nbs, token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.JSONEq(t, `[]`, string(r.body)) }},
		{name: "create", method: "POST", path: nbs, token: f.researcher, body: create("Analysis 1", aNotebook), want: 201,
			check: func(t *testing.T, r response) { assert.Equal(t, "Analysis 1", r.json(t)["name"]) }},
		{name: "same name is 409", method: "POST", path: nbs, token: f.researcher, body: create("Analysis 1", aNotebook), want: 409},
		{name: "invalid notebook reports every path", method: "POST", path: nbs, token: f.researcher, want: 400,
			body: create("Bad", `{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "cells": [{"cell_type": "code", "source": 1, "metadata": {}, "outputs": []}], "extra": 1}`),
			check: func(t *testing.T, r response) {
				var paths []string
				for _, e := range r.json(t)["errors"].([]any) {
					paths = append(paths, e.(map[string]any)["path"].(string))
				}
				assert.ElementsMatch(t, []string{"notebook.extra", "notebook.cells[0].source", "notebook.cells[0].execution_count"}, paths)
			}},
		{name: "neither notebook nor dataset", method: "POST", path: nbs, token: f.researcher, body: `{"name": "x"}`, want: 400},
		{name: "both notebook and dataset", method: "POST", path: nbs, token: f.researcher, body: `{"name": "x", "dataset_id": "d", "notebook": ` + aNotebook + `}`, want: 400},
		{name: "starter from a dataset", method: "POST", path: nbs, token: f.researcher, body: fmt.Sprintf(`{"name": "Starter", "dataset_id": %q}`, d.ID), want: 201},
		{name: "starter of no dataset", method: "POST", path: nbs, token: f.researcher, body: `{"name": "Nothing", "dataset_id": "d_none"}`, want: 404},
		{name: "list", method: "GET", path: nbs, token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var infos []notebook.Info
				require.NoError(t, json.Unmarshal(r.body, &infos))
				require.Len(t, infos, 2)
				assert.Equal(t, "Analysis 1", infos[0].Name)
				assert.Equal(t, "Starter", infos[1].Name)
				assert.Positive(t, infos[0].Size)
			}},
		{name: "get", method: "GET", path: nbs + "/Analysis%201", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				nb, err := notebook.Parse(r.body)
				require.NoError(t, err)
				require.Len(t, nb.Cells, 2)
				assert.Equal(t, "# Title\ntext", nb.Cells[0].Source)
				assert.Equal(t, "python3", nb.Metadata["kernelspec"].(map[string]any)["name"])
			}},
		{name: "starter pulls the dataset", method: "GET", path: nbs + "/Starter", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				nb, err := notebook.Parse(r.body)
				require.NoError(t, err)
				assert.Contains(t, nb.Cells[1].Source, fmt.Sprintf("DATASET_ID = %q", d.ID))
			}},
		{name: "replace", method: "PUT", path: nbs + "/Analysis%201", token: f.researcher, body: aNotebook, want: 200},
		{name: "a plot larger than other bodies may be", method: "PUT", path: nbs + "/Analysis%201", token: f.researcher, body: withPlot(3 << 20), want: 200},
		{name: "replace what does not exist", method: "PUT", path: nbs + "/Nope", token: f.researcher, body: aNotebook, want: 404},
		{name: "replace with an invalid notebook", method: "PUT", path: nbs + "/Analysis%201", token: f.researcher, body: `{"cells": []}`, want: 400},
		{name: "no role is 404", method: "GET", path: nbs, token: f.other, want: 404},
		{name: "share as READER", method: "PUT", path: "/v1/workspaces/" + f.ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "READER"}`, want: 204},
		{name: "reader lists", method: "GET", path: nbs, token: f.other, want: 200},
		{name: "reader reads", method: "GET", path: nbs + "/Starter", token: f.other, want: 200},
		{name: "reader may not create", method: "POST", path: nbs, token: f.other, body: create("Mine", aNotebook), want: 403},
		{name: "reader may not replace", method: "PUT", path: nbs + "/Starter", token: f.other, body: aNotebook, want: 403},
		{name: "reader may not delete", method: "DELETE", path: nbs + "/Starter", token: f.other, want: 403},
		{name: "delete", method: "DELETE", path: nbs + "/Starter", token: f.researcher, want: 204},
		{name: "deleted is 404", method: "GET", path: nbs + "/Starter", token: f.researcher, want: 404},
		{name: "delete again is 404", method: "DELETE", path: nbs + "/Starter", token: f.researcher, want: 404},
	})

	file := filepath.Join(f.notebooks, f.ws, "Analysis 1.ipynb")
	b, err := os.ReadFile(file)
	require.NoError(t, err, "notebooks are files under the notebook folder, one folder per workspace")
	_, err = notebook.Parse(b)
	assert.NoError(t, err)

	// Notebooks follow their workspace: a duplicate has copies, a deleted
	// workspace leaves no folder.
	var copyID string
	f.run(t, []step{
		{name: "duplicate", method: "POST", path: "/v1/workspaces/" + f.ws + "/duplicate", token: f.researcher, body: `{"name": "Copy"}`, want: 201,
			check: func(t *testing.T, r response) { copyID = r.json(t)["id"].(string) }},
	})
	f.run(t, []step{
		{name: "the copy's notebook", method: "GET", path: "/v1/workspaces/" + copyID + "/notebooks/Analysis%201", token: f.researcher, want: 200},
		{name: "delete the copy", method: "DELETE", path: "/v1/workspaces/" + copyID, token: f.researcher, want: 204},
	})
	assert.NoDirExists(t, filepath.Join(f.notebooks, copyID))
	assert.FileExists(t, file, "the original keeps its notebook")
}

// TestNotebookNames checks that no name leaves the workspace's folder.
func TestNotebookNames(t *testing.T) {
	f := newFixture(t, server.Config{})
	nbs := "/v1/workspaces/" + f.ws + "/notebooks"
	bad := []string{"../escape", "..", ".", "a/b", `a\b`, ".hidden", "x.ipynb", "", " lead", "trail ", "nul\x00", "semi;colon", "tab\tname",
		"../../" + f.otherWS + "/stolen", string(make([]byte, 101))}
	for _, name := range bad {
		t.Run(fmt.Sprintf("create %q", name), func(t *testing.T) {
			body, err := json.Marshal(map[string]any{"name": name, "notebook": json.RawMessage(aNotebook)})
			require.NoError(t, err)
			p := requireProblem(t, f.do(t, "POST", nbs, f.researcher, body, ""), http.StatusBadRequest)
			assert.Equal(t, "name", p["errors"].([]any)[0].(map[string]any)["path"])
		})
	}
	for _, name := range []string{"..%2Fescape", "%2E%2E%5Cescape", "a%5Cb", ".hidden", "x.ipynb"} {
		t.Run("replace "+name, func(t *testing.T) {
			r := f.do(t, "PUT", nbs+"/"+name, f.researcher, []byte(aNotebook), "")
			assert.GreaterOrEqual(t, r.status, 400, "%s", r.body)
			assert.Less(t, r.status, 500, "%s", r.body)
		})
	}
	// Nothing was written anywhere: not in the workspace's folder, not
	// beside it.
	var files []string
	require.NoError(t, filepath.WalkDir(f.notebooks, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	}))
	assert.Empty(t, files)
	assert.NoFileExists(t, filepath.Join(filepath.Dir(f.notebooks), "escape.ipynb"))
}

// TestNotebooksOff: a server without a notebook folder still gates, then
// says why it has none.
func TestNotebooksOff(t *testing.T) {
	f := newFixture(t, server.Config{})
	_, eng, info := openGiBleed(t)
	srv, err := server.New(server.Config{}, server.Deps{Engine: eng, Store: f.store, Schema: gibleed.cdr.Schema(), Index: info})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	off := *f
	off.url = hs.URL
	nbs := "/v1/workspaces/" + f.ws + "/notebooks"
	p := requireProblem(t, off.do(t, "GET", nbs, f.researcher, nil, ""), http.StatusNotFound)
	assert.Contains(t, p["detail"], "keeps no notebooks")
	requireProblem(t, off.do(t, "GET", nbs, "", nil, ""), http.StatusUnauthorized)
	requireProblem(t, off.do(t, "GET", nbs, f.pending, nil, ""), http.StatusNotFound)
}

// datasetOverHTTP saves, as the researcher, the wrist fracture cohort, a
// concept set of fractures and a dataset of both named name, and returns
// the dataset's id.
func datasetOverHTTP(t *testing.T, f *fixture, name string) string {
	t.Helper()
	ws := "/v1/workspaces/" + f.ws
	r := f.do(t, "POST", ws+"/cohorts", f.researcher, fmt.Appendf(nil, `{"name": "Wrists", "definition": %s}`, example(t, "wrist_fracture.json")), "")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	cohortID := r.json(t)["id"].(string)
	r = f.do(t, "POST", ws+"/concept-sets", f.researcher, []byte(`{"name": "Fractures", "definition": {"items": [{"concept_id": 4134304, "include_descendants": true}]}}`), "")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	setID := r.json(t)["id"].(string)
	body, err := json.Marshal(map[string]any{"name": name, "cohort_ids": []string{cohortID}, "concept_set_ids": []string{setID},
		"columns": map[string][]string{"PERSON": {"person_id", "year_of_birth"}, "CONDITION": {"person_id", "condition_concept_id"}}})
	require.NoError(t, err)
	r = f.do(t, "POST", ws+"/datasets", f.researcher, body, "")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	return r.json(t)["id"].(string)
}

// trickyName is a dataset name that breaks generated code quoted naively.
const trickyName = "Wrist \"fractures\"\n'2024' \\ \u00e9t\u00e9 \U0001F600 {x} $y `z`"

func TestDatasetCode(t *testing.T) {
	f := newFixture(t, server.Config{})
	id := datasetOverHTTP(t, f, trickyName)
	code := "/v1/workspaces/" + f.ws + "/datasets/" + id + "/code"
	for _, lang := range []string{"", "python", "r", "go", "R"} {
		t.Run("lang "+lang, func(t *testing.T) {
			r := f.do(t, "GET", code+"?lang="+lang, f.researcher, nil, "")
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			assert.Equal(t, "text/plain; charset=utf-8", r.ctype)
			assert.Contains(t, string(r.body), id)
			assert.Contains(t, string(r.body), "WORKBENCH_TOKEN")
			assert.NotContains(t, string(r.body), trickyName[:8], "the name appears only escaped")
		})
	}
	f.run(t, []step{
		{name: "unknown language", method: "GET", path: code + "?lang=cobol", token: f.researcher, want: 400},
		{name: "unknown dataset", method: "GET", path: "/v1/workspaces/" + f.ws + "/datasets/d_none/code", token: f.researcher, want: 404},
		{name: "no role", method: "GET", path: code, token: f.other, want: 404},
		{name: "cohort code", method: "GET", path: "/v1/workspaces/" + f.ws + "/cohorts/" + cohortOf(t, f, id) + "/code?lang=r", token: f.researcher, want: 200},
		{name: "code of no cohort", method: "GET", path: "/v1/workspaces/" + f.ws + "/cohorts/c_none/code", token: f.researcher, want: 404},
	})
}

// runCode writes code to a file of the name in a temporary folder, runs
// it with the interpreter and the environment, and returns what it
// printed; the run must succeed.
func runCode(t *testing.T, interpreter, name string, code []byte, environ []string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(file, code, 0o644))
	cmd := exec.Command(interpreter, file)
	cmd.Env = environ
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

// exportedRows is the number of data rows of the CSV export of the domain.
func exportedRows(t *testing.T, f *fixture, id, domain string) int {
	t.Helper()
	r := f.do(t, "GET", "/v1/workspaces/"+f.ws+"/datasets/"+id+"/export?format=csv&domain="+domain, f.researcher, nil, "")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	records, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, records)
	return len(records) - 1
}

// TestGeneratedCodeRuns runs the generated Python, R (when Rscript with
// httr is installed) and Go programs against the live server: the
// dataset's print its name, exactly, and the rows of every domain, which
// must be the server's own export's; the cohort's print its name and size.
func TestGeneratedCodeRuns(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	id := datasetOverHTTP(t, f, trickyName)
	want := fmt.Sprintf("%s\nCONDITION: %d rows\nPERSON: %d rows\n", trickyName, exportedRows(t, f, id, "CONDITION"), exportedRows(t, f, id, "PERSON"))
	require.Contains(t, want, "PERSON: 442 rows", "the wrist fracture cohort")
	environ := append(os.Environ(), "WORKBENCH_URL="+f.url, "WORKBENCH_TOKEN="+f.researcher, "WORKBENCH_WORKSPACE=")
	fetch := func(t *testing.T, lang string) []byte {
		r := f.do(t, "GET", "/v1/workspaces/"+f.ws+"/datasets/"+id+"/code?lang="+lang, f.researcher, nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		return r.body
	}

	t.Run("python", func(t *testing.T) {
		python := testkit.Python(t, "pandas", "requests")
		assert.Equal(t, want, runCode(t, python, "dataset.py", fetch(t, "python"), environ))
		r := f.do(t, "GET", "/v1/workspaces/"+f.ws+"/cohorts/"+cohortOf(t, f, id)+"/code?lang=python", f.researcher, nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Equal(t, "Wrists\n442 persons\n", runCode(t, python, "cohort.py", r.body, environ))
	})
	t.Run("r", func(t *testing.T) {
		rscript, err := exec.LookPath("Rscript")
		if err == nil {
			err = exec.Command(rscript, "-e", "library(httr)").Run()
		}
		if err != nil {
			t.Skipf("no Rscript with httr (%v); on Debian: apt-get install r-base-core r-cran-httr", err)
		}
		assert.Equal(t, want, runCode(t, rscript, "dataset.R", fetch(t, "r"), environ))
		r := f.do(t, "GET", "/v1/workspaces/"+f.ws+"/cohorts/"+cohortOf(t, f, id)+"/code?lang=r", f.researcher, nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Equal(t, "Wrists\n442 persons\n", runCode(t, rscript, "cohort.R", r.body, environ))
	})
	t.Run("go", func(t *testing.T) {
		// Inside the module, so that it builds against this notebook
		// package; a leading _ keeps it out of ./... patterns.
		dir, err := os.MkdirTemp(filepath.Join(testcdr.Root, "notebook"), "_generated-")
		require.NoError(t, err)
		defer os.RemoveAll(dir)
		r := f.do(t, "GET", "/v1/workspaces/"+f.ws+"/cohorts/"+cohortOf(t, f, id)+"/code?lang=go", f.researcher, nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		for program, wantOut := range map[string]string{"dataset": want, "cohort": "Wrists\n442 persons\n"} {
			code := fetch(t, "go")
			if program == "cohort" {
				code = r.body
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), code, 0o644))
			cmd := exec.Command("go", "run", ".")
			cmd.Dir = dir
			cmd.Env = append(environ, "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s: %s", program, out)
			assert.Equal(t, wantOut, string(out), program)
		}
	})
}

// cohortOf is the first cohort of the dataset id.
func cohortOf(t *testing.T, f *fixture, id string) string {
	t.Helper()
	r := f.do(t, "GET", "/v1/workspaces/"+f.ws+"/datasets/"+id, f.researcher, nil, "")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var d workbench.Dataset
	require.NoError(t, json.Unmarshal(r.body, &d))
	require.NotEmpty(t, d.CohortIDs)
	return d.CohortIDs[0]
}

// TestStarterNotebookRuns executes the starter notebook of a dataset, as
// the server saved it, with Jupyter against the live server: its code
// cell pulls every domain and prints the rows of the server's own export.
func TestStarterNotebookRuns(t *testing.T) {
	t.Parallel()
	python := testkit.Python(t, "nbconvert", "ipykernel", "pandas", "requests")
	f := newFixture(t, server.Config{})
	id := datasetOverHTTP(t, f, trickyName)
	r := f.do(t, "POST", "/v1/workspaces/"+f.ws+"/notebooks", f.researcher, fmt.Appendf(nil, `{"name": "Starter", "dataset_id": %q}`, id), "")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)

	cmd := exec.Command(python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--stdout", "Starter.ipynb")
	cmd.Dir = filepath.Join(f.notebooks, f.ws)
	cmd.Env = append(os.Environ(), "WORKBENCH_URL="+f.url, "WORKBENCH_TOKEN="+f.researcher, "WORKBENCH_WORKSPACE="+f.ws)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s", stderr.String())
	nb, err := notebook.Parse(out)
	require.NoError(t, err)
	require.Len(t, nb.Cells, 3)
	var printed strings.Builder
	for _, o := range nb.Cells[1].Outputs {
		var stream struct {
			Name string `json:"name"`
			Text any    `json:"text"`
		}
		require.NoError(t, json.Unmarshal(o, &stream))
		switch text := stream.Text.(type) {
		case string:
			printed.WriteString(text)
		case []any:
			for _, line := range text {
				printed.WriteString(line.(string))
			}
		}
	}
	want := fmt.Sprintf("%s\nCONDITION: %d rows\nPERSON: %d rows\n", trickyName, exportedRows(t, f, id, "CONDITION"), exportedRows(t, f, id, "PERSON"))
	assert.Equal(t, want, printed.String())
	assert.NotEmpty(t, nb.Cells[2].Outputs, "the first rows of each domain are displayed")
}
