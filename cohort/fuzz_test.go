package cohort

import (
	"os"
	"path/filepath"
	"reflect"
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

// FuzzCompile puts a random string into one string field (a name, an id,
// an enum...) or operand (read as Parse reads it) of a seed definition. Either validation rejects
// it, or it compiles and the string shows in the SQL only where it
// already did without it: values reach the query only as arguments.
func FuzzCompile(f *testing.F) {
	defs := seeds(f)
	for i := range defs {
		f.Add(uint8(i), uint16(0), "'; DROP TABLE search_person; --")
		f.Add(uint8(i), uint16(3*i+1), "8532")
		f.Add(uint8(i), uint16(5*i+2), "BETWEEN")
		f.Add(uint8(i), uint16(7*i+3), "2020-02-29")
	}
	f.Fuzz(func(t *testing.T, which uint8, field uint16, s string) {
		def, err := Parse(defs[int(which)%len(defs)])
		require.NoError(t, err)
		before, err := Compile(def, Options{})
		require.NoError(t, err)
		fields := setters(reflect.ValueOf(def))
		if len(fields) == 0 || s == "" {
			return
		}
		fields[int(field)%len(fields)](s)
		q, err := Compile(def, Options{})
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		require.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
		if strings.Contains(q.SQL, s) {
			require.Contains(t, before.SQL, s, "the value %q entered the SQL text:\n%s", s, q.SQL)
		}
	})
}
