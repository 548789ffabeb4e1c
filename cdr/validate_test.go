package cdr

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small CDR that passes every check: five persons, person 2 died on
// 2020-01-01, person 1 was born on 1950-06-15 (year, month and day),
// person 5 at 1990-03-03 10:00 (birth_datetime; year_of_birth alone would
// say 1990-01-01). Tables are rows of VALUES so that a test case can swap
// one row.
var validationColumns = map[string]string{
	"person":               "person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, birth_datetime, race_concept_id, ethnicity_concept_id",
	"observation_period":   "observation_period_id, person_id, observation_period_start_date, observation_period_end_date, period_type_concept_id",
	"visit_occurrence":     "visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date, visit_type_concept_id",
	"condition_occurrence": "condition_occurrence_id, person_id, condition_concept_id, condition_start_date, condition_end_date, condition_type_concept_id, visit_occurrence_id",
	"drug_exposure":        "drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_end_date, drug_type_concept_id, visit_occurrence_id",
	"death":                "person_id, death_date, death_type_concept_id",
	"concept_ancestor":     "ancestor_concept_id, descendant_concept_id, min_levels_of_separation, max_levels_of_separation",
	// concept is selected from (id, domain, standard_concept, invalid_reason).
	"concept": "concept_id, domain_id, standard_concept, invalid_reason",
}

var validationRows = map[string][]string{
	"person": {
		"(1, 8507, 1950, 6, 15, NULL::TIMESTAMP, 8527, 38003564)",
		"(2, 8532, 1960, NULL, NULL, NULL, 8527, 38003564)",
		"(3, 8507, 1970, 1, 1, NULL, 8527, 38003564)",
		"(4, 8532, 1980, 12, 31, NULL, 8527, 38003564)",
		"(5, 8532, 1990, NULL, NULL, TIMESTAMP '1990-03-03 10:00:00', 8527, 38003564)",
	},
	"observation_period": {
		"(1, 1, DATE '2000-01-01', DATE '2020-12-31', 32817)",
		"(2, 2, DATE '2000-01-01', DATE '2020-01-01', 32817)",
		"(3, 3, DATE '2000-01-01', DATE '2020-12-31', 32817)",
		"(4, 4, DATE '2000-01-01', DATE '2020-12-31', 32817)",
		"(5, 5, DATE '2000-01-01', DATE '2020-12-31', 32817)",
	},
	"visit_occurrence": {
		"(1, 1, 9201, DATE '2010-01-01', DATE '2010-01-02', 32817)",
		"(2, 2, 9201, DATE '2010-01-01', DATE '2010-01-02', 32817)",
		"(3, 3, 9201, DATE '2010-01-01', DATE '2010-01-02', 32817)",
		"(4, 4, 9201, DATE '2010-01-01', DATE '2010-01-02', 32817)",
		"(5, 5, 9201, DATE '2010-01-01', DATE '2010-01-02', 32817)",
	},
	"condition_occurrence": {
		"(1, 1, 201826, DATE '2010-01-01', DATE '2010-01-10', 32817, 1)",
		"(2, 2, 201826, DATE '2010-01-01', DATE '2010-01-10', 32817, 2)",
		"(3, 3, 201826, DATE '2010-01-01', DATE '2010-01-10', 32817, 3)",
		"(4, 4, 201826, DATE '2010-01-01', DATE '2010-01-10', 32817, 4)",
		"(5, 5, 201826, DATE '2010-01-01', DATE '2010-01-10', 32817, 5)",
	},
	"drug_exposure": {
		"(1, 1, 1118084, DATE '2011-01-01', DATE '2011-02-01', 32817, 1)",
		"(2, 2, 1118084, DATE '2011-01-01', DATE '2011-02-01', 32817, 2)",
		"(3, 3, 1118084, DATE '2011-01-01', DATE '2011-02-01', 32817, 3)",
		"(4, 4, 1118084, DATE '2011-01-01', DATE '2011-02-01', 32817, 4)",
		"(5, 5, 1118084, DATE '2011-01-01', DATE '2011-02-01', 32817, 5)",
	},
	"death":            {"(2, DATE '2020-01-01', 32817)"},
	"concept_ancestor": {"(201826, 201826, 0, 0)", "(1118084, 1118084, 0, 0)"},
	"concept": {
		"(8507, 'Gender', 'S', NULL)",
		"(8532, 'Gender', 'S', NULL)",
		"(8527, 'Race', 'S', NULL)",
		"(38003564, 'Ethnicity', 'S', NULL)",
		"(9201, 'Visit', 'S', NULL)",
		"(201826, 'Condition', 'S', NULL)",
		"(1118084, 'Drug', 'S', NULL)",
		"(32817, 'Type Concept', 'S', NULL)",
		"(45000001, 'Condition', NULL, NULL)", // a source code, not standard
		"(45000002, 'Drug', 'S', 'D')",        // standard once, now retired
	},
}

