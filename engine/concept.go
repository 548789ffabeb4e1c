package cohort

// Concepts: the Concept Set Selector's search, a concept's parents and
// children, and concept sets with their expansion. Like definitions, each
// request is validated and compiled to a Query by a pure function; the
// Engine runs and caches it.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrNotFound is matched (errors.Is) by the error of a lookup whose
// subject does not exist, such as an unknown concept id.
var ErrNotFound = errors.New("cohort: not found")

// The vocabulary tables concept queries read: the OMOP concept table and
// package cdr's per-concept person counts.
const (
	tableConcept = "concept"
	tableCounts  = "concept_counts"
)

// Concept is one concept of the vocabulary with the number of persons
// who have an event of it (PersonCount) and of it or any descendant
// (RollupPersonCount).
type Concept struct {
	ID                int64  `json:"concept_id"`
	Name              string `json:"name"`
	DomainID          string `json:"domain_id"`
	VocabularyID      string `json:"vocabulary_id"`
	ClassID           string `json:"concept_class_id"`
	StandardConcept   string `json:"standard_concept"` // "S" standard, "C" classification, "" neither
	Code              string `json:"concept_code"`
	PersonCount       int64  `json:"person_count"`
	RollupPersonCount int64  `json:"rollup_person_count"`
}

// Limits of a ConceptSearch.
const (
	DefaultConceptLimit = 50
	MaxConceptLimit     = 1000
	maxQueryLen         = 1000
)

// ConceptSearch is a search of the vocabulary, as the Concept Set Selector
// asks it. A concept matches when every word of Query appears in its name
// (case-insensitive), when Query is its concept_code exactly, or when
// Query is its concept id; an empty Query matches every concept. Domain
// and Vocabulary, when set, must equal the concept's domain_id and
// vocabulary_id, ignoring case; they are not checked against a list
// because each CDR's vocabulary has its own. Standard, when set, keeps
// standard concepts (true) or the others (false). Results are ranked: an
// exact code or id match first, then names that start with Query, then by
// rollup person count (descending), name and id. Limit 0 means
// DefaultConceptLimit.
type ConceptSearch struct {
	Query      string `json:"query"`
	Domain     string `json:"domain,omitempty"`
	Vocabulary string `json:"vocabulary,omitempty"`
	Standard   *bool  `json:"standard,omitempty"`
	Limit      int    `json:"limit,omitempty"`
	Offset     int    `json:"offset,omitempty"`
}

// Validate reports every problem of s at once as ValidationErrors, or nil.
func (s ConceptSearch) Validate() error {
	var v errorList
	if len(s.Query) > maxQueryLen {
		v.add("query", fmt.Sprintf("longer than %d bytes", maxQueryLen))
	}
	if s.Limit < 0 || s.Limit > MaxConceptLimit {
		v.add("limit", fmt.Sprintf("%d: want 1 to %d (0 means %d)", s.Limit, MaxConceptLimit, DefaultConceptLimit))
	}
	if s.Offset < 0 {
		v.add("offset", fmt.Sprintf("%d: want 0 or more", s.Offset))
	}
	return v.err()
}

// normalized returns s with the query's words separated by single spaces,
// the filters trimmed and the default limit explicit: the form that is
// compiled, so searches with the same normal form mean the same.
func (s ConceptSearch) normalized() ConceptSearch {
	s.Query = strings.Join(strings.Fields(s.Query), " ")
	s.Domain = strings.TrimSpace(s.Domain)
	s.Vocabulary = strings.TrimSpace(s.Vocabulary)
	if s.Limit == 0 {
		s.Limit = DefaultConceptLimit
	}
	return s
}

// String returns the canonical JSON form of s: normalized, fixed key
// order. It serves as the cache key.
func (s ConceptSearch) String() string {
	b, _ := json.Marshal(s.normalized())
	return string(b)
}

// conceptColumns selects a Concept from concept c left-joined with
// concept_counts n; Engine.concepts scans them in this order.
const conceptColumns = `c.concept_id, c.concept_name AS name, c.domain_id, c.vocabulary_id, c.concept_class_id,
  COALESCE(c.standard_concept, '') AS standard_concept, c.concept_code,
  COALESCE(n.person_count, 0) AS person_count, COALESCE(n.rollup_person_count, 0) AS rollup_person_count`

