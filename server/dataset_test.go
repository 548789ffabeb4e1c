package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/export"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/server"
)

// accept sends a GET with the Accept header (none when empty).
func (f *fixture) accept(t *testing.T, path, token, accept string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.url+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}
}

// exported is an export read back: the person_id and condition_start_date
// of every row, dates as YYYY-MM-DD, whatever the format.
type exported struct {
	persons []int64
	dates   []string
}

func readExport(t *testing.T, format string, body []byte) exported {
	t.Helper()
	var out exported
	switch format {
	case "json":
		var rows []struct {
			PersonID int64  `json:"person_id"`
			Start    string `json:"condition_start_date"`
		}
		require.NoError(t, json.Unmarshal(body, &rows))
		for _, r := range rows {
			out.persons = append(out.persons, r.PersonID)
			out.dates = append(out.dates, r.Start)
		}
	case "csv":
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		require.NoError(t, err)
		require.Equal(t, "person_id", recs[0][0])
		for _, r := range recs[1:] {
			id, err := strconv.ParseInt(r[0], 10, 64)
			require.NoError(t, err)
			out.persons = append(out.persons, id)
			out.dates = append(out.dates, r[3])
		}
	case "arrow", "parquet":
		var recs []arrow.RecordBatch
		if format == "arrow" {
			r, err := ipc.NewReader(bytes.NewReader(body))
			require.NoError(t, err)
			defer r.Release()
			for r.Next() {
				rec := r.RecordBatch()
				rec.Retain()
				defer rec.Release()
				recs = append(recs, rec)
			}
			require.NoError(t, r.Err())
		} else {
			pf, err := file.NewParquetReader(bytes.NewReader(body))
			require.NoError(t, err)
			defer pf.Close()
			fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1000}, memory.DefaultAllocator)
			require.NoError(t, err)
			rr, err := fr.GetRecordReader(context.Background(), nil, nil)
			require.NoError(t, err)
			defer rr.Release()
			for rr.Next() {
				rec := rr.RecordBatch()
				rec.Retain()
				defer rec.Release()
				recs = append(recs, rec)
			}
		}
		for _, rec := range recs {
			ids := rec.Column(0).(*array.Int64)
			dates := rec.Column(3).(*array.Date32)
			for i := 0; i < int(rec.NumRows()); i++ {
				out.persons = append(out.persons, ids.Value(i))
				out.dates = append(out.dates, dates.Value(i).ToTime().Format(time.DateOnly))
			}
		}
	default:
		t.Fatalf("format %s", format)
	}
	return out
}

