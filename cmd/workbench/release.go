package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/public"
)

// releaseDir is the folder of the public release a full server builds of
// its CDR in the data directory data, when --public names none.
func releaseDir(data string) string { return filepath.Join(data, "public") }

// ensureRelease opens the public release in dir when it was built of the
// CDR c, and otherwise builds it there first under cfg: the public tier is
// served from a release alone, never from the CDR's rows.
func ensureRelease(ctx context.Context, e env, c *cdr.CDR, dir string, cfg public.Config) (*public.Release, error) {
	info, ok := c.Index()
	if !ok {
		return nil, fmt.Errorf("%s is not indexed: run 'workbench cdr index %s' first", c.Dir(), c.Dir())
	}
	if r, err := public.Open(dir); err == nil && r.Manifest().CDRVersionID == info.VersionID {
		return r, nil
	}
	fmt.Fprintf(e.stderr, "workbench: building the public release of CDR %s in %s\n", info.VersionID, dir)
	bar := newProgress(e.stderr)
	start := time.Now()
	m, err := public.Build(ctx, public.Source{DB: c.DB(), VersionID: info.VersionID, ReferenceDate: info.ReferenceDate}, dir, cfg, bar.update)
	bar.done()
	if err != nil {
		return nil, err
	}
	printManifest(e.stdout, dir, m, time.Since(start))
	return public.Open(dir)
}
