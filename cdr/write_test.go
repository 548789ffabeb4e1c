package cdr

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeDeaths writes three death rows with w and returns the file's path.
func writeDeaths(t *testing.T, w *ParquetWriter, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	day := time.Date(2020, time.March, 4, 0, 0, 0, 0, time.UTC)
	cols := []string{"person_id", "death_date", "death_datetime", "cause_source_value", "cause_concept_id"}
	err := w.Write(context.Background(), path, "death", cols, 3, func(i int, vals []any) {
		vals[0], vals[1], vals[2] = int64(i+1), day.AddDate(0, 0, i), day.Add(time.Duration(i)*time.Hour)
		if i != 1 {
			vals[3], vals[4] = "I21", int64(312327) // row 1 leaves them NULL
		}
	})
	require.NoError(t, err)
	return path
}

func TestParquetWriter(t *testing.T) {
	ctx := context.Background()
	schema, err := SchemaFor(V53)
	require.NoError(t, err)
	w, err := NewParquetWriter(ctx, schema)
	require.NoError(t, err)
	defer w.Close()

	path := writeDeaths(t, w, "death.parquet")
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()

	t.Run("columns in schema order with schema types", func(t *testing.T) {
		rows, err := db.Query("DESCRIBE SELECT * FROM read_parquet(" + quoteLiteral(path) + ")")
		require.NoError(t, err)
		defer rows.Close()
		var got []string
		for rows.Next() {
			var name, typ string
			var null, key, def, extra sql.NullString
			require.NoError(t, rows.Scan(&name, &typ, &null, &key, &def, &extra))
			got = append(got, name+" "+typ)
		}
		table, _ := schema.Table("death")
		var want []string
		for _, c := range table.Columns {
			want = append(want, c.Name+" "+c.Type.SQL())
		}
		assert.Equal(t, want, got)
	})

	t.Run("values and NULLs", func(t *testing.T) {
		rows, err := db.Query("SELECT person_id, death_date::VARCHAR, death_datetime::VARCHAR, cause_concept_id, cause_source_value, death_type_concept_id FROM read_parquet(" + quoteLiteral(path) + ")")
		require.NoError(t, err)
		defer rows.Close()
		var got [][]any
		for rows.Next() {
			var id int64
			var date, datetime string
			var cause, typ sql.NullInt64
			var source sql.NullString
			require.NoError(t, rows.Scan(&id, &date, &datetime, &cause, &source, &typ))
			got = append(got, []any{id, date, datetime, cause, source, typ.Valid})
		}
		assert.Equal(t, [][]any{
			{int64(1), "2020-03-04", "2020-03-04 00:00:00", sql.NullInt64{Int64: 312327, Valid: true}, sql.NullString{String: "I21", Valid: true}, false},
			{int64(2), "2020-03-05", "2020-03-04 01:00:00", sql.NullInt64{}, sql.NullString{}, false},
			{int64(3), "2020-03-06", "2020-03-04 02:00:00", sql.NullInt64{Int64: 312327, Valid: true}, sql.NullString{String: "I21", Valid: true}, false},
		}, got)
	})

	t.Run("same rows same bytes", func(t *testing.T) {
		again := writeDeaths(t, w, "again.parquet")
		a, err := os.ReadFile(path)
		require.NoError(t, err)
		b, err := os.ReadFile(again)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(a, b))
	})

	t.Run("zero rows", func(t *testing.T) {
		empty := filepath.Join(t.TempDir(), "empty.parquet")
		require.NoError(t, w.Write(ctx, empty, "death", []string{"person_id"}, 0, nil))
		var n int
		require.NoError(t, db.QueryRow("SELECT count(*) FROM read_parquet("+quoteLiteral(empty)+")").Scan(&n))
		assert.Zero(t, n)
	})

	t.Run("errors", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "x.parquet")
		err := w.Write(ctx, out, "no_such_table", nil, 0, nil)
		assert.ErrorContains(t, err, "cdr: write no_such_table: no such table")
		err = w.Write(ctx, out, "death", []string{"person_id", "shoe_size"}, 0, nil)
		assert.ErrorContains(t, err, "cdr: write death: no column shoe_size")
		err = w.Write(ctx, out, "death", []string{"person_id"}, 1, func(i int, vals []any) { vals[0] = "not a number" })
		assert.ErrorContains(t, err, "cdr: write death: ")
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		err = w.Write(cancelled, out, "death", []string{"person_id"}, 10, func(i int, vals []any) { vals[0] = int64(i) })
		assert.ErrorIs(t, err, context.Canceled)
		assert.NoFileExists(t, out)
		// The writer still works after errors.
		writeDeaths(t, w, "after.parquet")
	})
}