func TestDatasets(t *testing.T) {
	f := newFixture(t, server.Config{})
	ws := "/v1/workspaces/" + f.ws
	var cohortID, setID, id string
	f.run(t, []step{
		{name: "cohort", method: "POST", path: ws + "/cohorts", token: f.researcher, want: 201,
			body:  fmt.Sprintf(`{"name": "Wrist fracture", "definition": %s}`, example(t, "wrist_fracture.json")),
			check: func(t *testing.T, r response) { cohortID = r.json(t)["id"].(string) }},
		{name: "concept set", method: "POST", path: ws + "/concept-sets", token: f.researcher, want: 201,
			body:  `{"name": "Fractures", "definition": {"items": [{"concept_id": 4134304, "include_descendants": true}]}}`,
			check: func(t *testing.T, r response) { setID = r.json(t)["id"].(string) }},
	})
	dataset := func(name, columns string) string {
		return fmt.Sprintf(`{"name": %q, "cohort_ids": [%q], "concept_set_ids": [%q], "columns": %s}`, name, cohortID, setID, columns)
	}
	const columns = `{"CONDITION": ["person_id", "condition_concept_id", "condition_concept_name", "condition_start_date"], "PERSON": ["year_of_birth", "gender_concept_name"]}`
	ds := func(p string) string { return ws + "/datasets/" + id + p }
	f.run(t, []step{
		{name: "create, domains in any case", method: "POST", path: ws + "/datasets", token: f.researcher, want: 201,
			body: dataset("Fractures", strings.NewReplacer(`"CONDITION"`, `"condition"`, `"PERSON"`, `"Person"`).Replace(columns)),
			check: func(t *testing.T, r response) {
				v := r.json(t)
				id = v["id"].(string)
				assert.Equal(t, []any{cohortID}, v["cohort_ids"])
				assert.ElementsMatch(t, []string{"CONDITION", "PERSON"}, slices.Collect(maps.Keys(v["columns"].(map[string]any))), "answered in upper case")
			}},
		{name: "problems with paths", method: "POST", path: ws + "/datasets", token: f.researcher, want: 400,
			body: `{"name": "Bad", "cohort_ids": [], "columns": {"condition": ["person_id", "condition_start_date", "no_such_column"], "labs": ["x"], "Death": ["death_date"], "death": ["death_date"]}}`,
			check: func(t *testing.T, r response) {
				var paths, messages []string
				for _, e := range r.json(t)["errors"].([]any) {
					paths = append(paths, e.(map[string]any)["path"].(string))
					messages = append(messages, e.(map[string]any)["message"].(string))
				}
				assert.Equal(t, []string{"cohort_ids", "columns.CONDITION[2]", "columns.death", "columns.labs"}, paths)
				assert.Contains(t, messages[2], "DEATH")
				assert.Contains(t, messages[3], "PERSON, CONDITION, DRUG, PROCEDURE, MEASUREMENT, OBSERVATION, DEVICE, VISIT, DEATH")
			}},
		{name: "SQL for a column", method: "POST", path: ws + "/datasets", token: f.researcher, want: 400,
			body:  dataset("Injected", `{"PERSON": ["person_id\" FROM person; DROP TABLE person; --"]}`),
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"path":"columns.PERSON[0]"`) }},
		{name: "unknown field", method: "POST", path: ws + "/datasets", token: f.researcher, want: 400,
			body: `{"name": "Bad", "cohort_ids": ["x"], "columns": {"PERSON": ["person_id"]}, "sql": "DROP TABLE person"}`},
		{name: "cohort of no such id", method: "POST", path: ws + "/datasets", token: f.researcher, want: 404,
			body: `{"name": "Bad", "cohort_ids": ["c_nope"], "columns": {"PERSON": ["person_id"]}}`},
		{name: "same name is 409", method: "POST", path: ws + "/datasets", token: f.researcher, want: 409, body: dataset("Fractures", columns)},
		{name: "no role is 404", method: "POST", path: ws + "/datasets", token: f.other, want: 404, body: dataset("Mine", columns)},
	})
	f.run(t, []step{
		{name: "list", method: "GET", path: ws + "/datasets", token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"name":"Fractures"`) }},
		{name: "get", method: "GET", path: ds(""), token: f.researcher, want: 200},
		{name: "preview", method: "GET", path: ds("/preview?domain=condition&limit=3"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var p struct {
					Domain  string
					Columns []struct{ Name, Type string }
					Rows    [][]any
				}
				require.NoError(t, json.Unmarshal(r.body, &p))
				assert.Equal(t, "CONDITION", p.Domain, "asked in lower case, answered in upper case")
				require.Len(t, p.Columns, 4)
				assert.Equal(t, "DATE", p.Columns[3].Type)
				require.Len(t, p.Rows, 3)
				assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, p.Rows[0][3])
			}},
		{name: "preview of a domain not chosen", method: "GET", path: ds("/preview?domain=DRUG"), token: f.researcher, want: 400,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"path":"domain"`) }},
		{name: "preview of no domain", method: "GET", path: ds("/preview?domain=labs"), token: f.researcher, want: 400,
			check: func(t *testing.T, r response) {
				assert.Contains(t, string(r.body), `"path":"domain"`)
				assert.Contains(t, string(r.body), "PERSON, CONDITION, DRUG")
			}},
		{name: "SQL for a domain", method: "GET", path: ds("/preview?domain=person%27%3B%20DROP%20TABLE%20person%3B--"), token: f.researcher, want: 400,
			check: func(t *testing.T, r response) { assert.Contains(t, string(r.body), `"path":"domain"`) }},
		{name: "preview limit too large", method: "GET", path: ds("/preview?domain=PERSON&limit=100000"), token: f.researcher, want: 400},
		{name: "export without domain", method: "GET", path: ds("/export"), token: f.researcher, want: 400},
		{name: "export of an unknown format", method: "GET", path: ds("/export?domain=PERSON&format=xlsx"), token: f.researcher, want: 400},
		{name: "export of no such dataset", method: "GET", path: ws + "/datasets/d_nope/export?domain=PERSON", token: f.researcher, want: 404},
		{name: "change", method: "PUT", path: ds(""), token: f.researcher, want: 200, body: dataset("Fractures", columns),
			check: func(t *testing.T, r response) { assert.Equal(t, id, r.json(t)["id"]) }},
	})

	t.Run("every format gives the same rows", func(t *testing.T) {
		var want exported
		for _, tc := range []struct{ name, query, accept, format string }{
			{"default is JSON", "", "", "json"},
			{"Accept JSON", "", "application/json", "json"},
			{"Accept CSV", "", "text/csv", "csv"},
			{"Accept Arrow", "", "application/vnd.apache.arrow.stream", "arrow"},
			{"Accept Parquet by quality", "", "application/json;q=0.5, application/vnd.apache.parquet", "parquet"},
			{"text/* is CSV", "", "text/*", "csv"},
			{"format wins over Accept", "&format=csv", "application/json", "csv"},
			{"format arrow", "&format=arrow", "", "arrow"},
			{"format parquet", "&format=parquet", "text/html", "parquet"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.accept(t, ds("/export?domain=CONDITION"+tc.query), f.researcher, tc.accept)
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				got := readExport(t, tc.format, r.body)
				require.NotEmpty(t, got.persons)
				assert.IsNonDecreasing(t, got.persons)
				if want.persons == nil {
					want = got
				}
				assert.Equal(t, want, got)
			})
		}
		// The rows are the fractures' conditions, all of them: the cohort is
		// everyone with one.
		var n int64
		c, _, _ := openGiBleed(t)
		require.NoError(t, c.DB().QueryRow(`SELECT count(*) FROM condition_occurrence WHERE condition_concept_id IN
			(SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 4134304)`).Scan(&n))
		assert.EqualValues(t, n, len(want.persons))
	})

	t.Run("unsupported Accept is 406", func(t *testing.T) {
		requireProblem(t, f.accept(t, ds("/export?domain=PERSON"), f.researcher, "text/html, image/png;q=0.5"), http.StatusNotAcceptable)
	})

	f.run(t, []step{
		{name: "share as READER", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "READER"}`, want: 204},
		{name: "reader previews", method: "GET", path: ds("/preview?domain=PERSON&limit=5"), token: f.other, want: 200},
		{name: "reader may not export", method: "GET", path: ds("/export?domain=PERSON"), token: f.other, want: 403},
		{name: "reader may not change", method: "PUT", path: ds(""), token: f.other, body: dataset("Mine", columns), want: 403},
		{name: "reader may not delete", method: "DELETE", path: ds(""), token: f.other, want: 403},
		{name: "pending is 404", method: "GET", path: ds("/preview?domain=PERSON"), token: f.pending, want: 404},
		{name: "cohort in use", method: "DELETE", path: ws + "/cohorts/" + cohortID, token: f.researcher, want: 409},
		{name: "delete", method: "DELETE", path: ds(""), token: f.researcher, want: 204},
		{name: "deleted is 404", method: "GET", path: ds(""), token: f.researcher, want: 404},
	})

	recs, err := f.store.QueryAudit(context.Background(), store.AuditQuery{UserID: f.researcherID})
	require.NoError(t, err)
	var sizes []int64
	for _, rec := range recs {
		if rec.Action == access.ExportDataset && rec.Allowed {
			sizes = append(sizes, rec.ResultSize)
		}
	}
	require.Len(t, sizes, 9, "one record per export")
	assert.Positive(t, sizes[0])
	for _, s := range sizes {
		assert.Equal(t, sizes[0], s, "the audit has the number of rows")
	}
}

