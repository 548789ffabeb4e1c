package engine

// Concepts: the Concept Set Selector's search, a concept's parents and
// children, and the expansion of concept sets. Each request is validated
// and compiled to a query by a pure function (a concept set's expansion by
// cohort.CompileExpand); the Engine runs and caches it.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// ErrNotFound is matched (errors.Is) by the error of a lookup whose
// subject does not exist, such as an unknown concept id.
var ErrNotFound = fault.New(fault.NotFound, "engine.not_found", "engine: not found")

// ErrUnsupported is matched by the error of an operation that the engine
// at hand cannot run (a Spark engine's concept search): a 503 naming the
// operation and the engine, never a 500.
var ErrUnsupported = fault.New(fault.Unavailable, "engine.unsupported", "engine: unsupported")

// ErrUnreachable is matched by the error of an engine whose server (a
// Spark Connect server) does not answer: a 503 that says so.
var ErrUnreachable = fault.New(fault.Unavailable, "engine.unreachable", "engine: unreachable")

// Errors lists the sentinels of this package, for a client that rebuilds
// them from their codes.
var Errors = []*fault.Error{ErrNotFound, ErrNotIndexed, ErrUnsupported, ErrUnreachable}

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

// Validate reports every problem of s at once as a *fault.Fields under
// cohort.ErrInvalid, or nil.
func (s ConceptSearch) Validate() error {
	errs := fault.Fields{Of: cohort.ErrInvalid}
	add := func(path, msg string) { errs.Add(path, "%s", msg) }
	if len(s.Query) > maxQueryLen {
		add("query", fmt.Sprintf("longer than %d bytes", maxQueryLen))
	}
	if s.Limit < 0 || s.Limit > MaxConceptLimit {
		add("limit", fmt.Sprintf("%d: want 1 to %d (0 means %d)", s.Limit, MaxConceptLimit, DefaultConceptLimit))
	}
	if s.Offset < 0 {
		add("offset", fmt.Sprintf("%d: want 0 or more", s.Offset))
	}
	return errs.Err()
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

// selectConcepts writes the SELECT of conceptColumns from the tables of
// schema.
func selectConcepts(f *sqlb.Builder, schema string) *sqlb.Builder {
	f.SQL("SELECT ", conceptColumns, "\nFROM ").Table(schema, cdrindex.Concept).SQL(" c LEFT JOIN ")
	return f.Table(schema, cdrindex.ConceptCounts).SQL(" n ON n.concept_id = c.concept_id")
}

// likeEscape escapes the wildcards of ILIKE (and the escape character) in
// s, so that a pattern built from it matches s literally.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CompileConceptSearch validates s and compiles it to a query over the
// concept and concept_counts tables that selects the columns of Concept,
// ranked and paged. Every value of s is an argument. The tables are those
// of the connection's default schema; an Engine uses its Compile options.
func CompileConceptSearch(s ConceptSearch) (cohort.Query, error) {
	f, err := conceptSearch(s, "")
	if err != nil {
		return cohort.Query{}, err
	}
	return cohort.Query{SQL: f.String(), Args: f.Args()}, nil
}

// conceptSearch compiles s over the tables of schema.
func conceptSearch(s ConceptSearch, schema string) (*sqlb.Builder, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	s = s.normalized()
	f := selectConcepts(new(sqlb.Builder), schema)
	sep := "\nWHERE "
	where := func() { f.SQL(sep); sep = "\n  AND " }
	id, err := strconv.ParseInt(s.Query, 10, 64)
	isID := err == nil
	if s.Query != "" {
		where()
		f.SQL("((")
		for i, word := range strings.Fields(s.Query) {
			if i > 0 {
				f.SQL(" AND ")
			}
			f.SQL("c.concept_name ILIKE ")
			f.Arg("%"+likeEscape(word)+"%", "VARCHAR")
			f.SQL(` ESCAPE '\'`)
		}
		f.SQL(") OR c.concept_code = ")
		f.Arg(s.Query, "VARCHAR")
		if isID {
			f.SQL(" OR c.concept_id = ")
			f.Arg(id, "BIGINT")
		}
		f.SQL(")")
	}
	if s.Domain != "" {
		where()
		f.SQL("lower(c.domain_id) = lower(")
		f.Arg(s.Domain, "VARCHAR")
		f.SQL(")")
	}
	if s.Vocabulary != "" {
		where()
		f.SQL("lower(c.vocabulary_id) = lower(")
		f.Arg(s.Vocabulary, "VARCHAR")
		f.SQL(")")
	}
	if s.Standard != nil {
		where()
		if *s.Standard {
			f.SQL("c.standard_concept = 'S'")
		} else {
			f.SQL("c.standard_concept IS DISTINCT FROM 'S'")
		}
	}
	f.SQL("\nORDER BY ")
	if s.Query != "" {
		f.SQL("CASE WHEN c.concept_code = ")
		f.Arg(s.Query, "VARCHAR")
		if isID {
			f.SQL(" OR c.concept_id = ")
			f.Arg(id, "BIGINT")
		}
		f.SQL(" THEN 0 WHEN c.concept_name ILIKE ")
		f.Arg(likeEscape(s.Query)+"%", "VARCHAR")
		f.SQL(` ESCAPE '\' THEN 1 ELSE 2 END, `)
	}
	f.SQL("rollup_person_count DESC, c.concept_name, c.concept_id\nLIMIT ")
	f.Arg(int64(s.Limit), "BIGINT")
	f.SQL(" OFFSET ")
	f.Arg(int64(s.Offset), "BIGINT")
	return f, nil
}

// conceptSQL selects the concept id.
func (e *Engine) conceptSQL(id int64) *sqlb.Builder {
	return selectConcepts(new(sqlb.Builder), e.opt.Compile.Schema).SQL("\nWHERE c.concept_id = ").Arg(id, "BIGINT")
}

// Concepts is the concepts of the ids that the vocabulary holds, in the
// order of their ids; an id it does not hold is absent.
func (e *Engine) Concepts(ctx context.Context, ids []int64) ([]Concept, error) {
	if len(ids) == 0 {
		return []Concept{}, nil
	}
	q := selectConcepts(new(sqlb.Builder), e.opt.Compile.Schema).SQL("\nWHERE c.concept_id IN (SELECT unnest(").Arg(ids, "BIGINT[]").SQL("))\nORDER BY c.concept_id")
	return e.concepts(ctx, "concepts", q)
}

// relativesSQL selects the direct parents (or children) of concept id: the
// concepts one level above (below) it in concept_closure, ranked by rollup
// person count, name and id.
func (e *Engine) relativesSQL(id int64, parents bool) *sqlb.Builder {
	near, far := "ancestor_id", "descendant_id" // parents: ancestors of a descendant
	if !parents {
		near, far = far, near
	}
	f := selectConcepts(new(sqlb.Builder), e.opt.Compile.Schema)
	e.table(f.SQL("\nWHERE c.concept_id IN (SELECT ", near, " FROM "), cdrindex.ConceptClosure).SQL(" WHERE ", far, " = ").Arg(id, "BIGINT")
	return f.SQL(" AND min_levels = 1)\nORDER BY rollup_person_count DESC, c.concept_name, c.concept_id")
}

// SearchConcepts runs the search s (see ConceptSearch).
func (e *Engine) SearchConcepts(ctx context.Context, s ConceptSearch) ([]Concept, error) {
	q, err := conceptSearch(s, e.opt.Compile.Schema)
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
		cs, err := e.concepts(ctx, "concept", e.conceptSQL(id))
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
// concept_closure, which has the hierarchies of source concepts too) with their counts, most persons first. An unknown id
// is ErrNotFound.
func (e *Engine) Parents(ctx context.Context, id int64) ([]Concept, error) {
	return e.relatives(ctx, id, true)
}

// Children returns the direct children of concept id (one level down in
// concept_closure) with their counts, most persons first. An unknown id
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
		return e.concepts(ctx, op, e.relativesSQL(id, parents))
	})
	return slices.Clone(found), err
}

