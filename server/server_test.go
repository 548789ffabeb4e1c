package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/server"
)

func TestHealthAndDictionary(t *testing.T) {
	f := newFixture(t, server.Config{})

	r := f.do(t, "GET", "/healthz", "", nil, "")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "ok", r.json(t)["status"])

	r = f.do(t, "GET", "/v1/dictionary", "", nil, "")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	tables := r.json(t)["tables"].([]any)
	assert.NotEmpty(t, tables)

	r = f.do(t, "GET", "/v1/dictionary/person", "", nil, "")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "person", r.json(t)["name"])

	requireProblem(t, f.do(t, "GET", "/v1/dictionary/no_such_table", "", nil, ""), http.StatusNotFound)
	requireProblem(t, f.do(t, "GET", "/v1/nothing/here", "", nil, ""), http.StatusNotFound)
	requireProblem(t, f.do(t, "DELETE", "/healthz", "", nil, ""), http.StatusMethodNotAllowed)
}

// TestPublicNeverSmallCounts walks every number of the public answers on
// GiBleed: each is a released count (see released.walk).
func TestPublicNeverSmallCounts(t *testing.T) {
	f := newFixture(t, server.Config{})
	// The measurement most persons have, for its value histograms.
	var top []struct {
		ID int64 `json:"concept_id"`
	}
	r := f.do(t, "GET", "/v1/public/top-concepts?domain=MEASUREMENT&limit=1", "", nil, "")
	require.NoError(t, json.Unmarshal(r.body, &top), "%s", r.body)
	require.Len(t, top, 1)
	paths := []string{
		fmt.Sprintf("/v1/public/concepts/%d", top[0].ID),
		"/v1/public/totals",
		"/v1/public/demographics",
		"/v1/public/demographics?scope=ehr",
		"/v1/public/demographics?scope=survey",
		"/v1/public/concepts?q=fracture",
		"/v1/public/concepts?q=a&domain=CONDITION&limit=50&sort=name",
		"/v1/public/domains?q=fracture",
		"/v1/public/concepts/4134304",
		"/v1/public/top-concepts?domain=DRUG&limit=20",
		"/v1/public/surveys",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			r := f.do(t, "GET", p, "", nil, "")
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			var v any
			require.NoError(t, json.Unmarshal(r.body, &v))
			var seen released
			seen.walk(t, p, v, "")
			if p != "/v1/public/surveys" {
				assert.Positive(t, seen.atMost+seen.above+seen.zero, "no count in %s", r.body)
			}
		})
	}
	r = f.do(t, "GET", "/v1/public/concepts/4134304", "", nil, "")
	assert.EqualValues(t, 460, r.json(t)["count"].(map[string]any)["count"], "the 442 persons of wrist fracture, released as the next multiple of 20")
	requireProblem(t, f.do(t, "POST", "/v1/public/cohorts/count", "", example(t, "wrist_fracture.json"), ""), http.StatusNotFound)
}

// released counts the numbers a walk of public answers met.
type released struct{ atMost, above, zero int }

// notCounts are the keys of public answers whose numbers are not counts of
// persons: ids, numbers of concepts or questions found, histogram edges.
var notCounts = map[string]bool{"concept_id": true, "unit_concept_id": true, "survey_id": true, "question_id": true, "answer_id": true,
	"concepts": true, "questions": true, "low": true, "high": true}

