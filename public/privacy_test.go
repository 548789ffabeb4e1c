package public_test

// The privacy attack suite: an anonymous user's attacks on the release's
// API (everything a public server can answer comes from these methods),
// on a synthetic CDR where most cells hold 1 to 19 persons. What each
// attack learned is written in docs/privacy.md.

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/public"
)

// answers is every answer the API gives on the release, by a name of the
// call: every survey and question, every concept page, searches in every
// domain and sort, top concepts, demographics of every scope.
func answers(t *testing.T, r *public.Release) map[string]any {
	t.Helper()
	out := map[string]any{"manifest": r.Manifest(), "totals": r.Totals()}
	for _, s := range public.Scopes {
		d, err := r.Demographics(s.ID)
		require.NoError(t, err)
		out["demographics "+s.ID] = d
	}
	all, err := r.Search(public.Query{Limit: 1000})
	require.NoError(t, err)
	for off := 0; off < all.Total; off += 1000 {
		for _, sort := range []string{public.SortCount, public.SortName} {
			p, err := r.Search(public.Query{Offset: off, Limit: 1000, Sort: sort})
			require.NoError(t, err)
			out[fmt.Sprintf("search %s %d", sort, off)] = p
			if sort == public.SortCount {
				for _, c := range p.Concepts {
					page, err := r.Concept(c.ID)
					require.NoError(t, err)
					out[fmt.Sprintf("concept %d", c.ID)] = page
				}
			}
		}
	}
	for _, d := range public.Domains {
		top, err := r.TopConcepts(d.ID, 100)
		require.NoError(t, err)
		out["top "+d.ID] = top
	}
	out["domains"] = r.Domains("")
	for _, s := range r.Surveys() {
		sv, err := r.Survey(s.ID)
		require.NoError(t, err)
		out[fmt.Sprintf("survey %d", s.ID)] = sv
		for _, q := range sv.QuestionList {
			qq, err := r.Question(q.ID)
			require.NoError(t, err)
			out[fmt.Sprintf("question %d", q.ID)] = qq
		}
	}
	return out
}

// releasedNumbers walks the JSON of v and calls f with every released
// number (an object with "count") and its path.
func releasedNumbers(t *testing.T, v any, f func(path string, count float64, atMost bool)) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var tree any
	require.NoError(t, json.Unmarshal(b, &tree))
	var walk func(path string, x any)
	walk = func(path string, x any) {
		switch x := x.(type) {
		case map[string]any:
			if c, ok := x["count"].(float64); ok {
				atMost, _ := x["at_most"].(bool)
				f(path, c, atMost)
			}
			for k, v := range x {
				walk(path+"."+k, v)
			}
		case []any:
			for i, v := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), v)
			}
		}
	}
	walk("", tree)
}

// TestEveryNumberReleased reads every number of every answer: 0, "<= 20",
// or a multiple of 20 above it; and no key anywhere names a person.
func TestEveryNumberReleased(t *testing.T) {
	f := smallCDR(t)
	small := f.column(t, "SELECT concept_id FROM concept_counts WHERE rollup_person_count BETWEEN 1 AND 19")
	require.Greater(t, len(small), 200, "the CDR has many small cells")
	seen := 0
	for name, a := range answers(t, f.release) {
		releasedNumbers(t, a, func(path string, c float64, atMost bool) {
			seen++
			ok := c == 0 && !atMost || c == 20 && atMost || c > 20 && int64(c)%20 == 0 && !atMost
			assert.True(t, ok, "%s%s: %v (at most %v) is not a released number", name, path, c, atMost)
		})
		b, err := json.Marshal(a)
		require.NoError(t, err)
		assert.NotContains(t, strings.ToLower(string(b)), "person_id", name)
	}
	assert.Greater(t, seen, 10000)
}