// ExpandConceptSet returns the concept ids of cs (see
// cohort.CompileExpand) in ascending order.
func (e *Engine) ExpandConceptSet(ctx context.Context, cs *cohort.ConceptSet) ([]int64, error) {
	q, err := cohort.CompileExpand(cs, e.opt.Compile)
	if err != nil {
		return nil, err
	}
	ids, err := cached(e, "expand_concept_set", expandKey(cs), func() ([]int64, error) {
		ids := []int64{}
		err := e.query(ctx, "expand_concept_set", new(sqlb.Builder).AddQuery(q.SQL, q.Args), func(r *sql.Rows) error {
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

// expandKey is the cache key of the expansion of cs: its items in concept
// id order, as expansion depends on the items alone, in any order.
func expandKey(cs *cohort.ConceptSet) string {
	items := slices.SortedFunc(slices.Values(cs.Items), func(a, b cohort.ConceptSetItem) int {
		return cmp.Compare(a.ConceptID, b.ConceptID)
	})
	b, _ := json.Marshal(items)
	return string(b)
}

// concepts runs q, which selects conceptColumns, and scans its rows.
func (e *Engine) concepts(ctx context.Context, op string, q *sqlb.Builder) ([]Concept, error) {
	out := []Concept{}
	err := e.query(ctx, op, q, func(r *sql.Rows) error {
		var c Concept
		if err := r.Scan(&c.ID, &c.Name, &c.DomainID, &c.VocabularyID, &c.ClassID, &c.StandardConcept, &c.Code, &c.PersonCount, &c.RollupPersonCount); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
