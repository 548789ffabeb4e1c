package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/internal/store"
	jupyterlab "github.com/openworkbench/workbench/jupyter"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/web"
)

// siteOf makes the web pages over the public release rel and the
// services the server gives: the public pages with their help form, and
// the registered pages when the server has a store (not a public server),
// with the workspaces' JupyterLab of lab.
func siteOf(rel *public.Release, st *store.Store, lab *jupyterlab.Manager, cfg web.Config) func(*app.App) (http.Handler, error) {
	return func(a *app.App) (http.Handler, error) {
		deps := web.Deps{Release: rel}
		if st != nil {
			deps.Help, deps.App, deps.Lab = app.HelpDesk{Store: st}, a, lab
		}
		return web.New(cfg, deps)
	}
}

// The demo's release: in DIR/public (releaseDir), with keyed noise of at
// most demoNoiseMax drawn with the key in DIR/public-noise.key, made on
// the first run.
const (
	demoNoiseKey = "public-noise.key"
	demoNoiseMax = 15
)

// demoReleaseConfig is the configuration of the demo's release in the data
// directory data.
func demoReleaseConfig(data string) (public.Config, error) {
	key, err := demoKey(filepath.Join(data, demoNoiseKey))
	if err != nil {
		return public.Config{}, err
	}
	return public.Config{Noise: public.NoiseConfig{Mechanism: public.NoiseKeyed, Max: demoNoiseMax}}.WithKey(key), nil
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
