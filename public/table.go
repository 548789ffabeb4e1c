package public

import (
	"context"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// column is one column of a release table; exactly one of the slices is
// set. The release's tables are small (thousands to a few hundred
// thousand rows), written and read whole with arrow-go, which keeps the
// reader free of cgo: a public deployment needs neither DuckDB nor rows.
type column struct {
	name   string
	ints   []int64
	strs   []string
	bools  []bool
	floats []float64
}

func (c column) len() int { return max(len(c.ints), len(c.strs), len(c.bools), len(c.floats)) }

// writeTable writes cols as a Parquet file at path. The same columns give
// the same bytes: the writer records no time.
func writeTable(path string, cols []column) error {
	mem := memory.DefaultAllocator
	fields := make([]arrow.Field, len(cols))
	arrays := make([]arrow.Array, len(cols))
	n := 0
	if len(cols) > 0 {
		n = cols[0].len()
	}
	for i, c := range cols {
		if c.len() != n && n > 0 {
			return fmt.Errorf("public: table %s: column %s has %d rows, not %d", path, c.name, c.len(), n)
		}
		switch {
		case c.strs != nil:
			b := array.NewStringBuilder(mem)
			b.AppendValues(c.strs, nil)
			fields[i], arrays[i] = arrow.Field{Name: c.name, Type: arrow.BinaryTypes.String}, b.NewArray()
		case c.bools != nil:
			b := array.NewBooleanBuilder(mem)
			b.AppendValues(c.bools, nil)
			fields[i], arrays[i] = arrow.Field{Name: c.name, Type: arrow.FixedWidthTypes.Boolean}, b.NewArray()
		case c.floats != nil:
			b := array.NewFloat64Builder(mem)
			b.AppendValues(c.floats, nil)
			fields[i], arrays[i] = arrow.Field{Name: c.name, Type: arrow.PrimitiveTypes.Float64}, b.NewArray()
		default:
			b := array.NewInt64Builder(mem)
			b.AppendValues(c.ints, nil)
			fields[i], arrays[i] = arrow.Field{Name: c.name, Type: arrow.PrimitiveTypes.Int64}, b.NewArray()
		}
		defer arrays[i].Release()
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), arrays, int64(n))
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("public: %w", err)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCreatedBy("workbench public build"))
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		f.Close()
		return fmt.Errorf("public: table %s: %w", path, err)
	}
	if err := w.Write(rec); err != nil {
		w.Close()
		return fmt.Errorf("public: table %s: %w", path, err)
	}
	if err := w.Close(); err != nil { // closes f too
		return fmt.Errorf("public: table %s: %w", path, err)
	}
	return nil
}

// readTable reads a Parquet file written by writeTable: its columns by
// name, and its number of rows.
func readTable(path string) (map[string]column, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("public: %w", err)
	}
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, 0, fmt.Errorf("public: table %s: %w", path, err)
	}
	defer tbl.Release()
	out := make(map[string]column, tbl.NumCols())
	for i := range int(tbl.NumCols()) {
		c := column{name: tbl.Schema().Field(i).Name}
		for _, chunk := range tbl.Column(i).Data().Chunks() {
			switch a := chunk.(type) {
			case *array.Int64:
				c.ints = append(c.ints, a.Int64Values()...)
			case *array.String:
				for j := range a.Len() {
					c.strs = append(c.strs, a.Value(j))
				}
			case *array.Boolean:
				for j := range a.Len() {
					c.bools = append(c.bools, a.Value(j))
				}
			case *array.Float64:
				c.floats = append(c.floats, a.Float64Values()...)
			default:
				return nil, 0, fmt.Errorf("public: table %s: column %s has type %s", path, c.name, chunk.DataType())
			}
		}
		out[c.name] = c
	}
	return out, int(tbl.NumRows()), nil
}
