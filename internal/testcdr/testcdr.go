// Package testcdr gives tests outside package cdr an indexed copy of the
// Eunomia GiBleed CDR in testdata/, built once per test binary.
package testcdr

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/public"
)

// Root is the module's root folder, found from this file's location so
// that tests of any package can reach testdata/.
var Root = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

// GiBleedParquet is the folder of GiBleed's Parquet files in testdata.
var GiBleedParquet = filepath.Join(Root, "testdata", "gibleed", "parquet")

var gibleed struct {
	once sync.Once
	dir  string
	err  error
}

// GiBleed returns the folder of an indexed copy of GiBleed, made on first
// use in a temporary folder that Cleanup removes. Tests must not change
// it. The indexing uses two threads, so tests of several packages running
// at once do not overload the machine.
func GiBleed(t testing.TB) string {
	t.Helper()
	gibleed.once.Do(func() {
		if gibleed.dir, gibleed.err = os.MkdirTemp("", "workbench-gibleed-"); gibleed.err != nil {
			return
		}
		if gibleed.err = os.CopyFS(gibleed.dir, os.DirFS(GiBleedParquet)); gibleed.err != nil {
			return
		}
		_, gibleed.err = cdr.Index(context.Background(), gibleed.dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
	})
	if gibleed.err != nil {
		t.Fatalf("testcdr: indexing GiBleed: %v", gibleed.err)
	}
	return gibleed.dir
}

var release struct {
	once sync.Once
	r    *public.Release
	err  error
}

// GiBleedRelease returns the public release of the indexed GiBleed,
// built on first use beside it under the default rules (no noise).
func GiBleedRelease(t testing.TB) *public.Release {
	t.Helper()
	dir := GiBleed(t)
	release.once.Do(func() {
		ctx := context.Background()
		c, err := cdr.Open(ctx, dir, cdr.Options{Threads: 2})
		if err != nil {
			release.err = err
			return
		}
		defer c.Close()
		info, _ := c.Index()
		out := dir + "-public"
		if _, release.err = public.Build(ctx, public.Source{DB: c.DB(), VersionID: info.VersionID, ReferenceDate: info.ReferenceDate}, out, public.Config{}, nil); release.err != nil {
			return
		}
		release.r, release.err = public.Open(out)
	})
	if release.err != nil {
		t.Fatalf("testcdr: the public release of GiBleed: %v", release.err)
	}
	return release.r
}

// Cleanup removes what GiBleed made; call it from TestMain after m.Run.
func Cleanup() {
	if gibleed.dir != "" {
		os.RemoveAll(gibleed.dir)
		os.RemoveAll(gibleed.dir + "-public")
	}
}