// TestNoAveraging asks for every concept by every route the API has
// (searches by words, reworded, by code, by id, in its domain, both sorts,
// top lists, as parent, child, source code of others): every answer gives
// it the same numbers, so there is nothing to average.
func TestNoAveraging(t *testing.T) {
	r := smallCDR(t).release
	type nums struct{ count, rollup access.Released }
	seen := map[int64]nums{}
	check := func(route string, cs []public.Concept) {
		for _, c := range cs {
			n := nums{c.Count, c.CountWithDescendants}
			if old, ok := seen[c.ID]; ok {
				require.Equal(t, old, n, "concept %d by %s", c.ID, route)
			}
			seen[c.ID] = n
		}
	}
	all, err := r.Search(public.Query{Limit: 1000})
	require.NoError(t, err)
	for off := 0; off < all.Total; off += 1000 {
		p, err := r.Search(public.Query{Offset: off, Limit: 1000})
		require.NoError(t, err)
		for _, c := range p.Concepts {
			words := strings.Fields(c.Name)
			for _, q := range []public.Query{
				{Text: c.Name}, {Text: strings.ToUpper(c.Name)}, {Text: c.Code}, {Text: fmt.Sprint(c.ID)},
				{Text: words[len(words)-1], Domain: c.Domain, Sort: public.SortName, Limit: 1000},
			} {
				res, err := r.Search(q)
				require.NoError(t, err)
				check(fmt.Sprintf("search %+v", q), res.Concepts)
			}
			page, err := r.Concept(c.ID)
			require.NoError(t, err)
			check("concept page", []public.Concept{page.Concept})
			check("parents", page.Parents)
			check("children", page.Children)
			check("source codes", page.SourceCodes)
			check("maps to", page.MapsTo)
		}
	}
	for _, d := range public.Domains {
		top, err := r.TopConcepts(d.ID, 100)
		require.NoError(t, err)
		check("top", top)
	}
	assert.Equal(t, all.Total, len(seen))
}

// TestRanking checks that every list is ordered by released numbers, then
// by concept id (or by name, then id): among concepts shown alike, the
// order says nothing about their true counts.
func TestRanking(t *testing.T) {
	r := smallCDR(t).release
	sorted := func(name string, cs []public.Concept, key func(public.Concept) []int64) {
		for i := 1; i < len(cs); i++ {
			a, b := key(cs[i-1]), key(cs[i])
			require.LessOrEqual(t, slices.Compare(a, b), 0, "%s: %d before %d", name, cs[i-1].ID, cs[i].ID)
		}
	}
	byCount := func(c public.Concept) []int64 {
		return []int64{-c.CountWithDescendants.Value(), -c.Count.Value(), c.ID}
	}
	ties := 0
	for _, d := range public.Domains {
		res, err := r.Search(public.Query{Domain: d.ID, Limit: 1000})
		require.NoError(t, err)
		sorted("search "+d.ID, res.Concepts, byCount)
		top, err := r.TopConcepts(d.ID, 100)
		require.NoError(t, err)
		sorted("top "+d.ID, top, func(c public.Concept) []int64 { return []int64{-c.Count.Value(), c.ID} })
		for i := 1; i < len(res.Concepts); i++ {
			if res.Concepts[i].CountWithDescendants.AtMost() && res.Concepts[i-1].CountWithDescendants.AtMost() {
				ties++
			}
		}
		for _, c := range res.Concepts {
			page, err := r.Concept(c.ID)
			require.NoError(t, err)
			sorted("children", page.Children, byCount)
			sorted("parents", page.Parents, byCount)
		}
	}
	assert.Greater(t, ties, 100, "many concepts are shown as <= 20 side by side")
}

// interval is what a released number says of the true count: from lo to
// hi. With noise it says less; these bounds are those without noise, the
// attacker's best case.
func interval(r access.Released, bin int64) (lo, hi int64) {
	switch {
	case r.AtMost():
		return 0, r.Value() // 0 and 1-19 look the same
	case r.Value() == 0:
		return 0, 0
	}
	return r.Value() - bin + 1, r.Value()
}

