package main

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/engine"
)

func TestConceptsUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"without command", []string{"concepts"}, exitUsage, "a command is required"},
		{"help", []string{"concepts", "-h"}, exitOK, "search"},
		{"unknown command", []string{"concepts", "zap"}, exitUsage, `unknown command "zap"`},
		{"search help", []string{"concepts", "search", "-h"}, exitOK, "Usage: workbench concepts search --cdr DIR"},
		{"search without words", []string{"concepts", "search", "--cdr", "x"}, exitUsage, "want at least 1 argument"},
		{"search without cdr", []string{"concepts", "search", "fracture"}, exitUsage, "--cdr is required"},
		{"limit too large", []string{"concepts", "search", "--cdr", "x", "--limit", "5000", "fracture"}, exitUsage, "--limit 5000: want 1 to 1000"},
		{"limit zero", []string{"concepts", "search", "--cdr", "x", "--limit", "0", "fracture"}, exitUsage, "--limit 0: want 1 to 1000"},
		{"negative offset", []string{"concepts", "search", "--cdr", "x", "--offset", "-1", "fracture"}, exitUsage, "--offset -1"},
		{"show without id", []string{"concepts", "show", "--cdr", "x"}, exitUsage, "want 1 argument"},
		{"show bad id", []string{"concepts", "show", "--cdr", "x", "wrist"}, exitUsage, `"wrist" is not a concept id`},
		{"show without cdr", []string{"concepts", "show", "4134304"}, exitUsage, "--cdr is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

func TestConceptsNotIndexed(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../testdata/gibleed/parquet")))
	code, _, stderr := runCLI(t, "concepts", "search", "--cdr", dir, "fracture")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "is not indexed: run 'workbench cdr index "+dir+"' first")
}

func TestConceptsSearch(t *testing.T) {
	dir := indexedGiBleed(t)

	code, out, stderr := runCLI(t, "concepts", "search", "--cdr", dir, "fracture")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^ID\s+NAME\s+DOMAIN\s+VOCABULARY\s+CODE\s+PERSONS$`, out)
	assert.Regexp(t, `(?m)^4278672\s+Fracture of forearm\s+Condition\s+SNOMED\s+65966004\s+510$`, out, "ranked first")
	assert.Regexp(t, `(?m)^4134304\s+Fracture subluxation of wrist\s+Condition\s+SNOMED\s+263102004\s+442$`, out)

	code, out, stderr = runCLI(t, "concepts", "search", "--cdr", dir, "wrist", "FRACTURE", "--domain", "condition", "--standard", "--json")
	require.Equal(t, exitOK, code, stderr)
	var found []engine.Concept
	require.NoError(t, json.Unmarshal([]byte(out), &found), out)
	require.Len(t, found, 1)
	assert.Equal(t, int64(4134304), found[0].ID)
	assert.Equal(t, int64(442), found[0].RollupPersonCount)

	code, out, stderr = runCLI(t, "concepts", "search", "--cdr", dir, "--vocabulary", "SNOMED", "359817006")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^4230399\s+Closed fracture of hip\s`, out, "by code")

	code, out, stderr = runCLI(t, "concepts", "search", "--cdr", dir, "--domain", "Drug", "fracture")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "no concepts found\n", out)

	code, out, stderr = runCLI(t, "concepts", "search", "--cdr", dir, "--limit", "2", "--offset", "1", "--json", "fracture")
	require.Equal(t, exitOK, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(out), &found), out)
	require.Len(t, found, 2)
	assert.Equal(t, int64(4237458), found[0].ID)
}

func TestConceptsShow(t *testing.T) {
	dir := indexedGiBleed(t)

	code, out, stderr := runCLI(t, "concepts", "show", "--cdr", dir, "40480160")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "40480160  Pathological fracture due to osteoporosis\n")
	assert.Regexp(t, `domain\s+Condition`, out)
	assert.Regexp(t, `persons\s+56 with this concept, 56 with it or a descendant`, out)
	assert.Regexp(t, `(?s)Parents \(1\)\n.*\n80502\s+Osteoporosis\s+Condition\s+SNOMED`, out)
	assert.Contains(t, out, "Children (0)\n")

	code, out, stderr = runCLI(t, "concepts", "show", "--json", "--cdr", dir, "80502")
	require.Equal(t, exitOK, code, stderr)
	var v struct {
		Concept  engine.Concept   `json:"concept"`
		Parents  []engine.Concept `json:"parents"`
		Children []engine.Concept `json:"children"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	assert.Equal(t, "Osteoporosis", v.Concept.Name)
	assert.NotNil(t, v.Parents)
	assert.Contains(t, ids(v.Children), int64(40480160))

	code, _, stderr = runCLI(t, "concepts", "show", "--cdr", dir, "999999999")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "workbench: engine: not found: concept 999999999")
}

func ids(cs []engine.Concept) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
