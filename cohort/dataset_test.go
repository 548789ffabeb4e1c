//go:build cgo

package cohort_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
)

// testCatalog is a small catalog for the pure tests.
var testCatalog = cohort.DatasetCatalog{
	"person": {{Name: "person_id", Type: "BIGINT"}, {Name: "year_of_birth", Type: "INTEGER"},
		{Name: "gender_concept_id", Type: "BIGINT"}, {Name: "gender_concept_name", Type: "VARCHAR", Concept: "gender_concept_id"}},
	"condition": {{Name: "condition_occurrence_id", Type: "BIGINT"}, {Name: "person_id", Type: "BIGINT"},
		{Name: "condition_concept_id", Type: "BIGINT"}, {Name: "condition_concept_name", Type: "VARCHAR", Concept: "condition_concept_id"},
		{Name: "condition_start_date", Type: "DATE"}},
}

func fracture(t *testing.T) *cohort.Definition {
	t.Helper()
	def, err := cohort.Parse([]byte(`{"includes": [{"items": [{"type": "CONDITION", "searchParameters": [{"conceptId": 4134304, "group": true}]}]}]}`))
	require.NoError(t, err)
	return def
}

func TestDatasetValidate(t *testing.T) {
	cases := []struct {
		name    string
		dataset func(t *testing.T) *cohort.Dataset
		want    []string // paths, in order
	}{
		{"valid", func(t *testing.T) *cohort.Dataset {
			return &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[string][]string{"condition": {"condition_concept_name"}}}
		}, nil},
		{"no cohort, no columns", func(t *testing.T) *cohort.Dataset { return &cohort.Dataset{} }, []string{"cohorts", "columns"}},
		{"unknown domain and column, duplicate, empty", func(t *testing.T) *cohort.Dataset {
			return &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[string][]string{
				"condition": {"person_id", "condition_start_date", "condition_end_date", "person_id"},
				"labs":      {"x"},
				"person":    {},
			}}
		}, []string{"columns.condition[2]", "columns.condition[3]", "columns.labs", "columns.person"}},
		{"domain of no table in the CDR", func(t *testing.T) *cohort.Dataset {
			return &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[string][]string{"device": {"person_id"}}}
		}, []string{"columns.device"}},
		{"bad cohort and concept set", func(t *testing.T) *cohort.Dataset {
			bad, err := cohort.Parse([]byte(`{"includes": [{"items": []}]}`))
			require.NoError(t, err)
			return &cohort.Dataset{
				Cohorts:     []*cohort.Definition{fracture(t), bad},
				ConceptSets: []*cohort.ConceptSet{{Name: "x", Items: []cohort.ConceptSetItem{{ConceptID: -1}}}},
				Columns:     map[string][]string{"person": {"person_id"}},
			}
		}, []string{"cohorts[1].includes[0].items", "concept_sets[0].items[0].concept_id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.dataset(t).Validate(testCatalog)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, cohort.ErrInvalid)
			list := fault.FieldsOf(err)
			require.NotEmpty(t, list, "%v", err)
			var paths []string
			for _, e := range list {
				paths = append(paths, e.Path)
			}
			assert.Equal(t, tc.want, paths, err.Error())
		})
	}
}

