package circe

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/openworkbench/workbench/cohort"
)

// CompileConceptSet compiles a concept set expression to a query of its
// concept ids (one column, concept_id, ascending), with the rules of
// Circe's codesets: see the package documentation.
func CompileConceptSet(cs *ConceptSetExpression) Query {
	t := &sqlText{}
	t.w("SELECT concept_id FROM (\n").add(conceptSetSQL(cs)).w("\n) ORDER BY concept_id")
	return t.query()
}

// ExpandConceptSet runs CompileConceptSet's query on db, the database of an
// opened CDR, and returns the concept ids.
func ExpandConceptSet(ctx context.Context, db *sql.DB, cs *ConceptSetExpression) ([]int64, error) {
	q := CompileConceptSet(cs)
	rows, err := db.QueryContext(ctx, q.SQL, q.Args...)
	if err != nil {
		return nil, fmt.Errorf("circe: concept set: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("circe: concept set: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("circe: concept set: %w", err)
	}
	return ids, nil
}

// IsConceptSetExpression reports whether data is an OHDSI concept set
// expression, as ATLAS exports it: an object whose items hold a "concept"
// object, which neither a cohort expression nor the workbench's own
// concept set items have.
func IsConceptSetExpression(data []byte) bool {
	var probe struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	for _, it := range probe.Items {
		if _, ok := it["concept"]; ok {
			return true
		}
	}
	return false
}

// ConceptSetItems reads the OHDSI concept set expression data as the
// items of a workbench concept set: each concept with its descendant and
// exclusion flags. An item that includes mapped concepts is refused at
// its path, since a workbench concept set names its concepts: the source
// concepts are items of their own. Problems are a *fault.Fields under
// ErrInvalid.
func ConceptSetItems(data []byte) ([]cohort.ConceptSetItem, error) {
	e, err := ParseConceptSet(data)
	if err != nil {
		return nil, err
	}
	var errs errorList
	items := make([]cohort.ConceptSetItem, len(e.Items))
	for i, it := range e.Items {
		if it.IncludeMapped {
			errs.add(fmt.Sprintf("items[%d].includeMapped", i), "mapped concepts are not imported: add the source concepts as items of their own")
		}
		items[i] = cohort.ConceptSetItem{ConceptID: it.ConceptID, IncludeDescendants: it.IncludeDescendants, Exclude: it.IsExcluded}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return items, nil
}
