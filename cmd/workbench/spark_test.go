package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/export"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/notebook"
	"github.com/openworkbench/workbench/spark"
)

// TestServeSpark is the server journey with the Spark engine: the demo's
// synthetic CDR and state, served by 'serve --engine spark', give the
// researcher the same counts, demographics, top concepts, participants,
// review sample, events, dataset preview and exports as the DuckDB engine
// on the same CDR; what Spark does not run answers 503 naming it; and a
// Spark server gone away is a 503 that says so.
func TestServeSpark(t *testing.T) {
	remote := testcdr.Spark(t)
	if testing.Short() {
		t.Skip("generates the demo's CDR")
	}
	ctx := context.Background()
	data := t.TempDir()
	dir := filepath.Join(data, "cdr")
	var out bytes.Buffer
	require.NoError(t, demoCDR(ctx, env{stdout: &out, stderr: &out}, dir, cdr.Options{Threads: 2}))

	// The state, made with the DuckDB engine as the demo makes it.
	st, err := store.Open(ctx, data, store.Options{})
	require.NoError(t, err)
	c, duck, err := openEngine(ctx, dir, cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	now := time.Now()
	ds, err := makeDemoState(ctx, st, duck, notebook.Files{Root: notebookDir(data)}, now)
	require.NoError(t, err)
	_, err = demoTokenFile(ctx, st, filepath.Join(data, demoTokensFile), ds, now)
	require.NoError(t, err)
	dataset, err := datasetOf(ctx, st, ds)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	token := readDemoTokens(t, filepath.Join(data, demoTokensFile)).Researcher

	// The Spark Connect server through a proxy that the test can cut.
	proxy := newTCPProxy(t, strings.TrimPrefix(remote, "sc://"))
	srvCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stdout, stderr testkit.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(srvCtx, []string{"serve", "--engine", "spark", "--spark", "sc://" + proxy.addr(), "--cdr", dir, "--data", data, "--addr", "127.0.0.1:0"}, &stdout, &stderr)
	}()
	urlRE := regexp.MustCompile(`serving .* on (http://127\.0\.0\.1:\d+)`)
	var base string
	require.Eventually(t, func() bool {
		if m := urlRE.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			return true
		}
		select {
		case code := <-done:
			done <- code
			return true
		default:
			return false
		}
	}, 5*time.Minute, 50*time.Millisecond)
	require.NotEmpty(t, base, "serve stopped\nstdout: %s\nstderr: %s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "on Spark at sc://"+proxy.addr())

	cl, err := notebook.New(base, token)
	require.NoError(t, err)
	ws, co := ds.workspace.ID, ds.cohort.ID
	def, err := cohort.Parse(ds.cohort.Definition)
	require.NoError(t, err)

	t.Run("cohort", func(t *testing.T) {
		want, err := duck.Count(ctx, def)
		require.NoError(t, err)
		require.NotZero(t, want)
		n, err := cl.CohortCount(ctx, ws, co)
		require.NoError(t, err)
		assert.Equal(t, want, n)

		wantD, err := duck.Demographics(ctx, def)
		require.NoError(t, err)
		d, err := cl.Demographics(ctx, ws, co)
		require.NoError(t, err)
		assert.Equal(t, wantD, d)

		for _, dom := range []cohort.Domain{cohort.DomainCondition, cohort.DomainDrug, cohort.DomainMeasurement} {
			wantTop, err := duck.TopConcepts(ctx, def, dom, 10)
			require.NoError(t, err)
			top, err := cl.TopConcepts(ctx, ws, co, dom, 10)
			require.NoError(t, err)
			assert.Equal(t, wantTop, top, "%s", dom)
		}
		wantIDs, wantTotal, err := duck.Participants(ctx, def, 1, 50)
		require.NoError(t, err)
		p, err := cl.Participants(ctx, ws, co, 1, 50)
		require.NoError(t, err)
		assert.Equal(t, wantIDs, p.PersonIDs)
		assert.Equal(t, wantTotal, p.Total)

		// An unsaved definition too (the Cohort Builder's live count).
		women := &cohort.Definition{Includes: def.Includes, Excludes: []cohort.Group{{Items: []cohort.Item{{
			Type: cohort.DomainPerson, Parameters: []cohort.Parameter{{Type: cohort.TypeSex, ConceptID: 8507}},
		}}}}}
		want, err = duck.Count(ctx, women)
		require.NoError(t, err)
		n, err = cl.Count(ctx, ws, women)
		require.NoError(t, err)
		assert.Equal(t, want, n)
	})

	t.Run("review", func(t *testing.T) {
		seed := int64(7)
		r, err := cl.CreateReview(ctx, ws, co, workbench.NewReview{Size: 40, Seed: &seed})
		require.NoError(t, err)
		wantIDs, err := duck.ReviewSample(ctx, def, seed, 40)
		require.NoError(t, err)
		page, err := cl.ReviewParticipants(ctx, ws, r.ID, workbench.ParticipantQuery{Size: 100})
		require.NoError(t, err)
		var ids []int64
		for _, p := range page.Participants {
			ids = append(ids, p.PersonID)
		}
		assert.Equal(t, wantIDs, ids, "the same sample on both engines")
		persons, err := duck.Persons(ctx, ids)
		require.NoError(t, err)
		for _, p := range page.Participants {
			want := persons[p.PersonID]
			assert.Equal(t, &want, p.Person, "person %d", p.PersonID)
		}
		for _, person := range ids[:2] {
			for _, dom := range []cohort.Domain{"", cohort.DomainMeasurement} {
				want, wantTotal, err := duck.ParticipantEvents(ctx, person, dom, 0, 25)
				require.NoError(t, err)
				got, err := cl.ParticipantEvents(ctx, ws, r.ID, person, dom, 0, 25)
				require.NoError(t, err)
				assert.Equal(t, want, got.Events, "person %d %s", person, dom)
				assert.Equal(t, wantTotal, got.Total)
			}
		}
	})

	t.Run("dataset", func(t *testing.T) {
		id, d := ds.dataset.ID, dataset
		for _, domain := range []cohort.Domain{cohort.DomainPerson, cohort.DomainCondition} {
			want, err := duck.PreviewDataset(ctx, d, domain, 100)
			require.NoError(t, err)
			got, err := cl.PreviewDataset(ctx, ws, id, domain, 100)
			require.NoError(t, err)
			assert.Equal(t, jsonOf(t, want), jsonOf(t, got), "%s", domain)
			for _, format := range []string{"csv", "arrow", "json"} {
				f, err := export.ParseFormat(format)
				require.NoError(t, err)
				var wantOut bytes.Buffer
				require.NoError(t, duck.DatasetRows(ctx, d, domain, func(cols []cohort.DatasetColumn, rows engine.Rows) error {
					_, err := export.Write(&wantOut, f, exportColumns(cols), rows, export.Options{})
					return err
				}))
				body, err := cl.ExportDataset(ctx, ws, id, domain, format)
				require.NoError(t, err)
				got, err := io.ReadAll(body)
				body.Close()
				require.NoError(t, err)
				assert.True(t, bytes.Equal(wantOut.Bytes(), got), "%s as %s: %d bytes from Spark, %d from DuckDB", domain, format, len(got), wantOut.Len())
			}
		}
	})

	t.Run("unsupported", func(t *testing.T) {
		_, err := cl.SearchConcepts(ctx, engine.ConceptSearch{Query: "diabetes"})
		require.Error(t, err)
		assert.ErrorIs(t, err, engine.ErrUnsupported)
		assert.Equal(t, fault.Unavailable, fault.KindOf(err))
		assert.Contains(t, err.Error(), "concept search is not available on the Spark engine")
		// What needs no search works: a concept, its parents and children.
		wantC, err := duck.Concept(ctx, 201826)
		require.NoError(t, err)
		gotC, err := cl.Concept(ctx, 201826)
		require.NoError(t, err)
		assert.Equal(t, wantC, gotC)
		wantP, err := duck.Parents(ctx, 201826)
		require.NoError(t, err)
		gotP, err := cl.Parents(ctx, 201826)
		require.NoError(t, err)
		assert.Equal(t, wantP, gotP)
		wantCh, err := duck.Children(ctx, 201826)
		require.NoError(t, err)
		gotCh, err := cl.Children(ctx, 201826)
		require.NoError(t, err)
		assert.Equal(t, wantCh, gotCh)
	})

	t.Run("spark gone", func(t *testing.T) {
		proxy.close()
		other := &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{
			Type: cohort.DomainDrug, Parameters: []cohort.Parameter{{ConceptID: 1503297, Group: true, Standard: true}},
		}}}}}
		_, err := cl.Count(ctx, ws, other)
		require.Error(t, err)
		assert.Equal(t, fault.Unavailable, fault.KindOf(err), "%v", err)
		assert.ErrorIs(t, err, spark.ErrUnreachable)
		assert.Contains(t, err.Error(), "no Spark Connect server answers")
	})

	cancel()
	assert.Equal(t, exitOK, <-done, "stderr: %s", stderr.String())
	assert.NotContains(t, stderr.String(), "status=500")
}

