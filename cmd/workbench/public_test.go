package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/public"
)

func TestPublicUsage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", []string{"public"}, exitUsage, "a command is required"},
		{"help", []string{"public", "-h"}, exitOK, "build"},
		{"unknown command", []string{"public", "publish"}, exitUsage, `unknown command "publish"`},
		{"build help", []string{"public", "build", "-h"}, exitOK, "Usage: workbench public build --cdr DIR --out PUBDIR"},
		{"build without flags", []string{"public", "build"}, exitUsage, "--cdr and --out are required"},
		{"no such cdr", []string{"public", "build", "--cdr", "/nonexistent", "--out", "/tmp/x"}, exitFailed, "workbench: "},
		{"bad config", []string{"public", "build", "--cdr", "x", "--out", "y", "--config", "/nonexistent.json"}, exitFailed, "public: config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

func TestPublicBuild(t *testing.T) {
	dir := indexedGiBleed(t)
	tmp := t.TempDir()
	config := filepath.Join(tmp, "config.json")
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "key"), []byte("a secret key of the release\n"), 0o600))
	require.NoError(t, os.WriteFile(config, []byte(`{"threshold": 20, "noise": {"mechanism": "keyed", "key_file": "key", "max": 10}}`), 0o644))
	out := filepath.Join(tmp, "release")

	code, stdout, stderr := runCLI(t, "public", "build", "--cdr", dir, "--out", out, "--config", config, "--json")
	require.Equal(t, exitOK, code, stderr)
	var m public.Manifest
	require.NoError(t, json.Unmarshal([]byte(stdout), &m))
	assert.Equal(t, public.NoiseKeyed, m.Disclosure.Noise)
	assert.Equal(t, 10, m.Disclosure.NoiseMax)
	assert.Positive(t, m.Rows["concepts"])
	b, err := os.ReadFile(filepath.Join(tmp, "release", "manifest.json"))
	require.NoError(t, err)
	assert.NotContains(t, string(b), "secret", "the key is never written")

	r, err := public.Open(out)
	require.NoError(t, err)
	assert.Positive(t, r.Totals().Participants.Value())

	// A second build replaces the release; the text output names it.
	code, stdout, stderr = runCLI(t, "public", "build", "--cdr", dir, "--out", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "built "+out)
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temporary folder is left behind")
}
