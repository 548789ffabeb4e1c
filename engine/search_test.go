package engine

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
)

func ptr[T any](v T) *T { return &v }

func TestConceptSearchValidate(t *testing.T) {
	tests := []struct {
		name  string
		s     ConceptSearch
		paths []string // of the errors, in order; none when valid
	}{
		{"zero value", ConceptSearch{}, nil},
		{"everything set", ConceptSearch{Query: "wrist fracture", Domain: "Condition", Vocabulary: "SNOMED", Standard: ptr(true), Limit: 1000, Offset: 7}, nil},
		{"limit below 0", ConceptSearch{Limit: -1}, []string{"limit"}},
		{"limit above 1000", ConceptSearch{Limit: 1001}, []string{"limit"}},
		{"offset below 0", ConceptSearch{Offset: -5}, []string{"offset"}},
		{"query too long", ConceptSearch{Query: strings.Repeat("a", maxQueryLen+1)}, []string{"query"}},
		{"all at once", ConceptSearch{Query: strings.Repeat("a ", maxQueryLen), Limit: -1, Offset: -1}, []string{"query", "limit", "offset"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if tc.paths == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, cohort.ErrInvalid)
			errs := fault.FieldsOf(err)
			require.NotEmpty(t, errs, "%v", err)
			var paths []string
			for _, e := range errs {
				paths = append(paths, e.Path)
			}
			assert.Equal(t, tc.paths, paths)
			_, err = CompileConceptSearch(tc.s)
			assert.ErrorIs(t, err, cohort.ErrInvalid)
		})
	}
}

func TestConceptSearchString(t *testing.T) {
	a := ConceptSearch{Query: "  wrist \t fracture ", Domain: " Condition"}
	b := ConceptSearch{Query: "wrist fracture", Domain: "Condition", Limit: DefaultConceptLimit}
	assert.Equal(t, a.String(), b.String(), "same meaning, same canonical form")
	assert.JSONEq(t, `{"query":"wrist fracture","domain":"Condition","limit":50}`, a.String())
	assert.NotEqual(t, a.String(), ConceptSearch{Query: "wrist fracture", Domain: "Condition", Standard: ptr(false)}.String())

	qa, err := CompileConceptSearch(a)
	require.NoError(t, err)
	qb, err := CompileConceptSearch(b)
	require.NoError(t, err)
	assert.Equal(t, qa, qb)
}

