package spark

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/apache/spark-connect-go/spark/sql/types"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/cdrindex"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// unsupported is the error of an operation the Spark engine does not
// run: a 503 that names it.
func unsupported(what string) error {
	return fmt.Errorf("%w: %s is not available on the Spark engine", engine.ErrUnsupported, what)
}

// SearchConcepts is not available on the Spark engine: a search compares
// the user's words with concept names, and Spark SQL binds no parameter
// that could carry them (no string from a user enters SQL text).
func (e *Engine) SearchConcepts(ctx context.Context, s engine.ConceptSearch) ([]engine.Concept, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return nil, unsupported("concept search")
}

// DB is nil: the Spark engine runs no database/sql queries, so Circe
// cohorts (DuckDB SQL) are unsupported on it.
func (e *Engine) DB() *sql.DB { return nil }

// selectConcepts writes the columns of engine.Concept from concept c
// left-joined with concept_counts n, as package engine selects them.
func selectConcepts() *sqlb.Builder {
	b := new(sqlb.Builder).SQL(`SELECT c.concept_id, c.concept_name, c.domain_id, c.vocabulary_id, c.concept_class_id,
  COALESCE(c.standard_concept, '') AS standard_concept, c.concept_code,
  COALESCE(n.person_count, 0L) AS person_count, COALESCE(n.rollup_person_count, 0L) AS rollup_person_count
FROM `).Ident(cdrindex.Concept).SQL(" c LEFT JOIN ").Ident(cdrindex.ConceptCounts)
	return b.SQL(" n ON n.concept_id = c.concept_id")
}

// inList writes ids as the list of an IN.
func inList(b *sqlb.Builder, ids []int64) *sqlb.Builder {
	return b.SQL("(").Int64Args(ids).SQL(")")
}

// Concepts is the concepts of the ids that the vocabulary holds, in the
// order of their ids.
func (e *Engine) Concepts(ctx context.Context, ids []int64) ([]engine.Concept, error) {
	if len(ids) == 0 {
		return []engine.Concept{}, nil
	}
	b := inList(selectConcepts().SQL("\nWHERE c.concept_id IN "), ids).SQL("\nORDER BY c.concept_id")
	return e.concepts(ctx, "concepts", b)
}

// Concept returns the concept id, or an error matching engine.ErrNotFound.
func (e *Engine) Concept(ctx context.Context, id int64) (engine.Concept, error) {
	return cached(ctx, e, "concept", strconv.FormatInt(id, 10), func() (engine.Concept, error) {
		cs, err := e.concepts(ctx, "concept", selectConcepts().SQL("\nWHERE c.concept_id = ").Arg(id, "BIGINT"))
		if err != nil {
			return engine.Concept{}, err
		}
		if len(cs) == 0 {
			return engine.Concept{}, fmt.Errorf("%w: concept %d", engine.ErrNotFound, id)
		}
		return cs[0], nil
	})
}

// Parents returns the direct parents of concept id, as
// engine.Engine.Parents does.
func (e *Engine) Parents(ctx context.Context, id int64) ([]engine.Concept, error) {
	return e.relatives(ctx, id, true)
}

// Children returns the direct children of concept id, as
// engine.Engine.Children does.
func (e *Engine) Children(ctx context.Context, id int64) ([]engine.Concept, error) {
	return e.relatives(ctx, id, false)
}

func (e *Engine) relatives(ctx context.Context, id int64, parents bool) ([]engine.Concept, error) {
	if _, err := e.Concept(ctx, id); err != nil {
		return nil, err
	}
	op, near, far := "children", "descendant_id", "ancestor_id"
	if parents {
		op, near, far = "parents", "ancestor_id", "descendant_id"
	}
	found, err := cached(ctx, e, op, strconv.FormatInt(id, 10), func() ([]engine.Concept, error) {
		b := selectConcepts().SQL("\nWHERE c.concept_id IN (SELECT ", near, " FROM ").Ident(cdrindex.ConceptClosure).SQL(" WHERE ", far, " = ").Arg(id, "BIGINT")
		b.SQL(" AND min_levels = 1)\nORDER BY rollup_person_count DESC, c.concept_name, c.concept_id")
		return e.concepts(ctx, op, b)
	})
	return slices.Clone(found), err
}

// ExpandConceptSet returns the concept ids of cs (cohort.CompileExpand in
// the Spark dialect) in ascending order.
func (e *Engine) ExpandConceptSet(ctx context.Context, cs *cohort.ConceptSet) ([]int64, error) {
	q, err := cohort.CompileExpand(cs, compileOptions)
	if err != nil {
		return nil, err
	}
	items := slices.SortedFunc(slices.Values(cs.Items), func(a, b cohort.ConceptSetItem) int { return cmp.Compare(a.ConceptID, b.ConceptID) })
	key, _ := json.Marshal(items)
	ids, err := cached(ctx, e, "expand_concept_set", string(key), func() ([]int64, error) {
		rows, err := e.rows(ctx, "expand_concept_set", new(sqlb.Builder).AddQuery(q.SQL, nil))
		if err != nil {
			return nil, err
		}
		ids := make([]int64, 0, len(rows))
		for _, r := range rows {
			id, ok := integer(r.At(0))
			if !ok {
				return nil, fmt.Errorf("spark: expand concept set: unexpected row %v", r.Values())
			}
			ids = append(ids, id)
		}
		return ids, nil
	})
	return slices.Clone(ids), err
}

// concepts runs b, which selects the columns of selectConcepts.
func (e *Engine) concepts(ctx context.Context, op string, b *sqlb.Builder) ([]engine.Concept, error) {
	rows, err := e.rows(ctx, op, b)
	if err != nil {
		return nil, err
	}
	out := make([]engine.Concept, 0, len(rows))
	for _, r := range rows {
		c, err := concept(r)
		if err != nil {
			return nil, fmt.Errorf("spark: %s: %w", op, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func concept(r types.Row) (engine.Concept, error) {
	v := r.Values()
	if len(v) != 9 {
		return engine.Concept{}, fmt.Errorf("a row of %d values", len(v))
	}
	var c engine.Concept
	var ok [3]bool
	c.ID, ok[0] = integer(v[0])
	c.Name, _ = v[1].(string)
	c.DomainID, _ = v[2].(string)
	c.VocabularyID, _ = v[3].(string)
	c.ClassID, _ = v[4].(string)
	c.StandardConcept, _ = v[5].(string)
	c.Code, _ = v[6].(string)
	c.PersonCount, ok[1] = integer(v[7])
	c.RollupPersonCount, ok[2] = integer(v[8])
	if ok != [3]bool{true, true, true} {
		return engine.Concept{}, fmt.Errorf("unexpected row %v", v)
	}
	return c, nil
}

// cached returns the result stored under op and key for the index's
// version, computing and storing it with compute when absent. Errors are
// not cached.
func cached[T any](ctx context.Context, e *Engine, op, key string, compute func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("spark: %s: %w", op, err)
	}
	k := e.info.VersionID + "\x00" + op + "\x00\x00" + key
	if v, ok := e.cache.Get(k); ok {
		return v.(T), nil
	}
	v, err := compute()
	if err != nil {
		return zero, err
	}
	e.cache.Add(k, v)
	return v, nil
}
