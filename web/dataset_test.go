package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/jupyter"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/server"
	"github.com/openworkbench/workbench/web"
)

// serveNotebooks starts the real server, API and pages, with a folder of
// notebooks and the lab manager (nil: none), and returns its URL.
func (f *fixture) serveNotebooks(t testing.TB, lab *jupyter.Manager) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	eng, err := engine.New(f.cdr.DB(), f.info.VersionID, engine.Options{})
	require.NoError(t, err)
	site := func(a *app.App) (http.Handler, error) {
		return web.New(web.Config{}, web.Deps{Release: f.release, Help: app.HelpDesk{Store: f.store}, App: a, Lab: lab})
	}
	deps := server.Deps{Engine: eng, Store: f.store, Release: f.release, Schema: f.cdr.Schema(), Index: f.info,
		NotebookDir: t.TempDir(), Site: site, Outbox: &f.outbox}
	if lab != nil {
		deps.Labs = lab
	}
	srv, err := server.New(server.Config{}, deps)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return "http://" + l.Addr().String()
}

// savedWork saves, through the pages, a cohort of the most common
// condition and a concept set of it in the workspace, and returns their
// ids.
func savedWork(t *testing.T, f *fixture, b *browser, ws string) (cohortID, setID string) {
	t.Helper()
	_, _, tok := b.get("/workspaces/" + ws)
	top, err := f.release.TopConcepts(public.DomainCondition, 1)
	require.NoError(t, err)
	def := fmt.Sprintf(`{"includes":[{"items":[{"type":"CONDITION","searchParameters":[{"domain":"CONDITION","type":"SNOMED","group":true,"conceptId":%d}]}]}]}`, top[0].ID)
	resp, body := b.post("/workspaces/"+ws+"/cohorts/build", url.Values{"csrf_token": {tok}, "op": {"save"}, "name": {"Common condition"}, "definition": {def}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	cohortID = idIn(t, resp.Header.Get("Location"), "cohorts")
	resp, body = b.post("/workspaces/"+ws+"/conceptsets/build", url.Values{"csrf_token": {tok}, "op": {"save"}, "name": {"The condition"},
		"items": {fmt.Sprintf(`[{"concept_id":%d,"include_descendants":true}]`, top[0].ID)}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	return cohortID, idIn(t, resp.Header.Get("Location"), "conceptsets")
}

// idIn is the id after /kind/ in the path loc.
func idIn(t *testing.T, loc, kind string) string {
	t.Helper()
	m := regexp.MustCompile(`/` + kind + `/([^/?#]+)`).FindStringSubmatch(loc)
	require.NotNil(t, m, "%s in %q", kind, loc)
	return m[1]
}

// download fetches path and returns its status, type and bytes.
func (b *browser) download(path string) (int, string, []byte) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

// TestDatasetPages drives the Dataset Builder, a dataset's page, its
// downloads and its starter notebook with forms, without JavaScript; a
// READER and a POST without the CSRF token are refused.
func TestDatasetPages(t *testing.T) {
	f := newFixture(t)
	base := f.serveNotebooks(t, nil)
	ada := researcher(t, f, base, "ada.dataset@example.org")
	bob := researcher(t, f, base, "bob.dataset@example.org")
	ws := createWorkspace(t, ada, "Datasets")
	cohortID, setID := savedWork(t, f, ada, ws)
	_, page, tok := ada.get("/workspaces/" + ws)
	require.Contains(t, page, `href="/workspaces/`+ws+`/datasets/new"`)
	resp, body := ada.post("/workspaces/"+ws+"/collaborators", url.Values{"csrf_token": {tok}, "email": {"bob.dataset@example.org"}, "role": {"READER"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	w := "/workspaces/" + ws

	resp, page, tok = ada.get(w + "/datasets/new")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "Common condition")
	assert.Contains(t, page, "The condition")
	assert.Contains(t, page, `name="column.CONDITION" value="condition_concept_name"`, "the engine's columns")
	selection := url.Values{"csrf_token": {tok}, "cohort": {cohortID}, "concept_set": {setID},
		"domain":           {"PERSON", "CONDITION"},
		"column.PERSON":    {"person_id", "year_of_birth", "gender_concept_name"},
		"column.CONDITION": {"person_id", "condition_concept_name", "condition_start_date"}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, l := range selection {
			v[k] = append([]string{}, l...)
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}

	t.Run("bad input at its field", func(t *testing.T) {
		resp, page := ada.post(w+"/datasets/build", with("op", "preview", "cohort", ""))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, page, `id="cohort_ids-error"`)
		resp, page = ada.post(w+"/datasets/build", with("op", "preview", "column.CONDITION", "no_such_column"))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, page, `id="columns.CONDITION-error"`)
		assert.Contains(t, page, "no_such_column")
		resp, page = ada.post(w+"/datasets/build", with("op", "save", "name", ""))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, page, `id="name-error"`)
	})

	// Preview, then save.
	resp, page = ada.post(w+"/datasets/build", with("op", "preview"))
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	assert.Contains(t, page, "Preview: the first rows of each domain")
	assert.Contains(t, page, `<th scope="col">condition_concept_name</th>`)
	assert.Regexp(t, `(?s)id="preview-CONDITION".*?<tbody><tr><td>\d+</td>`, page, "rows")
	resp, page = ada.post(w+"/datasets/build", with("op", "save", "name", "Conditions of the cohort"))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, page)
	id := idIn(t, resp.Header.Get("Location"), "datasets")
	d := w + "/datasets/" + id

	resp, page, _ = ada.get(d + "?saved=1")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "The dataset is saved.")
	assert.Contains(t, page, "import pandas")
	assert.Contains(t, page, `id="code-r"`)
	assert.Contains(t, page, `data-copy="code-python"`)
	assert.Regexp(t, `(?s)id="preview-PERSON".*?<tbody><tr><td>\d+</td>`, page)
	assert.Contains(t, page, "export?domain=CONDITION&amp;format=parquet")

	t.Run("export each format", func(t *testing.T) {
		for _, format := range []string{"csv", "json", "parquet", "arrow"} {
			code, typ, b := ada.download(d + "/export?domain=CONDITION&format=" + format)
			require.Equal(t, http.StatusOK, code, "%s: %s", format, b)
			require.NotEmpty(t, b, format)
			switch format {
			case "csv":
				assert.Equal(t, "text/csv", strings.Split(typ, ";")[0])
				header, _, _ := strings.Cut(string(b), "\n")
				assert.Equal(t, "person_id,condition_concept_name,condition_start_date", strings.TrimSpace(header))
			case "json":
				var rows []map[string]any
				require.NoError(t, json.Unmarshal(b, &rows), "%.200s", b)
				require.NotEmpty(t, rows)
				assert.Contains(t, rows[0], "condition_concept_name")
			case "parquet":
				assert.Equal(t, "PAR1", string(b[:4]))
				assert.Equal(t, "PAR1", string(b[len(b)-4:]))
			case "arrow":
				r, err := ipc.NewReader(bytes.NewReader(b))
				require.NoError(t, err)
				assert.Equal(t, "condition_concept_name", r.Schema().Field(1).Name)
				n := 0
				for r.Next() {
					n += int(r.RecordBatch().NumRows())
				}
				require.NoError(t, r.Err())
				assert.Positive(t, n)
				r.Release()
			}
		}
		code, _, _ := ada.download(d + "/export?domain=CONDITION&format=xlsx")
		assert.Equal(t, http.StatusBadRequest, code)
		code, _, _ = ada.download(d + "/export?domain=labs&format=csv")
		assert.Equal(t, http.StatusBadRequest, code)
		code, _, b := ada.download(d + "/export?domain=condition&format=csv")
		assert.Equal(t, http.StatusOK, code, "a domain in any case: %s", b)
	})

	t.Run("edit", func(t *testing.T) {
		resp, page, tok := ada.get(d + "/edit")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, `value="Conditions of the cohort"`)
		assert.Regexp(t, `id="domain-CONDITION" name="domain" value="CONDITION" checked`, page)
		// A form that names its domain in lower case is read as the API
		// reads one.
		v := with("op", "save", "name", "Renamed", "id", id, "csrf_token", tok, "domain", "person", "column.person", "person_id")
		resp, page = ada.post(w+"/datasets/build", v)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, page)
		_, page, _ = ada.get(d)
		assert.Contains(t, page, "Dataset: Renamed")
		assert.NotContains(t, page, `id="preview-CONDITION"`)
		assert.Contains(t, page, `id="preview-PERSON"`)
	})

	t.Run("a reader sees no write control and is refused", func(t *testing.T) {
		resp, page, btok := bob.get(d)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.NotContains(t, page, "/edit\"")
		assert.NotContains(t, page, "/export?")
		assert.NotContains(t, page, "/delete\"")
		assert.NotContains(t, page, "Create the notebook")
		_, page, _ = bob.get(w)
		assert.NotContains(t, page, "/datasets/new")
		resp, _, _ = bob.get(w + "/datasets/new")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		forced := with("op", "save", "name", "Forced", "csrf_token", btok)
		resp, _ = bob.post(w+"/datasets/build", forced)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		code, _, _ := bob.download(d + "/export?domain=PERSON&format=csv")
		assert.Equal(t, http.StatusForbidden, code)
		resp, _ = bob.post(d+"/delete", url.Values{"csrf_token": {btok}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = bob.post(w+"/notebooks", url.Values{"csrf_token": {btok}, "dataset": {id}, "name": {"Forced"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, page, _ = bob.get(w + "/lab/")
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "no lab on this server")
		assert.Contains(t, page, "started without JupyterLab")
	})

	t.Run("a POST without the CSRF token is refused", func(t *testing.T) {
		v := with("op", "save", "name", "No token")
		v.Del("csrf_token")
		resp, _ := ada.post(w+"/datasets/build", v)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		resp, _ = ada.post(d+"/delete", url.Values{})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})

	t.Run("starter notebook", func(t *testing.T) {
		_, page, tok := ada.get(w + "/notebooks")
		assert.Contains(t, page, "This server runs no JupyterLab")
		resp, page := ada.post(w+"/notebooks", url.Values{"csrf_token": {tok}, "dataset": {id}, "name": {"bad/name"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, page, `id="name-error"`)
		resp, page = ada.post(w+"/notebooks", url.Values{"csrf_token": {tok}, "dataset": {id}, "name": {"Renamed (starter)"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, page)
		nb := w + "/notebooks/" + url.PathEscape("Renamed (starter)")
		resp, page, _ = ada.get(nb + "?created=1")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "The notebook is created.")
		assert.Contains(t, page, "import pandas")
		_, page, _ = ada.get(w + "/notebooks")
		assert.Contains(t, page, "Renamed (starter)")
		resp, page, tok = ada.get(nb + "/delete")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "Delete the notebook")
		resp, _ = ada.post(nb+"/delete", url.Values{"csrf_token": {tok}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _, _ = ada.get(nb)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})

	t.Run("delete after a confirmation", func(t *testing.T) {
		resp, page, tok := ada.get(d + "/delete")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "Delete the dataset")
		resp, _ = ada.post(d+"/delete", url.Values{"csrf_token": {tok}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _, _ = ada.get(d)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}
