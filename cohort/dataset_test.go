package cohort_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
)

// testCatalog is a small catalog for the pure tests.
var testCatalog = cohort.DatasetCatalog{
	cohort.DomainPerson: {{Name: "person_id", Type: "BIGINT"}, {Name: "year_of_birth", Type: "INTEGER"},
		{Name: "gender_concept_id", Type: "BIGINT"}, {Name: "gender_concept_name", Type: "VARCHAR", Concept: "gender_concept_id"}},
	cohort.DomainCondition: {{Name: "condition_occurrence_id", Type: "BIGINT"}, {Name: "person_id", Type: "BIGINT"},
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
			return &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[cohort.Domain][]string{cohort.DomainCondition: {"condition_concept_name"}}}
		}, nil},
		{"no cohort, no columns", func(t *testing.T) *cohort.Dataset { return &cohort.Dataset{} }, []string{"cohorts", "columns"}},
		{"unknown domain and column, duplicate, empty", func(t *testing.T) *cohort.Dataset {
			return &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[cohort.Domain][]string{
				cohort.DomainCondition: {"person_id", "condition_start_date", "condition_end_date", "person_id"},
				"labs":                 {"x"},
				cohort.DomainPerson:    {},
			}}
		}, []string{"columns.CONDITION[2]", "columns.CONDITION[3]", "columns.PERSON", "columns.labs"}},
		{"a domain not spelled as DatasetDomains spell it", func(t *testing.T) *cohort.Dataset {
			return &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[cohort.Domain][]string{"condition": {"person_id"}}}
		}, []string{"columns.condition"}},
		{"domain of no table in the CDR", func(t *testing.T) *cohort.Dataset {
			return &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[cohort.Domain][]string{cohort.DomainDevice: {"person_id"}}}
		}, []string{"columns.DEVICE"}},
		{"bad cohort and concept set", func(t *testing.T) *cohort.Dataset {
			bad, err := cohort.Parse([]byte(`{"includes": [{"items": []}]}`))
			require.NoError(t, err)
			return &cohort.Dataset{
				Cohorts:     []*cohort.Definition{fracture(t), bad},
				ConceptSets: []*cohort.ConceptSet{{Name: "x", Items: []cohort.ConceptSetItem{{ConceptID: -1}}}},
				Columns:     map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}},
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
		Columns:     map[cohort.Domain][]string{cohort.DomainCondition: {"condition_concept_name", "condition_start_date"}, cohort.DomainPerson: {"year_of_birth"}},
	}
	t.Run("condition", func(t *testing.T) {
		q, cols, err := cohort.CompileDataset(d, cohort.DomainCondition, testCatalog, cohort.Options{})
		require.NoError(t, err)
		conditions := testCatalog[cohort.DomainCondition]
		assert.Equal(t, []cohort.DatasetColumn{conditions[1], conditions[3], conditions[4]}, cols,
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
		q, cols, err := cohort.CompileDataset(d, cohort.DomainPerson, testCatalog, cohort.Options{})
		require.NoError(t, err)
		assert.Len(t, cols, 2)
		assert.NotContains(t, q.SQL, "dataset_concepts")
	})
	t.Run("a catalog's type is never SQL", func(t *testing.T) {
		cat := cohort.DatasetCatalog{cohort.DomainPerson: {{Name: "person_id", Type: "BIGINT) FROM person; DROP TABLE person; --"}}}
		persons := &cohort.Dataset{Cohorts: d.Cohorts, Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id"}}}
		q, cols, err := cohort.CompileDataset(persons, cohort.DomainPerson, cat, cohort.Options{})
		require.NoError(t, err)
		assert.NotContains(t, q.SQL, "DROP")
		assert.Equal(t, "VARCHAR", cols[0].Type)
	})
	t.Run("domain not chosen", func(t *testing.T) {
		_, _, err := cohort.CompileDataset(d, cohort.DomainDrug, testCatalog, cohort.Options{})
		require.Len(t, fault.FieldsOf(err), 1)
		assert.Equal(t, "domain", fault.FieldsOf(err)[0].Path)
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
	cat := cohort.DatasetCatalog{cohort.DomainCondition: {
		{Name: "person_id", Type: "BIGINT"},
		{Name: "condition_concept_id", Type: "BIGINT"},
		{Name: "condition_concept_name", Type: "VARCHAR", Concept: "condition_concept_id"},
	}}
	err := cat.Check(map[cohort.Domain][]string{
		cohort.DomainCondition: {"condition_concept_name", "condition_start_datetime"},
		"labs":                 {"value"},
	})
	if problems := fault.FieldsOf(err); problems != nil {
		for _, p := range problems {
			fmt.Printf("%s: %s\n", p.Path, p.Message)
		}
	}
	// Output:
	// columns.CONDITION[1]: unknown column "condition_start_datetime" of condition_occurrence
	// columns.labs: unknown domain "labs": want one of PERSON, CONDITION, DRUG, PROCEDURE, MEASUREMENT, OBSERVATION, DEVICE, VISIT, DEATH (in any case)
}

// FuzzCompileDataset: whatever the domain and columns asked, compilation
// does not panic, and what it accepts is names of the catalog only.
func FuzzCompileDataset(f *testing.F) {
	f.Add("CONDITION", "condition_concept_name", "person_id")
	f.Add("PERSON", "gender_concept_name", `x" FROM person; --`)
	f.Add("labs", "", "year_of_birth")
	f.Fuzz(func(t *testing.T, name, col1, col2 string) {
		domain := cohort.Domain(name)
		d := &cohort.Dataset{Cohorts: []*cohort.Definition{fracture(t)}, Columns: map[cohort.Domain][]string{domain: {col1, col2}}}
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
		sq, _, err := cohort.CompileDataset(d, domain, testCatalog, cohort.Options{Dialect: cohort.Spark})
		require.NoError(t, err, "what compiles for DuckDB compiles for Spark")
		assert.Empty(t, sq.Args)
		assert.NotContains(t, sq.SQL, "?")
	})
}

func TestParseDatasetDomain(t *testing.T) {
	for _, s := range []string{"condition", "Condition", "CONDITION"} {
		d, err := cohort.ParseDatasetDomain(s)
		require.NoError(t, err)
		assert.Equal(t, cohort.DomainCondition, d)
	}
	d, err := cohort.ParseDatasetDomain("death")
	require.NoError(t, err)
	assert.Equal(t, cohort.DomainDeath, d, "a dataset's domain")
	_, err = cohort.ParseDomain("death")
	assert.Error(t, err, "not a domain of criteria")
	for _, s := range []string{"", "survey", "labs", "person'; --"} {
		_, err := cohort.ParseDatasetDomain(s)
		require.ErrorIs(t, err, cohort.ErrInvalid, s)
		require.Len(t, fault.FieldsOf(err), 1)
		assert.Equal(t, "domain", fault.FieldsOf(err)[0].Path)
		assert.Contains(t, err.Error(), "PERSON, CONDITION, DRUG, PROCEDURE, MEASUREMENT, OBSERVATION, DEVICE, VISIT, DEATH")
	}
}

func TestCanonicalColumns(t *testing.T) {
	cases := []struct {
		name     string
		in, want map[cohort.Domain][]string
	}{
		{"any case", map[cohort.Domain][]string{"person": {"a"}, "Condition": {"b"}, "DRUG": {"c"}},
			map[cohort.Domain][]string{cohort.DomainPerson: {"a"}, cohort.DomainCondition: {"b"}, cohort.DomainDrug: {"c"}}},
		{"no domain stays", map[cohort.Domain][]string{"labs": {"a"}}, map[cohort.Domain][]string{"labs": {"a"}}},
		{"the exact spelling wins", map[cohort.Domain][]string{"death": {"a"}, "DEATH": {"b"}},
			map[cohort.Domain][]string{cohort.DomainDeath: {"b"}, "death": {"a"}}},
		{"else the first in sorted order", map[cohort.Domain][]string{"death": {"a"}, "Death": {"b"}},
			map[cohort.Domain][]string{cohort.DomainDeath: {"b"}, "death": {"a"}}},
		{"none", nil, map[cohort.Domain][]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, cohort.CanonicalColumns(tc.in))
		})
	}
}
