package public

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/openworkbench/workbench/access"
)

// Release is a public release held in memory: every answer of the public
// pages, read from the release's files alone, with no row-level data and
// no database. It is safe for concurrent use; its methods return copies.
type Release struct {
	manifest  Manifest
	concepts  []Concept // by concept id
	lower     []string  // lower-case names, by row of concepts
	byID      map[int64]int
	parents   map[int64][]int64
	children  map[int64][]int64
	sources   map[int64][]int64 // standard -> source concepts
	mapsTo    map[int64][]int64 // source -> standard concepts
	breakdown map[cellKey]*access.PublicBreakdown
	cells     map[cellKey]access.Released // totals of participants, domains, answers
	hists     map[int64][]Histogram
	surveys   []Survey
	questions map[int64]*Question
}

// cellKey finds the breakdowns and cells of cells.parquet.
type cellKey struct {
	subject    string
	id, subID  int64
	scope, dim string
}

// Open reads the release in dir.
func Open(dir string) (*Release, error) {
	mb, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return nil, fmt.Errorf("public: open: %w", err)
	}
	r := &Release{byID: map[int64]int{}, parents: map[int64][]int64{}, children: map[int64][]int64{},
		sources: map[int64][]int64{}, mapsTo: map[int64][]int64{}, breakdown: map[cellKey]*access.PublicBreakdown{},
		cells: map[cellKey]access.Released{}, hists: map[int64][]Histogram{}, questions: map[int64]*Question{}}
	if err := json.Unmarshal(mb, &r.manifest); err != nil {
		return nil, fmt.Errorf("public: open: %s: %w", manifestFile, err)
	}
	if r.manifest.Format != Format {
		return nil, fmt.Errorf("%w: open: release format %d, this version reads %d: build it again", ErrInvalid, r.manifest.Format, Format)
	}
	for _, step := range []struct {
		file string
		load func(map[string]column, int) error
	}{
		{conceptsFile, r.loadConcepts},
		{cellsFile, r.loadCells},
		{hierarchyFile, r.loadHierarchy},
		{sourceCodesFile, r.loadSources},
		{histogramsFile, r.loadHistograms},
		{surveysFile, r.loadSurveys},
	} {
		cols, n, err := readTable(filepath.Join(dir, step.file))
		if err != nil {
			return nil, err
		}
		if err := step.load(cols, n); err != nil {
			return nil, fmt.Errorf("public: open: %s: %w", step.file, err)
		}
	}
	return r, nil
}

// released rebuilds a stored number, refusing one no disclosure could
// have released (a file that was tampered with or is not a release).
func released(count int64, atMost bool) (access.Released, error) {
	return access.ParseReleased(count, atMost)
}

func (r *Release) loadConcepts(c map[string]column, n int) error {
	r.concepts = make([]Concept, n)
	r.lower = make([]string, n)
	for i := range n {
		count, err := released(c["count"].ints[i], c["count_at_most"].bools[i])
		if err != nil {
			return err
		}
		rollup, err := released(c["rollup"].ints[i], c["rollup_at_most"].bools[i])
		if err != nil {
			return err
		}
		r.concepts[i] = Concept{ID: c["concept_id"].ints[i], Name: c["name"].strs[i], Code: c["code"].strs[i],
			Vocabulary: c["vocabulary"].strs[i], Class: c["concept_class"].strs[i], Domain: c["domain"].strs[i],
			Standard: c["standard"].bools[i], Count: count, CountWithDescendants: rollup}
		r.lower[i] = strings.ToLower(r.concepts[i].Name)
		r.byID[r.concepts[i].ID] = i
	}
	return nil
}

func (r *Release) loadCells(c map[string]column, n int) error {
	for i := range n {
		v, err := released(c["count"].ints[i], c["at_most"].bools[i])
		if err != nil {
			return err
		}
		k := cellKey{c["subject"].strs[i], c["id"].ints[i], c["sub_id"].ints[i], c["scope"].strs[i], c["dimension"].strs[i]}
		if k.dim == "" {
			r.cells[k] = v
			continue
		}
		b := r.breakdown[k]
		if b == nil {
			total := r.cells[cellKey{k.subject, k.id, k.subID, k.scope, ""}]
			if k.subject == subjectConcept {
				total = r.concepts[r.byID[k.id]].CountWithDescendants
			}
			b = &access.PublicBreakdown{Label: k.dim, Total: total}
			r.breakdown[k] = b
		}
		b.Groups = append(b.Groups, access.PublicCount{Label: c["label"].strs[i], Count: v, Share: access.Share(v, b.Total)})
	}
	return nil
}

