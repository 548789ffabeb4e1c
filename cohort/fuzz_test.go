package cohort

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// seeds returns the example and golden definitions as JSON.
func seeds(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, pattern := range []string{"testdata/examples/*.json", "testdata/golden/*.json"} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		for _, f := range files {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			out = append(out, data)
		}
	}
	return out
}

// FuzzParse: Parse never panics; what parses validates without panicking;
// what validates compiles, with one argument per placeholder; and the
// canonical form parses back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := Parse(data)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		canonical := def.String()
		again, err := Parse([]byte(canonical))
		require.NoError(t, err, canonical)
		require.Equal(t, canonical, again.String())
		if def.Validate() != nil {
			return
		}
		q, err := Compile(def, Options{})
		require.NoError(t, err)
		require.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
		_, err = Compile(def, Options{Dialect: Spark})
		require.NoError(t, err, "what compiles for DuckDB compiles for Spark")
		require.NoError(t, again.Validate(), "the canonical form of a valid definition is valid")
	})
}

// setters returns a setter per string in v (a pointer), named string
// types and string slices included, and per operand, which the setter
// replaces by what Parse reads from the string for an operand of its kind.
func setters(v reflect.Value) []func(string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return setters(v.Elem())
	case reflect.String:
		return []func(string){v.SetString}
	case reflect.Interface:
		o, ok := v.Interface().(Operand)
		if !ok {
			return nil
		}
		kind := map[reflect.Type]operandKind{reflect.TypeFor[Number](): kindNumber, reflect.TypeFor[Whole](): kindWhole,
			reflect.TypeFor[ConceptID](): kindConcept, reflect.TypeFor[Date](): kindDate}[reflect.TypeOf(o)]
		return []func(string){func(s string) { v.Set(reflect.ValueOf(parseOperand(kind, s))) }}
	case reflect.Struct:
		var out []func(string)
		for i := range v.NumField() {
			out = append(out, setters(v.Field(i))...)
		}
		return out
	case reflect.Slice:
		var out []func(string)
		for i := range v.Len() {
			out = append(out, setters(v.Index(i))...)
		}
		return out
	}
	return nil
}

// sparkLiterals matches the literals that sqlb.SparkLiteral writes: BIGINT
// (42L), DOUBLE (6.5E+00D), each maybe negative in parentheses, and
// DATE 'YYYY-MM-DD'.
var sparkLiterals = regexp.MustCompile(`\(-\d+L\)|\b\d+L\b|\(-\d(\.\d+)?E[+-]\d+D\)|\b\d(\.\d+)?E[+-]\d+D\b|DATE '\d{4}-\d{2}-\d{2}'`)

// sparkText returns the Spark SQL of q with each literal replaced by ?,
// so that what is left is the text the compiler wrote from its code.
func sparkText(q Query) string { return sparkLiterals.ReplaceAllLiteralString(q.SQL, "?") }

// FuzzCompile puts a random string into one string field (a name, an id,
// an enum...) or operand (read as Parse reads it) of a seed definition. Either validation rejects
// it, or it compiles and the string shows in the SQL (of Compile and of
// CompileBits) only where it already did without it: values reach the
// query only as arguments. For
// the Spark dialect, which has no arguments, the same holds of the SQL
// with its literals taken out (sparkText); the literals themselves are
// written only from int64, float64 and parsed dates, and a value that
// compiles for DuckDB compiles for Spark.
func FuzzCompile(f *testing.F) {
	defs := seeds(f)
	for i := range defs {
		f.Add(uint8(i), uint16(0), "'; DROP TABLE search_person; --")
		f.Add(uint8(i), uint16(3*i+1), "8532")
		f.Add(uint8(i), uint16(5*i+2), "BETWEEN")
		f.Add(uint8(i), uint16(7*i+3), "2020-02-29")
		f.Add(uint8(i), uint16(11*i+4), "-1.5e-7")
		f.Add(uint8(i), uint16(13*i+5), "` OR 1=1 --")
	}
	f.Fuzz(func(t *testing.T, which uint8, field uint16, s string) {
		def, err := Parse(defs[int(which)%len(defs)])
		require.NoError(t, err)
		before, err := Compile(def, Options{})
		require.NoError(t, err)
		bitsBefore, _, err := CompileBits(def, Options{})
		require.NoError(t, err)
		sparkBefore, err := Compile(def, Options{Dialect: Spark})
		require.NoError(t, err)
		fields := setters(reflect.ValueOf(def))
		if len(fields) == 0 || s == "" {
			return
		}
		fields[int(field)%len(fields)](s)
		q, err := Compile(def, Options{})
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			_, err = Compile(def, Options{Dialect: Spark})
			require.ErrorIs(t, err, ErrInvalid, "both dialects refuse what Validate refuses")
			return
		}
		require.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
		if strings.Contains(q.SQL, s) {
			require.Contains(t, before.SQL, s, "the value %q entered the SQL text:\n%s", s, q.SQL)
		}
		bq, _, err := CompileBits(def, Options{})
		require.NoError(t, err, "what Compile compiles, CompileBits compiles or declines")
		require.Equal(t, strings.Count(bq.SQL, "?"), len(bq.Args))
		if strings.Contains(bq.SQL, s) {
			require.Contains(t, bitsBefore.SQL, s, "the value %q entered the bits SQL text:\n%s", s, bq.SQL)
		}
		sq, err := Compile(def, Options{Dialect: Spark})
		require.NoError(t, err, "what compiles for DuckDB compiles for Spark")
		require.Empty(t, sq.Args)
		if text := sparkText(sq); strings.Contains(text, s) {
			require.Contains(t, sparkText(sparkBefore), s, "the value %q entered the Spark SQL text:\n%s", s, sq.SQL)
		}
		require.NotContains(t, sq.SQL, "?", "no placeholders in Spark SQL")
	})
}
