package public_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/public"
)

// fixture is a synthetic CDR small enough that most concept, survey and
// demographic cells hold 1 to 19 persons, opened, with its release.
type fixture struct {
	dir     string
	cdr     *cdr.CDR
	info    cdr.IndexInfo
	release *public.Release
	out     string
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	sharedErr   error
)

// TestMain closes the shared fixture after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.cdr.Close()
	}
	os.Exit(code)
}

// smallCDR returns the shared fixture: 400 synthetic persons (seed 5),
// indexed, released with the default config.
func smallCDR(t testing.TB) *fixture {
	t.Helper()
	if testing.Short() {
		t.Skip("generates and indexes a synthetic CDR")
	}
	f, err := sharedFixture()
	require.NoError(t, err)
	return f
}

// sharedFixture opens the shared fixture once, for tests and examples:
// the synthetic CDR and release that testcdr keeps for every package.
func sharedFixture() (*fixture, error) {
	fixtureOnce.Do(func() {
		shared, sharedErr = openShared(400, 5)
	})
	return shared, sharedErr
}

func openShared(persons int, seed int64) (*fixture, error) {
	dir, err := testcdr.Synthetic(persons, seed)
	if err != nil {
		return nil, err
	}
	out, err := testcdr.SyntheticRelease(persons, seed)
	if err != nil {
		return nil, err
	}
	r, err := public.Open(out)
	if err != nil {
		return nil, err
	}
	c, err := cdr.Open(context.Background(), dir, cdr.Options{Threads: 2})
	if err != nil {
		return nil, err
	}
	info, _ := c.Index()
	return &fixture{dir: dir, cdr: c, info: info, release: r, out: out}, nil
}

func indexAndBuild(dir string, c public.Config) (*fixture, error) {
	ctx := context.Background()
	info, err := cdr.Index(ctx, dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
	if err != nil {
		return nil, err
	}
	db, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
	if err != nil {
		return nil, err
	}
	out := dir + "-public"
	if _, err := public.Build(ctx, source(db, info), out, c, nil); err != nil {
		db.Close()
		return nil, err
	}
	r, err := public.Open(out)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &fixture{dir: dir, cdr: db, info: info, release: r, out: out}, nil
}

func source(c *cdr.CDR, info cdr.IndexInfo) public.Source {
	return public.Source{DB: c.DB(), VersionID: info.VersionID, ReferenceDate: info.ReferenceDate}
}

// column runs a query of one int64 column on the fixture's CDR: what the
// tests know of the truth comes from the rows, read directly.
func (f *fixture) column(t testing.TB, q string) []int64 {
	t.Helper()
	rows, err := f.cdr.DB().QueryContext(context.Background(), q)
	require.NoError(t, err)
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

// releaseWith builds and opens a release of the fixture's CDR under c.
func (f *fixture) releaseWith(t testing.TB, c public.Config) *public.Release {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	_, err := public.Build(context.Background(), source(f.cdr, f.info), out, c, nil)
	require.NoError(t, err)
	r, err := public.Open(out)
	require.NoError(t, err)
	return r
}

// withoutPerson writes to dir a copy of the fixture's CDR with every row
// of person id left out, and indexes and releases it with c.
func (f *fixture) withoutPerson(t testing.TB, dir string, id int64, c public.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, tb := range f.cdr.Schema().Tables {
		if !f.cdr.Present(tb.Name) {
			continue
		}
		where := ""
		if _, ok := tb.Column("person_id"); ok {
			where = " WHERE person_id <> " + strconv.FormatInt(id, 10)
		}
		path := filepath.Join(dir, tb.Name+".parquet")
		_, err := f.cdr.DB().ExecContext(ctx, fmt.Sprintf("COPY (SELECT * FROM %s%s) TO '%s' (FORMAT parquet)", tb.Name, where, path))
		require.NoError(t, err, tb.Name)
	}
	g, err := indexAndBuild(dir, c)
	require.NoError(t, err)
	t.Cleanup(func() { g.cdr.Close() })
	return g
}