// TestExportStopsWhenTheClientGoes: a client that goes away after the
// headers cancels the export; the audit has the rows that went out, fewer
// than the table's. The table (every drug exposure of GiBleed with every
// column, tens of MB of JSON) is larger than what loopback buffers hold.
func TestExportStopsWhenTheClientGoes(t *testing.T) {
	var logs testkit.SyncBuffer
	f := newFixture(t, server.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx := context.Background()
	ws := "/v1/workspaces/" + f.ws
	everyone := `{"includes": [], "excludes": [{"items": [{"type": "CONDITION", "searchParameters": [{"conceptId": 1}]}]}]}`
	var cohortID, id string
	f.run(t, []step{
		{name: "cohort", method: "POST", path: ws + "/cohorts", token: f.researcher, want: 201, body: `{"name": "Everyone", "definition": ` + everyone + `}`,
			check: func(t *testing.T, r response) { cohortID = r.json(t)["id"].(string) }},
	})
	_, eng, _ := openGiBleed(t)
	cat, err := eng.DatasetCatalog(ctx)
	require.NoError(t, err)
	var cols []string
	for _, c := range cat[cohort.DomainDrug] {
		cols = append(cols, strconv.Quote(c.Name))
	}
	f.run(t, []step{
		{name: "dataset", method: "POST", path: ws + "/datasets", token: f.researcher, want: 201,
			body:  fmt.Sprintf(`{"name": "Drugs", "cohort_ids": [%q], "columns": {"DRUG": [%s]}}`, cohortID, strings.Join(cols, ", ")),
			check: func(t *testing.T, r response) { id = r.json(t)["id"].(string) }},
	})

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, f.url+ws+"/datasets/"+id+"/export?domain=DRUG", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+f.researcher)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	cancel()
	res.Body.Close()

	var total int64
	c, _, _ := openGiBleed(t)
	require.NoError(t, c.DB().QueryRowContext(ctx, "SELECT count(*) FROM drug_exposure").Scan(&total))
	var rec access.AuditRecord
	require.Eventually(t, func() bool {
		recs, err := f.store.QueryAudit(ctx, store.AuditQuery{UserID: f.researcherID})
		require.NoError(t, err)
		for _, r := range recs {
			if r.Action == access.ExportDataset {
				rec = r
				return true
			}
		}
		return false
	}, time.Minute, 20*time.Millisecond, "the export ends and is audited")
	assert.Less(t, rec.ResultSize, total)
	// The handler logs after the service, which audits, returns.
	assert.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "level=INFO msg=\"export stopped: the client went away\"")
	}, 10*time.Second, 10*time.Millisecond, "%s", logs.String())
	assert.NotContains(t, logs.String(), "level=ERROR", "a client that goes away is no error of the server's")
}

