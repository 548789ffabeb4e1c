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

// Cleanup removes what GiBleed made; call it from TestMain after m.Run.
func Cleanup() {
	if gibleed.dir != "" {
		os.RemoveAll(gibleed.dir)
	}
}
