package spark

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/apache/spark-connect-go/spark/sql/types"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/omop"
	"github.com/openworkbench/workbench/internal/sqlb"
)

// duckType names the Spark type of a column of the CDR's Parquet as
// DuckDB does, the names cohort.NewDatasetCatalog reads; another type is
// kept by its Spark name (and a dataset column of it is text).
func duckType(t types.DataType) string {
	switch t := t.(type) {
	case types.LongType:
		return "BIGINT"
	case types.IntegerType:
		return "INTEGER"
	case types.ShortType:
		return "SMALLINT"
	case types.ByteType:
		return "TINYINT"
	case types.DoubleType:
		return "DOUBLE"
	case types.FloatType:
		return "FLOAT"
	case types.DecimalType:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case types.StringType:
		return "VARCHAR"
	case types.DateType:
		return "DATE"
	case types.TimestampType, types.TimestampNtzType:
		return "TIMESTAMP"
	case types.BooleanType:
		return "BOOLEAN"
	}
	return t.TypeName()
}

// DatasetCatalog reads the columns of the dataset domains' tables from
// their Parquet schemas, once per CDR version (see
// cohort.DatasetCatalog). A table that the CDR lacks has the columns of
// the OMOP schema and no rows, as package engine lists it over DuckDB.
func (e *Engine) DatasetCatalog(ctx context.Context) (cohort.DatasetCatalog, error) {
	cat, err := cached(ctx, e, "dataset_catalog", "", func() (cohort.DatasetCatalog, error) {
		s, err := e.acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer e.release(s)
		if err := e.datasetViews(ctx, s); err != nil {
			return nil, err
		}
		tables := map[string][]cohort.DatasetColumn{}
		for _, domain := range cohort.DatasetDomains {
			table := cohort.DatasetTable(domain)
			if !s.views[table] {
				continue
			}
			df, err := s.spark.Table(table)
			var schema *types.StructType
			if err == nil {
				schema, err = df.Schema(ctx)
			}
			if err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return nil, fmt.Errorf("spark: dataset catalog: %w", ctxErr)
				}
				return nil, e.failed("dataset catalog", err)
			}
			for _, f := range schema.Fields {
				tables[table] = append(tables[table], cohort.DatasetColumn{Name: f.Name, Type: duckType(f.DataType)})
			}
		}
		return cohort.NewDatasetCatalog(tables), nil
	})
	if err != nil {
		return nil, err
	}
	out := make(cohort.DatasetCatalog, len(cat))
	for domain, cols := range cat {
		out[domain] = slices.Clone(cols)
	}
	return out, nil
}

// compileDataset compiles the domain's table of d in the Spark dialect.
// Cohorts compiled elsewhere (Circe's, in DuckDB SQL) cannot run here.
func (e *Engine) compileDataset(ctx context.Context, d *cohort.Dataset, domain cohort.Domain) (cohort.Query, []cohort.DatasetColumn, error) {
	if d == nil {
		return cohort.Query{}, nil, invalidf("dataset: none")
	}
	if len(d.Persons) > 0 {
		return cohort.Query{}, nil, unsupported("a dataset of Circe cohorts")
	}
	cat, err := e.DatasetCatalog(ctx)
	if err != nil {
		return cohort.Query{}, nil, err
	}
	return cohort.CompileDataset(d, domain, cat, compileOptions)
}