func (r *Release) loadHierarchy(c map[string]column, n int) error {
	for i := range n {
		p, ch := c["parent_id"].ints[i], c["child_id"].ints[i]
		r.children[p] = append(r.children[p], ch)
		r.parents[ch] = append(r.parents[ch], p)
	}
	return nil
}

func (r *Release) loadSources(c map[string]column, n int) error {
	for i := range n {
		std, src := c["concept_id"].ints[i], c["source_concept_id"].ints[i]
		r.sources[std] = append(r.sources[std], src)
		r.mapsTo[src] = append(r.mapsTo[src], std)
	}
	return nil
}

func (r *Release) loadHistograms(c map[string]column, n int) error {
	for i := range n {
		v, err := released(c["count"].ints[i], c["at_most"].bools[i])
		if err != nil {
			return err
		}
		id, unit, sex := c["concept_id"].ints[i], c["unit_concept_id"].ints[i], c["sex_at_birth"].strs[i]
		hs := r.hists[id]
		if len(hs) == 0 || hs[len(hs)-1].UnitID != unit || hs[len(hs)-1].SexAtBirth != sex {
			hs = append(hs, Histogram{ConceptID: id, UnitID: unit, Unit: c["unit"].strs[i], SexAtBirth: sex})
		}
		h := &hs[len(hs)-1]
		if c["bin"].ints[i] < 0 {
			h.Total = v
		} else {
			b := Bin{Count: v}
			if c["has_low"].bools[i] {
				b.Low = &c["low"].floats[i]
			}
			if c["has_high"].bools[i] {
				b.High = &c["high"].floats[i]
			}
			h.Bins = append(h.Bins, b)
		}
		r.hists[id] = hs
	}
	return nil
}

func (r *Release) loadSurveys(c map[string]column, n int) error {
	for i := range n {
		sid, qid, aid := c["survey_id"].ints[i], c["question_id"].ints[i], c["answer_id"].ints[i]
		if len(r.surveys) == 0 || r.surveys[len(r.surveys)-1].ID != sid {
			name := c["survey_name"].strs[i]
			r.surveys = append(r.surveys, Survey{SurveySummary: SurveySummary{ID: sid, Name: name, Participants: r.concept(sid).CountWithDescendants}})
		}
		s := &r.surveys[len(r.surveys)-1]
		if len(s.QuestionList) == 0 || s.QuestionList[len(s.QuestionList)-1].ID != qid {
			q := r.concept(qid)
			s.QuestionList = append(s.QuestionList, Question{ID: qid, SurveyID: sid, Text: q.Name, Code: q.Code, Participants: q.Count, Answers: []Answer{}})
			s.Questions++
		}
		if aid == 0 {
			continue
		}
		q := &s.QuestionList[len(s.QuestionList)-1]
		a := Answer{ID: aid, Text: c["answer"].strs[i], Count: r.cells[cellKey{subjectAnswer, qid, aid, "", ""}]}
		a.Share = access.Share(a.Count, q.Participants)
		a.SexAtBirth = r.breakdown[cellKey{subjectAnswer, qid, aid, "", DimSexAtBirth}]
		a.Age = r.breakdown[cellKey{subjectAnswer, qid, aid, "", DimAge}]
		q.Answers = append(q.Answers, a)
	}
	for i := range r.surveys {
		for j := range r.surveys[i].QuestionList {
			q := &r.surveys[i].QuestionList[j]
			r.questions[q.ID] = q
		}
	}
	return nil
}

// concept is the concept of id, or an empty one.
func (r *Release) concept(id int64) Concept {
	if i, ok := r.byID[id]; ok {
		return r.concepts[i]
	}
	return Concept{ID: id}
}

// Manifest returns the release's manifest.
func (r *Release) Manifest() Manifest {
	m := r.manifest
	m.Rows = make(map[string]int, len(r.manifest.Rows))
	for k, v := range r.manifest.Rows {
		m.Rows[k] = v
	}
	m.Disclosure.AgeBins = slices.Clone(m.Disclosure.AgeBins)
	return m
}

// Totals returns the number of participants and of those with each type
// of data.
func (r *Release) Totals() Totals {
	all := r.cells[cellKey{subjectParticipants, 0, 0, ScopeAll, ""}]
	t := Totals{Participants: all}
	for _, s := range Scopes[1:] {
		v := r.cells[cellKey{subjectParticipants, 0, 0, s.ID, ""}]
		t.ByDataType = append(t.ByDataType, access.PublicCount{Label: s.Label, Count: v, Share: access.Share(v, all)})
	}
	return t
}

