package server_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/server"
)

var loadCDR = flag.String("load.cdr", "", "indexed CDR folder of the load benchmarks (GiBleed when empty)")

// loadTarget is a server on loopback over the -load.cdr CDR, with an
// approved researcher who owns a workspace.
type loadTarget struct {
	url, token, ws string
	db             *cdr.CDR
}

func newLoadTarget(b *testing.B) *loadTarget {
	b.Helper()
	ctx := context.Background()
	dir := *loadCDR
	if dir == "" {
		dir = testcdr.GiBleed(b)
	}
	c, err := cdr.Open(ctx, dir, cdr.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { c.Close() })
	info, ok := c.Index()
	require.True(b, ok, "%s is not indexed", dir)
	eng, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(b, err)
	st, err := store.Open(ctx, b.TempDir(), store.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	srv, err := server.New(server.Config{}, server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info})
	require.NoError(b, err)
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(hs.Close)

	now := time.Now()
	u, err := st.AddUser(ctx, access.User{Email: "load@example.org"})
	require.NoError(b, err)
	for _, k := range []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval} {
		rec := access.Record{UserID: u.ID, Kind: k, CompletedAt: now.Add(-time.Hour), By: u.ID}
		if k == access.CodeOfConduct {
			rec.Version = access.DefaultCodeOfConductVersion
		}
		_, err := st.PutRecord(ctx, rec)
		require.NoError(b, err)
	}
	token, _, err := st.CreateToken(ctx, u.ID, 24*time.Hour, now)
	require.NoError(b, err)
	ws, err := st.CreateWorkspace(ctx, u.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "Load"})
	require.NoError(b, err)
	return &loadTarget{url: hs.URL, token: token, ws: ws.ID, db: c}
}

// load sends b.N requests from clients concurrent keep-alive clients,
// body(i) the body of the i-th, and reports requests/s and the latency's
// p50 and p99. Any answer but 200 fails the benchmark.
func (lt *loadTarget) load(b *testing.B, clients int, path string, body func(i int) []byte) {
	b.Helper()
	n := b.N
	transport := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	var next atomic.Int64
	latencies := make([]time.Duration, n)
	var failures atomic.Int64
	var firstFailure atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				req, err := http.NewRequest("POST", lt.url+path, bytes.NewReader(body(i)))
				if err != nil {
					panic(err)
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+lt.token)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
					continue
				}
				msg, _ := io.ReadAll(res.Body)
				res.Body.Close()
				latencies[i] = time.Since(t0)
				if res.StatusCode != http.StatusOK {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%d %s", res.StatusCode, msg))
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed; first: %v", f, n, firstFailure.Load())
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(latencies[n/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[n*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkLoadCachedCount counts one definition again and again through
// POST /v1/workspaces/{ws}/cohorts/count: after the first, every answer
// comes from the engine's cache, so what is measured is the server's own
// path (authentication, decision, audit, JSON).
func BenchmarkLoadCachedCount(b *testing.B) {
	lt := newLoadTarget(b)
	def := conditionsCohort(lt.concepts(b, 1)...)
	body, err := def.MarshalJSON()
	require.NoError(b, err)
	for _, clients := range []int{1, 16, 64, 256} {
		b.Run(fmt.Sprint("clients=", clients), func(b *testing.B) {
			lt.load(b, clients, "/v1/workspaces/"+lt.ws+"/cohorts/count", func(int) []byte { return body })
		})
	}
}

// BenchmarkLoadUncachedCount sends counts of definitions that all differ
// (two conditions each, in every run of the benchmark), so that every one
// misses the cache and runs its query: from 16 concurrent clients, and
// from one for the time of a query alone.
func BenchmarkLoadUncachedCount(b *testing.B) {
	lt := newLoadTarget(b)
	ids := lt.concepts(b, 200)
	sent := 0 // over the runs of the benchmark
	for _, clients := range []int{1, 16} {
		b.Run(fmt.Sprint("clients=", clients), func(b *testing.B) {
			// Pairs at a distance under half the list: no pair twice, in
			// either order.
			require.LessOrEqual(b, sent+b.N, len(ids)*(len(ids)/2-1), "more requests than distinct definitions")
			lt.load(b, clients, "/v1/workspaces/"+lt.ws+"/cohorts/count", func(i int) []byte {
				k := sent + i
				body, err := conditionsCohort(ids[k%len(ids)], ids[(k%len(ids)+1+k/len(ids))%len(ids)]).MarshalJSON()
				if err != nil {
					panic(err)
				}
				return body
			})
			sent += b.N
		})
	}
}

// concepts is the n standard conditions with the most persons.
func (lt *loadTarget) concepts(b *testing.B, n int) []int64 {
	b.Helper()
	rows, err := lt.db.DB().Query(`SELECT concept_id FROM concept_counts JOIN concept USING (concept_id)
		WHERE domain_id = 'Condition' AND standard_concept = 'S' ORDER BY rollup_person_count DESC, concept_id LIMIT ?`, n)
	require.NoError(b, err)
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		require.NoError(b, rows.Scan(&id))
		out = append(out, id)
	}
	require.NoError(b, rows.Err())
	require.Len(b, out, n)
	return out
}

// conditionsCohort is the persons with every one of the conditions ids,
// with their descendants.
func conditionsCohort(ids ...int64) *cohort.Definition {
	def := &cohort.Definition{}
	for _, id := range ids {
		def.Includes = append(def.Includes, cohort.Group{Items: []cohort.Item{{Type: cohort.DomainCondition,
			Parameters: []cohort.Parameter{{ConceptID: id, Group: true, Standard: true}}}}})
	}
	return def
}