// TestDifferencing combines every pair of released numbers where one
// counts a subset of the other's persons (a concept's count and its count
// with descendants, a parent's and a child's, a breakdown's total and its
// groups, all participants and a data type's, a question and its
// answers), and every breakdown's groups with its total: the bounds that
// the attacker derives for a cell shown as "<= 20" never pin its count
// down to one value, and a concept of 1-20 persons has no breakdown. The
// narrowest bounds and the cells proven non-empty are logged (see
// docs/privacy.md): rounding every group up lets the sum narrow a small
// group's bounds a little.
func TestDifferencing(t *testing.T) {
	f := smallCDR(t)
	r := f.release
	const bin = 20
	narrowest, nonEmpty, smallCells := int64(1<<62), 0, 0
	derive := func(name string, total access.Released, groups []access.PublicCount) {
		tlo, thi := interval(total, bin)
		var slo, shi int64
		for _, g := range groups {
			lo, hi := interval(g.Count, bin)
			slo, shi = slo+lo, shi+hi
		}
		for _, g := range groups {
			if !g.Count.AtMost() {
				continue
			}
			lo, hi := interval(g.Count, bin)
			// The group is the total minus the others.
			dlo, dhi := max(lo, tlo-(shi-hi)), min(hi, thi-(slo-lo))
			smallCells++
			narrowest = min(narrowest, dhi-dlo+1)
			if dlo > 0 {
				nonEmpty++
			}
			require.Greater(t, dhi, dlo, "%s: group %s pinned to %d", name, g.Label, dlo)
		}
	}
	// A part within a whole: the attacker bounds the difference, the
	// persons counted by the whole only.
	pair := func(name string, whole, part access.Released) {
		wlo, whi := interval(whole, bin)
		plo, phi := interval(part, bin)
		dlo, dhi := max(0, wlo-phi), whi-plo
		if dhi <= 20 {
			smallCells++
			narrowest = min(narrowest, dhi-dlo+1)
			require.Greater(t, dhi, dlo, "%s: the difference pinned to %d", name, dlo)
		}
	}
	all, err := r.Search(public.Query{Limit: 1000})
	require.NoError(t, err)
	smallRollup := map[int64]bool{}
	for _, id := range f.column(t, "SELECT concept_id FROM concept_counts WHERE rollup_person_count BETWEEN 1 AND 20") {
		smallRollup[id] = true
	}
	breakdowns := 0
	for off := 0; off < all.Total; off += 1000 {
		p, err := r.Search(public.Query{Offset: off, Limit: 1000})
		require.NoError(t, err)
		for _, c := range p.Concepts {
			page, err := r.Concept(c.ID)
			require.NoError(t, err)
			pair(fmt.Sprintf("concept %d: count within count with descendants", c.ID), c.CountWithDescendants, c.Count)
			for _, ch := range page.Children {
				pair(fmt.Sprintf("concept %d: child %d", c.ID, ch.ID), c.CountWithDescendants, ch.CountWithDescendants)
			}
			for _, b := range []*access.PublicBreakdown{page.SexAtBirth, page.Age} {
				if b == nil {
					continue
				}
				breakdowns++
				require.False(t, smallRollup[c.ID], "concept %d of 1-20 persons has a breakdown", c.ID)
				derive(fmt.Sprintf("concept %d by %s", c.ID, b.Label), b.Total, b.Groups)
			}
		}
	}
	for _, s := range public.Scopes {
		d, err := r.Demographics(s.ID)
		require.NoError(t, err)
		pair("participants of "+s.ID, r.Totals().Participants, d.Participants)
		for _, b := range []access.PublicBreakdown{d.SexAtBirth, d.Gender, d.Race, d.Ethnicity, d.Age} {
			derive(s.ID+" by "+b.Label, b.Total, b.Groups)
		}
	}
	for _, s := range r.Surveys() {
		sv, err := r.Survey(s.ID)
		require.NoError(t, err)
		for _, q := range sv.QuestionList {
			for _, a := range q.Answers {
				pair(fmt.Sprintf("question %d answer %d", q.ID, a.ID), q.Participants, a.Count)
				for _, b := range []*access.PublicBreakdown{a.SexAtBirth, a.Age} {
					if b != nil {
						derive(fmt.Sprintf("answer %d by %s", a.ID, b.Label), b.Total, b.Groups)
					}
				}
			}
		}
	}
	assert.Positive(t, breakdowns)
	t.Logf("%d small cells attacked: the narrowest bounds hold %d values; %d proven non-empty", smallCells, narrowest, nonEmpty)
}

