package main

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
)

// gibleed is an indexed copy of the Eunomia GiBleed CDR, built once per
// test binary for the tests that only read it, and removed by TestMain.
var gibleed struct {
	once sync.Once
	dir  string
	err  error
}

// indexedGiBleed returns the folder of the shared indexed GiBleed CDR.
// Tests must not change it.
func indexedGiBleed(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("indexes GiBleed")
	}
	gibleed.once.Do(func() {
		gibleed.dir, gibleed.err = os.MkdirTemp("", "workbench-gibleed-")
		if gibleed.err != nil {
			return
		}
		if gibleed.err = os.CopyFS(gibleed.dir, os.DirFS("../../testdata/gibleed/parquet")); gibleed.err != nil {
			return
		}
		_, gibleed.err = cdr.Index(context.Background(), gibleed.dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
	})
	require.NoError(t, gibleed.err)
	return gibleed.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if gibleed.dir != "" {
		os.RemoveAll(gibleed.dir)
	}
	os.Exit(code)
}
