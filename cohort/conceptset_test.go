package cohort

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/fault"
)

func TestConceptSetValidate(t *testing.T) {
	tests := []struct {
		name string
		cs   *ConceptSet
		errs []string // "path: message fragment"
	}{
		{"valid", &ConceptSet{Name: "wrist", Items: []ConceptSetItem{{ConceptID: 1, IncludeDescendants: true}, {ConceptID: 2, Exclude: true}}}, nil},
		{"nil", nil, []string{": no concept set"}},
		{"no name", &ConceptSet{Name: " ", Items: []ConceptSetItem{{ConceptID: 1}}}, []string{"name: empty"}},
		{"no items", &ConceptSet{Name: "a"}, []string{"items: empty"}},
		{"only exclusions", &ConceptSet{Name: "a", Items: []ConceptSetItem{{ConceptID: 1, Exclude: true}}}, []string{"items: every concept is excluded"}},
		{"too many", &ConceptSet{Name: "a", Items: manyItems(MaxConceptSetItems + 1)}, []string{"items: 10001 concepts: want at most 10000"}},
		{"all at once", &ConceptSet{Items: []ConceptSetItem{{ConceptID: 5}, {ConceptID: 0}, {ConceptID: 5, Exclude: true}, {ConceptID: -3}}}, []string{
			"name: empty",
			"items[1].concept_id: 0: want a concept id greater than 0",
			"items[2].concept_id: concept 5 is already items[0]",
			"items[3].concept_id: -3",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cs.Validate()
			if tc.errs == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalid)
			errs := fault.FieldsOf(err)
			require.NotEmpty(t, errs, "%v", err)
			require.Len(t, errs, len(tc.errs))
			for i, e := range errs {
				assert.Contains(t, e.Path+": "+e.Message, tc.errs[i])
			}
			_, err = CompileExpand(tc.cs, Options{})
			assert.ErrorIs(t, err, ErrInvalid)
		})
	}
}

func manyItems(n int) []ConceptSetItem {
	items := make([]ConceptSetItem, n)
	for i := range items {
		items[i].ConceptID = int64(i + 1)
	}
	return items
}

func TestConceptSetJSON(t *testing.T) {
	cs := &ConceptSet{Name: "wrist", Items: []ConceptSetItem{{ConceptID: 9, IncludeDescendants: true}, {ConceptID: 3, Exclude: true}}}
	want := `{"name":"wrist","items":[{"concept_id":9,"include_descendants":true,"exclude":false},{"concept_id":3,"include_descendants":false,"exclude":true}]}`
	assert.Equal(t, want, cs.String())
	b, err := json.Marshal(cs)
	require.NoError(t, err)
	assert.Equal(t, want, string(b))
	var back ConceptSet
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, cs, &back)
	assert.Equal(t, `{"name":"","items":[]}`, (&ConceptSet{}).String())
}

func TestCompileExpand(t *testing.T) {
	tests := []struct {
		name  string
		items []ConceptSetItem
		args  []any
		sql   []string
		not   []string
	}{
		{
			name:  "one concept",
			items: []ConceptSetItem{{ConceptID: 7}},
			args:  []any{[]int64{7}},
			sql:   []string{"SELECT DISTINCT concept_id", "descendant_id = ancestor_id AND ancestor_id IN (SELECT unnest(?::BIGINT[]))"},
			not:   []string{"EXCEPT"},
		},
		{
			name:  "descendants and exclusions",
			items: []ConceptSetItem{{ConceptID: 9, IncludeDescendants: true}, {ConceptID: 7}, {ConceptID: 3, Exclude: true}, {ConceptID: 1, Exclude: true, IncludeDescendants: true}, {ConceptID: 2}},
			args:  []any{[]int64{2, 7}, []int64{9}, []int64{3}, []int64{1}},
			sql:   []string{"\nEXCEPT\n", "OR ancestor_id IN"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := CompileExpand(&ConceptSet{Name: "s", Items: tc.items}, Options{})
			require.NoError(t, err)
			assert.Equal(t, tc.args, q.Args)
			assert.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
			for _, s := range tc.sql {
				assert.Contains(t, q.SQL, s)
			}
			for _, s := range tc.not {
				assert.NotContains(t, q.SQL, s)
			}
		})
	}
}

func ExampleCompileExpand() {
	q, err := CompileExpand(&ConceptSet{Name: "wrist fractures, not subluxations", Items: []ConceptSetItem{
		{ConceptID: 4053828, IncludeDescendants: true},
		{ConceptID: 4134304, Exclude: true},
	}}, Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(q.SQL)
	fmt.Println(q.Args)
	// Output:
	// SELECT concept_id FROM (SELECT descendant_id AS concept_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))
	// EXCEPT
	// SELECT descendant_id AS concept_id FROM "concept_closure" WHERE (descendant_id = ancestor_id AND ancestor_id IN (SELECT unnest(?::BIGINT[]))))
	// ORDER BY concept_id
	// [[4053828] [4134304]]
}
