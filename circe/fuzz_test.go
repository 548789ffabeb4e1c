package circe_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/circe"
)

// seedFiles returns the expressions of testdata that compile.
func seedFiles(t testing.TB) [][]byte {
	t.Helper()
	var files []string
	for _, pattern := range []string{"testdata/circe-be/cohortgeneration/*/*.json", "testdata/eunomia/*.json", "testdata/phenotype/*.json", "testdata/extended/*.json"} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, m...)
	}
	var out [][]byte
	for _, f := range files {
		if strings.Contains(f, "_PREP") || strings.Contains(f, "_VERIFY") {
			continue
		}
		data := readFile(t, f)
		if e, err := circe.Parse(data); err == nil {
			if _, err := circe.Compile(e); err == nil {
				out = append(out, data)
			}
		}
	}
	require.NotEmpty(t, out)
	return out
}

// FuzzParse: Parse never panics and fails only with ErrInvalid; what
// parses either compiles, with one argument per placeholder, or fails
// validation.
func FuzzParse(f *testing.F) {
	for _, s := range seedFiles(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := circe.Parse(data)
		if err != nil {
			require.ErrorIs(t, err, circe.ErrInvalid)
			return
		}
		p, err := circe.Compile(e)
		if err != nil {
			require.ErrorIs(t, err, circe.ErrInvalid)
			return
		}
		for _, q := range []circe.Query{p.Cohort, p.Count, p.Inclusion, p.Censored} {
			require.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
		}
	})
}

// FuzzCompile replaces one value (a string or a number) of a seed
// expression with a random string or number. Either the expression is
// refused, or it compiles and the value shows in the SQL text only where
// it already did: values reach the query only as arguments.
func FuzzCompile(f *testing.F) {
	exprs := seedFiles(f)
	for i := range exprs {
		f.Add(uint8(i), uint16(0), "'; DROP TABLE person; --", int64(0), false)
		f.Add(uint8(i), uint16(3*i+1), "2020-02-29", int64(987654), true)
		f.Add(uint8(i), uint16(5*i+2), "Last", int64(-123456), true)
		f.Add(uint8(i), uint16(7*i+3), "bt", int64(31337), false)
	}
	f.Fuzz(func(t *testing.T, which uint8, leaf uint16, s string, n int64, number bool) {
		data := exprs[int(which)%len(exprs)]
		e, err := circe.Parse(data)
		require.NoError(t, err)
		before, err := circe.Compile(e)
		require.NoError(t, err)
		var doc any
		d := json.NewDecoder(strings.NewReader(string(data)))
		d.UseNumber()
		require.NoError(t, d.Decode(&doc))
		leaves := scalars(doc, nil)
		value := s
		if number {
			value = strconv.FormatInt(n, 10)
			leaves[int(leaf)%len(leaves)](json.Number(value))
		} else {
			leaves[int(leaf)%len(leaves)](s)
		}
		changed, err := json.Marshal(doc)
		require.NoError(t, err)
		e, err = circe.Parse(changed)
		if err != nil {
			require.ErrorIs(t, err, circe.ErrInvalid)
			return
		}
		after, err := circe.Compile(e)
		if err != nil {
			require.ErrorIs(t, err, circe.ErrInvalid)
			return
		}
		// Short values ("1", "t") occur in any SQL; what matters is that no
		// value long enough to be told apart appears that was not there.
		if len(value) < 4 {
			return
		}
		for i, q := range []circe.Query{after.Cohort, after.Count, after.Inclusion, after.Censored} {
			require.Equal(t, strings.Count(q.SQL, "?"), len(q.Args))
			was := []circe.Query{before.Cohort, before.Count, before.Inclusion, before.Censored}[i]
			if strings.Contains(q.SQL, value) {
				require.Contains(t, was.SQL, value, "the value %q entered the SQL text", value)
			}
		}
	})
}

// scalars returns a setter for every string and number of a decoded JSON
// document, in a stable order.
func scalars(v any, set func(any)) []func(any) {
	switch x := v.(type) {
	case string, json.Number:
		return []func(any){set}
	case []any:
		var out []func(any)
		for i := range x {
			out = append(out, scalars(x[i], func(n any) { x[i] = n })...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var out []func(any)
		for _, k := range keys {
			out = append(out, scalars(x[k], func(n any) { x[k] = n })...)
		}
		return out
	}
	return nil
}