// conceptFrom writes the FROM clause conceptColumns needs.
func (c *compiler) conceptFrom(f *frag) {
	f.w("\nFROM ", c.table(tableConcept), " c LEFT JOIN ", c.table(tableCounts), " n ON n.concept_id = c.concept_id")
}

// likeEscape escapes the wildcards of ILIKE (and the escape character) in
// s, so that a pattern built from it matches s literally.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CompileConceptSearch validates s and compiles it to a Query over the
// concept and concept_counts tables that selects the columns of Concept,
// ranked and paged. Every value of s is an argument. The tables are those
// of the connection's default schema; an Engine uses its Compile options.
func CompileConceptSearch(s ConceptSearch) (Query, error) {
	return (&compiler{}).conceptSearch(s)
}

func (c *compiler) conceptSearch(s ConceptSearch) (Query, error) {
	if err := s.Validate(); err != nil {
		return Query{}, err
	}
	s = s.normalized()
	var f frag
	f.w("SELECT ", conceptColumns)
	c.conceptFrom(&f)
	sep := "\nWHERE "
	where := func() { f.w(sep); sep = "\n  AND " }
	id, err := strconv.ParseInt(s.Query, 10, 64)
	isID := err == nil
	if s.Query != "" {
		where()
		f.w("((")
		for i, word := range strings.Fields(s.Query) {
			if i > 0 {
				f.w(" AND ")
			}
			f.w("c.concept_name ILIKE ")
			f.arg("%"+likeEscape(word)+"%", "VARCHAR")
			f.w(` ESCAPE '\'`)
		}
		f.w(") OR c.concept_code = ")
		f.arg(s.Query, "VARCHAR")
		if isID {
			f.w(" OR c.concept_id = ")
			f.arg(id, "BIGINT")
		}
		f.w(")")
	}
	if s.Domain != "" {
		where()
		f.w("lower(c.domain_id) = lower(")
		f.arg(s.Domain, "VARCHAR")
		f.w(")")
	}
	if s.Vocabulary != "" {
		where()
		f.w("lower(c.vocabulary_id) = lower(")
		f.arg(s.Vocabulary, "VARCHAR")
		f.w(")")
	}
	if s.Standard != nil {
		where()
		if *s.Standard {
			f.w("c.standard_concept = 'S'")
		} else {
			f.w("c.standard_concept IS DISTINCT FROM 'S'")
		}
	}
	f.w("\nORDER BY ")
	if s.Query != "" {
		f.w("CASE WHEN c.concept_code = ")
		f.arg(s.Query, "VARCHAR")
		if isID {
			f.w(" OR c.concept_id = ")
			f.arg(id, "BIGINT")
		}
		f.w(" THEN 0 WHEN c.concept_name ILIKE ")
		f.arg(likeEscape(s.Query)+"%", "VARCHAR")
		f.w(` ESCAPE '\' THEN 1 ELSE 2 END, `)
	}
	f.w("rollup_person_count DESC, c.concept_name, c.concept_id\nLIMIT ")
	f.arg(int64(s.Limit), "BIGINT")
	f.w(" OFFSET ")
	f.arg(int64(s.Offset), "BIGINT")
	return Query{SQL: f.b.String(), Args: f.args}, nil
}

// concept selects the concept id.
func (c *compiler) concept(id int64) Query {
	var f frag
	f.w("SELECT ", conceptColumns)
	c.conceptFrom(&f)
	f.w("\nWHERE c.concept_id = ")
	f.arg(id, "BIGINT")
	return Query{SQL: f.b.String(), Args: f.args}
}

// relatives selects the direct parents (or children) of concept id: the
// concepts one level above (below) it in concept_closure, ranked by rollup
// person count, name and id.
func (c *compiler) relatives(id int64, parents bool) Query {
	near, far := "ancestor_id", "descendant_id" // parents: ancestors of a descendant
	if !parents {
		near, far = far, near
	}
	var f frag
	f.w("SELECT ", conceptColumns)
	c.conceptFrom(&f)
	f.w("\nWHERE c.concept_id IN (SELECT ", near, " FROM ", c.table(tableClosure), " WHERE ", far, " = ")
	f.arg(id, "BIGINT")
	f.w(" AND min_levels = 1)\nORDER BY rollup_person_count DESC, c.concept_name, c.concept_id")
	return Query{SQL: f.b.String(), Args: f.args}
}

