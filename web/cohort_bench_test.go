package web_test

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/public"
)

var benchPersons = flag.Int("bench.persons", 0,
	"persons of the synthetic CDR of BenchmarkWorkspacePages; 0 uses the tests' fixture of 1,500 (the demo has 10,000)")

// BenchmarkWorkspacePages measures the pages of workspaces, the Cohort
// Builder, the Concept Set Selector, cohort review and the Data
// Dictionary as an approved researcher asks for them from the real
// server, over the fixture's CDR or one of -bench.persons: the services,
// the engine's queries, the audit log's writes and the templates.
// Loopback HTTP is in the time too.
func BenchmarkWorkspacePages(b *testing.B) {
	f := newFixture(b)
	if *benchPersons > 0 {
		var err error
		f, err = makeFixture(b.TempDir(), *benchPersons)
		must(b, err)
		b.Cleanup(func() {
			f.cdr.Close()
			f.store.Close()
		})
	}
	base := f.serveNotebooks(b, nil)
	ctx := b.Context()
	now := time.Now()
	u, err := f.store.AddUser(ctx, access.User{Email: "bench@example.org", Name: "Bench"})
	must(b, err)
	for _, r := range []access.Record{
		{UserID: u.ID, Kind: access.Profile, CompletedAt: now},
		{UserID: u.ID, Kind: access.EthicsTraining, CompletedAt: now},
		{UserID: u.ID, Kind: access.CodeOfConduct, CompletedAt: now, Version: access.DefaultCodeOfConductVersion},
		{UserID: u.ID, Kind: access.Approval, CompletedAt: now, By: "bench"},
	} {
		_, err := f.store.PutRecord(ctx, r)
		must(b, err)
	}
	secret, err := f.store.CreateSession(ctx, u.ID, time.Hour, now)
	must(b, err)
	jar, _ := cookiejar.New(nil)
	baseURL, _ := url.Parse(base)
	jar.SetCookies(baseURL, []*http.Cookie{{Name: "workbench_session", Value: secret, Path: "/"}})
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, form url.Values) (int, string, string) {
		var resp *http.Response
		var err error
		if method == http.MethodGet {
			resp, err = c.Get(base + path)
		} else {
			resp, err = c.PostForm(base+path, form)
		}
		must(b, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), resp.Header.Get("Location")
	}
	_, page, _ := do(http.MethodGet, "/workspaces/new", nil)
	tok := tokenField.FindStringSubmatch(page)[1]
	form := purpose("Bench")
	form.Set("csrf_token", tok)
	_, _, loc := do(http.MethodPost, "/workspaces", form)
	ws := strings.TrimPrefix(loc, "/workspaces/")

	top, err := f.release.TopConcepts(public.DomainCondition, 1)
	must(b, err)
	def := fmt.Sprintf(`{"includes":[{"items":[{"type":"CONDITION","searchParameters":[{"domain":"CONDITION","type":"SNOMED","group":true,"conceptId":%d}],
		"modifiers":[{"name":"AGE_AT_EVENT","operator":"GREATER_THAN_OR_EQUAL_TO","operands":["40"]}]}]}],
		"excludes":[{"items":[{"type":"PERSON","searchParameters":[{"domain":"PERSON","type":"DECEASED"}]}]}]}`, top[0].ID)
	_, _, loc = do(http.MethodPost, "/workspaces/"+ws+"/cohorts/build", url.Values{"csrf_token": {tok}, "op": {"save"}, "name": {"Bench"}, "definition": {def}})
	cohortPath := strings.TrimSuffix(loc, "?saved=1")
	_, _, loc = do(http.MethodPost, "/workspaces/"+ws+"/conceptsets/build", url.Values{"csrf_token": {tok}, "op": {"save"}, "name": {"Bench"},
		"items": {fmt.Sprintf(`[{"concept_id":%d,"include_descendants":true}]`, top[0].ID)}})
	setPath := strings.TrimSuffix(loc, "?saved=1")
	if cohortPath == "" || setPath == "" {
		b.Fatal("the cohort or the concept set was not saved")
	}
	_, _, reviewPath := do(http.MethodPost, "/workspaces/"+ws+"/reviews", url.Values{"csrf_token": {tok}, "name": {"Bench"},
		"cohort": {strings.TrimPrefix(cohortPath, "/workspaces/"+ws+"/cohorts/")}, "size": {"100"}})
	_, page, _ = do(http.MethodGet, reviewPath, nil)
	person := regexp.MustCompile(`/participants/(\d+)`).FindStringSubmatch(page)
	if reviewPath == "" || person == nil {
		b.Fatal("the review was not made")
	}
	selection := url.Values{"csrf_token": {tok}, "cohort": {strings.TrimPrefix(cohortPath, "/workspaces/"+ws+"/cohorts/")},
		"concept_set": {strings.TrimPrefix(setPath, "/workspaces/"+ws+"/conceptsets/")}, "domain": {"PERSON", "CONDITION"},
		"column.PERSON":    {"person_id", "year_of_birth", "gender_concept_name"},
		"column.CONDITION": {"person_id", "condition_concept_name", "condition_start_date"}}
	save := url.Values{"op": {"save"}, "name": {"Bench"}}
	preview := url.Values{"op": {"preview"}}
	for k, v := range selection {
		save[k], preview[k] = v, v
	}
	_, _, datasetPath := do(http.MethodPost, "/workspaces/"+ws+"/datasets/build", save)
	if datasetPath == "" {
		b.Fatal("the dataset was not saved")
	}

	type req struct {
		method, path string
		form         url.Values
	}
	w := "/workspaces/" + ws
	pages := map[string]req{
		"workspaces":       {http.MethodGet, "/workspaces", nil},
		"workspace-new":    {http.MethodGet, "/workspaces/new", nil},
		"workspace":        {http.MethodGet, w, nil},
		"workspace-edit":   {http.MethodGet, w + "/edit", nil},
		"workspace-delete": {http.MethodGet, w + "/delete", nil},
		"cohort-new":       {http.MethodGet, w + "/cohorts/new", nil},
		"cohort-saved":     {http.MethodGet, cohortPath, nil},
		"cohort-search":    {http.MethodPost, w + "/cohorts/build", url.Values{"csrf_token": {tok}, "op": {"search"}, "q": {strings.Fields(top[0].Name)[0]}, "definition": {def}}},
		"cohort-results":   {http.MethodPost, w + "/cohorts/results", url.Values{"csrf_token": {tok}, "definition": {def}}},
		"conceptset-new":   {http.MethodGet, w + "/conceptsets/new", nil},
		"conceptset-saved": {http.MethodGet, setPath, nil},
		"review":           {http.MethodGet, reviewPath, nil},
		"review-by-age":    {http.MethodGet, reviewPath + "?sort=age&order=desc", nil},
		"participant":      {http.MethodGet, reviewPath + "/participants/" + person[1], nil},
		"dataset-new":      {http.MethodGet, w + "/datasets/new", nil},
		"dataset-preview":  {http.MethodPost, w + "/datasets/build", preview},
		"dataset":          {http.MethodGet, strings.TrimSuffix(datasetPath, "?saved=1"), nil},
		"notebooks":        {http.MethodGet, w + "/notebooks", nil},
		"dictionary":       {http.MethodGet, "/dictionary", nil},
		"dictionary-table": {http.MethodGet, "/dictionary/condition_occurrence", nil},
	}
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		p := pages[name]
		b.Run(name, func(b *testing.B) {
			var size int
			for b.Loop() {
				code, body, _ := do(p.method, p.path, p.form)
				if code != http.StatusOK {
					b.Fatalf("%s %s: %d", p.method, p.path, code)
				}
				size = len(body)
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