func TestCompileDataset(t *testing.T) {
	def, err := cohort.Parse([]byte(`{"includes": [{"items": [{"type": "CONDITION", "searchParameters": [{"conceptId": 4134304, "group": true}],
		"modifiers": [{"name": "EVENT_DATE", "operator": "BETWEEN", "operands": ["2001-01-01", "2002-01-01"]}]}]}]}`))
	require.NoError(t, err)
	d := &cohort.Dataset{
		Cohorts:     []*cohort.Definition{def, fracture(t)},
		ConceptSets: []*cohort.ConceptSet{{Name: "s", Items: []cohort.ConceptSetItem{{ConceptID: 4134304, IncludeDescendants: true}}}},
		Columns:     map[string][]string{"condition": {"condition_concept_name", "condition_start_date"}, "person": {"year_of_birth"}},
	}
	t.Run("condition", func(t *testing.T) {
		q, cols, err := cohort.CompileDataset(d, "condition", testCatalog, cohort.Options{})
		require.NoError(t, err)
		assert.Equal(t, []cohort.DatasetColumn{testCatalog["condition"][1], testCatalog["condition"][3], testCatalog["condition"][4]}, cols,
			"person_id first, then the chosen columns in order")
		assert.Contains(t, q.SQL, `LEFT JOIN "concept" c0 ON c0.concept_id = t."condition_concept_id"`)
		assert.Contains(t, q.SQL, `IN (SELECT concept_id FROM dataset_concepts)`)
		assert.Contains(t, q.SQL, "\nUNION\n")
		assert.True(t, strings.HasSuffix(q.SQL, `ORDER BY t.person_id, t."condition_occurrence_id"`), q.SQL)
		assert.NotContains(t, q.SQL, "2001-01-01", "dates are arguments")
		assert.Contains(t, q.Args, "2001-01-01")
		assert.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
	})
	t.Run("person is not filtered by concept sets", func(t *testing.T) {
		q, cols, err := cohort.CompileDataset(d, "person", testCatalog, cohort.Options{})
		require.NoError(t, err)
		assert.Len(t, cols, 2)
		assert.NotContains(t, q.SQL, "dataset_concepts")
	})
	t.Run("a catalog's type is never SQL", func(t *testing.T) {
		cat := cohort.DatasetCatalog{"person": {{Name: "person_id", Type: "BIGINT) FROM person; DROP TABLE person; --"}}}
		q, cols, err := cohort.CompileDataset(&cohort.Dataset{Cohorts: d.Cohorts, Columns: map[string][]string{"person": {"person_id"}}}, "person", cat, cohort.Options{})
		require.NoError(t, err)
		assert.NotContains(t, q.SQL, "DROP")
		assert.Equal(t, "VARCHAR", cols[0].Type)
	})
	t.Run("domain not chosen", func(t *testing.T) {
		_, _, err := cohort.CompileDataset(d, "drug", testCatalog, cohort.Options{})
		require.Len(t, fault.FieldsOf(err), 1)
		assert.Equal(t, "domain", fault.FieldsOf(err)[0].Path)
	})
}

