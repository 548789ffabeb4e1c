package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cdr/synth"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/server"
	"github.com/openworkbench/workbench/web"
)

// fixturePersons keeps the synthetic CDR small, so the tests are quick,
// and large enough that some breakdowns are released; fixtureSeed makes
// it.
const (
	fixturePersons = 1500
	fixtureSeed    = 3
)

// fixture is a synthetic CDR, indexed, with its public release and a
// state store.
type fixture struct {
	dir     string
	cdr     *cdr.CDR
	info    cdr.IndexInfo
	release *public.Release
	store   *store.Store
	outbox  outbox
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	sharedErr   error
	sharedDir   string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.cdr.Close()
		shared.store.Close()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// newFixture returns the shared fixture, made on first use over the
// synthetic CDR and release that testcdr keeps for every package.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	if testing.Short() {
		t.Skip("generates, indexes and releases a synthetic CDR")
	}
	fixtureOnce.Do(func() {
		var dir, pub string
		if dir, sharedErr = testcdr.Synthetic(fixturePersons, fixtureSeed); sharedErr != nil {
			return
		}
		if pub, sharedErr = testcdr.SyntheticRelease(fixturePersons, fixtureSeed); sharedErr != nil {
			return
		}
		if sharedDir, sharedErr = os.MkdirTemp("", "web-test-"); sharedErr != nil {
			return
		}
		shared, sharedErr = openFixture(dir, pub, filepath.Join(sharedDir, "data"))
	})
	require.NoError(t, sharedErr)
	return shared
}

// outbox keeps the messages the server sends.
type outbox struct {
	mu   sync.Mutex
	sent []app.Message
}

func (o *outbox) Send(_ context.Context, m app.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

// last is the last message sent to the address.
func (o *outbox) last(to string) (app.Message, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.sent) - 1; i >= 0; i-- {
		if o.sent[i].To == to {
			return o.sent[i], true
		}
	}
	return app.Message{}, false
}

// makeFixture generates a synthetic CDR of persons under root, indexes
// and releases it, for the benchmarks' sizes.
func makeFixture(root string, persons int) (*fixture, error) {
	ctx := context.Background()
	dir := filepath.Join(root, "cdr")
	if _, err := synth.Generate(ctx, dir, synth.Options{Persons: persons, Seed: fixtureSeed}); err != nil {
		return nil, err
	}
	info, err := cdr.Index(ctx, dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
	if err != nil {
		return nil, err
	}
	c, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	pub := filepath.Join(root, "public")
	if _, err := public.Build(ctx, public.Source{DB: c.DB(), VersionID: info.VersionID, ReferenceDate: info.ReferenceDate}, pub, public.Config{}, nil); err != nil {
		return nil, err
	}
	return openFixture(dir, pub, filepath.Join(root, "data"))
}

// openFixture opens the indexed CDR dir, its release in the folder pub,
// and a new state store in the folder data.
func openFixture(dir, pub, data string) (*fixture, error) {
	ctx := context.Background()
	f := &fixture{dir: dir}
	var err error
	if f.release, err = public.Open(pub); err != nil {
		return nil, err
	}
	if f.cdr, err = cdr.Open(ctx, dir, cdr.Options{Threads: 2}); err != nil {
		return nil, err
	}
	var ok bool
	if f.info, ok = f.cdr.Index(); !ok {
		f.cdr.Close()
		return nil, fmt.Errorf("%s is not indexed", dir)
	}
	if f.store, err = store.Open(ctx, data, store.Options{}); err != nil {
		f.cdr.Close()
		return nil, err
	}
	return f, nil
}

// site is the fixture's web pages with the help desk of its store.
func (f *fixture) site(t testing.TB, cfg web.Config) *web.Site {
	t.Helper()
	s, err := web.New(cfg, web.Deps{Release: f.release, Help: app.HelpDesk{Store: f.store}})
	require.NoError(t, err)
	return s
}

// serve starts the real server, API and pages, on 127.0.0.1:0 and returns
// its URL.
func (f *fixture) serve(t testing.TB) string {
	t.Helper()
	return f.serveConfig(t, func(string) web.Config { return web.Config{} })
}

// serveConfig is serve with the pages' configuration that cfg makes of
// the server's URL.
func (f *fixture) serveConfig(t testing.TB, cfg func(base string) web.Config) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + l.Addr().String()
	eng, err := engine.New(f.cdr.DB(), f.info.VersionID, engine.Options{})
	require.NoError(t, err)
	site := func(a *app.App) (http.Handler, error) {
		return web.New(cfg(base), web.Deps{Release: f.release, Help: app.HelpDesk{Store: f.store}, App: a})
	}
	srv, err := server.New(server.Config{}, server.Deps{Engine: eng, Store: f.store, Release: f.release, Schema: f.cdr.Schema(), Index: f.info, Site: site, Outbox: &f.outbox})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return base
}

// get fetches path from the server at url.
func get(t testing.TB, url string) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}
