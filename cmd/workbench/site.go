package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/web"
)

// openSite returns the web pages over the public release rel, whose help
// form writes to st; without a store (a public server) the form is
// shown and nothing is kept.
func openSite(rel *public.Release, st *store.Store) (*web.Site, error) {
	deps := web.Deps{Release: rel}
	if st != nil {
		deps.Help = app.HelpDesk{Store: st}
	}
	return web.New(web.Config{}, deps)
}

// The demo's release: in DIR/public, with keyed noise of at most
// demoNoiseMax drawn with the key in DIR/public-noise.key, made on the
// first run.
const (
	demoPublicDir = "public"
	demoNoiseKey  = "public-noise.key"
	demoNoiseMax  = 15
)

// demoRelease builds the demo's public release from the open CDR c unless
// the one in data is of c's version, and returns its folder.
func demoRelease(ctx context.Context, w io.Writer, data string, c *cdr.CDR, progress func(string, int, int)) (string, error) {
	info, _ := c.Index()
	out := filepath.Join(data, demoPublicDir)
	if b, err := os.ReadFile(filepath.Join(out, "manifest.json")); err == nil {
		var m public.Manifest
		if json.Unmarshal(b, &m) == nil && m.CDRVersionID == info.VersionID && m.Format == public.Format {
			return out, nil
		}
	}
	key, err := demoKey(filepath.Join(data, demoNoiseKey))
	if err != nil {
		return "", err
	}
	cfg := public.Config{Noise: public.NoiseConfig{Mechanism: public.NoiseKeyed, Max: demoNoiseMax}}.WithKey(key)
	start := time.Now()
	m, err := public.Build(ctx, public.Source{DB: c.DB(), VersionID: info.VersionID, ReferenceDate: info.ReferenceDate}, out, cfg, progress)
	if err != nil {
		return "", err
	}
	printManifest(w, out, m, time.Since(start))
	return out, nil
}

// demoKey reads the noise key at path, or makes one there (readable by
// the owner only).
func demoKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	b = make([]byte, 32)
	rand.Read(b)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("demo: noise key: %w", err)
	}
	return b, nil
}
