package omop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func schemaOf(t *testing.T, v Version) *Schema {
	t.Helper()
	s, err := SchemaFor(v)
	require.NoError(t, err)
	require.Equal(t, v, s.Version)
	return s
}

func columnOf(t *testing.T, s *Schema, table, column string) *Column {
	t.Helper()
	tab, ok := s.Table(table)
	require.True(t, ok, "v%s has no table %s", s.Version, table)
	c, ok := tab.Column(column)
	require.True(t, ok, "v%s has no column %s.%s", s.Version, table, column)
	return c
}

func TestSchemaForUnknownVersion(t *testing.T) {
	_, err := SchemaFor("6.0")
	require.ErrorContains(t, err, `unknown CDM version "6.0"`)
}

func TestSchemaSizes(t *testing.T) {
	tests := []struct {
		version         Version
		tables, columns int
	}{
		{V53, 37, 396},
		{V54, 39, 432},
	}
	for _, tt := range tests {
		t.Run(string(tt.version), func(t *testing.T) {
			s := schemaOf(t, tt.version)
			columns := 0
			for _, tab := range s.Tables {
				columns += len(tab.Columns)
			}
			assert.Len(t, s.Tables, tt.tables)
			assert.Equal(t, tt.columns, columns)
		})
	}
}

func TestSchemaColumns(t *testing.T) {
	concept := &ForeignKey{Table: "concept", Column: "concept_id"}
	person := &ForeignKey{Table: "person", Column: "person_id"}
	tests := []struct {
		name          string
		table, column string
		want          Column // Description is not compared
	}{
		{"primary key", "person", "person_id", Column{Name: "person_id", Type: Integer, Required: true, PrimaryKey: true}},
		{"foreign key to person", "condition_occurrence", "person_id", Column{Name: "person_id", Type: Integer, Required: true, ForeignKey: person}},
		{"foreign key to concept", "person", "gender_concept_id", Column{Name: "gender_concept_id", Type: Integer, Required: true, ForeignKey: concept}},
		{"optional datetime", "person", "birth_datetime", Column{Name: "birth_datetime", Type: Datetime}},
		{"date", "observation_period", "observation_period_start_date", Column{Name: "observation_period_start_date", Type: Date, Required: true}},
		{"float", "measurement", "value_as_number", Column{Name: "value_as_number", Type: Float}},
		{"varchar(max)", "note", "note_text", Column{Name: "note_text", Type: Text, Required: true}},
		{"text key", "concept", "domain_id", Column{Name: "domain_id", Type: Text, Required: true, ForeignKey: &ForeignKey{Table: "domain", Column: "domain_id"}}},
		{"quoted in the spec", "note_nlp", "offset", Column{Name: "offset", Type: Text}},
	}
	for _, v := range []Version{V53, V54} {
		s := schemaOf(t, v)
		for _, tt := range tests {
			t.Run(string(v)+"/"+tt.name, func(t *testing.T) {
				got := *columnOf(t, s, tt.table, tt.column)
				got.Description = ""
				assert.Equal(t, tt.want, got)
			})
		}
	}
}

func TestSchemaVocabularyTables(t *testing.T) {
	for _, v := range []Version{V53, V54} {
		s := schemaOf(t, v)
		for name, want := range map[string]bool{"concept": true, "concept_ancestor": true, "person": false, "cdm_source": false} {
			tab, ok := s.Table(name)
			require.True(t, ok)
			assert.Equal(t, want, tab.Vocabulary, "v%s %s", v, name)
		}
	}
}

func TestSchemaVisitColumnsRenamed(t *testing.T) {
	v53, _ := schemaOf(t, V53).Table("visit_occurrence")
	v54, _ := schemaOf(t, V54).Table("visit_occurrence")
	for _, tt := range []struct {
		table  *Table
		has    string
		hasNot string
	}{
		{v53, "admitting_source_concept_id", "admitted_from_concept_id"},
		{v54, "admitted_from_concept_id", "admitting_source_concept_id"},
	} {
		_, ok := tt.table.Column(tt.has)
		assert.True(t, ok, tt.has)
		_, ok = tt.table.Column(tt.hasNot)
		assert.False(t, ok, tt.hasNot)
	}
}

func TestSchemaKeysResolve(t *testing.T) {
	for _, v := range []Version{V53, V54} {
		s := schemaOf(t, v)
		for _, tab := range s.Tables {
			for _, c := range tab.Columns {
				if c.ForeignKey == nil {
					continue
				}
				target := columnOf(t, s, c.ForeignKey.Table, c.ForeignKey.Column)
				assert.Equal(t, c.Type, target.Type, "v%s %s.%s", v, tab.Name, c.Name)
			}
		}
	}
}

func TestSchemaDescriptions(t *testing.T) {
	check := func(t *testing.T, what, d string) {
		t.Helper()
		assert.NotEmpty(t, d, "%s has no description", what)
		assert.True(t, strings.HasSuffix(d, "."), "%s: %q does not end in a period", what, d)
		assert.LessOrEqual(t, len(d), 200, "%s: description too long", what)
		assert.NotContains(t, d, "\n", what)
	}
	for _, v := range []Version{V53, V54} {
		for _, tab := range schemaOf(t, v).Tables {
			check(t, "v"+string(v)+" "+tab.Name, tab.Description)
			for _, c := range tab.Columns {
				check(t, "v"+string(v)+" "+tab.Name+"."+c.Name, c.Description)
			}
		}
	}
}

// A dictionary entry that no schema uses is a typo or a leftover.
func TestDictionaryHasNoStrays(t *testing.T) {
	s53, s54 := schemaOf(t, V53), schemaOf(t, V54)
	for name, text := range dictionary {
		t53, ok53 := s53.Table(name)
		t54, ok54 := s54.Table(name)
		if !assert.True(t, ok53 || ok54, "dictionary table %s is in no schema", name) {
			continue
		}
		for column := range text.columns {
			in53 := ok53 && hasColumn(t53, column)
			in54 := ok54 && hasColumn(t54, column)
			assert.True(t, in53 || in54, "dictionary column %s.%s is in no schema", name, column)
		}
	}
}

func TestDetectVersion(t *testing.T) {
	visit := func(column string) []string {
		return []string{"visit_occurrence_id", "person_id", "visit_concept_id", "visit_start_date", column}
	}
	tests := []struct {
		name    string
		columns map[string][]string
		want    Version
	}{
		{"v5.4 visit", map[string][]string{"visit_occurrence": visit("admitted_from_concept_id")}, V54},
		{"v5.3 visit", map[string][]string{"visit_occurrence": visit("admitting_source_concept_id")}, V53},
		{"plain person", map[string][]string{"person": {"person_id", "gender_concept_id", "year_of_birth", "race_concept_id", "ethnicity_concept_id"}}, V53},
		{"nothing", nil, V53},
		{"upper case", map[string][]string{"VISIT_OCCURRENCE": visit("ADMITTED_FROM_CONCEPT_ID")}, V54},
		{"v5.4-only table", map[string][]string{"episode": {"episode_id"}}, V54},
		{"v5.3 with a cohort table", map[string][]string{
			"visit_occurrence": visit("admitting_source_concept_id"),
			"cohort":           {"cohort_definition_id", "subject_id", "cohort_start_date", "cohort_end_date"},
		}, V53},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, DetectVersion(tt.columns))
		})
	}
}