// walk checks every number of the JSON value v, found under key, of the
// answer what. A number is a count unless its key is in notCounts or is
// "share" (a fraction of released numbers); "total" is the number of
// concepts a search found at the top of its answer, and a count below.
// A key naming a person id fails whatever its value.
func (s *released) walk(t *testing.T, what string, v any, key string) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		atMost, _ := v["at_most"].(bool)
		for k, x := range v {
			assert.NotContains(t, strings.ToLower(k), "person_id", "%s: a person id key", what)
			if atMost && k == "count" {
				assert.EqualValues(t, access.MinThreshold, x, "%s: at_most with count %v", what, x)
			}
			if k == "total" && key == "" && strings.HasPrefix(what, "/v1/public/concepts?") {
				continue
			}
			s.walk(t, what, x, k)
		}
		if atMost {
			s.atMost++
		}
	case []any:
		for _, x := range v {
			s.walk(t, what, x, key)
		}
	case float64:
		switch {
		case notCounts[key]:
		case key == "share":
			assert.True(t, v >= 0 && v <= 1, "%s: share %v", what, v)
		case v == 0:
			s.zero++
		default:
			assert.True(t, v >= access.MinThreshold && float64(int64(v)) == v && int64(v)%access.MinThreshold == 0,
				"%s: %s = %v is not a released count", what, key, v)
			if v > access.MinThreshold {
				s.above++
			}
		}
	}
}

func TestPublicRateLimit(t *testing.T) {
	f := newFixture(t, server.Config{RateLimit: server.RateLimit{Rate: 0.001, Burst: 2}})
	for range 2 {
		require.Equal(t, http.StatusOK, f.do(t, "GET", "/v1/public/totals", "", nil, "").status)
	}
	requireProblem(t, f.do(t, "GET", "/v1/public/totals", "", nil, ""), http.StatusTooManyRequests)
	// Outside the public tier there is no such limit.
	require.Equal(t, http.StatusOK, f.do(t, "GET", "/healthz", "", nil, "").status)
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{MaxNotebookBody: 4 << 20})
	ws := "/v1/workspaces/" + f.ws + "/cohorts/count"
	wrist := example(t, "wrist_fracture.json")
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	big := append(append([]byte(`{"includes":[],"excludes":[],"dataFilters":["`), bytes.Repeat([]byte("x"), 10<<20)...), `"]}`...)
	sqlish := `{"includes":[{"items":[{"type":"CONDITION","searchParameters":[{"parameterId":"'; DROP TABLE person; --","domain":"CONDITION'); DELETE FROM concept; --","type":"SNOMED","group":true,"standard":true,"conceptId":4134304,"attributes":[]}],"modifiers":[]}]}],"excludes":[],"dataFilters":["1=1; DROP TABLE person"]}`
	cases := []struct {
		name, path, ctype string
		body              []byte
		status            int
	}{
		{"malformed", ws, "", []byte(`{"includes": [`), 400},
		{"not an object", ws, "", []byte(`42`), 400},
		{"too large", ws, "", big, 413},
		{"too deep", ws, "", []byte(deep), 400},
		{"unknown field", ws, "", []byte(`{"includes":[],"drop":"table"}`), 400},
		{"sql-looking strings", ws, "", []byte(sqlish), 400},
		{"wrong content type", ws, "text/plain", wrist, 415},
		{"no content type", ws, "-", wrist, 415},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctype := c.ctype
			if ctype == "-" {
				ctype = "application/octet-stream"
			}
			requireProblem(t, f.do(t, "POST", c.path, f.researcher, c.body, ctype), c.status)
		})
	}
	t.Run("validation paths", func(t *testing.T) {
		p := requireProblem(t, f.do(t, "POST", ws, f.researcher, []byte(sqlish), ""), 400)
		require.NotEmpty(t, p["errors"], "%v", p)
		for _, e := range p["errors"].([]any) {
			assert.Contains(t, e.(map[string]any), "path")
		}
	})
	t.Run("bad ids", func(t *testing.T) {
		requireProblem(t, f.do(t, "GET", "/v1/public/concepts/1%3B%20DROP%20TABLE%20x", "", nil, ""), 400)
		requireProblem(t, f.do(t, "GET", "/v1/public/concepts?q='%20OR%201=1;--&limit=x", "", nil, ""), 400)
		r := f.do(t, "GET", "/v1/public/concepts?q='%20OR%201=1;--", "", nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		requireProblem(t, f.do(t, "GET", "/v1/public/concepts/999999999999", "", nil, ""), 404)
		requireProblem(t, f.do(t, "GET", "/v1/public/surveys/999999999999", "", nil, ""), 404)
		requireProblem(t, f.do(t, "GET", "/v1/public/surveys/4134304", "", nil, ""), 404)
		requireProblem(t, f.do(t, "GET", "/v1/public/surveys/x", "", nil, ""), 400)
	})
	t.Run("every route", func(t *testing.T) { badInputEveryRoute(t, f, big, []byte(deep)) })
	t.Run("bad tokens", func(t *testing.T) {
		requireProblem(t, f.do(t, "GET", "/v1/me", "wb_not-a-token", nil, ""), 401)
		req, _ := http.NewRequest("GET", f.url+"/v1/me", nil)
		req.Header.Set("Authorization", "Basic dTpw")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, 401, res.StatusCode)
		assert.NotEmpty(t, res.Header.Get("WWW-Authenticate"))
	})
}