// PreviewDataset returns the first limit rows of the domain's table of d,
// as engine.Engine.PreviewDataset does.
func (e *Engine) PreviewDataset(ctx context.Context, d *cohort.Dataset, domain cohort.Domain, limit int) (*engine.DatasetPreview, error) {
	if limit < 1 || limit > engine.MaxDatasetPreview {
		return nil, fault.At(cohort.ErrInvalid, "limit", "%d: want 1 to %d", limit, engine.MaxDatasetPreview)
	}
	q, cols, err := e.compileDataset(ctx, d, domain)
	if err != nil {
		return nil, err
	}
	p := &engine.DatasetPreview{Domain: domain, Columns: cols, Rows: [][]any{}}
	b := new(sqlb.Builder).AddQuery(q.SQL, nil).SQL("\nLIMIT ").Arg(int64(limit), "INTEGER")
	err = e.stream(ctx, "dataset_preview", b, func(rows *arrowRows) error {
		for rows.Next() {
			row := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range row {
				ptrs[i] = &row[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			for i, v := range row {
				row[i] = engine.PreviewValue(cols[i].Type, v)
			}
			p.Rows = append(p.Rows, row)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DatasetRows runs the query of the domain's table of d and calls read
// once with its columns and rows, as engine.Engine.DatasetRows does. The
// rows come as Spark sends its Arrow batches, one batch in memory at a
// time; when read returns early or ctx ends, the query stops on the
// server.
func (e *Engine) DatasetRows(ctx context.Context, d *cohort.Dataset, domain cohort.Domain, read func(cols []cohort.DatasetColumn, rows engine.Rows) error) error {
	q, cols, err := e.compileDataset(ctx, d, domain)
	if err != nil {
		return err
	}
	return e.stream(ctx, "dataset_rows", new(sqlb.Builder).AddQuery(q.SQL, nil), func(rows *arrowRows) error {
		if err := read(cols, rows); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// Rows already read may have come after ctx ended: the caller
		// cannot tell them from a complete table.
		return ctx.Err()
	})
}

// stream runs the Spark SQL of b in a session of its own and hands read
// its rows as they arrive. When ctx ends first, the error matches
// ctx.Err() and the session's operations are interrupted.
func (e *Engine) stream(ctx context.Context, op string, b *sqlb.Builder, read func(*arrowRows) error) error {
	text, err := b.Spark()
	if err != nil {
		return fmt.Errorf("spark: %s: %w", op, err)
	}
	s, err := e.acquire(ctx)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("spark: %s: %w", op, ctxErr)
		}
		return err
	}
	start := time.Now()
	err = func() error {
		st, err := e.interrupter.execute(ctx, s.id, text)
		if err != nil {
			return err
		}
		rows := &arrowRows{s: st, i: -1}
		defer rows.close()
		return read(rows)
	}()
	e.log.DebugContext(ctx, "spark query", "op", op, "duration", time.Since(start))
	if err != nil && ctx.Err() != nil {
		e.interrupt(s)
	}
	e.release(s)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("spark: %s: %w", op, ctxErr)
		}
		return e.failed(op, err)
	}
	return nil
}

// datasetViews registers in s, and for every session after, a view of
// each dataset domain's OMOP table, as package cdr finds it
// (table.parquet, else a folder table/ of Parquet files), or, when the
// CDR has neither, with no rows and the columns of the table in the
// OMOP schema of the CDR's CDM version, as package cdr opens an absent
// table. Only datasets read these tables: an engine that serves none
// never looks for them.
func (e *Engine) datasetViews(ctx context.Context, s *session) error {
	for _, d := range cohort.DatasetDomains {
		t := cohort.DatasetTable(d)
		if s.views[t] {
			continue
		}
		var src viewSource
		for _, path := range []string{e.cdr + "/" + t + ".parquet", e.cdr + "/" + t} {
			err := e.view(ctx, s, t, path)
			if ctxErr := ctx.Err(); ctxErr != nil {
				return fmt.Errorf("spark: dataset catalog: %w", ctxErr)
			}
			if unreachable(err) {
				return e.failed("dataset catalog", err)
			}
			if err == nil {
				src.path = path
				break
			}
		}
		if src.path == "" {
			table, ok := e.schema().Table(t)
			if !ok {
				continue
			}
			src.empty = table.Columns
			if err := e.emptyView(ctx, s, t, src.empty); err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return fmt.Errorf("spark: dataset catalog: %w", ctxErr)
				}
				return err
			}
		}
		e.mu.Lock()
		e.views[t] = src
		e.mu.Unlock()
	}
	return nil
}

// schema is the OMOP schema of the CDR's CDM version, v5.3 when the
// index does not say.
func (e *Engine) schema() *omop.Schema {
	s, err := omop.SchemaFor(omop.Version(e.info.CDMVersion))
	if err != nil {
		s, _ = omop.SchemaFor(omop.V53)
	}
	return s
}
