// Package testcdr gives tests outside package cdr an indexed copy of the
// Eunomia GiBleed CDR in testdata/, indexed synthetic CDRs and their
// public releases, built once for the test binaries of every package (see
// testcache.Dir).
package testcdr

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cdr/synth"
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
	dir, err := GiBleedDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// GiBleedDir is GiBleed for examples, which have no t.
func GiBleedDir() (string, error) {
	gibleed.once.Do(func() {
		gibleed.dir, gibleed.err = testcache.Dir("gibleed", func(dir string) error {
			if err := os.CopyFS(dir, os.DirFS(GiBleedParquet)); err != nil {
				return err
			}
			_, err := cdr.Index(context.Background(), dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
			return err
		})
		if gibleed.err != nil {
			gibleed.err = fmt.Errorf("testcdr: indexing GiBleed: %w", gibleed.err)
		}
	})
	return gibleed.dir, gibleed.err
}

// GiBleedRelease returns the public release of the indexed GiBleed, under
// the default rules (no noise).
func GiBleedRelease(t testing.TB) *public.Release {
	t.Helper()
	b := releaseOf("gibleed-public", GiBleed(t))
	if b.err != nil {
		t.Fatalf("testcdr: the public release of GiBleed: %v", b.err)
	}
	return b.release
}

// Synthetic returns the folder of an indexed synthetic CDR of persons
// persons made from seed (synth.Options), built once for the test binaries
// of every package, as GiBleed is. Tests must not change it. Generating
// and indexing one cost about 1 s of CPU a thousand persons, which the
// tests of web, public and engine each paid at every run.
func Synthetic(persons int, seed int64) (string, error) {
	name := fmt.Sprintf("synth-%d-%d", persons, seed)
	b := entry(&cached.dirs, name)
	b.once.Do(func() {
		b.dir, b.err = testcache.Dir(name, func(dir string) error {
			ctx := context.Background()
			if _, err := synth.Generate(ctx, dir, synth.Options{Persons: persons, Seed: seed}); err != nil {
				return err
			}
			_, err := cdr.Index(ctx, dir, cdr.IndexOptions{Options: cdr.Options{Threads: 2}})
			return err
		})
		if b.err != nil {
			b.err = fmt.Errorf("testcdr: the synthetic CDR %s: %w", name, b.err)
		}
	})
	return b.dir, b.err
}

// SyntheticRelease returns the folder of the public release of
// Synthetic(persons, seed) under the default rules (no noise), built once
// as that is.
func SyntheticRelease(persons int, seed int64) (string, error) {
	src, err := Synthetic(persons, seed)
	if err != nil {
		return "", err
	}
	b := releaseOf(fmt.Sprintf("synth-%d-%d-public", persons, seed), src)
	return b.dir, b.err
}

// cached holds the folders this test binary has asked for, by name.
var cached struct {
	mu       sync.Mutex
	dirs     map[string]*built
	releases map[string]*built
}

// built is a folder of testcache, found once, and the release it holds.
type built struct {
	once    sync.Once
	dir     string
	release *public.Release
	err     error
}

// entry returns the entry of m named name, made when absent.
func entry(m *map[string]*built, name string) *built {
	cached.mu.Lock()
	defer cached.mu.Unlock()
	if *m == nil {
		*m = map[string]*built{}
	}
	b := (*m)[name]
	if b == nil {
		b = &built{}
		(*m)[name] = b
	}
	return b
}

// releaseOf returns the release named name of the indexed CDR src, built
// once for every test binary, and opened.
func releaseOf(name, src string) *built {
	b := entry(&cached.releases, name)
	b.once.Do(func() {
		b.dir, b.err = testcache.Dir(name, func(out string) error {
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
		if b.err == nil {
			b.release, b.err = public.Open(b.dir)
		}
		if b.err != nil {
			b.err = fmt.Errorf("testcdr: the public release %s: %w", name, b.err)
		}
	})
	return b
}
