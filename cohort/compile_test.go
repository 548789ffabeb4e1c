package cohort

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files of testdata/golden")

// readDefinition parses a JSON file of testdata.
func readDefinition(t testing.TB, path string) *Definition {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	def, err := Parse(data)
	require.NoError(t, err, path)
	return def
}

// golden renders a query as the golden files hold it: the SQL, then one
// comment line per argument with its Go type.
func golden(name string, d Dialect, q Query) string {
	var b strings.Builder
	dialect := ""
	if d != DuckDB {
		dialect = " for " + d.String()
	}
	fmt.Fprintf(&b, "-- %s.json, compiled by TestGolden%s (refresh: go test ./cohort -run TestGolden -update)\n", name, dialect)
	b.WriteString(q.SQL)
	b.WriteString("\n-- args:\n")
	for i, a := range q.Args {
		if s, ok := a.(string); ok {
			fmt.Fprintf(&b, "-- %d: string %q\n", i+1, s)
			continue
		}
		fmt.Fprintf(&b, "-- %d: %T %v\n", i+1, a, a)
	}
	return b.String()
}

// goldenSuffix is the suffix of the golden SQL file of each dialect.
var goldenSuffix = map[Dialect]string{DuckDB: ".sql", Spark: ".spark.sql"}

// TestGolden compiles every testdata/golden/<name>.json and compares the
// SQL and arguments with <name>.sql (DuckDB) and <name>.spark.sql (Spark,
// whose values are literals), and, for a definition that CompileBits
// compiles, its bits query with <name>.bits.sql.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.json")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 10)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		for _, d := range []Dialect{DuckDB, Spark} {
			t.Run(name+"/"+d.String(), func(t *testing.T) {
				q, err := Compile(readDefinition(t, f), Options{Dialect: d})
				require.NoError(t, err)
				got := golden(name, d, q)
				sqlFile := strings.TrimSuffix(f, ".json") + goldenSuffix[d]
				if *update {
					require.NoError(t, os.WriteFile(sqlFile, []byte(got), 0o644))
				}
				want, err := os.ReadFile(sqlFile)
				require.NoError(t, err, "run with -update to create it")
				assert.Equal(t, string(want), got)
				if d == Spark {
					assert.Empty(t, q.Args, "Spark binds no arguments")
					assert.NotContains(t, q.SQL, "?")
					assert.NotContains(t, q.SQL, `"`, "Spark quotes identifiers with backquotes")
				} else {
					assert.Equal(t, strings.Count(q.SQL, "?"), len(q.Args), "one argument per placeholder")
				}
			})
		}
		t.Run(name+"/bits", func(t *testing.T) {
			q, ok, err := CompileBits(readDefinition(t, f), Options{})
			require.NoError(t, err)
			bitsFile := strings.TrimSuffix(f, ".json") + ".bits.sql"
			if *update {
				os.Remove(bitsFile)
				if ok {
					require.NoError(t, os.WriteFile(bitsFile, []byte(golden(name, DuckDB, q)), 0o644))
				}
			}
			want, err := os.ReadFile(bitsFile)
			if !ok {
				assert.ErrorIs(t, err, os.ErrNotExist, "CompileBits cannot compile %s", name)
				return
			}
			require.NoError(t, err, "run with -update to create it")
			assert.Equal(t, string(want), golden(name, DuckDB, q))
			assert.Equal(t, strings.Count(q.SQL, "?"), len(q.Args), "one argument per placeholder")
		})
	}
}

// TestCompileDialect checks that an unknown dialect is refused and that
// the Spark dialect writes the schema with backquotes.
func TestCompileDialect(t *testing.T) {
	def := readDefinition(t, "testdata/golden/demographics_only.json")
	_, err := Compile(def, Options{Dialect: Dialect(7)})
	assert.EqualError(t, err, "cohort: compile: unknown SQL dialect(7)")
	_, err = CompileExpand(&ConceptSet{Items: []ConceptSetItem{{ConceptID: 1}}}, Options{Dialect: Dialect(7)})
	assert.EqualError(t, err, "cohort: compile: unknown SQL dialect(7)")
	q, err := Compile(def, Options{Schema: "cdr`v8", Dialect: Spark})
	require.NoError(t, err)
	assert.Contains(t, q.SQL, "`cdr``v8`.`search_person`")
}

// TestExamples checks that the shared example definitions parse, validate,
// compile, and survive a round trip through their canonical form.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/examples/*.json")
	require.NoError(t, err)
	require.Len(t, files, 5)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			def := readDefinition(t, f)
			q, err := Compile(def, Options{})
			require.NoError(t, err)
			assert.Regexp(t, `"(search_events|concept_person)"`, q.SQL)
			again, err := Parse([]byte(def.String()))
			require.NoError(t, err)
			assert.Equal(t, def, again)
			assert.Equal(t, def.String(), again.String())
		})
	}
}

func TestCompileDeterministic(t *testing.T) {
	def := readDefinition(t, "testdata/golden/temporal_last_before_occurrences.json")
	a, err := Compile(def, Options{})
	require.NoError(t, err)
	for range 20 {
		b, err := Compile(def, Options{})
		require.NoError(t, err)
		require.Equal(t, a, b)
	}
}