// ConceptSet is a named list of concepts, as a researcher builds it in
// the Concept Set Selector.
type ConceptSet struct {
	Name  string           `json:"name"`
	Items []ConceptSetItem `json:"items"`
}

// ConceptSetItem is one concept of a set: with or without its
// descendants, included or excluded.
type ConceptSetItem struct {
	ConceptID          int64 `json:"concept_id"`
	IncludeDescendants bool  `json:"include_descendants"`
	Exclude            bool  `json:"exclude"`
}

// MaxConceptSetItems is the most items a concept set may have.
const MaxConceptSetItems = 10000

// Validate reports every problem of cs at once as ValidationErrors, each
// with its JSON path (`items[2].concept_id`), or nil.
func (cs *ConceptSet) Validate() error {
	var v errorList
	if cs == nil {
		v.add("", "no concept set")
		return v.err()
	}
	if strings.TrimSpace(cs.Name) == "" {
		v.add("name", "empty: a concept set needs a name")
	}
	switch {
	case len(cs.Items) == 0:
		v.add("items", "empty: want at least one concept")
	case len(cs.Items) > MaxConceptSetItems:
		v.add("items", fmt.Sprintf("%d concepts: want at most %d", len(cs.Items), MaxConceptSetItems))
	case !slices.ContainsFunc(cs.Items, func(it ConceptSetItem) bool { return !it.Exclude }):
		v.add("items", "every concept is excluded: want at least one included concept")
	}
	first := make(map[int64]int, len(cs.Items))
	for i, it := range cs.Items {
		path := index("items", i) + ".concept_id"
		if it.ConceptID <= 0 {
			v.add(path, fmt.Sprintf("%d: want a concept id greater than 0", it.ConceptID))
			continue
		}
		if j, dup := first[it.ConceptID]; dup {
			v.add(path, fmt.Sprintf("concept %d is already %s", it.ConceptID, index("items", j)))
			continue
		}
		first[it.ConceptID] = i
	}
	return v.err()
}

// MarshalJSON writes the canonical form of cs: name and items in order,
// every field explicit. Two sets with the same canonical form are the same
// saved set; expansion depends on the items alone, in any order.
func (cs *ConceptSet) MarshalJSON() ([]byte, error) {
	if cs == nil {
		return []byte("null"), nil
	}
	type plain ConceptSet // without this method
	p := plain(*cs)
	if p.Items == nil {
		p.Items = []ConceptSetItem{}
	}
	return json.Marshal(p)
}

// String returns the canonical JSON form of cs (see MarshalJSON).
func (cs *ConceptSet) String() string {
	b, err := cs.MarshalJSON()
	if err != nil {
		return "cohort: " + err.Error()
	}
	return string(b)
}

// expandKey is the cache key of the expansion of cs: its items in concept
// id order.
func (cs *ConceptSet) expandKey() string {
	items := slices.SortedFunc(slices.Values(cs.Items), func(a, b ConceptSetItem) int {
		return cmp.Compare(a.ConceptID, b.ConceptID)
	})
	b, _ := json.Marshal(items)
	return string(b)
}

// CompileExpand validates cs and compiles its expansion, with OHDSI
// concept set semantics: the included concepts, with their descendants
// where asked, minus the excluded concepts, with their descendants where
// asked. Descendants come from concept_closure; a concept missing from the
// vocabulary expands to nothing. The Query selects one column, concept_id,
// each id once, in ascending order.
func CompileExpand(cs *ConceptSet) (Query, error) {
	return (&compiler{}).expand(cs)
}