// TestBreakdownLabelsFixed checks attribute disclosure: every released
// breakdown of a dimension has the same labels, whatever the persons, so
// which groups are empty is never shown; breakdowns of small totals are
// not released.
func TestBreakdownLabelsFixed(t *testing.T) {
	r := smallCDR(t).release
	labels := map[string][]string{}
	check := func(name string, b *access.PublicBreakdown) {
		if b == nil {
			return
		}
		var ls []string
		for _, g := range b.Groups {
			ls = append(ls, g.Label)
		}
		if want, ok := labels[b.Label]; ok {
			require.Equal(t, want, ls, name)
		}
		labels[b.Label] = ls
		require.False(t, b.Total.AtMost(), "%s: a breakdown of a small total", name)
		require.GreaterOrEqual(t, b.Total.Value(), r.Manifest().Disclosure.MinBreakdownTotal, name)
	}
	all, err := r.Search(public.Query{Limit: 1000})
	require.NoError(t, err)
	for off := 0; off < all.Total; off += 1000 {
		p, err := r.Search(public.Query{Offset: off, Limit: 1000})
		require.NoError(t, err)
		for _, c := range p.Concepts {
			page, err := r.Concept(c.ID)
			require.NoError(t, err)
			check(fmt.Sprint("concept ", c.ID), page.SexAtBirth)
			check(fmt.Sprint("concept ", c.ID), page.Age)
		}
	}
	for _, s := range r.Surveys() {
		sv, err := r.Survey(s.ID)
		require.NoError(t, err)
		for _, q := range sv.QuestionList {
			for _, a := range q.Answers {
				check(fmt.Sprint("answer ", a.ID), a.SexAtBirth)
				check(fmt.Sprint("answer ", a.ID), a.Age)
			}
		}
	}
	assert.Equal(t, public.AgeBins, labels[public.DimAge])
}

// cells flattens a release into its released numbers by a path that names
// the cell (not its place in a list), for comparing two releases.
func cells(t *testing.T, r *public.Release) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, a := range answers(t, r) {
		if name == "manifest" || strings.HasPrefix(name, "search ") || strings.HasPrefix(name, "top ") {
			continue // lists: their cells are the concepts' own, compared below
		}
		releasedNumbers(t, a, func(path string, c float64, atMost bool) {
			for _, l := range []string{".parents[", ".children[", ".source_codes[", ".maps_to["} {
				if strings.Contains(path, l) {
					return // another concept's cells, compared on its own page
				}
			}
			v := fmt.Sprint(c)
			if atMost {
				v = "<= " + v
			}
			out[name+path] = v
		})
	}
	return out
}