var (
	datasetCDR    = flag.String("dataset.cdr", "", "indexed CDR folder of BenchmarkDatasetExport (skipped when empty)")
	datasetMemory = flag.String("dataset.memory", "", "DuckDB memory limit of BenchmarkDatasetExport (DuckDB's default when empty)")
)

// BenchmarkDatasetExport exports one table per domain of a dataset of
// every person of the CDR of -dataset.cdr through the HTTP endpoint, in
// every format, and reports rows/s, the rows of one export, and the
// largest Go heap in use while it ran (peak-heap-MB, sampled every 10 ms;
// DuckDB's own memory is outside the Go heap). The client reads the body
// and throws it away. For example:
//
//	go test ./server -run '^$' -bench DatasetExport -benchtime 1x -dataset.cdr /tmp/bench-ds/100k
func BenchmarkDatasetExport(b *testing.B) {
	if *datasetCDR == "" {
		b.Skip("no -dataset.cdr")
	}
	ctx := context.Background()
	c, err := cdr.Open(ctx, *datasetCDR, cdr.Options{MemoryLimit: *datasetMemory})
	require.NoError(b, err)
	b.Cleanup(func() { c.Close() })
	info, ok := c.Index()
	require.True(b, ok, "%s is not indexed", *datasetCDR)
	eng, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(b, err)
	st, err := store.Open(ctx, b.TempDir(), store.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	srv, err := server.New(server.Config{Timeout: time.Hour}, server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info})
	require.NoError(b, err)
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(hs.Close)

	now := time.Now()
	adm, err := st.AddUser(ctx, access.User{Email: "admin@example.org", Admin: true})
	require.NoError(b, err)
	u, err := st.AddUser(ctx, access.User{Email: "bench@example.org"})
	require.NoError(b, err)
	for _, k := range []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval} {
		rec := access.Record{UserID: u.ID, Kind: k, CompletedAt: now.Add(-time.Hour), By: adm.ID}
		if k == access.CodeOfConduct {
			rec.Version = access.DefaultCodeOfConductVersion
		}
		_, err := st.PutRecord(ctx, rec)
		require.NoError(b, err)
	}
	token, _, err := st.CreateToken(ctx, u.ID, 24*time.Hour, now)
	require.NoError(b, err)
	w, err := st.CreateWorkspace(ctx, u.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "Bench"})
	require.NoError(b, err)
	// Everyone: no include group, and an exclude of a concept no one has.
	everyone, err := cohort.Parse([]byte(`{"includes": [], "excludes": [{"items": [{"type": "CONDITION", "searchParameters": [{"conceptId": 1}]}]}]}`))
	require.NoError(b, err)
	def, err := everyone.MarshalJSON()
	require.NoError(b, err)
	co, err := st.CreateCohort(ctx, u.ID, workbench.Cohort{WorkspaceID: w.ID, Name: "Everyone", Definition: def})
	require.NoError(b, err)
	d, err := st.CreateDataset(ctx, u.ID, workbench.Dataset{WorkspaceID: w.ID, Name: "Everything", CohortIDs: []string{co.ID}, Columns: map[cohort.Domain][]string{
		cohort.DomainPerson:      {"year_of_birth", "birth_datetime", "gender_concept_name", "race_concept_name"},
		cohort.DomainCondition:   {"condition_concept_id", "condition_concept_name", "condition_start_date", "condition_end_date", "visit_occurrence_id"},
		cohort.DomainMeasurement: {"measurement_concept_id", "measurement_concept_name", "measurement_date", "value_as_number", "unit_concept_id"},
	}})
	require.NoError(b, err)

	for _, domain := range []cohort.Domain{cohort.DomainPerson, cohort.DomainCondition, cohort.DomainMeasurement} {
		for _, f := range export.Formats {
			b.Run(strings.ToLower(string(domain))+"/"+string(f), func(b *testing.B) {
				url := hs.URL + "/v1/workspaces/" + w.ID + "/datasets/" + d.ID + "/export?domain=" + string(domain) + "&format=" + string(f)
				runtime.GC()
				peak, stop := heapPeak()
				var size int64
				b.ResetTimer()
				for range b.N {
					req, err := http.NewRequest(http.MethodGet, url, nil)
					require.NoError(b, err)
					req.Header.Set("Authorization", "Bearer "+token)
					res, err := http.DefaultClient.Do(req)
					require.NoError(b, err)
					require.Equal(b, http.StatusOK, res.StatusCode)
					n, err := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					require.NoError(b, err)
					size += n
				}
				b.StopTimer()
				stop()
				recs, err := st.QueryAudit(ctx, store.AuditQuery{UserID: u.ID})
				require.NoError(b, err)
				rows := recs[len(recs)-1].ResultSize
				b.ReportMetric(float64(rows), "rows")
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(size)/float64(b.N)/(1<<20), "MB")
				b.ReportMetric(float64(*peak)/(1<<20), "peak-heap-MB")
			})
		}
	}
}

