package circe

import (
	"context"
	"database/sql"
	"fmt"
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