// nasties are strings that would do harm if a value ever entered SQL
// text, or that trouble decoders.
var nasties = []string{
	"'; DROP TABLE person; --",
	"1 OR 1=1",
	`" OR ""="`,
	"Ωmega 😀 \u202e",
	"nul\x00byte",
	"../../etc/passwd",
	strings.Repeat("x", 5000),
}

// badInputEveryRoute sends every route the router serves, as a user
// allowed to call it (its OWNER, or an administrator), bad bodies, every
// string field of its valid body and every query and path parameter
// replaced by each of nasties, and checks that no answer is a 500 and
// that the state and the CDR are intact after.
func badInputEveryRoute(t *testing.T, f *fixture, big, deep []byte) {
	users := newMatrixUsers(t, f.store)
	wrist := string(example(t, "wrist_fracture.json"))
	w := newWorld(t, f, users, wrist)
	witness := newWorld(t, f, users, wrist)
	totals := f.do(t, "GET", "/v1/public/totals", "", nil, "")
	require.Equal(t, http.StatusOK, totals.status)

	// noFault checks an answer that may be anything but a server fault;
	// a refusal is a problem.
	noFault := func(t *testing.T, what string, r response) {
		t.Helper()
		require.Less(t, r.status, 500, "%s: %s", what, r.body)
		if r.status >= 400 {
			requireProblem(t, r, r.status)
		}
	}
	for _, route := range servedRoutes(t, f) {
		row, found := matrixRoutes[route]
		if !found {
			continue // TestAuthorizationMatrix fails for it
		}
		method, tmpl, _ := strings.Cut(route, " ")
		token := users.tokens["OWNER"]
		if row.need == admin {
			token = users.tokens["administrator, no role"]
		}
		path := w.fill(t, method, tmpl)
		withQuery := path
		if row.query != "" {
			withQuery += "?" + row.query
		}
		t.Run(route, func(t *testing.T) {
			if row.body != nil {
				valid := row.body(w)
				for _, c := range []struct {
					name, ctype string
					body        []byte
					want        int
				}{
					{"malformed", "", []byte(valid[:len(valid)/2]), 400},
					{"data after the value", "", []byte(valid + " {}"), 400},
					{"unknown field", "", []byte(`{"zz_unknown": 1, ` + strings.TrimPrefix(strings.TrimSpace(valid), "{")), 400},
					{"10 MiB", "", big, 413},
					{"deep", "", deep, 400},
					{"wrong content type", "text/plain", []byte(valid), 415},
				} {
					requireProblem(t, f.do(t, method, withQuery, token, c.body, c.ctype), c.want)
				}
				for _, b := range stringsReplaced(t, valid) {
					noFault(t, b, f.do(t, method, withQuery, token, []byte(b), ""))
				}
			}
			if row.query != "" {
				q, err := url.ParseQuery(row.query)
				require.NoError(t, err)
				for name := range q {
					for _, n := range nasties {
						bad := maps.Clone(q)
						bad.Set(name, n)
						noFault(t, name+"="+n, f.do(t, method, path+"?"+bad.Encode(), token, bodyOf(row, w), ""))
					}
				}
			}
			segs := strings.Split(tmpl, "/")
			for i, seg := range segs {
				if !pathParam.MatchString(seg) {
					continue
				}
				for _, n := range nasties {
					bad := strings.Split(path, "/")
					bad[i] = url.PathEscape(n)
					noFault(t, seg+"="+n, f.do(t, method, strings.Join(bad, "/"), token, bodyOf(row, w), ""))
				}
			}
		})
	}

	t.Run("state intact", func(t *testing.T) {
		after := f.do(t, "GET", "/v1/public/totals", "", nil, "")
		assert.Equal(t, totals, after, "the CDR's totals")
		ctx := context.Background()
		c, err := f.store.Cohort(ctx, witness.ws, witness.cohort)
		require.NoError(t, err)
		assert.Equal(t, "Wrist fracture", c.Name)
		collabs, err := f.store.Collaborators(ctx, witness.ws)
		require.NoError(t, err)
		assert.Len(t, collabs, 6)
		r := f.do(t, "GET", "/v1/workspaces/"+witness.ws+"/cohorts/"+witness.cohort+"/count", users.tokens["OWNER"], nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.EqualValues(t, 442, r.json(t)["count"])
	})
}

func bodyOf(row matrixRoute, w *world) []byte {
	if row.body == nil {
		return nil
	}
	return []byte(row.body(w))
}

// stringsReplaced is body once for every string in it and every one of
// nasties: that string replaced by the nasty one.
func stringsReplaced(t *testing.T, body string) []string {
	t.Helper()
	var paths [][]any
	var walk func(v any, path []any)
	walk = func(v any, path []any) {
		switch v := v.(type) {
		case string:
			paths = append(paths, slices.Clone(path))
		case map[string]any:
			for k, x := range v {
				walk(x, append(path, k))
			}
		case []any:
			for i, x := range v {
				walk(x, append(path, i))
			}
		}
	}
	var v any
	require.NoError(t, json.Unmarshal([]byte(body), &v))
	walk(v, nil)
	var out []string
	for _, p := range paths {
		for _, n := range nasties {
			var c any
			require.NoError(t, json.Unmarshal([]byte(body), &c))
			parent := c
			for _, k := range p[:len(p)-1] {
				switch k := k.(type) {
				case string:
					parent = parent.(map[string]any)[k]
				case int:
					parent = parent.([]any)[k]
				}
			}
			switch k := p[len(p)-1].(type) {
			case string:
				parent.(map[string]any)[k] = n
			case int:
				parent.([]any)[k] = n
			}
			b, err := json.Marshal(c)
			require.NoError(t, err)
			out = append(out, string(b))
		}
	}
	return out
}

func TestAccess(t *testing.T) {
	f := newFixture(t, server.Config{})
	wrist := example(t, "wrist_fracture.json")
	count := func(ws string) string { return "/v1/workspaces/" + ws + "/cohorts/count" }

	requireProblem(t, f.do(t, "GET", "/v1/me", "", nil, ""), 401)
	requireProblem(t, f.do(t, "POST", count(f.ws), "", wrist, ""), 401)
	requireProblem(t, f.do(t, "POST", count(f.ws), "", []byte("{"), ""), 401)
	requireProblem(t, f.do(t, "POST", count(f.ws), "", wrist, "text/plain"), 401)
	requireProblem(t, f.do(t, "POST", count(f.otherWS), f.researcher, wrist, ""), 404)
	requireProblem(t, f.do(t, "POST", count("w_doesnotexist"), f.researcher, wrist, ""), 404)
	p := requireProblem(t, f.do(t, "POST", count(f.pendingWS), f.pending, wrist, ""), 403)
	assert.Contains(t, p["detail"], "ethics training")

	r := f.do(t, "GET", "/v1/me", f.pending, nil, "")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	st := r.json(t)["status"].(map[string]any)
	assert.Equal(t, "public", st["tier"])
	assert.NotEmpty(t, st["steps"])

	r = f.do(t, "GET", "/v1/me", f.researcher, nil, "")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "registered", r.json(t)["status"].(map[string]any)["tier"])

	r = f.do(t, "POST", count(f.ws), f.researcher, wrist, "")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.EqualValues(t, 442, r.json(t)["count"])

	recs, err := f.store.QueryAudit(context.Background(), store.AuditQuery{UserID: f.researcherID})
	require.NoError(t, err)
	var allowed, denied int
	for _, rec := range recs {
		assert.Equal(t, access.CohortCount, rec.Action)
		if rec.Allowed {
			allowed++
			assert.Equal(t, f.ws, rec.Workspace)
			assert.EqualValues(t, 1, rec.ResultSize)
		} else {
			denied++
			assert.Contains(t, []string{f.otherWS, "w_doesnotexist"}, rec.Workspace)
		}
	}
	assert.Equal(t, 1, allowed)
	assert.Equal(t, 2, denied, "refusals are audited, in another's workspace and in one that does not exist alike")
}