// heapPeak samples the Go heap in use every 10 ms until stop is called,
// keeping the largest value.
func heapPeak() (peak *uint64, stop func()) {
	peak = new(uint64)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			*peak = max(*peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return peak, func() { close(done); <-finished }
}

// TestExportHasItsOwnTimeout: an export streams a table of any size, so
// the request timeout of other routes does not cut it.
func TestExportHasItsOwnTimeout(t *testing.T) {
	f := newFixture(t, server.Config{Timeout: time.Nanosecond})
	ctx := context.Background()
	c, err := f.store.CreateCohort(ctx, f.researcherID, workbench.Cohort{WorkspaceID: f.ws, Name: "Wrist", Definition: example(t, "wrist_fracture.json")})
	require.NoError(t, err)
	d, err := f.store.CreateDataset(ctx, f.researcherID, workbench.Dataset{WorkspaceID: f.ws, Name: "Wrist persons", CohortIDs: []string{c.ID},
		Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}}})
	require.NoError(t, err)
	ws := "/v1/workspaces/" + f.ws
	requireProblem(t, f.do(t, "GET", ws+"/cohorts/"+c.ID+"/count", f.researcher, nil, ""), http.StatusGatewayTimeout)
	r := f.accept(t, ws+"/datasets/"+d.ID+"/export?domain=PERSON&format=csv", f.researcher, "")
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	require.NoError(t, err)
	assert.Len(t, recs, 1+442, "a header and GiBleed's 442 persons with a wrist fracture")
}