// datasetOf is the demo dataset as the services load it.
func datasetOf(ctx context.Context, st *store.Store, ds demoState) (*cohort.Dataset, error) {
	def, err := cohort.Parse(ds.cohort.Definition)
	if err != nil {
		return nil, err
	}
	d := &cohort.Dataset{Cohorts: []*cohort.Definition{def}, Columns: ds.dataset.Columns}
	for _, id := range ds.dataset.ConceptSetIDs {
		s, err := st.ConceptSet(ctx, ds.workspace.ID, id)
		if err != nil {
			return nil, err
		}
		var cs cohort.ConceptSet
		if err := json.Unmarshal(s.Definition, &cs); err != nil {
			return nil, err
		}
		d.ConceptSets = append(d.ConceptSets, &cs)
	}
	return d, nil
}

func exportColumns(cols []cohort.DatasetColumn) []export.Column {
	out := make([]export.Column, len(cols))
	for i, c := range cols {
		out[i] = export.Column{Name: c.Name, Type: c.Type}
	}
	return out
}

// tcpProxy forwards connections to a target until closed; closing it
// cuts the connections it forwards.
type tcpProxy struct {
	l     net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &tcpProxy{l: l}
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			outConn, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, outConn)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(outConn, in); outConn.Close() }()
			go func() { _, _ = io.Copy(in, outConn); in.Close() }()
		}
	}()
	t.Cleanup(p.close)
	return p
}

func (p *tcpProxy) addr() string { return p.l.Addr().String() }

func (p *tcpProxy) close() {
	p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			continue
		}
	}
	p.conns = nil
}

// jsonOf is v as JSON: previews compare as their clients see them.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestIndexSpark builds a small synthetic CDR's index with 'cdr index
// --engine spark': DuckDB opens it, with the persons and events that the
// command printed.
func TestIndexSpark(t *testing.T) {
	remote := testcdr.Spark(t)
	if testing.Short() {
		t.Skip("builds an index on Spark")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cdr")
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(ctx, []string{"synth", "--persons", "100", "--seed", "4", "--out", dir}, &stdout, &stderr), stderr.String())
	stdout.Reset()
	require.Equal(t, 0, run(ctx, []string{"cdr", "index", "--engine", "spark", "--spark", remote, "--json", dir}, &stdout, &stderr), stderr.String())
	var info cdr.IndexInfo
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &info))
	c, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()
	got, ok := c.Index()
	require.True(t, ok)
	assert.Equal(t, info, got)
	assert.Equal(t, int64(100), got.Persons)
	assert.Positive(t, got.Events)
}
