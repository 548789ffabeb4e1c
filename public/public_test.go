package public_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/public"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or writes it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to write it")
	assert.Equal(t, string(want), string(got))
}

func TestReleaseAnswersGolden(t *testing.T) {
	f := smallCDR(t)
	r := f.release
	var buf bytes.Buffer
	add := func(name string, v any, err error) {
		require.NoError(t, err, name)
		b, err := json.MarshalIndent(v, "", "  ")
		require.NoError(t, err)
		buf.WriteString("# " + name + "\n")
		buf.Write(b)
		buf.WriteString("\n")
	}
	m := r.Manifest()
	m.BuiltAt, m.CDRVersionID = "", ""
	add("manifest (without build time and version id)", m, nil)
	add("totals", r.Totals(), nil)
	d, err := r.Demographics("")
	add("demographics", d, err)
	s, err := r.Search(public.Query{Text: "blood pressure", Limit: 5})
	add("search blood pressure", s, err)
	add("domains of 'acute'", r.Domains("acute"), nil)
	top, err := r.TopConcepts(public.DomainCondition, 5)
	add("top conditions", top, err)
	c, err := r.Concept(2000600001)
	add("concept 2000600001", c, err)
	surveys := r.Surveys()
	add("surveys", surveys, nil)
	q, err := r.Question(2001000004)
	add("question 2001000004", q, err)
	golden(t, "answers.golden", buf.Bytes())
}

func TestReleaseErrors(t *testing.T) {
	r := smallCDR(t).release
	for _, tc := range []struct {
		name string
		call func() error
		want error
	}{
		{"unknown concept", func() error { _, err := r.Concept(42); return err }, public.ErrNotFound},
		{"unknown survey", func() error { _, err := r.Survey(42); return err }, public.ErrNotFound},
		{"unknown question", func() error { _, err := r.Question(42); return err }, public.ErrNotFound},
		{"bad domain", func() error { _, err := r.Search(public.Query{Domain: "GENOME"}); return err }, public.ErrInvalid},
		{"bad sort", func() error { _, err := r.Search(public.Query{Sort: "random"}); return err }, public.ErrInvalid},
		{"negative offset", func() error { _, err := r.Search(public.Query{Offset: -1}); return err }, public.ErrInvalid},
		{"huge page", func() error { _, err := r.Search(public.Query{Limit: 5000}); return err }, public.ErrInvalid},
		{"bad scope", func() error { _, err := r.Demographics("genomic"); return err }, public.ErrInvalid},
		{"top without domain", func() error { _, err := r.TopConcepts("", 5); return err }, public.ErrInvalid},
		{"top of zero", func() error { _, err := r.TopConcepts(public.DomainDrug, 0); return err }, public.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), "public: ")
		})
	}
}

func TestSearchPaging(t *testing.T) {
	r := smallCDR(t).release
	all, err := r.Search(public.Query{Domain: public.DomainDevice, Limit: 1000})
	require.NoError(t, err)
	require.Greater(t, all.Total, 20)
	require.Less(t, all.Total, 1000)
	var paged []public.Concept
	for off := 0; off < all.Total; off += 7 {
		p, err := r.Search(public.Query{Domain: public.DomainDevice, Offset: off, Limit: 7})
		require.NoError(t, err)
		assert.Equal(t, all.Total, p.Total)
		paged = append(paged, p.Concepts...)
	}
	assert.Equal(t, all.Concepts, paged)
	byName, err := r.Search(public.Query{Domain: public.DomainDevice, Sort: public.SortName, Limit: 1000})
	require.NoError(t, err)
	assert.ElementsMatch(t, all.Concepts, byName.Concepts)
}

// TestBuildDeterministic builds the release of one CDR twice with the same
// noise key: every file but the manifest (which has the build time) is the
// same bytes.
func TestBuildDeterministic(t *testing.T) {
	f := smallCDR(t)
	key := []byte("a key of thirty-two bytes, made up")
	for _, tc := range []struct {
		name string
		cfg  public.Config
	}{
		{"keyed", public.Config{Noise: public.NoiseConfig{Mechanism: public.NoiseKeyed, Max: 15}}.WithKey(key)},
		{"laplace", public.Config{Noise: public.NoiseConfig{Mechanism: public.NoiseLaplace, Epsilon: 0.5}}.WithKey(key)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dirs := [2]string{filepath.Join(t.TempDir(), "one"), filepath.Join(t.TempDir(), "two")}
			var ms [2]public.Manifest
			for i, d := range dirs {
				var err error
				ms[i], err = public.Build(ctx, source(f.cdr, f.info), d, tc.cfg, nil)
				require.NoError(t, err)
			}
			files, err := filepath.Glob(filepath.Join(dirs[0], "*.parquet"))
			require.NoError(t, err)
			require.Len(t, files, 6)
			for _, a := range files {
				x, err := os.ReadFile(a)
				require.NoError(t, err)
				y, err := os.ReadFile(filepath.Join(dirs[1], filepath.Base(a)))
				require.NoError(t, err)
				assert.True(t, bytes.Equal(x, y), "%s differs between two builds", filepath.Base(a))
			}
			assert.Equal(t, ms[0].Rows, ms[1].Rows)
			if tc.cfg.Noise.Mechanism == public.NoiseLaplace {
				require.NotNil(t, ms[0].Budget)
				assert.Positive(t, ms[0].Budget.CellsPerPerson)
				assert.InDelta(t, 0.5*float64(ms[0].Budget.CellsPerPerson), ms[0].Budget.TotalEpsilon, 1e-9)
			}
			_, err = public.Open(dirs[0])
			require.NoError(t, err)
		})
	}
}

func TestBuildRefusesAForeignFolder(t *testing.T) {
	f := smallCDR(t)
	out := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644))
	_, err := public.Build(context.Background(), source(f.cdr, f.info), out, public.Config{}, nil)
	require.ErrorIs(t, err, public.ErrInvalid)
	assert.FileExists(t, filepath.Join(out, "notes.txt"))
}