// TestNeighbouringCDRs is the strongest attack: two CDRs that differ by
// one person (the one with the most concepts held by 1-19 persons, whose
// rows are written out of the second), both released, every cell
// compared. A cell small in both must be the same; a cell may differ only
// where one side is above the threshold, and then by at most one bin.
func TestNeighbouringCDRs(t *testing.T) {
	f := smallCDR(t)
	person := f.column(t, `SELECT person_id FROM concept_person JOIN concept_counts USING (concept_id)
		WHERE rolled AND rollup_person_count BETWEEN 1 AND 19 GROUP BY person_id ORDER BY count(DISTINCT concept_id) DESC, person_id LIMIT 1`)
	require.Len(t, person, 1)
	touched := f.column(t, fmt.Sprintf(`SELECT count(DISTINCT concept_id) FROM concept_person JOIN concept_counts USING (concept_id)
		WHERE rolled AND rollup_person_count BETWEEN 1 AND 19 AND person_id = %d`, person[0]))
	t.Logf("person %d holds %d concepts of 1-19 persons", person[0], touched[0])
	// The neighbour is indexed once; each config releases both CDRs.
	g := f.withoutPerson(t, filepath.Join(t.TempDir(), "b"), person[0], public.Config{})
	require.Equal(t, []int64{399}, g.column(t, "SELECT count(*) FROM person"))
	for _, tc := range []struct {
		name string
		cfg  public.Config
	}{
		{"no noise", public.Config{}},
		{"keyed noise", public.Config{Noise: public.NoiseConfig{Mechanism: public.NoiseKeyed, Max: 15}}.WithKey([]byte("the key of the neighbour test"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ra, rb := f.release, g.release
			if tc.cfg.Noise.Mechanism != public.NoiseNone {
				ra, rb = f.releaseWith(t, tc.cfg), g.releaseWith(t, tc.cfg)
			}
			compareNeighbours(t, ra, rb)
		})
	}
}

// compareNeighbours compares every cell of the releases of two CDRs that
// differ by one person.
func compareNeighbours(t *testing.T, ra, rb *public.Release) {
	a, b := cells(t, ra), cells(t, rb)
	differ, small := 0, 0
	for k, va := range a {
		vb, ok := b[k]
		if strings.HasPrefix(va, "<=") {
			small++
		}
		if !ok {
			withheld(t, k, va, a)
			continue
		}
		if va == vb {
			continue
		}
		differ++
		require.False(t, strings.HasPrefix(va, "<=") && strings.HasPrefix(vb, "<="), k)
		if strings.HasPrefix(va, "<=") || strings.HasPrefix(vb, "<=") {
			// The other side is above the threshold: its true count is
			// more than 20 (the noise never lifts a count of 20 or less).
			other := strings.TrimSpace(strings.Replace(va+" "+vb, "<= 20", "", 1))
			assert.NotEqual(t, "0", other, "%s: %s and %s", k, va, vb)
		}
	}
	for k, vb := range b {
		if _, ok := a[k]; !ok {
			withheld(t, k, vb, b)
		}
	}
	// The edges of the histograms are chosen from the values: one person
	// must not move them.
	for _, d := range []string{public.DomainMeasurement, public.DomainPhysicalMeasurement} {
		res, err := ra.Search(public.Query{Domain: d, Limit: 1000})
		require.NoError(t, err)
		for _, c := range res.Concepts {
			for _, h := range ra.Histograms(c.ID) {
				for _, hb := range rb.Histograms(c.ID) {
					if hb.UnitID == h.UnitID && hb.SexAtBirth == h.SexAtBirth {
						for i := range h.Bins {
							assert.Equal(t, h.Bins[i].Low, hb.Bins[i].Low, "concept %d: edges", c.ID)
						}
					}
				}
			}
		}
	}
	t.Logf("%d cells, %d shown as <= 20; %d differ, every one above the threshold on one side", len(a), small, differ)
	assert.Greater(t, small, 1000)
}

// withheld checks a cell k (of value v) of release cells that the other
// release lacks: it must be part of a breakdown or histogram released on
// this side only, which happens when its total is at or above the
// minimum for breakdowns here and under it there, a decision on a count
// above the threshold (without noise, the total here is exactly the
// minimum).
func withheld(t *testing.T, k, v string, cells map[string]string) {
	t.Helper()
	total := v
	if !strings.HasSuffix(k, ".total") {
		i := strings.Index(k, ".groups[")
		if i < 0 {
			i = strings.Index(k, ".bins[")
		}
		require.GreaterOrEqual(t, i, 0, "%s is %s in one release and missing in the other", k, v)
		total = cells[k[:i]+".total"]
	}
	n, err := strconv.Atoi(total)
	require.NoError(t, err, "%s is %s in one release and missing in the other, its total is %s", k, v, total)
	assert.GreaterOrEqual(t, n, 100, "%s is %s in one release and missing in the other, its total is %s", k, v, total)
}