func TestCompileConceptSearch(t *testing.T) {
	tests := []struct {
		name string
		s    ConceptSearch
		args []any
		sql  []string // fragments the SQL must contain
		not  []string // and must not
	}{
		{
			name: "words",
			s:    ConceptSearch{Query: "Wrist fracture"},
			args: []any{"%Wrist%", "%fracture%", "Wrist fracture", "Wrist fracture", "Wrist fracture%", int64(50), int64(0)},
			sql:  []string{`c.concept_name ILIKE ?::VARCHAR ESCAPE '\' AND c.concept_name ILIKE ?::VARCHAR`, "c.concept_code = ?::VARCHAR"},
			not:  []string{"c.concept_id = ?"},
		},
		{
			name: "a number is also an id",
			s:    ConceptSearch{Query: "4134304"},
			args: []any{"%4134304%", "4134304", int64(4134304), "4134304", int64(4134304), "4134304%", int64(50), int64(0)},
			sql:  []string{"OR c.concept_id = ?::BIGINT"},
		},
		{
			name: "wildcards are escaped",
			s:    ConceptSearch{Query: `50%_off\`},
			args: []any{`%50\%\_off\\%`, `50%_off\`, `50%_off\`, `50\%\_off\\%`, int64(50), int64(0)},
		},
		{
			name: "filters and paging",
			s:    ConceptSearch{Domain: "condition", Vocabulary: "SNOMED", Standard: ptr(true), Limit: 10, Offset: 20},
			args: []any{"condition", "SNOMED", int64(10), int64(20)},
			sql:  []string{"lower(c.domain_id) = lower(?::VARCHAR)", "lower(c.vocabulary_id) = lower(?::VARCHAR)", "c.standard_concept = 'S'", "ORDER BY rollup_person_count DESC"},
			not:  []string{"ILIKE"},
		},
		{
			name: "non-standard",
			s:    ConceptSearch{Standard: ptr(false)},
			args: []any{int64(50), int64(0)},
			sql:  []string{"c.standard_concept IS DISTINCT FROM 'S'"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := CompileConceptSearch(tc.s)
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

// shape returns a search of the same shape as s (number of words, number
// or not, which filters are set) with other values: its SQL must be that
// of s, since values are only arguments.
func shape(s ConceptSearch) ConceptSearch {
	out := ConceptSearch{Standard: s.Standard, Limit: 1, Offset: 1}
	words := strings.Fields(s.Query)
	if _, err := strconv.ParseInt(strings.Join(words, " "), 10, 64); err == nil {
		out.Query = "7"
	} else {
		out.Query = strings.Repeat("w ", len(words))
	}
	if strings.TrimSpace(s.Domain) != "" {
		out.Domain = "d"
	}
	if strings.TrimSpace(s.Vocabulary) != "" {
		out.Vocabulary = "v"
	}
	return out
}

// FuzzConceptSearch: random query, domain and vocabulary strings reach the
// query only as arguments: the SQL is the same as for a search of the same
// shape with other values, and the query (normalized) is an argument.
func FuzzConceptSearch(f *testing.F) {
	f.Add("wrist fracture", "Condition", "SNOMED", uint8(0))
	f.Add("4134304", "", "", uint8(1))
	f.Add("'; DROP TABLE concept; --", "x' OR '1'='1", `\`, uint8(2))
	f.Add("100%_ \\ done", "%", "_", uint8(0))
	f.Fuzz(func(t *testing.T, query, domain, vocabulary string, std uint8) {
		s := ConceptSearch{Query: query, Domain: domain, Vocabulary: vocabulary, Limit: 3, Offset: 4}
		switch std % 3 {
		case 1:
			s.Standard = ptr(true)
		case 2:
			s.Standard = ptr(false)
		}
		q, err := CompileConceptSearch(s)
		if err != nil {
			require.ErrorIs(t, err, cohort.ErrInvalid)
			require.Greater(t, len(query), maxQueryLen)
			return
		}
		want, err := CompileConceptSearch(shape(s))
		require.NoError(t, err)
		require.Equal(t, want.SQL, q.SQL, "the SQL depends on a value, not only on the search's shape")
		require.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
		if n := s.normalized(); n.Query != "" {
			require.Contains(t, q.Args, n.Query)
		}
	})
}

func ExampleCompileConceptSearch() {
	q, err := CompileConceptSearch(ConceptSearch{Query: "wrist fracture", Domain: "Condition"})
	if err != nil {
		panic(err)
	}
	fmt.Println(q.SQL)
	fmt.Println(q.Args)
	// Output:
	// SELECT c.concept_id, c.concept_name AS name, c.domain_id, c.vocabulary_id, c.concept_class_id,
	//   COALESCE(c.standard_concept, '') AS standard_concept, c.concept_code,
	//   COALESCE(n.person_count, 0) AS person_count, COALESCE(n.rollup_person_count, 0) AS rollup_person_count
	// FROM "concept" c LEFT JOIN "concept_counts" n ON n.concept_id = c.concept_id
	// WHERE ((c.concept_name ILIKE ?::VARCHAR ESCAPE '\' AND c.concept_name ILIKE ?::VARCHAR ESCAPE '\') OR c.concept_code = ?::VARCHAR)
	//   AND lower(c.domain_id) = lower(?::VARCHAR)
	// ORDER BY CASE WHEN c.concept_code = ?::VARCHAR THEN 0 WHEN c.concept_name ILIKE ?::VARCHAR ESCAPE '\' THEN 1 ELSE 2 END, rollup_person_count DESC, c.concept_name, c.concept_id
	// LIMIT ?::BIGINT OFFSET ?::BIGINT
	// [%wrist% %fracture% wrist fracture Condition wrist fracture wrist fracture% 50 0]
}

func TestExpandKey(t *testing.T) {
	cs := &cohort.ConceptSet{Name: "wrist", Items: []cohort.ConceptSetItem{{ConceptID: 9, IncludeDescendants: true}, {ConceptID: 3, Exclude: true}}}
	reordered := &cohort.ConceptSet{Name: "renamed", Items: []cohort.ConceptSetItem{cs.Items[1], cs.Items[0]}}
	assert.Equal(t, expandKey(cs), expandKey(reordered), "expansion depends on the items alone")
}