func (c *compiler) expand(cs *ConceptSet) (Query, error) {
	if err := cs.Validate(); err != nil {
		return Query{}, err
	}
	var in, out [2][]int64 // [0]: the concept alone, [1]: with descendants
	for _, it := range cs.Items {
		d := 0
		if it.IncludeDescendants {
			d = 1
		}
		if it.Exclude {
			out[d] = append(out[d], it.ConceptID)
		} else {
			in[d] = append(in[d], it.ConceptID)
		}
	}
	var f frag
	side := func(ids [2][]int64) {
		f.w("SELECT descendant_id AS concept_id FROM ", c.table(tableClosure), " WHERE ")
		if len(ids[0]) > 0 {
			f.w("(descendant_id = ancestor_id AND ancestor_id IN ")
			idList(&f, ids[0])
			f.w(")")
		}
		if len(ids[0]) > 0 && len(ids[1]) > 0 {
			f.w(" OR ")
		}
		if len(ids[1]) > 0 {
			f.w("ancestor_id IN ")
			idList(&f, ids[1])
		}
	}
	if len(out[0])+len(out[1]) == 0 {
		f.w("SELECT DISTINCT concept_id FROM (")
		side(in)
		f.w(")")
	} else {
		f.w("SELECT concept_id FROM (")
		side(in)
		f.w("\nEXCEPT\n")
		side(out)
		f.w(")")
	}
	f.w("\nORDER BY concept_id")
	return Query{SQL: f.b.String(), Args: f.args}, nil
}

// SearchConcepts runs the search s (see ConceptSearch).
func (e *Engine) SearchConcepts(ctx context.Context, s ConceptSearch) ([]Concept, error) {
	q, err := e.compiler().conceptSearch(s)
	if err != nil {
		return nil, err
	}
	found, err := cached(e, "search_concepts", s.String(), func() ([]Concept, error) {
		return e.concepts(ctx, "search_concepts", q)
	})
	return slices.Clone(found), err
}

// Concept returns the concept id, or an error matching ErrNotFound when
// the vocabulary has no such concept.
func (e *Engine) Concept(ctx context.Context, id int64) (Concept, error) {
	return cached(e, "concept", strconv.FormatInt(id, 10), func() (Concept, error) {
		cs, err := e.concepts(ctx, "concept", e.compiler().concept(id))
		if err != nil {
			return Concept{}, err
		}
		if len(cs) == 0 {
			return Concept{}, fmt.Errorf("%w: concept %d", ErrNotFound, id)
		}
		return cs[0], nil
	})
}

// Parents returns the direct parents of concept id (one level up in
// concept_ancestor) with their counts, most persons first. An unknown id
// is ErrNotFound.
func (e *Engine) Parents(ctx context.Context, id int64) ([]Concept, error) {
	return e.relatives(ctx, id, true)
}

// Children returns the direct children of concept id (one level down in
// concept_ancestor) with their counts, most persons first. An unknown id
// is ErrNotFound.
func (e *Engine) Children(ctx context.Context, id int64) ([]Concept, error) {
	return e.relatives(ctx, id, false)
}

func (e *Engine) relatives(ctx context.Context, id int64, parents bool) ([]Concept, error) {
	if _, err := e.Concept(ctx, id); err != nil {
		return nil, err
	}
	op := "children"
	if parents {
		op = "parents"
	}
	found, err := cached(e, op, strconv.FormatInt(id, 10), func() ([]Concept, error) {
		return e.concepts(ctx, op, e.compiler().relatives(id, parents))
	})
	return slices.Clone(found), err
}

// ExpandConceptSet returns the concept ids of cs (see CompileExpand) in
// ascending order.
func (e *Engine) ExpandConceptSet(ctx context.Context, cs *ConceptSet) ([]int64, error) {
	q, err := e.compiler().expand(cs)
	if err != nil {
		return nil, err
	}
	ids, err := cached(e, "expand_concept_set", cs.expandKey(), func() ([]int64, error) {
		ids := []int64{}
		err := e.query(ctx, "expand_concept_set", q.SQL, q.Args, func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
		return ids, err
	})
	return slices.Clone(ids), err
}

// concepts runs q, which selects conceptColumns, and scans its rows.
func (e *Engine) concepts(ctx context.Context, op string, q Query) ([]Concept, error) {
	out := []Concept{}
	err := e.query(ctx, op, q.SQL, q.Args, func(r *sql.Rows) error {
		var c Concept
		if err := r.Scan(&c.ID, &c.Name, &c.DomainID, &c.VocabularyID, &c.ClassID, &c.StandardConcept, &c.Code, &c.PersonCount, &c.RollupPersonCount); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
