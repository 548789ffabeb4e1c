package export

import (
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// arrowTypes maps the DuckDB types of columns to Arrow types. TIMESTAMP
// has no zone in DuckDB, and none in Arrow.
var arrowTypes = map[string]arrow.DataType{
	"BIGINT":    arrow.PrimitiveTypes.Int64,
	"INTEGER":   arrow.PrimitiveTypes.Int32,
	"DOUBLE":    arrow.PrimitiveTypes.Float64,
	"VARCHAR":   arrow.BinaryTypes.String,
	"DATE":      arrow.FixedWidthTypes.Date32,
	"TIMESTAMP": &arrow.TimestampType{Unit: arrow.Microsecond},
	"BOOLEAN":   arrow.FixedWidthTypes.Boolean,
}

// schemaOf is the Arrow schema of the columns, every field nullable.
func schemaOf(cols []Column) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: arrowTypes[c.Type], Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// batcher builds record batches of at most size rows and hands each to
// flush, so that at most one batch is in memory.
type batcher struct {
	cols  []Column
	b     *array.RecordBuilder
	size  int
	rows  int
	flush func(arrow.RecordBatch) error
}

func newBatcher(cols []Column, size int, flush func(arrow.RecordBatch) error) *batcher {
	return &batcher{cols: cols, b: array.NewRecordBuilder(memory.DefaultAllocator, schemaOf(cols)), size: size, flush: flush}
}

func (bt *batcher) row(vals []any) error {
	for i, v := range vals {
		if err := appendValue(bt.b.Field(i), bt.cols[i], v); err != nil {
			return err
		}
	}
	if bt.rows++; bt.rows == bt.size {
		return bt.emit()
	}
	return nil
}

// emit hands the rows built so far to flush as one batch.
func (bt *batcher) emit() error {
	rec := bt.b.NewRecordBatch()
	defer rec.Release()
	bt.rows = 0
	return bt.flush(rec)
}

// finish emits the last batch, if it has rows.
func (bt *batcher) finish() error {
	defer bt.b.Release()
	if bt.rows == 0 {
		return nil
	}
	return bt.emit()
}

// secondsPerDay converts Unix time at midnight to Arrow's date32, days
// since 1970-01-01.
const secondsPerDay = 24 * 60 * 60

// appendValue appends v, a value of column c, to the builder of the
// column's Arrow type.
func appendValue(fb array.Builder, c Column, v any) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	switch b := fb.(type) {
	case *array.Int64Builder:
		switch v := v.(type) {
		case int64:
			b.Append(v)
			return nil
		case int32:
			b.Append(int64(v))
			return nil
		}
	case *array.Int32Builder:
		if v, ok := v.(int32); ok {
			b.Append(v)
			return nil
		}
	case *array.Float64Builder:
		if v, ok := v.(float64); ok {
			b.Append(v)
			return nil
		}
	case *array.StringBuilder:
		if v, ok := v.(string); ok {
			b.Append(v)
			return nil
		}
	case *array.BooleanBuilder:
		if v, ok := v.(bool); ok {
			b.Append(v)
			return nil
		}
	case *array.Date32Builder:
		if v, ok := v.(time.Time); ok {
			y, m, d := v.Date()
			b.Append(arrow.Date32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay))
			return nil
		}
	case *array.TimestampBuilder:
		if v, ok := v.(time.Time); ok {
			// The wall clock as UTC: TIMESTAMP has no zone.
			y, mo, d := v.Date()
			h, mi, s := v.Clock()
			b.Append(arrow.Timestamp(time.Date(y, mo, d, h, mi, s, v.Nanosecond(), time.UTC).UnixMicro()))
			return nil
		}
	}
	return typeError(c, v)
}

// arrowEncoder writes an Arrow IPC stream: the schema, then one record
// batch per batch of rows.
type arrowEncoder struct {
	*batcher
	w *ipc.Writer
}

func newArrowEncoder(w io.Writer, cols []Column, size int) (*arrowEncoder, error) {
	iw := ipc.NewWriter(w, ipc.WithSchema(schemaOf(cols)))
	return &arrowEncoder{batcher: newBatcher(cols, size, iw.Write), w: iw}, nil
}

func (e *arrowEncoder) close() error {
	if err := e.finish(); err != nil {
		return err
	}
	// Close writes the end of the stream, and the schema when no batch
	// did.
	return e.w.Close()
}

// parquetEncoder writes a Parquet file with one row group per batch of
// rows, Snappy-compressed. Parquet's footer comes last, so the file is
// complete only when the last row was written.
type parquetEncoder struct {
	*batcher
	w *pqarrow.FileWriter
}

func newParquetEncoder(w io.Writer, cols []Column, size int) (*parquetEncoder, error) {
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithMaxRowGroupLength(int64(size)))
	pw, err := pqarrow.NewFileWriter(schemaOf(cols), w, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, err
	}
	return &parquetEncoder{batcher: newBatcher(cols, size, pw.Write), w: pw}, nil
}

func (e *parquetEncoder) close() error {
	if err := e.finish(); err != nil {
		return err
	}
	return e.w.Close()
}
