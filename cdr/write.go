package cdr

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/openworkbench/workbench/internal/sqlname"
)

// ParquetWriter writes rows of OMOP tables to Parquet files with the
// schema's column names, order and types. It owns a single-threaded
// in-memory DuckDB, so the same rows always give the same bytes; run one
// writer per goroutine for parallel writing. It is for producers of CDR
// files such as the synthetic generator, which must not reach the driver.
type ParquetWriter struct {
	schema *Schema
	db     *sql.DB
	conn   *sql.Conn
}

// NewParquetWriter starts a writer for the tables of schema.
func NewParquetWriter(ctx context.Context, schema *Schema) (*ParquetWriter, error) {
	db, err := openDB(Options{Threads: 1})
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("cdr: writer: %w", cleanError(err))
	}
	// One thread and insertion order make the file a function of the rows.
	if _, err := conn.ExecContext(ctx, "SET preserve_insertion_order = true"); err != nil {
		conn.Close()
		db.Close()
		return nil, fmt.Errorf("cdr: writer: %w", cleanError(err))
	}
	return &ParquetWriter{schema: schema, db: db, conn: conn}, nil
}

// Write writes n rows of the named table to a new Parquet file at path
// (zstd-compressed) with every column of the table, in schema order and
// with the schema's types. cols names the columns the rows have values
// for; the others are NULL. row is called for i = 0 .. n-1 in order with
// vals holding one nil per name in cols; it sets the values that are not
// NULL, in the order of cols: int64 for BIGINT, float64 for DOUBLE, string
// for VARCHAR, time.Time for DATE and TIMESTAMP. Zero rows give a file
// with the columns and no rows.
func (w *ParquetWriter) Write(ctx context.Context, path, table string, cols []string, n int, row func(i int, vals []any)) error {
	t, ok := w.schema.Table(table)
	if !ok {
		return fmt.Errorf("cdr: write %s: no such table in CDM %s", table, w.schema.Version)
	}
	if err := w.write(ctx, path, t, cols, n, row); err != nil {
		return fmt.Errorf("cdr: write %s: %w", table, err)
	}
	return nil
}

func (w *ParquetWriter) write(ctx context.Context, path string, t *Table, cols []string, n int, row func(i int, vals []any)) error {
	// Only the given columns are staged: the Appender sets NULLs one call
	// into C at a time, so columns that are all NULL are added by the COPY.
	defs := make([]string, len(cols))
	for i, name := range cols {
		c, ok := t.Column(name)
		if !ok {
			return fmt.Errorf("no column %s", name)
		}
		defs[i] = sqlname.Quote(c.Name) + " " + c.Type.SQL()
	}
	sel := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		sel[i] = sqlname.Quote(c.Name)
		if !slices.Contains(cols, c.Name) {
			sel[i] = "CAST(NULL AS " + c.Type.SQL() + ") AS " + sqlname.Quote(c.Name)
		}
	}
	const staging = "staging"
	if _, err := w.conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+staging+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return cleanError(err)
	}
	defer w.conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+staging)
	err := w.conn.Raw(func(dc any) error {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("not a DuckDB connection")
		}
		app, err := duckdb.NewAppenderFromConn(conn, "", staging)
		if err != nil {
			return cleanError(err)
		}
		vals := make([]any, len(cols))
		args := make([]driver.Value, len(cols))
		for i := range n {
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					app.Close()
					return err
				}
			}
			clear(vals)
			row(i, vals)
			for j, v := range vals {
				args[j] = v
			}
			if err := app.AppendRow(args...); err != nil {
				app.Close()
				return cleanError(err)
			}
		}
		return cleanError(app.Close())
	})
	if err != nil {
		return err
	}
	_, err = w.conn.ExecContext(ctx, "COPY (SELECT "+strings.Join(sel, ", ")+" FROM "+staging+") TO "+quoteLiteral(path)+" (FORMAT parquet, COMPRESSION zstd)")
	if err != nil {
		os.Remove(path) // a COPY that failed part way leaves a broken file
		return cleanError(err)
	}
	return nil
}

// Close stops the writer's database.
func (w *ParquetWriter) Close() error {
	return errors.Join(w.conn.Close(), w.db.Close())
}
