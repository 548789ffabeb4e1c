package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const circeTestdata = "../../circe/testdata/"

func TestCirceUsage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"without command", []string{"circe"}, exitUsage, "a command is required"},
		{"help", []string{"circe", "-h"}, exitOK, "attrition"},
		{"unknown command", []string{"circe", "zap"}, exitUsage, `unknown command "zap"`},
		{"count help", []string{"circe", "count", "-h"}, exitOK, "Usage: workbench circe count --cdr DIR FILE.json"},
		{"rows help", []string{"circe", "rows", "-h"}, exitOK, "Usage: workbench circe rows"},
		{"attrition help", []string{"circe", "attrition", "-h"}, exitOK, "Usage: workbench circe attrition"},
		{"sql help", []string{"circe", "sql", "-h"}, exitOK, "Usage: workbench circe sql FILE.json"},
		{"count without file", []string{"circe", "count", "--cdr", "x"}, exitUsage, "want 1 argument"},
		{"count without cdr", []string{"circe", "count", circeTestdata + "eunomia/celecoxib.json"}, exitUsage, "--cdr is required"},
		{"missing file", []string{"circe", "sql", "nope.json"}, exitFailed, "nope.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

func TestCirceInvalid(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"PrimaryCriteria": {"CriteriaList": [{"Region": {}}]}, "CensorWindow": {"EndDate": "soon"}}`), 0o644))
	code, out, stderr := runCLI(t, "circe", "sql", file)
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "is not a Circe expression this workbench runs")
	assert.Contains(t, stderr, "\n  PrimaryCriteria.CriteriaList[0].Region: criteria type not supported\n")
	assert.Contains(t, stderr, "\n  CensorWindow.EndDate: want a date YYYY-MM-DD\n")
}

func TestCirceSQL(t *testing.T) {
	code, out, stderr := runCLI(t, "circe", "sql", circeTestdata+"eunomia/celecoxib.json")
	require.Equal(t, exitOK, code, stderr)
	assert.True(t, strings.HasPrefix(out, "WITH -- ConceptSets"), out)
	assert.Contains(t, out, "\n-- $2 = [1118084]\n")
}

// TestCirceGiBleed runs every command on GiBleed: celecoxib.json is the
// CohortGenerator cohort with 1,800 entries and subjects.
func TestCirceGiBleed(t *testing.T) {
	dir := indexedGiBleed(t)
	celecoxib := circeTestdata + "eunomia/celecoxib.json"
	code, out, stderr := runCLI(t, "circe", "count", "--cdr", dir, "--threads", "2", celecoxib)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "1800 persons, 1800 entries\n", out)

	code, out, stderr = runCLI(t, "circe", "count", "--cdr", dir, "--threads", "2", "--json", celecoxib)
	require.Equal(t, exitOK, code, stderr)
	var n struct{ Count, Entries int64 }
	require.NoError(t, json.Unmarshal([]byte(out), &n))
	assert.Equal(t, int64(1800), n.Count)
	assert.Equal(t, int64(1800), n.Entries)

	code, out, stderr = runCLI(t, "circe", "rows", "--cdr", dir, "--threads", "2", celecoxib)
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, "subject_id\tcohort_start_date\tcohort_end_date", lines[0])
	assert.Len(t, lines, 1801)

	code, out, stderr = runCLI(t, "circe", "attrition", "--cdr", dir, "--threads", "2", "--json", circeTestdata+"eunomia/celecoxibAge40Male.json")
	require.Equal(t, exitOK, code, stderr)
	var a struct {
		Persons struct {
			Final int64
			Rules []struct {
				Name      string
				Remaining int64
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &a))
	require.Len(t, a.Persons.Rules, 2)
	assert.Equal(t, "Age > 40", a.Persons.Rules[0].Name)
	assert.Equal(t, int64(569), a.Persons.Rules[0].Remaining)
	assert.Equal(t, int64(266), a.Persons.Rules[1].Remaining)
	assert.Equal(t, int64(266), a.Persons.Final)
}
