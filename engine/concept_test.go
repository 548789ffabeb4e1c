//go:build cgo

package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/testcdr"
)

// indexedGiBleed opens the shared indexed copy of the Eunomia GiBleed
// CDR; it is closed when the test ends.
func indexedGiBleed(t testing.TB) *cdr.CDR {
	t.Helper()
	if testing.Short() {
		t.Skip("indexes GiBleed")
	}
	c, err := cdr.Open(context.Background(), testcdr.GiBleed(t), cdr.Options{Threads: 2})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// ids returns the concept ids of cs, in order.
func ids(cs []engine.Concept) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// column returns the int64s the query selects, sorted.
func column(t *testing.T, c *cdr.CDR, q string, args ...any) []int64 {
	t.Helper()
	rows, err := c.DB().QueryContext(context.Background(), q, args...)
	require.NoError(t, err)
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var v int64
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	slices.Sort(out)
	return out
}

// TestConceptsGiBleed searches the vocabulary of the indexed GiBleed CDR,
// walks its hierarchy and expands concept sets, checking counts against
// the published person counts (GROUND_TRUTH.md) and the hierarchy against
// concept_ancestor.
func TestConceptsGiBleed(t *testing.T) {
	ctx := context.Background()
	c := indexedGiBleed(t)
	info, ok := c.Index()
	require.True(t, ok)
	e, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)

	search := func(t *testing.T, s engine.ConceptSearch) []engine.Concept {
		t.Helper()
		cs, err := e.SearchConcepts(ctx, s)
		require.NoError(t, err)
		return cs
	}
	// The fracture conditions of GiBleed, ranked: names that start with
	// "fracture" first, then by persons with the concept or a descendant.
	fractures := []int64{4278672, 4237458, 4134304, 4059173, 4142905, 4048695, 4066995, 4230399, 40480160}

	t.Run("words", func(t *testing.T) {
		got := search(t, engine.ConceptSearch{Query: "fracture"})
		assert.Equal(t, fractures, ids(got))
		i := slices.IndexFunc(got, func(c engine.Concept) bool { return c.ID == 4134304 })
		require.GreaterOrEqual(t, i, 0)
		assert.Equal(t, engine.Concept{
			ID: 4134304, Name: "Fracture subluxation of wrist", DomainID: "Condition", VocabularyID: "SNOMED",
			ClassID: "Clinical Finding", StandardConcept: "S", Code: "263102004", PersonCount: 442, RollupPersonCount: 442,
		}, got[i])
		assert.Equal(t, int64(56), got[len(got)-1].RollupPersonCount, "40480160 as published")

		assert.Equal(t, []int64{4134304}, ids(search(t, engine.ConceptSearch{Query: "  WRIST   fracture "})), "every word, any order, any case")
		assert.Empty(t, search(t, engine.ConceptSearch{Query: "wrist ankle"}))
	})
	t.Run("code and id", func(t *testing.T) {
		assert.Equal(t, []int64{4230399}, ids(search(t, engine.ConceptSearch{Query: "359817006"})), "Closed fracture of hip by its SNOMED code")
		got := search(t, engine.ConceptSearch{Query: "4134304"})
		require.NotEmpty(t, got)
		assert.Equal(t, int64(4134304), got[0].ID)
		assert.Empty(t, search(t, engine.ConceptSearch{Query: "35981700"}), "a code matches exactly")
	})
	t.Run("wildcards are literal", func(t *testing.T) {
		all := search(t, engine.ConceptSearch{Limit: 5})
		require.Len(t, all, 5)
		for _, q := range []string{"%", "_", `\`, "fract%", "fr_cture"} {
			for _, c := range search(t, engine.ConceptSearch{Query: q}) {
				assert.Contains(t, strings.ToLower(c.Name+" "+c.Code), strings.ToLower(q), q)
			}
		}
	})
	t.Run("filters", func(t *testing.T) {
		assert.Equal(t, fractures, ids(search(t, engine.ConceptSearch{Query: "fracture", Domain: "CONDITION", Vocabulary: "snomed"})))
		assert.Empty(t, search(t, engine.ConceptSearch{Query: "fracture", Domain: "Drug"}))
		assert.Empty(t, search(t, engine.ConceptSearch{Query: "fracture", Vocabulary: "RxNorm"}))
		drugs := search(t, engine.ConceptSearch{Domain: "drug", Limit: 1000})
		require.NotEmpty(t, drugs)
		for _, d := range drugs {
			assert.Equal(t, "Drug", d.DomainID)
		}
		std, nonStd := true, false
		celecoxib := search(t, engine.ConceptSearch{Query: "celecoxib", Standard: &std})
		assert.Contains(t, ids(celecoxib), int64(1118084))
		assert.Equal(t, int64(1844), celecoxib[0].RollupPersonCount, "the ingredient, with every drug containing it, as published")
		for _, c := range celecoxib {
			assert.Equal(t, "S", c.StandardConcept)
		}
		for _, c := range search(t, engine.ConceptSearch{Standard: &nonStd, Limit: 1000}) {
			assert.NotEqual(t, "S", c.StandardConcept)
		}
	})
	t.Run("paging", func(t *testing.T) {
		assert.Equal(t, fractures[3:6], ids(search(t, engine.ConceptSearch{Query: "fracture", Limit: 3, Offset: 3})))
		assert.Empty(t, search(t, engine.ConceptSearch{Query: "fracture", Offset: 100}))
	})
	t.Run("invalid", func(t *testing.T) {
		_, err := e.SearchConcepts(ctx, engine.ConceptSearch{Query: "fracture", Limit: 5000})
		assert.ErrorIs(t, err, cohort.ErrInvalid)
	})
	t.Run("parents and children", func(t *testing.T) {
		direct := func(col, other string, id int64) []int64 {
			return column(t, c, "SELECT a."+col+" FROM concept_ancestor a JOIN concept c ON c.concept_id = a."+col+
				" WHERE a."+other+" = ? AND a.min_levels_of_separation = 1 AND a.ancestor_concept_id <> a.descendant_concept_id", id)
		}
		// Osteoporosis > pathological fracture; donepezil > its drugs; a
		// wrist fracture without relatives in GiBleed's vocabulary.
		for _, id := range []int64{80502, 40480160, 715997, 40223774, 1118084, 4134304} {
			parents, err := e.Parents(ctx, id)
			require.NoError(t, err)
			children, err := e.Children(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, direct("ancestor_concept_id", "descendant_concept_id", id), sorted(ids(parents)), "parents of %d", id)
			assert.Equal(t, direct("descendant_concept_id", "ancestor_concept_id", id), sorted(ids(children)), "children of %d", id)
		}
		parents, err := e.Parents(ctx, 40480160)
		require.NoError(t, err)
		require.Len(t, parents, 1)
		assert.Equal(t, "Osteoporosis", parents[0].Name)
		assert.GreaterOrEqual(t, parents[0].RollupPersonCount, int64(56))
	})
	t.Run("source hierarchy", func(t *testing.T) {
		// ICD10CM K92 subsumes K92.2, which concept_ancestor leaves out.
		parents, err := e.Parents(ctx, 35208414)
		require.NoError(t, err)
		assert.Equal(t, []int64{1569708}, ids(parents))
		children, err := e.Children(ctx, 1569708)
		require.NoError(t, err)
		assert.Equal(t, []int64{35208414}, ids(children))
		assert.Equal(t, int64(479), children[0].PersonCount)

		k92 := search(t, engine.ConceptSearch{Query: "K92", Vocabulary: "ICD10CM"})
		require.Len(t, k92, 1)
		assert.Equal(t, engine.Concept{
			ID: 1569708, Name: "Other diseases of digestive system", DomainID: "Condition", VocabularyID: "ICD10CM",
			ClassID: "3-char nonbill code", Code: "K92", PersonCount: 0, RollupPersonCount: 479,
		}, k92[0])

		got, err := e.ExpandConceptSet(ctx, &cohort.ConceptSet{Name: "K92", Items: []cohort.ConceptSetItem{{ConceptID: 1569708, IncludeDescendants: true}}})
		require.NoError(t, err)
		assert.Equal(t, []int64{1569708, 35208414}, got)
	})
	t.Run("expand", func(t *testing.T) {
		desc := func(id int64) []int64 {
			return column(t, c, "SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = ? UNION SELECT concept_id FROM concept WHERE concept_id = ?", id, id)
		}
		donepezil := desc(715997)
		require.Contains(t, donepezil, int64(45892894))
		require.Contains(t, donepezil, int64(40223774))
		var want []int64
		for _, id := range donepezil {
			if id != 45892894 && !slices.Contains(desc(40223774), id) {
				want = append(want, id)
			}
		}
		require.Greater(t, len(want), 1)
		got, err := e.ExpandConceptSet(ctx, &cohort.ConceptSet{Name: "donepezil alone", Items: []cohort.ConceptSetItem{
			{ConceptID: 715997, IncludeDescendants: true},
			{ConceptID: 45892894, Exclude: true},                           // with memantine
			{ConceptID: 40223774, Exclude: true, IncludeDescendants: true}, // Aricept 23 MG and its packs
			{ConceptID: 4134304},
		}})
		require.NoError(t, err)
		assert.Equal(t, sorted(append(want, 4134304)), got)

		got, err = e.ExpandConceptSet(ctx, &cohort.ConceptSet{Name: "no descendants", Items: []cohort.ConceptSetItem{{ConceptID: 715997}, {ConceptID: 999999999}}})
		require.NoError(t, err)
		assert.Equal(t, []int64{715997}, got, "a concept alone; one missing from the vocabulary is nothing")

		_, err = e.ExpandConceptSet(ctx, &cohort.ConceptSet{Name: "bad", Items: []cohort.ConceptSetItem{{ConceptID: -1}}})
		assert.ErrorIs(t, err, cohort.ErrInvalid)
	})
	t.Run("not found", func(t *testing.T) {
		_, err := e.Concept(ctx, 999999999)
		assert.ErrorIs(t, err, engine.ErrNotFound)
		assert.EqualError(t, err, "engine: not found: concept 999999999")
		_, err = e.Parents(ctx, 999999999)
		assert.ErrorIs(t, err, engine.ErrNotFound)
		_, err = e.Children(ctx, 999999999)
		assert.ErrorIs(t, err, engine.ErrNotFound)
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := e.SearchConcepts(cctx, engine.ConceptSearch{Query: "never run before"})
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func sorted(s []int64) []int64 {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// BenchmarkSearchConcepts runs searches the Concept Set Selector sends, on
// the CDR of -bench.cdr, each on a fresh cache, and reports their median
// time (p50-ms). For example:
//
//	go test ./engine -run '^$' -bench SearchConcepts -benchtime 50x -bench.cdr /tmp/bench/100k
func BenchmarkSearchConcepts(b *testing.B) {
	ctx := context.Background()
	c, info := openBenchCDR(b)
	std := true
	searches := []struct {
		name string
		s    engine.ConceptSearch
	}{
		{"word", engine.ConceptSearch{Query: "fracture"}},
		{"two words", engine.ConceptSearch{Query: "mellitus diabetes"}},
		{"prefix of a word", engine.ConceptSearch{Query: "hypert"}},
		{"code", engine.ConceptSearch{Query: "E11.1"}},
		{"id", engine.ConceptSearch{Query: "201826"}},
		{"filtered", engine.ConceptSearch{Query: "disorder", Domain: "condition", Vocabulary: "snomed", Standard: &std}},
		{"domain by count", engine.ConceptSearch{Domain: "Condition", Limit: 100}},
	}
	for _, bs := range searches {
		b.Run(bs.name, func(b *testing.B) {
			var ds durations
			var n int
			for b.Loop() {
				e, err := engine.New(c.DB(), info.VersionID, engine.Options{}) // a fresh cache
				require.NoError(b, err)
				start := time.Now()
				found, err := e.SearchConcepts(ctx, bs.s)
				ds = append(ds, time.Since(start))
				require.NoError(b, err)
				n = len(found)
			}
			ds.report(b)
			b.ReportMetric(float64(n), "concepts")
		})
	}
}