// replaceRow returns the rows of table with row i replaced.
func replaceRow(table string, i int, row string) []string {
	rows := slices.Clone(validationRows[table])
	rows[i] = row
	return rows
}

// validationCDR writes the small CDR with the tables in change replacing
// the clean ones, and opens it.
func validationCDR(t *testing.T, change map[string][]string) *CDR {
	t.Helper()
	c, err := Open(context.Background(), smallCDR(t, change), Options{Threads: 1})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// smallCDR writes the CDR of validationRows, five persons, with the
// tables in change replacing the clean ones, into a new folder.
func smallCDR(t *testing.T, change map[string][]string) string {
	t.Helper()
	dir := t.TempDir()
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	for table, cols := range validationColumns {
		rows := validationRows[table]
		if r, ok := change[table]; ok {
			rows = r
		}
		query := "SELECT * FROM (VALUES " + strings.Join(rows, ", ") + ") AS v(" + cols + ")"
		if table == "concept" {
			query = "SELECT concept_id, 'concept ' || concept_id AS concept_name, domain_id, 'Test' AS vocabulary_id, " +
				"'Test' AS concept_class_id, standard_concept, CAST(concept_id AS VARCHAR) AS concept_code, " +
				"DATE '1970-01-01' AS valid_start_date, DATE '2099-12-31' AS valid_end_date, invalid_reason FROM (" + query + ")"
		}
		path := filepath.Join(dir, table+".parquet")
		_, err := db.Exec("COPY (" + query + ") TO " + quoteLiteral(path) + " (FORMAT parquet)")
		require.NoError(t, err, table)
	}
	return dir
}

// outcome is what a test asserts of a check: which it is and its counts.
type outcome struct {
	Name, Table, Field string
	Rows, Total        int64
}

func outcomes(checks []Check) []outcome {
	var out []outcome
	for _, c := range checks {
		out = append(out, outcome{c.Name, c.Table, c.Field, c.Rows, c.Total})
	}
	return out
}

// findCheck returns the check of name on table.field.
func findCheck(t *testing.T, r *Report, name, table, field string) Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name && c.Table == table && c.Field == field {
			return c
		}
	}
	t.Fatalf("no check %s on %s.%s", name, table, field)
	return Check{}
}

// assertDerived checks that every check's percent and verdict follow from
// its counts and threshold.
func assertDerived(t *testing.T, r *Report) {
	t.Helper()
	for _, c := range r.Checks {
		want := 0.0
		if c.Total > 0 {
			want = float64(c.Rows) / float64(c.Total) * 100
		}
		assert.InDelta(t, want, c.Percent, 1e-9, "%s %s.%s", c.Name, c.Table, c.Field)
		assert.Equal(t, want <= c.Threshold, c.Passed, "%s %s.%s", c.Name, c.Table, c.Field)
		assert.LessOrEqual(t, c.Rows, c.Total, "%s %s.%s", c.Name, c.Table, c.Field)
	}
}

