package cdr

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const personHeader = "person_id,gender_concept_id,year_of_birth,month_of_birth,day_of_birth,birth_datetime,race_concept_id,ethnicity_concept_id"

// writeFiles writes name -> content into a new temporary folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return dir
}

// assertNothingWritten checks that a failed load left neither the output
// folder nor a temporary one beside it.
func assertNothingWritten(t *testing.T, out string) {
	t.Helper()
	assert.NoDirExists(t, out)
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), "."), "temporary %s left behind", e.Name())
	}
}

func TestLoadBadInput(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
		line  *LineError
	}{
		{
			name: "malformed date",
			files: map[string]string{"person.csv": personHeader + "\n" +
				"1,8507,1970,1,2,1970-01-02 00:00:00,8527,0\n" +
				"2,8532,1980,5,6,1980-13-45 00:00:00,8527,0\n"},
			line: &LineError{File: "person.csv", Line: 3, Column: "birth_datetime", Value: "1980-13-45 00:00:00", Want: Datetime},
		},
		{
			name: "text in an integer column, tab separated",
			files: map[string]string{"PERSON.tsv": strings.ReplaceAll(personHeader, ",", "\t") + "\n" +
				"1\t8507\t1970\t1\t2\t\t8527\t0\n" +
				"2\t8532\t1980\t5\t6\t\t8527\t0\n" +
				"3\t8532\tnineteen\t5\t6\t\t8527\t0\n"},
			line: &LineError{File: "PERSON.tsv", Line: 4, Column: "year_of_birth", Value: "nineteen", Want: Integer},
		},
		{
			name:  "missing required column",
			files: map[string]string{"person.csv": "person_id,gender_concept_id,race_concept_id,ethnicity_concept_id\n1,8507,8527,0\n"},
			want:  []string{"person.csv line 1", "year_of_birth", "table person"},
		},
		{
			name:  "no header",
			files: map[string]string{"person.csv": "1,8507,1970,1,2,,8527,0\n"},
			want:  []string{"person.csv line 1", "header"},
		},
		{
			name:  "ragged row",
			files: map[string]string{"person.csv": personHeader + "\n1,8507,1970,1,2,,8527\n"},
			want:  []string{"person.csv"},
		},
		{
			name:  "no csv files",
			files: map[string]string{"readme.md": "nothing"},
			want:  []string{"no .csv files"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := writeFiles(t, tc.files)
			out := filepath.Join(t.TempDir(), "cdr")
			_, err := Load(context.Background(), in, out, LoadOptions{})
			require.Error(t, err)
			if tc.line != nil {
				var le *LineError
				require.True(t, errors.As(err, &le), "want a *LineError, got %v", err)
				assert.Equal(t, tc.line, le)
				assert.Contains(t, err.Error(), tc.line.Column)
			}
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assertNothingWritten(t, out)
		})
	}
}

func TestLoadKeepsUnknownColumnsAndTables(t *testing.T) {
	in := writeFiles(t, map[string]string{
		"person.csv":         personHeader + ",favourite_colour\n1,8507,1970,1,2,,8527,0,blue\n2,8532,1980,5,6,,8527,,\n",
		"site_extension.csv": "a,b\n1,x\n",
		"concept.csv":        "concept_id,concept_name,domain_id,vocabulary_id,concept_class_id,standard_concept,concept_code,valid_start_date,valid_end_date,invalid_reason\n8507,MALE,Gender,Gender,Gender,S,M,19700101,20991231,\n",
	})
	out := filepath.Join(t.TempDir(), "cdr")
	report, err := Load(context.Background(), in, out, LoadOptions{})
	require.NoError(t, err)
	byName := map[string]LoadedTable{}
	for _, tab := range report.Tables {
		byName[tab.Name] = tab
	}
	assert.Equal(t, []string{"favourite_colour"}, byName["person"].Unknown)
	assert.False(t, byName["site_extension"].Known)
	assert.Equal(t, int64(2), byName["person"].Rows)

	db, err := openDB(Options{})
	require.NoError(t, err)
	defer db.Close()
	var colour, start string
	var eth *int64
	require.NoError(t, db.QueryRow("SELECT favourite_colour FROM read_parquet(?) WHERE person_id = 1", filepath.Join(out, "person.parquet")).Scan(&colour))
	assert.Equal(t, "blue", colour)
	require.NoError(t, db.QueryRow("SELECT ethnicity_concept_id FROM read_parquet(?) WHERE person_id = 2", filepath.Join(out, "person.parquet")).Scan(&eth))
	assert.Nil(t, eth, "an empty field is NULL")
	require.NoError(t, db.QueryRow("SELECT CAST(valid_start_date AS VARCHAR) FROM read_parquet(?)", filepath.Join(out, "concept.parquet")).Scan(&start))
	assert.Equal(t, "1970-01-01", start, "compact vocabulary dates are read")
}

func TestLoadRefusesNonEmptyOutput(t *testing.T) {
	in := writeFiles(t, map[string]string{"person.csv": personHeader + "\n1,8507,1970,1,2,,8527,0\n"})
	out := writeFiles(t, map[string]string{"keep.txt": "mine"})
	_, err := Load(context.Background(), in, out, LoadOptions{})
	require.ErrorContains(t, err, "not empty")
	assert.FileExists(t, filepath.Join(out, "keep.txt"))
}

func TestOpenBadCDR(t *testing.T) {
	ctx := context.Background()
	t.Run("missing required table", func(t *testing.T) {
		dir := copyDir(t, gibleedParquet)
		require.NoError(t, os.Remove(filepath.Join(dir, "concept_ancestor.parquet")))
		require.NoError(t, os.Remove(filepath.Join(dir, "observation_period.parquet")))
		_, err := Open(ctx, dir, Options{})
		require.ErrorContains(t, err, "required tables missing: concept_ancestor, observation_period (want concept_ancestor.parquet")
	})
	t.Run("truncated parquet", func(t *testing.T) {
		dir := copyDir(t, gibleedParquet)
		path := filepath.Join(dir, "person.parquet")
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, data[:len(data)/2], 0o644))
		_, err = Open(ctx, dir, Options{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "table person")
		assert.Contains(t, err.Error(), "person.parquet")
		assert.NotContains(t, err.Error(), "Invalid Input Error", "engine framing is removed")
	})
	t.Run("not a folder", func(t *testing.T) {
		_, err := Open(ctx, filepath.Join(gibleedParquet, "person.parquet"), Options{})
		require.ErrorContains(t, err, "not a folder")
	})
}
