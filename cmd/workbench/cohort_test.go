package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const examples = "../../cohort/testdata/examples/"

func TestCohortUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"without command", []string{"cohort"}, exitUsage, "a command is required"},
		{"help", []string{"cohort", "-h"}, exitOK, "demographics"},
		{"unknown command", []string{"cohort", "zap"}, exitUsage, `unknown command "zap"`},
		{"count help", []string{"cohort", "count", "-h"}, exitOK, "Usage: workbench cohort count --cdr DIR FILE.json"},
		{"count without file", []string{"cohort", "count", "--cdr", "x"}, exitUsage, "want 1 argument"},
		{"count without cdr", []string{"cohort", "count", examples + "wrist_fracture.json"}, exitUsage, "--cdr is required"},
		{"sql without file", []string{"cohort", "sql"}, exitUsage, "want 1 argument"},
		{"missing file", []string{"cohort", "sql", "nope.json"}, exitFailed, "nope.json"},
		{"page size 0", []string{"cohort", "participants", "--cdr", "x", "--size", "0", "f.json"}, exitUsage, "--size 0: want 1 to 10000"},
		{"negative page", []string{"cohort", "participants", "--cdr", "x", "--page", "-1", "f.json"}, exitUsage, "--page -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

func TestCohortSQL(t *testing.T) {
	code, out, stderr := runCLI(t, "cohort", "sql", examples+"wrist_fracture_female.json")
	require.Equal(t, exitOK, code, stderr)
	assert.True(t, strings.HasPrefix(out, "WITH include0 AS"), out)
	// The concept's bucket (4134304 % 64), the concept, the gender.
	assert.Contains(t, out, "\n-- $1 = 32\n-- $2 = 4134304\n-- $3 = 8532\n")

	code, out, stderr = runCLI(t, "cohort", "sql", "--json", examples+"wrist_fracture_female.json")
	require.Equal(t, exitOK, code, stderr)
	var q struct {
		SQL  string `json:"sql"`
		Args []any  `json:"args"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &q))
	// Two sets that have each person once are joined, not intersected.
	assert.Contains(t, q.SQL, "JOIN persons s1 ON s1.person_id = s0.person_id")
	assert.Equal(t, []any{32.0, 4134304.0, 8532.0}, q.Args)
}

func TestCohortInvalid(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"includes": [{"items": [{"type": "NOPE", "searchParameters": []}]}],
		"dataFilters": ["HAS_EVERYTHING"]}`), 0o644))
	code, out, stderr := runCLI(t, "cohort", "sql", file)
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "is not a valid cohort definition")
	for _, path := range []string{"includes[0].items[0].type: ", "includes[0].items[0].searchParameters: ", "dataFilters[0]: "} {
		assert.Contains(t, stderr, "\n  "+path)
	}

	require.NoError(t, os.WriteFile(file, []byte(`{"includes": [`), 0o644))
	code, _, stderr = runCLI(t, "cohort", "count", "--cdr", "x", file)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "invalid JSON")
}

// TestCohortGiBleed runs every command on the indexed GiBleed CDR.
func TestCohortGiBleed(t *testing.T) {
	dir := indexedGiBleed(t)

	code, out, stderr := runCLI(t, "cohort", "count", "--cdr", dir, examples+"wrist_fracture.json")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "442\n", out)

	code, out, stderr = runCLI(t, "cohort", "count", "--cdr", dir, "--json", examples+"celecoxib_users.json")
	require.Equal(t, exitOK, code, stderr)
	var count struct {
		Count int64    `json:"count"`
		SQLMs *float64 `json:"sql_ms"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &count))
	assert.Equal(t, int64(1844), count.Count)
	require.NotNil(t, count.SQLMs)

	code, out, stderr = runCLI(t, "cohort", "demographics", "--cdr", dir, examples+"wrist_fracture_female.json")
	require.Equal(t, exitOK, code, stderr)
	assert.True(t, strings.HasPrefix(out, "243 persons\n"), out)
	for _, title := range []string{"SEX AT BIRTH", "GENDER", "RACE", "ETHNICITY"} {
		assert.Regexp(t, `\n`+title+` +CONCEPT_ID +0-17 +18-44 +45-64 +65\+ +TOTAL\n`, out)
	}
	assert.Regexp(t, `\nFEMALE +8532( +\d+){4} +243\n`, out)

	code, out, stderr = runCLI(t, "cohort", "demographics", "--json", "--cdr", dir, examples+"celecoxib_users.json")
	require.Equal(t, exitOK, code, stderr)
	var d struct {
		Count int64 `json:"count"`
		Race  []struct {
			Count int64 `json:"count"`
		} `json:"race"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &d))
	assert.Equal(t, int64(1844), d.Count)
	var sum int64
	for _, r := range d.Race {
		sum += r.Count
	}
	assert.Equal(t, d.Count, sum)

	code, out, stderr = runCLI(t, "cohort", "participants", "--cdr", dir, "--size", "100", "--page", "4", examples+"wrist_fracture.json")
	require.Equal(t, exitOK, code, stderr)
	assert.Len(t, strings.Fields(out), 42)
	assert.Contains(t, stderr, "persons 401-442 of 442")

	code, out, stderr = runCLI(t, "cohort", "participants", "--cdr", dir, "--json", "--size", "10000", examples+"wrist_fracture.json")
	require.Equal(t, exitOK, code, stderr)
	var page struct {
		Total int64   `json:"total"`
		IDs   []int64 `json:"person_ids"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &page))
	assert.Equal(t, int64(442), page.Total)
	assert.Len(t, page.IDs, 442)

	code, _, stderr = runCLI(t, "cohort", "participants", "--cdr", dir, "--page", "9", examples+"wrist_fracture.json")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "no persons on page 9 (442 in all)")
}

// TestCohortStdin reads the definition from standard input (FILE -).
func TestCohortStdin(t *testing.T) {
	dir := indexedGiBleed(t)
	data, err := os.ReadFile(examples + "osteoporotic_fracture.json")
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	e := env{stdout: &stdout, stderr: &stderr, stdin: bytes.NewReader(data)}
	code := exitCode(&stderr, runCohort(context.Background(), e, []string{"count", "--cdr", dir, "-"}))
	require.Equal(t, exitOK, code, stderr.String())
	assert.Equal(t, "56\n", stdout.String())
}

func TestCohortNotIndexed(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../testdata/gibleed/parquet")))
	code, _, stderr := runCLI(t, "cohort", "count", "--cdr", dir, examples+"wrist_fracture.json")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "run 'workbench cdr index")
}