func TestValidateClean(t *testing.T) {
	r, err := Validate(context.Background(), validationCDR(t, nil))
	require.NoError(t, err)
	assert.Equal(t, V53, r.Version)
	assert.Empty(t, r.Failed())
	assert.True(t, r.Passed())
	assertDerived(t, r)

	// The checks ran on the data, not vacuously.
	for _, want := range []outcome{
		{CheckTable, "person", "", 0, 1},
		{CheckRequired, "person", "year_of_birth", 0, 5},
		{CheckPrimaryKey, "condition_occurrence", "condition_occurrence_id", 0, 5},
		{CheckForeignKey, "drug_exposure", "person_id", 0, 5},
		{CheckForeignKey, "drug_exposure", "visit_occurrence_id", 0, 5},
		{CheckForeignKey, "drug_exposure", "drug_concept_id", 0, 5},
		{CheckStartBeforeEnd, "visit_occurrence", "visit_start_date", 0, 5},
		{CheckStartBeforeEnd, "observation_period", "observation_period_start_date", 0, 5},
		{CheckAfterBirth, "condition_occurrence", "condition_start_date", 0, 5},
		{CheckAfterBirth, "death", "death_date", 0, 1},
		{CheckBeforeDeath, "visit_occurrence", "visit_end_date", 0, 1}, // rows of persons who died
		{CheckStandardConcept, "person", "gender_concept_id", 0, 5},
		{CheckStandardConcept, "visit_occurrence", "visit_concept_id", 0, 5},
		{CheckStandardConcept, "condition_occurrence", "condition_concept_id", 0, 5},
	} {
		assert.Equal(t, want, outcomes([]Check{findCheck(t, r, want.Name, want.Table, want.Field)})[0])
	}

	// Start/end pairs come from the column names, procedure_date with
	// procedure_end_date included (v5.4).
	s54, err := SchemaFor(V54)
	require.NoError(t, err)
	proc, _ := s54.Table("procedure_occurrence")
	assert.Contains(t, datePairs(proc), [2]string{"procedure_date", "procedure_end_date"})
	drug, _ := s54.Table("drug_exposure")
	assert.Equal(t, [][2]string{
		{"drug_exposure_start_date", "drug_exposure_end_date"},
		{"drug_exposure_start_datetime", "drug_exposure_end_datetime"},
	}, datePairs(drug))

	// Absent tables are not read: their checks apply to nothing and pass,
	// and so do references to them.
	m := findCheck(t, r, CheckRequired, "measurement", "measurement_id")
	assert.Equal(t, int64(0), m.Total)
	assert.True(t, m.Passed)
	p := findCheck(t, r, CheckForeignKey, "condition_occurrence", "provider_id")
	assert.Equal(t, int64(0), p.Total)
	assert.Contains(t, p.Description, "not checked")
	// Type and source concepts are not main concepts.
	for _, c := range r.Checks {
		if c.Name == CheckStandardConcept {
			assert.NotContains(t, c.Field, "_type_", c.Table)
			assert.NotContains(t, c.Field, "_source_", c.Table)
		}
	}
}