// TestCompileSchema checks that every table is qualified by the schema
// option, quoted.
func TestCompileSchema(t *testing.T) {
	def := readDefinition(t, "testdata/golden/demographics_only.json")
	q, err := Compile(def, Options{Schema: `cdr "v8"`})
	require.NoError(t, err)
	assert.Contains(t, q.SQL, `"cdr ""v8"""."search_person"`)
	assert.NotContains(t, strings.ReplaceAll(q.SQL, `"cdr ""v8"""."search_person"`, ""), "search_person")
}

// TestCompileRepeats checks that the Repeats option leaves out the
// DISTINCT of a lone include set and nothing else.
func TestCompileRepeats(t *testing.T) {
	def, err := Parse([]byte(`{"includes":[{"items":[{"type":"CONDITION","searchParameters":[{"conceptId":1},{"conceptId":2}]}]}]}`))
	require.NoError(t, err)
	q, err := Compile(def, Options{})
	require.NoError(t, err)
	r, err := Compile(def, Options{Repeats: true})
	require.NoError(t, err)
	assert.Contains(t, q.SQL, "SELECT DISTINCT person_id FROM include0")
	assert.Equal(t, strings.Replace(q.SQL, "SELECT DISTINCT person_id FROM include0", "SELECT person_id FROM include0", 1), r.SQL)
	assert.Equal(t, q.Args, r.Args)
}

// TestCompileEquivalent checks that definitions with the same meaning
// compile to the same query.
func TestCompileEquivalent(t *testing.T) {
	a, err := Parse([]byte(`{"includes":[{"items":[{"type":"CONDITION","searchParameters":[
		{"conceptId":2,"domain":"CONDITION"},{"conceptId":1}],"modifiers":[
		{"name":"AGE_AT_EVENT","operator":"BETWEEN","operands":["018","65.0e0"]}]}]}],"dataFilters":["HAS_EHR_DATA","HAS_EHR_DATA"]}`))
	require.Error(t, a.Validate(), "65.0e0 is not a whole number")
	b, err := Parse([]byte(`{"includes":[{"items":[{"type":"CONDITION","searchParameters":[
		{"conceptId":1,"standard":true},{"conceptId":2}]}]}],"dataFilters":["HAS_EHR_DATA"]}`))
	require.NoError(t, err)
	c, err := Parse([]byte(`{"includes":[{"id":"x","items":[{"type":"CONDITION","searchParameters":[
		{"conceptId":2},{"conceptId":1,"name":"one"}]}]}],"excludes":[],"dataFilters":["HAS_EHR_DATA","HAS_EHR_DATA"]}`))
	require.NoError(t, err)
	qb, err := Compile(b, Options{})
	require.NoError(t, err)
	qc, err := Compile(c, Options{})
	require.NoError(t, err)
	assert.Equal(t, qb, qc)
}

func TestCanonical(t *testing.T) {
	def, err := Parse([]byte(`{"includes":[{"temporal":false,"mention":"ANY_MENTION","time":"DURING_SAME_ENCOUNTER_AS","timeValue":"",
		"items":[{"type":"MEASUREMENT","temporalGroup":0,"searchParameters":[{"conceptId":3004410,
		"attributes":[{"name":"NUM","operator":"BETWEEN","operands":["06.50","1e1"]},{"name":"ANY","operator":"IN","operands":[]}]}],
		"modifiers":[{"name":"EVENT_DATE","operator":"GREATER_THAN","operands":["2020-01-02"]},
		{"name":"NUM_OF_OCCURRENCES","operator":"EQUAL","operands":["007"]}]}]}],
		"dataFilters":["HAS_PHYSICAL_MEASUREMENT_DATA","HAS_EHR_DATA","HAS_EHR_DATA"]}`))
	require.NoError(t, err)
	require.NoError(t, def.Validate())
	want := `{"includes":[{"temporal":false,"items":[{"type":"MEASUREMENT","searchParameters":[{"group":false,"ancestorData":false,` +
		`"standard":true,"conceptId":3004410,"attributes":[{"name":"NUM","operator":"BETWEEN","operands":["6.5","10"]},` +
		`{"name":"ANY","operands":[]}]}],"modifiers":[{"name":"EVENT_DATE","operator":"GREATER_THAN","operands":["2020-01-02"]},` +
		`{"name":"NUM_OF_OCCURRENCES","operator":"EQUAL","operands":["7"]}]}]}],"excludes":[],` +
		`"dataFilters":["HAS_EHR_DATA","HAS_PHYSICAL_MEASUREMENT_DATA"]}`
	assert.Equal(t, want, def.String())
	b, err := def.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, want, string(b))
	again, err := Parse(b)
	require.NoError(t, err)
	assert.Equal(t, want, again.String())
}

// TestDefinitionInJSON checks that a Definition reads and writes itself as
// a field of another document, with Parse's errors.
func TestDefinitionInJSON(t *testing.T) {
	var doc struct {
		Name       string      `json:"name"`
		Definition *Definition `json:"definition"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"name":"x","definition":`+withItem(condition)+`}`), &doc))
	require.NoError(t, doc.Definition.Validate())
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"x","definition":`+doc.Definition.String()+`}`, string(out))
	err = json.Unmarshal([]byte(`{"definition":{"includes":[{"itemz":[]}]}}`), &doc)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "includes[0].itemz: unknown field")
	assert.Equal(t, "null", (*Definition)(nil).String())
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/golden/group_200_concepts.json")
	require.NoError(b, err)
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	for _, name := range []string{"group_200_concepts", "temporal_last_before_occurrences"} {
		def := readDefinition(b, "testdata/golden/"+name+".json")
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Compile(def, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