// TestDatasetGiBleed runs datasets on the indexed Eunomia GiBleed CDR and
// checks them against plain SQL over its OMOP tables.
func TestDatasetGiBleed(t *testing.T) {
	c := indexedGiBleed(t)
	info, ok := c.Index()
	require.True(t, ok)
	ctx := context.Background()
	e, err := cohort.NewEngine(c.DB(), info.VersionID, cohort.EngineOptions{})
	require.NoError(t, err)

	cat, err := e.DatasetCatalog(ctx)
	require.NoError(t, err)
	for _, domain := range cohort.DatasetDomains {
		assert.Contains(t, cat, domain)
	}
	assert.Contains(t, cat["condition"], cohort.DatasetColumn{Name: "condition_concept_name", Type: "VARCHAR", Concept: "condition_concept_id"})
	assert.Contains(t, cat["condition"], cohort.DatasetColumn{Name: "condition_start_date", Type: "DATE"})
	assert.Contains(t, cat["measurement"], cohort.DatasetColumn{Name: "value_as_number", Type: "DOUBLE"})

	wrist := readExample(t, "wrist_fracture.json")
	fractures := &cohort.ConceptSet{Name: "fractures", Items: []cohort.ConceptSetItem{{ConceptID: 4134304, IncludeDescendants: true}}}
	d := &cohort.Dataset{
		Cohorts:     []*cohort.Definition{wrist},
		ConceptSets: []*cohort.ConceptSet{fractures},
		Columns: map[string][]string{
			"condition": {"condition_concept_id", "condition_concept_name", "condition_start_date"},
			"person":    {"year_of_birth", "gender_concept_name"},
		},
	}
	count := func(t *testing.T, stmt string) int64 {
		var n int64
		require.NoError(t, c.DB().QueryRowContext(ctx, stmt).Scan(&n))
		return n
	}

	t.Run("rows match plain SQL, in order", func(t *testing.T) {
		want := count(t, `SELECT count(*) FROM condition_occurrence WHERE condition_concept_id IN
			(SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 4134304)`)
		require.Positive(t, want)
		var n int64
		var last int64
		err := e.DatasetRows(ctx, d, "condition", func(cols []cohort.DatasetColumn, rows *sql.Rows) error {
			assert.Equal(t, []string{"person_id", "condition_concept_id", "condition_concept_name", "condition_start_date"}, names(cols))
			for rows.Next() {
				var person, concept int64
				var name sql.NullString
				var start time.Time
				if err := rows.Scan(&person, &concept, &name, &start); err != nil {
					return err
				}
				assert.GreaterOrEqual(t, person, last)
				last = person
				assert.True(t, name.Valid && name.String != "", "concept %d has a name", concept)
				n++
			}
			return nil
		})
		require.NoError(t, err)
		// The cohort is everyone with such a condition, so every one of
		// them is a row.
		assert.Equal(t, want, n)
	})

	t.Run("person table is the cohort", func(t *testing.T) {
		n, err := e.Count(ctx, wrist)
		require.NoError(t, err)
		var rows int64
		err = e.DatasetRows(ctx, d, "person", func(cols []cohort.DatasetColumn, r *sql.Rows) error {
			assert.Equal(t, []string{"person_id", "year_of_birth", "gender_concept_name"}, names(cols))
			for r.Next() {
				rows++
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, n, rows)
	})

	t.Run("union of cohorts without concept sets", func(t *testing.T) {
		celecoxib := readExample(t, "celecoxib_users.json")
		u := &cohort.Dataset{Cohorts: []*cohort.Definition{wrist, celecoxib}, Columns: map[string][]string{"person": {"person_id"}}}
		want := count(t, `SELECT count(DISTINCT person_id) FROM (
			SELECT person_id FROM condition_occurrence WHERE condition_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 4134304)
			UNION ALL SELECT person_id FROM drug_exposure WHERE drug_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 1118084))`)
		var n int64
		err := e.DatasetRows(ctx, u, "person", func(_ []cohort.DatasetColumn, r *sql.Rows) error {
			for r.Next() {
				n++
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, want, n)
	})

	t.Run("preview", func(t *testing.T) {
		p, err := e.PreviewDataset(ctx, d, "condition", 5)
		require.NoError(t, err)
		assert.Equal(t, "condition", p.Domain)
		require.Len(t, p.Rows, 5)
		assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, p.Rows[0][3], "dates as text")
		_, err = e.PreviewDataset(ctx, d, "condition", cohort.MaxDatasetPreview+1)
		require.ErrorIs(t, err, cohort.ErrInvalid)
	})

	t.Run("invalid dataset", func(t *testing.T) {
		bad := &cohort.Dataset{Cohorts: []*cohort.Definition{wrist}, Columns: map[string][]string{"condition": {"person_id", "no_such_column"}}}
		err := e.DatasetRows(ctx, bad, "condition", func([]cohort.DatasetColumn, *sql.Rows) error { return nil })
		list := fault.FieldsOf(err)
		require.NotEmpty(t, list, "%v", err)
		assert.Equal(t, "columns.condition[1]", list[0].Path)
	})

	t.Run("cancelled before", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := e.DatasetRows(cctx, d, "condition", func([]cohort.DatasetColumn, *sql.Rows) error { return nil })
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("cancelled while reading", func(t *testing.T) {
		// Whether the rows stop early is database/sql's to say (the
		// DuckDB driver hands out rows in chunks); the caller must learn
		// that the table it got may be cut short.
		drugs := &cohort.Dataset{Cohorts: []*cohort.Definition{wrist}, Columns: map[string][]string{"drug": {"drug_concept_id"}}}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		err := e.DatasetRows(cctx, drugs, "drug", func(_ []cohort.DatasetColumn, r *sql.Rows) error {
			cancel() // as a client that goes away does
			for r.Next() {
			}
			return nil
		})
		require.ErrorIs(t, err, context.Canceled)
	})
}

func names(cols []cohort.DatasetColumn) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// A dataset's columns are checked against the catalog of the CDR, every
// problem with its path.
func ExampleDatasetCatalog_Check() {
	cat := cohort.DatasetCatalog{"condition": {
		{Name: "person_id", Type: "BIGINT"},
		{Name: "condition_concept_id", Type: "BIGINT"},
		{Name: "condition_concept_name", Type: "VARCHAR", Concept: "condition_concept_id"},
	}}
	err := cat.Check(map[string][]string{
		"condition": {"condition_concept_name", "condition_start_datetime"},
		"labs":      {"value"},
	})
	if problems := fault.FieldsOf(err); problems != nil {
		for _, p := range problems {
			fmt.Printf("%s: %s\n", p.Path, p.Message)
		}
	}
	// Output:
	// columns.condition[1]: unknown column "condition_start_datetime" of condition_occurrence
	// columns.labs: unknown domain "labs": want one of person, condition, drug, procedure, measurement, observation, device, visit, death
}

// FuzzCompileDataset: whatever the domain and columns asked, compilation
// does not panic, and what it accepts is names of the catalog only.
func FuzzCompileDataset(f *testing.F) {
	f.Add("condition", "condition_concept_name", "person_id")
	f.Add("person", "gender_concept_name", `x" FROM person; --`)
	f.Add("labs", "", "year_of_birth")
	f.Fuzz(func(t *testing.T, domain, col1, col2 string) {
		d := &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[string][]string{domain: {col1, col2}}}
		q, cols, err := cohort.CompileDataset(d, domain, testCatalog, cohort.Options{})
		if err != nil {
			require.ErrorIs(t, err, cohort.ErrInvalid)
			return
		}
		for _, name := range []string{col1, col2} {
			assert.Contains(t, names(cols), name)
			assert.Contains(t, names(testCatalog[domain]), name)
		}
		assert.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
	})
}