func TestValidateFindsEachProblem(t *testing.T) {
	tests := []struct {
		name   string
		change map[string][]string
		want   []outcome // the failed checks, in report order
	}{
		{
			name: "duplicate primary key",
			change: map[string][]string{"condition_occurrence": replaceRow("condition_occurrence", 2,
				"(2, 3, 201826, DATE '2010-01-01', DATE '2010-01-10', 32817, 3)")},
			want: []outcome{{CheckPrimaryKey, "condition_occurrence", "condition_occurrence_id", 2, 5}},
		},
		{
			name: "orphan person_id",
			change: map[string][]string{"drug_exposure": replaceRow("drug_exposure", 3,
				"(4, 99, 1118084, DATE '2011-01-01', DATE '2011-02-01', 32817, 4)")},
			want: []outcome{{CheckForeignKey, "drug_exposure", "person_id", 1, 5}},
		},
		{
			name: "orphan visit_occurrence_id",
			change: map[string][]string{"condition_occurrence": replaceRow("condition_occurrence", 0,
				"(1, 1, 201826, DATE '2010-01-01', DATE '2010-01-10', 32817, 77)")},
			want: []outcome{{CheckForeignKey, "condition_occurrence", "visit_occurrence_id", 1, 5}},
		},
		{
			name: "required column NULL",
			change: map[string][]string{"visit_occurrence": replaceRow("visit_occurrence", 4,
				"(5, 5, NULL, DATE '2010-01-01', DATE '2010-01-02', 32817)")},
			want: []outcome{{CheckRequired, "visit_occurrence", "visit_concept_id", 1, 5}},
		},
		{
			name: "end before start",
			change: map[string][]string{"drug_exposure": replaceRow("drug_exposure", 1,
				"(2, 2, 1118084, DATE '2011-01-01', DATE '2010-12-31', 32817, 2)")},
			want: []outcome{{CheckStartBeforeEnd, "drug_exposure", "drug_exposure_start_date", 1, 5}},
		},
		{
			// Person 1 was born on 1950-06-15: the day before is before
			// birth, the day itself is not.
			name: "event before birth",
			change: map[string][]string{
				"condition_occurrence": replaceRow("condition_occurrence", 0,
					"(1, 1, 201826, DATE '1950-06-14', DATE '1950-06-15', 32817, 1)"),
				"observation_period": replaceRow("observation_period", 0,
					"(1, 1, DATE '1950-06-15', DATE '2020-12-31', 32817)"),
			},
			want: []outcome{{CheckAfterBirth, "condition_occurrence", "condition_start_date", 1, 5}},
		},
		{
			// birth_datetime wins over year_of_birth: 1990-02-01 is before
			// 1990-03-03 though not before 1990-01-01.
			name: "event before birth_datetime",
			change: map[string][]string{"visit_occurrence": replaceRow("visit_occurrence", 4,
				"(5, 5, 9201, DATE '1990-02-01', DATE '1990-03-03', 32817)")},
			want: []outcome{{CheckAfterBirth, "visit_occurrence", "visit_start_date", 1, 5}},
		},
		{
			// Person 2 died on 2020-01-01; 60 days later (2020-03-01) is
			// still plausible, the drug exposure after it is not.
			name: "event long after death",
			change: map[string][]string{
				"drug_exposure": replaceRow("drug_exposure", 1,
					"(2, 2, 1118084, DATE '2020-03-15', DATE '2020-04-01', 32817, 2)"),
				"condition_occurrence": replaceRow("condition_occurrence", 1,
					"(2, 2, 201826, DATE '2020-03-01', DATE '2020-03-01', 32817, 2)"),
			},
			want: []outcome{
				{CheckBeforeDeath, "drug_exposure", "drug_exposure_start_date", 1, 1},
				{CheckBeforeDeath, "drug_exposure", "drug_exposure_end_date", 1, 1},
			},
		},
		{
			name: "unknown concept id",
			change: map[string][]string{"condition_occurrence": replaceRow("condition_occurrence", 3,
				"(4, 4, 999999, DATE '2010-01-01', DATE '2010-01-10', 32817, 4)")},
			want: []outcome{{CheckForeignKey, "condition_occurrence", "condition_concept_id", 1, 5}},
		},
		{
			name: "non-standard concept",
			change: map[string][]string{"condition_occurrence": replaceRow("condition_occurrence", 3,
				"(4, 4, 45000001, DATE '2010-01-01', DATE '2010-01-10', 32817, 4)")},
			want: []outcome{{CheckStandardConcept, "condition_occurrence", "condition_concept_id", 1, 5}},
		},
		{
			name: "retired standard concept",
			change: map[string][]string{"drug_exposure": replaceRow("drug_exposure", 0,
				"(1, 1, 45000002, DATE '2011-01-01', DATE '2011-02-01', 32817, 1)")},
			want: []outcome{{CheckStandardConcept, "drug_exposure", "drug_concept_id", 1, 5}},
		},
		{
			name: "non-standard demographics",
			change: map[string][]string{"person": replaceRow("person", 2,
				"(3, 8507, 1970, 1, 1, NULL, 45000001, 38003564)")},
			want: []outcome{{CheckStandardConcept, "person", "race_concept_id", 1, 5}},
		},
		{
			// Concept 0 means "no matching concept": neither unknown nor
			// non-standard, though it is not in this concept table.
			name: "concept 0 allowed",
			change: map[string][]string{"condition_occurrence": replaceRow("condition_occurrence", 3,
				"(4, 4, 0, DATE '2010-01-01', DATE '2010-01-10', 0, 4)")},
		},
		{
			// Keys out of order are not a problem; the unique-key check
			// then groups instead of streaming.
			name: "unsorted unique keys",
			change: map[string][]string{"visit_occurrence": {
				validationRows["visit_occurrence"][4], validationRows["visit_occurrence"][2],
				validationRows["visit_occurrence"][0], validationRows["visit_occurrence"][3],
				validationRows["visit_occurrence"][1],
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Validate(context.Background(), validationCDR(t, tt.change))
			require.NoError(t, err)
			assert.Equal(t, tt.want, outcomes(r.Failed()))
			assert.Equal(t, len(tt.want) == 0, r.Passed())
			assertDerived(t, r)
		})
	}
}

// TestValidateThreshold shows a plausibility check passing with violating
// rows below its threshold and failing above it.
func TestValidateThreshold(t *testing.T) {
	many := func(nonStandard int) []string {
		var rows []string
		for i := 1; i <= 40; i++ {
			concept := "201826"
			if i <= nonStandard {
				concept = "45000001"
			}
			rows = append(rows, fmt.Sprintf("(%d, 1, %s, DATE '2010-01-01', DATE '2010-01-10', 32817, 1)", i, concept))
		}
		return rows
	}
	r, err := Validate(context.Background(), validationCDR(t, map[string][]string{"condition_occurrence": many(2)}))
	require.NoError(t, err)
	c := findCheck(t, r, CheckStandardConcept, "condition_occurrence", "condition_concept_id")
	assert.Equal(t, outcome{CheckStandardConcept, "condition_occurrence", "condition_concept_id", 2, 40}, outcomes([]Check{c})[0])
	assert.Equal(t, 5.0, c.Threshold)
	assert.True(t, c.Passed, "2 of 40 is 5%%, within the threshold")

	r, err = Validate(context.Background(), validationCDR(t, map[string][]string{"condition_occurrence": many(3)}))
	require.NoError(t, err)
	c = findCheck(t, r, CheckStandardConcept, "condition_occurrence", "condition_concept_id")
	assert.Equal(t, int64(3), c.Rows)
	assert.False(t, c.Passed, "3 of 40 is 7.5%%")
}

func TestValidateCancelled(t *testing.T) {
	c := validationCDR(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Validate(ctx, c)
	require.ErrorIs(t, err, context.Canceled)
}

func TestValidateWriteText(t *testing.T) {
	r, err := Validate(context.Background(), validationCDR(t, map[string][]string{
		"condition_occurrence": replaceRow("condition_occurrence", 2,
			"(2, 3, 201826, DATE '2010-01-01', DATE '2010-01-10', 32817, 3)"),
	}))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, r.WriteText(&b))
	text := b.String()
	lines := strings.Split(text, "\n")
	assert.Equal(t, fmt.Sprintf("OMOP CDM 5.3: %d checks, 1 failed", len(r.Checks)), lines[0])

	// One line per check under a header, columns aligned.
	header := lines[2]
	require.True(t, strings.HasPrefix(header, "status"), header)
	table := strings.Index(header, "table")
	rows := lines[3 : 3+len(r.Checks)]
	for i, l := range rows {
		c := r.Checks[i]
		assert.True(t, strings.HasPrefix(l[table:], c.Table+" "), "table column of %q", l)
	}
	var fail string
	for _, l := range rows {
		if strings.HasPrefix(l, "FAIL") {
			fail = l
		}
	}
	assert.Equal(t, []string{"FAIL", CheckPrimaryKey, "condition_occurrence", "condition_occurrence_id", "2", "5", "40.00%", "0.00%"},
		strings.Fields(fail))
	assert.Contains(t, text, "\nFailed:\n  isPrimaryKey condition_occurrence.condition_occurrence_id: 2 of 5 rows (40.00%, threshold 0.00%)")
	assert.Regexp(t, `(?m)^n/a\s+isRequired\s+measurement\s+measurement_id\s+0\s+0\s`, text)
}

func TestValidateJSON(t *testing.T) {
	r, err := Validate(context.Background(), validationCDR(t, nil))
	require.NoError(t, err)
	data, err := json.Marshal(r)
	require.NoError(t, err)
	var shape struct {
		Version string           `json:"version"`
		Checks  []map[string]any `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(data, &shape))
	assert.Equal(t, "5.3", shape.Version)
	require.Len(t, shape.Checks, len(r.Checks))
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	assert.Equal(t, []string{"description", "name", "passed", "percent", "rows", "table", "threshold", "total"}, keys(shape.Checks[0]),
		"a table check has no field")
	pk := findCheck(t, r, CheckPrimaryKey, "person", "person_id")
	i := slices.Index(r.Checks, pk)
	assert.Equal(t, map[string]any{
		"name": "isPrimaryKey", "table": "person", "field": "person_id", "description": pk.Description,
		"rows": 0.0, "total": 5.0, "percent": 0.0, "threshold": 0.0, "passed": true,
	}, shape.Checks[i])
}