// Demographics returns the participants of a scope (ScopeAll when empty,
// ScopeEHR, ScopeSurvey, ScopePhysicalMeasurement) by sex at birth,
// gender, race, ethnicity and age. A breakdown withheld for a small scope
// has no groups.
func (r *Release) Demographics(scope string) (Demographics, error) {
	if scope == "" {
		scope = ScopeAll
	}
	if !slices.ContainsFunc(Scopes, func(s struct{ ID, Label string }) bool { return s.ID == scope }) {
		return Demographics{}, fmt.Errorf("%w: demographics: scope %q is not all, ehr, survey or physical_measurement", ErrInvalid, scope)
	}
	total := r.cells[cellKey{subjectParticipants, 0, 0, scope, ""}]
	get := func(dim string) access.PublicBreakdown {
		if b := r.breakdown[cellKey{subjectParticipants, 0, 0, scope, dim}]; b != nil {
			return clone(b)
		}
		return access.PublicBreakdown{Label: dim, Total: total, Groups: []access.PublicCount{}}
	}
	return Demographics{Scope: scope, Participants: total, SexAtBirth: get(DimSexAtBirth), Gender: get(DimGender),
		Race: get(DimRace), Ethnicity: get(DimEthnicity), Age: get(DimAge)}, nil
}

func clone(b *access.PublicBreakdown) access.PublicBreakdown {
	c := *b
	c.Groups = slices.Clone(b.Groups)
	return c
}

func clonePtr(b *access.PublicBreakdown) *access.PublicBreakdown {
	if b == nil {
		return nil
	}
	c := clone(b)
	return &c
}

// byCount orders concepts by released count with descendants, then
// released count, largest first, then by id: released numbers only, so
// that an order never tells apart cells released alike.
func byCount(a, b Concept) int {
	return cmp.Or(
		cmp.Compare(b.CountWithDescendants.Value(), a.CountWithDescendants.Value()),
		cmp.Compare(b.Count.Value(), a.Count.Value()),
		cmp.Compare(a.ID, b.ID))
}

// match finds the rows of concepts that q's text matches: every word in
// the name, or the text as a code or a concept id.
func (r *Release) match(text, domain string, keep func(i int)) {
	words := strings.Fields(strings.ToLower(text))
	id, idErr := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	for i, c := range r.concepts {
		if domain != "" && c.Domain != domain {
			continue
		}
		ok := true
		for _, w := range words {
			if !strings.Contains(r.lower[i], w) {
				ok = false
				break
			}
		}
		if ok || len(words) == 1 && strings.EqualFold(c.Code, words[0]) || idErr == nil && c.ID == id {
			keep(i)
		}
	}
}

func checkDomain(d string) error {
	if d == "" || slices.ContainsFunc(Domains, func(x struct{ ID, Label string }) bool { return x.ID == d }) {
		return nil
	}
	return fmt.Errorf("%w: domain %q is not a search domain", ErrInvalid, d)
}

// Search returns one page of the concepts that q finds.
func (r *Release) Search(q Query) (SearchResult, error) {
	if err := checkDomain(q.Domain); err != nil {
		return SearchResult{}, fmt.Errorf("public: search: %w", err)
	}
	// By count, or by lower-case name; ties by concept id.
	order := func(a, b int) int { return byCount(r.concepts[a], r.concepts[b]) }
	switch q.Sort {
	case "", SortCount:
	case SortName:
		order = func(a, b int) int {
			return cmp.Or(cmp.Compare(r.lower[a], r.lower[b]), cmp.Compare(r.concepts[a].ID, r.concepts[b].ID))
		}
	default:
		return SearchResult{}, fmt.Errorf("%w: search: sort %q is not count or name", ErrInvalid, q.Sort)
	}
	if q.Offset < 0 || q.Limit < 0 || q.Limit > 1000 {
		return SearchResult{}, fmt.Errorf("%w: search: offset %d, limit %d: want offset >= 0 and limit from 0 to 1000", ErrInvalid, q.Offset, q.Limit)
	}
	limit := cmp.Or(q.Limit, 50)
	// Rows rather than copies of concepts are sorted, by name through the
	// lower-case names held since Open: lowering names in every
	// comparison made a sort by name of thousands of concepts take
	// 100 ms.
	var found []int
	r.match(q.Text, q.Domain, func(i int) { found = append(found, i) })
	slices.SortFunc(found, order)
	rows := found[min(q.Offset, len(found)):min(q.Offset+limit, len(found))]
	page := make([]Concept, len(rows))
	for i, row := range rows {
		page[i] = r.concepts[row]
	}
	return SearchResult{Total: len(found), Concepts: page}, nil
}

