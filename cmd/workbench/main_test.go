package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the tool in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", nil, exitUsage, "Commands:"},
		{"help", []string{"-h"}, exitOK, "Commands:"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"cdr without command", []string{"cdr"}, exitUsage, "a command is required"},
		{"unknown cdr command", []string{"cdr", "zap"}, exitUsage, `unknown command "zap"`},
		{"command help", []string{"cdr", "validate", "-h"}, exitOK, "Usage: workbench cdr validate DIR"},
		{"unknown flag", []string{"cdr", "index", "--frob", "x"}, exitUsage, "flag provided but not defined: -frob"},
		{"missing argument", []string{"cdr", "validate"}, exitUsage, "want 1 argument"},
		{"missing required flag", []string{"cdr", "load", "--csv", "x"}, exitUsage, "--csv and --out are required"},
		{"bad version", []string{"cdr", "dictionary", "--cdm", "6.0"}, exitUsage, "want 5.3 or 5.4"},
		{"synth without out", []string{"synth", "--persons", "5"}, exitUsage, "--out is required"},
		{"synth bad size", []string{"synth", "--persons", "0", "--out", "x"}, exitUsage, "--persons must be positive"},
		{"lab idle not positive", []string{"serve", "--data", "x", "--cdr", "y", "--lab-idle", "0s"}, exitUsage, "--lab-idle 0s: want a positive duration"},
		{"synth bad density", []string{"synth", "--persons", "5", "--events-per-person", "20", "--out", "x"}, exitUsage, "--events-per-person must be 0 or from 50 to 5000, got 20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

func TestDictionary(t *testing.T) {
	code, out, _ := runCLI(t, "cdr", "dictionary", "--table", "PERSON")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "PERSON")
	assert.Regexp(t, `person_id\s+bigint\s+required`, out)

	code, out, _ = runCLI(t, "cdr", "dictionary", "--cdm", "5.4", "--json")
	require.Equal(t, exitOK, code)
	var tables []struct {
		Name    string `json:"name"`
		Columns []struct {
			Name, Type, Description string
		} `json:"columns"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &tables))
	assert.Greater(t, len(tables), 30)

	code, _, stderr := runCLI(t, "cdr", "dictionary", "--table", "nope")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, `no table "nope"`)
}

// TestLoadValidateIndex is a data engineer's path through the tool on
// GiBleed: load its CSVs, validate, index.
func TestLoadValidate(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "cdr")
	code, stdout, stderr := runCLI(t, "cdr", "load", "--csv", "../../testdata/gibleed/csv", "--out", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `person\s+2694`, stdout)
	assert.Contains(t, stdout, "CDM 5.3: 37 tables written")

	code, stdout, stderr = runCLI(t, "cdr", "validate", out, "--json")
	var report struct {
		Checks []struct {
			Name   string `json:"name"`
			Passed bool   `json:"passed"`
		} `json:"checks"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &report), stderr)
	require.NotEmpty(t, report.Checks)
	allPassed := true
	for _, c := range report.Checks {
		allPassed = allPassed && c.Passed
	}
	assert.Equal(t, allPassed, code == exitOK, "exit status follows the checks")

	// Loading into a folder that holds data is refused.
	code, _, stderr = runCLI(t, "cdr", "load", "--csv", "../../testdata/gibleed/csv", "--out", out)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "not empty")
}

// TestSynthValidateIndex indexes a small synthetic CDR through the CLI.
// GiBleed's index, whose roll-up alone takes 3 s, is built and checked by
// package cdr's tests, from the same Parquet files that loading its CSV
// writes (TestLoadGiBleedMatchesParquet).
func TestSynthValidateIndex(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "cdr")
	code, stdout, stderr := runCLI(t, "synth", "--persons", "300", "--seed", "2", "--out", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `person\s+300\n`, stdout)

	code, stdout, stderr = runCLI(t, "cdr", "validate", out)
	assert.Equal(t, exitOK, code, "a synthetic CDR passes every check:\n%s%s", stdout, stderr)

	code, stdout, stderr = runCLI(t, "cdr", "index", out)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "persons         300\n")
	assert.Regexp(t, `indexed events\s+[1-9]\d*\n`, stdout)
	assert.DirExists(t, filepath.Join(out, "index", "search_events.parquet"))

}

func TestValidateFailsWithExit1(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../testdata/gibleed/parquet")))
	// Duplicate every person: primary keys are no longer unique.
	code, _, stderr := runCLI(t, "cdr", "load", "--csv", writeDuplicatePersons(t), "--out", filepath.Join(dir, "dup"))
	require.Equal(t, exitOK, code, stderr)
	require.NoError(t, os.Rename(filepath.Join(dir, "dup", "person.parquet"), filepath.Join(dir, "person.parquet")))
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "dup")))

	code, stdout, _ := runCLI(t, "cdr", "validate", dir)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stdout, "FAIL")
}

// writeDuplicatePersons writes a person.csv whose two rows share an id.
func writeDuplicatePersons(t *testing.T) string {
	dir := t.TempDir()
	csv := "person_id,gender_concept_id,year_of_birth,race_concept_id,ethnicity_concept_id\n6,8532,1963,8516,0\n6,8507,1970,8527,0\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "person.csv"), []byte(csv), 0o644))
	return dir
}
