package engine

// Datasets: the Dataset Builder's tables, compiled by package cohort
// (cohort.CompileDataset) against the catalog the engine reads from the
// database, previewed or streamed.

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// MaxDatasetPreview is the most rows a preview returns.
const MaxDatasetPreview = 1000

// catalogSQL lists the columns of the tables of the schema or attached
// database given as argument, or of the connection's default schema when
// the argument is empty.
const catalogSQL = `SELECT table_name, column_name, data_type FROM information_schema.columns
WHERE CASE WHEN ?::VARCHAR = '' THEN table_catalog = current_database() AND table_schema = current_schema()
  ELSE ?::VARCHAR IN (table_schema, table_catalog) END
ORDER BY table_name, ordinal_position`

// DatasetCatalog reads the columns of the dataset domains' tables from the
// database's information_schema, once per CDR version (see
// cohort.DatasetCatalog). A domain whose table the database lacks is
// absent.
func (e *Engine) DatasetCatalog(ctx context.Context) (cohort.DatasetCatalog, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("engine: dataset catalog: %w", err)
	}
	cat, err := cached(e, "dataset_catalog", "", func() (cohort.DatasetCatalog, error) {
		tables := map[string][]cohort.DatasetColumn{}
		schema := e.opt.Compile.Schema
		err := e.query(ctx, "dataset_catalog", new(sqlb.Builder).AddQuery(catalogSQL, []any{schema, schema}), func(r *sql.Rows) error {
			var table, column, typ string
			if err := r.Scan(&table, &column, &typ); err != nil {
				return err
			}
			tables[table] = append(tables[table], cohort.DatasetColumn{Name: column, Type: typ})
			return nil
		})
		if err != nil {
			return nil, err
		}
		return cohort.NewDatasetCatalog(tables), nil
	})
	if err != nil {
		return nil, err
	}
	// The caller's copy: the cached one stays as read.
	out := make(cohort.DatasetCatalog, len(cat))
	for domain, cols := range cat {
		out[domain] = slices.Clone(cols)
	}
	return out, nil
}

// DatasetPreview is the first rows of one domain's table of a dataset.
// Values are JSON-ready: numbers, strings, booleans, dates and timestamps
// as text (cohort.DatasetDateLayout, cohort.DatasetTimestampLayout), nil
// for NULL and
// for numbers that are not finite.
type DatasetPreview struct {
	Domain  cohort.Domain          `json:"domain"`
	Columns []cohort.DatasetColumn `json:"columns"`
	Rows    [][]any                `json:"rows"`
}

// PreviewDataset returns the first limit (1 to MaxDatasetPreview) rows of
// the domain's table of d, in the order of cohort.CompileDataset. The rows
// are row-level data: callers gate this method by tier.
func (e *Engine) PreviewDataset(ctx context.Context, d *cohort.Dataset, domain cohort.Domain, limit int) (*DatasetPreview, error) {
	if limit < 1 || limit > MaxDatasetPreview {
		return nil, fault.At(cohort.ErrInvalid, "limit", "%d: want 1 to %d", limit, MaxDatasetPreview)
	}
	cat, err := e.DatasetCatalog(ctx)
	if err != nil {
		return nil, err
	}
	q, cols, err := cohort.CompileDataset(d, domain, cat, e.opt.Compile)
	if err != nil {
		return nil, err
	}
	p := &DatasetPreview{Domain: domain, Columns: cols, Rows: [][]any{}}
	stmt := new(sqlb.Builder).AddQuery(q.SQL, q.Args).SQL("\nLIMIT ").Arg(int64(limit), "BIGINT")
	err = e.query(ctx, "dataset_preview", stmt, func(r *sql.Rows) error {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range row {
			row[i] = PreviewValue(cols[i].Type, v)
		}
		p.Rows = append(p.Rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PreviewValue is v, a value of a column of type typ, as the preview's
// JSON has it; the Spark engine's previews use it too.
func PreviewValue(typ string, v any) any {
	switch v := v.(type) {
	case time.Time:
		if typ == "DATE" {
			return v.Format(cohort.DatasetDateLayout)
		}
		return v.Format(cohort.DatasetTimestampLayout)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
	}
	return v
}

// Rows is what DatasetRows hands its reader to iterate: *sql.Rows has
// these methods, and so do the rows another engine reads from Arrow
// batches (package spark). Scan takes one *any per column and gives the
// values a DuckDB driver gives for the column's type (int64 or int32,
// float64, string, time.Time, bool, or nil for NULL), which is what
// internal/export writes.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// DatasetRows runs the query of the domain's table of d (see
// cohort.CompileDataset) and calls read once with its columns and rows, which
// read iterates; the rows are closed when read returns. Nothing is held
// in memory on the way: read sees the rows as DuckDB produces them. When
// ctx ends before DatasetRows returns, the query stops and the error
// matches ctx.Err(). The rows are row-level data: callers gate this method
// by tier.
func (e *Engine) DatasetRows(ctx context.Context, d *cohort.Dataset, domain cohort.Domain, read func(cols []cohort.DatasetColumn, rows Rows) error) error {
	cat, err := e.DatasetCatalog(ctx)
	if err != nil {
		return err
	}
	q, cols, err := cohort.CompileDataset(d, domain, cat, e.opt.Compile)
	if err != nil {
		return err
	}
	start := time.Now()
	err = func() error {
		rows, err := e.db.QueryContext(ctx, q.SQL, q.Args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := read(cols, rows); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// Rows already fetched may have been read after ctx ended: the
		// caller cannot tell them from a complete table.
		return ctx.Err()
	}()
	e.log.DebugContext(ctx, "engine query", "op", "dataset_rows", "duration", time.Since(start))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("engine: dataset rows: %w", ctxErr)
		}
		return fmt.Errorf("engine: dataset rows: %w", err)
	}
	return nil
}