// Domains returns, for every search domain in the order of Domains, the
// number of concepts that text finds there and the participants with any
// event of the domain.
func (r *Release) Domains(text string) []DomainResult {
	n := map[string]int{}
	r.match(text, "", func(i int) { n[r.concepts[i].Domain]++ })
	out := make([]DomainResult, len(Domains))
	for i, d := range Domains {
		out[i] = DomainResult{Domain: d.ID, Label: d.Label, Concepts: n[d.ID], Participants: r.cells[cellKey{subjectDomain, 0, 0, d.ID, ""}]}
	}
	return out
}

// Concept returns the concept page of id: ErrNotFound when the concept is
// not in the release.
func (r *Release) Concept(id int64) (ConceptPage, error) {
	i, ok := r.byID[id]
	if !ok {
		return ConceptPage{}, fmt.Errorf("%w: concept %d", ErrNotFound, id)
	}
	list := func(ids []int64) []Concept {
		out := make([]Concept, 0, len(ids))
		for _, id := range ids {
			out = append(out, r.concept(id))
		}
		slices.SortFunc(out, byCount)
		return out
	}
	return ConceptPage{
		Concept:     r.concepts[i],
		SexAtBirth:  clonePtr(r.breakdown[cellKey{subjectConcept, id, 0, "rollup", DimSexAtBirth}]),
		Age:         clonePtr(r.breakdown[cellKey{subjectConcept, id, 0, "rollup", DimAge}]),
		Parents:     list(r.parents[id]),
		Children:    list(r.children[id]),
		SourceCodes: list(r.sources[id]),
		MapsTo:      list(r.mapsTo[id]),
		Histograms:  r.Histograms(id),
	}, nil
}

// Histograms returns the value histograms of a measurement, by unit and
// sex at birth; none for a concept without one.
func (r *Release) Histograms(id int64) []Histogram {
	out := make([]Histogram, len(r.hists[id]))
	for i, h := range r.hists[id] {
		h.Bins = slices.Clone(h.Bins)
		out[i] = h
	}
	return out
}

// Surveys lists the surveys.
func (r *Release) Surveys() []SurveySummary {
	out := make([]SurveySummary, len(r.surveys))
	for i, s := range r.surveys {
		out[i] = s.SurveySummary
	}
	return out
}

// Survey returns a survey with its questions and answers: ErrNotFound for
// an id that is not a survey's.
func (r *Release) Survey(id int64) (Survey, error) {
	for _, s := range r.surveys {
		if s.ID == id {
			s.QuestionList = slices.Clone(s.QuestionList)
			for i := range s.QuestionList {
				s.QuestionList[i].Answers = slices.Clone(s.QuestionList[i].Answers)
			}
			return s, nil
		}
	}
	return Survey{}, fmt.Errorf("%w: survey %d", ErrNotFound, id)
}

// Question returns a survey question with its answers and their
// breakdowns: ErrNotFound for an id that is not a question's.
func (r *Release) Question(id int64) (Question, error) {
	q, ok := r.questions[id]
	if !ok {
		return Question{}, fmt.Errorf("%w: question %d", ErrNotFound, id)
	}
	c := *q
	c.Answers = slices.Clone(q.Answers)
	for i := range c.Answers {
		c.Answers[i].SexAtBirth, c.Answers[i].Age = clonePtr(c.Answers[i].SexAtBirth), clonePtr(c.Answers[i].Age)
	}
	return c, nil
}

// TopConcepts returns the n standard concepts of a domain with the
// largest released counts (n from 1 to 100), in the release's list order.
func (r *Release) TopConcepts(domain string, n int) ([]Concept, error) {
	if domain == "" {
		return nil, fmt.Errorf("%w: top concepts: a domain is required", ErrInvalid)
	}
	if err := checkDomain(domain); err != nil {
		return nil, fmt.Errorf("public: top concepts: %w", err)
	}
	if n < 1 || n > 100 {
		return nil, fmt.Errorf("%w: top concepts: n %d is not from 1 to 100", ErrInvalid, n)
	}
	var out []Concept
	for _, c := range r.concepts {
		if c.Domain == domain && c.Standard && c.Count.Value() > 0 {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Concept) int {
		return cmp.Or(cmp.Compare(b.Count.Value(), a.Count.Value()), cmp.Compare(a.ID, b.ID))
	})
	return append([]Concept{}, out[:min(n, len(out))]...), nil
}