// endlessFixture is a server over its own copy of GiBleed's views in which
// concept_person never ends: counting the wrist fracture cohort reads it,
// so the count's query runs until it is cancelled. db is that CDR's
// database: a query that runs holds one of its connections.
func endlessFixture(t *testing.T, cfg server.Config) (f *fixture, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	c, err := cdr.Open(ctx, testcdr.GiBleed(t), cdr.Options{Threads: 2})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	// A trillion rows per row of the tables that a count reads, filtered
	// by a hash: no plan shortcut ends it early. The rows are those of the
	// wrist fracture concept and its descendants, which the count asks
	// for: a copy of all 6.3M rows of concept_person took a second of CPU.
	for _, table := range []string{cdr.ConceptPerson, cdr.ConceptBits} {
		for _, stmt := range []string{
			"CREATE TABLE " + table + "_copy AS SELECT * FROM " + table + " WHERE concept_id IN (SELECT descendant_id FROM " + cdr.ConceptClosure + " WHERE ancestor_id = 4134304)",
			"CREATE OR REPLACE VIEW " + table + " AS SELECT c.* FROM " + table + "_copy c, range(1000000000000) r WHERE hash(c.concept_id, r.range) = 42",
		} {
			_, err := c.DB().ExecContext(ctx, stmt)
			require.NoError(t, err)
		}
	}
	info, ok := c.Index()
	require.True(t, ok)
	eng, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	st, err := store.Open(ctx, testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	srv, err := server.New(cfg, server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	admin, err := st.AddUser(ctx, access.User{Email: "admin@example.org", Admin: true})
	require.NoError(t, err)
	f = &fixture{url: hs.URL, store: st}
	f.researcher, f.researcherID, f.ws = addUser(t, st, admin.ID, "r@example.org", true)
	return f, c.DB()
}

// queryEnds waits until no query holds a connection of db: a query that
// was not interrupted would hold one for good.
func queryEnds(t *testing.T, db *sql.DB) {
	t.Helper()
	require.Eventually(t, func() bool { return db.Stats().InUse == 0 }, time.Minute, 10*time.Millisecond,
		"the query still runs")
}

// TestTimeoutCancelsQuery counts a cohort whose query never ends: the
// query runs, the answer is the timeout's 504, and the query stops.
func TestTimeoutCancelsQuery(t *testing.T) {
	f, db := endlessFixture(t, server.Config{Timeout: time.Second})
	answered := make(chan struct{})
	ran := make(chan bool, 1)
	go func() {
		for {
			select {
			case <-answered:
				ran <- false
				return
			default:
			}
			if db.Stats().InUse > 0 {
				ran <- true
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	r := f.do(t, "POST", "/v1/workspaces/"+f.ws+"/cohorts/count", f.researcher, example(t, "wrist_fracture.json"), "")
	close(answered)
	p := requireProblem(t, r, http.StatusGatewayTimeout)
	assert.NotContains(t, p["detail"], "SELECT")
	assert.True(t, <-ran, "the query never started")
	queryEnds(t, db)
}

// TestDisconnectCancelsQuery counts a cohort whose query never ends, and
// goes away once the query runs: the query stops.
func TestDisconnectCancelsQuery(t *testing.T) {
	f, db := endlessFixture(t, server.Config{Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "POST", f.url+"/v1/workspaces/"+f.ws+"/cohorts/count", bytes.NewReader(example(t, "wrist_fracture.json")))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.researcher)
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, func() bool { return db.Stats().InUse > 0 }, time.Minute, 5*time.Millisecond, "the query never started")
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	queryEnds(t, db)
}

func TestServeShutsDownGracefully(t *testing.T) {
	c, eng, info := openGiBleed(t)
	st, err := store.Open(context.Background(), testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	defer st.Close()
	srv, err := server.New(server.Config{}, server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info})
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()

	res, err := http.Get("http://" + l.Addr().String() + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)

	cancel()
	require.NoError(t, <-done)
	_, err = http.Get("http://" + l.Addr().String() + "/healthz")
	require.Error(t, err)
}

func TestNewChecks(t *testing.T) {
	_, err := server.New(server.Config{}, server.Deps{})
	require.Error(t, err)
	_, err = server.New(server.Config{MaxBody: -1}, server.Deps{})
	require.Error(t, err)
}

func TestRefusedTokens(t *testing.T) {
	f := newFixture(t, server.Config{})
	ctx := context.Background()
	u, err := f.store.AddUser(ctx, access.User{Email: "d@example.org"})
	require.NoError(t, err)
	disabled, _, err := f.store.CreateToken(ctx, u.ID, time.Hour, time.Now())
	require.NoError(t, err)
	require.NoError(t, f.store.SetDisabled(ctx, u.ID, true))
	// A disabled user reads their own status, which says so, and nothing
	// else.
	me := f.do(t, "GET", "/v1/me", disabled, nil, "")
	require.Equal(t, http.StatusOK, me.status, "%s", me.body)
	status := me.json(t)["status"].(map[string]any)
	assert.Equal(t, true, status["disabled"])
	assert.Equal(t, "public", status["tier"])
	requireProblem(t, f.do(t, "GET", "/v1/workspaces", disabled, nil, ""), http.StatusForbidden)

	v, err := f.store.AddUser(ctx, access.User{Email: "e@example.org"})
	require.NoError(t, err)
	expired, _, err := f.store.CreateToken(ctx, v.ID, time.Minute, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	requireProblem(t, f.do(t, "GET", "/v1/me", expired, nil, ""), http.StatusUnauthorized)
	// An invalid token is refused on public routes too, rather than
	// silently served as anonymous.
	requireProblem(t, f.do(t, "GET", "/v1/public/totals", expired, nil, ""), http.StatusUnauthorized)
}

// TestHeadAnswersAsGet: HEAD is served wherever GET is, with GET's status
// and headers and no body; other methods on a GET-only path are refused.
func TestHeadAnswersAsGet(t *testing.T) {
	f := newFixture(t, server.Config{})
	for _, tc := range []struct{ path, token string }{
		{"/healthz", ""},
		{"/v1/public/totals", ""},
		{"/v1/dictionary/person", ""},
		{"/v1/workspaces", f.researcher},
		{"/v1/workspaces/" + f.ws, f.researcher},
		{"/v1/workspaces/" + f.otherWS, f.researcher},
		{"/v1/workspaces", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			get := f.do(t, http.MethodGet, tc.path, tc.token, nil, "")
			head := f.do(t, http.MethodHead, tc.path, tc.token, nil, "")
			assert.Equal(t, get.status, head.status)
			assert.Equal(t, get.ctype, head.ctype)
			assert.Empty(t, head.body)
		})
	}
	assert.Equal(t, http.StatusMethodNotAllowed, f.do(t, http.MethodPatch, "/v1/public/totals", "", nil, "").status)
}
