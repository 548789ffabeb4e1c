// Package testcdr gives tests outside package cdr an indexed copy of the
// Eunomia GiBleed CDR in testdata/ and its public release, built once for
// the test binaries of every package (see testcache.Dir).
package testcdr

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/internal/testcache"
	"github.com/openworkbench/workbench/public"
)

// Root is the module's root folder, so that tests of any package can
// reach testdata/.
var Root = testcache.Root

// GiBleedParquet is the folder of GiBleed's Parquet files in testdata.
var GiBleedParquet = filepath.Join(Root, "testdata", "gibleed", "parquet")

var gibleed struct {
	once sync.Once
	dir  string
	err  error
}

// GiBleed returns the folder of an indexed copy of GiBleed. Tests must not
// change it: the test binaries of other packages read the same folder.
// The indexing uses two threads, so tests of several packages running at
// once do not overload the machine.
func GiBleed(t testing.TB) string {
	t.Helper()
	gibleed.once.Do(func() {
		gibleed.dir, gibleed.err = testcache.Dir("gibleed", func(dir string) error {
			if err := os.CopyFS(dir, os.DirFS(GiBleedParquet)); err != nil {
				return err
			}
			_, err := cdr.Index(context.Background(), dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
			return err
		})
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

// GiBleedRelease returns the public release of the indexed GiBleed, under
// the default rules (no noise).
func GiBleedRelease(t testing.TB) *public.Release {
	t.Helper()
	src := GiBleed(t)
	release.once.Do(func() {
		var dir string
		dir, release.err = testcache.Dir("gibleed-public", func(out string) error {
			ctx := context.Background()
			c, err := cdr.Open(ctx, src, cdr.Options{Threads: 2})
			if err != nil {
				return err
			}
			defer c.Close()
			info, _ := c.Index()
			_, err = public.Build(ctx, public.Source{DB: c.DB(), VersionID: info.VersionID, ReferenceDate: info.ReferenceDate}, out, public.Config{}, nil)
			return err
		})
		if release.err == nil {
			release.r, release.err = public.Open(dir)
		}
	})
	if release.err != nil {
		t.Fatalf("testcdr: the public release of GiBleed: %v", release.err)
	}
	return release.r
}
