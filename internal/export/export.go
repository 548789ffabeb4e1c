// Package export writes rows of a query as a stream, in one of the formats
// a row-level result is negotiated in: JSON (an array of objects), CSV
// (RFC 4180 with a header), Arrow IPC stream and Parquet. Rows are read
// one at a time and written in batches of a bounded number of rows, so
// memory does not grow with the result. Types are DuckDB's: BIGINT,
// INTEGER, DOUBLE, VARCHAR, DATE, TIMESTAMP and BOOLEAN; NULL stays NULL
// (null in JSON, an empty field in CSV). The package needs no cgo.
package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/openworkbench/workbench/fault"
)

// Format is an export format.
type Format string

// The formats, by the name a client may ask for.
const (
	JSON    Format = "json"
	CSV     Format = "csv"
	Arrow   Format = "arrow"
	Parquet Format = "parquet"
)

// Formats lists every format; the first is the default.
var Formats = []Format{JSON, CSV, Arrow, Parquet}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case JSON:
		return "application/json"
	case CSV:
		return "text/csv"
	case Arrow:
		return "application/vnd.apache.arrow.stream"
	case Parquet:
		return "application/vnd.apache.parquet"
	}
	return ""
}

// Extension is the file name extension of the format, without the dot.
func (f Format) Extension() string {
	if f == Arrow {
		return "arrows"
	}
	return string(f)
}

// ErrFormat is matched by the error of an unknown format name.
var ErrFormat = fault.New(fault.Invalid, "export.format", "export: unknown format")

// ParseFormat is the format of the name (json, csv, arrow or parquet).
func ParseFormat(name string) (Format, error) {
	for _, f := range Formats {
		if string(f) == name {
			return f, nil
		}
	}
	var names []string
	for _, f := range Formats {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("%w %q: want one of %s", ErrFormat, name, strings.Join(names, ", "))
}

// Column is a column of the rows: its name and DuckDB type.
type Column struct {
	Name string
	Type string
}

// Rows is what Write reads: *sql.Rows has these methods. Write scans every
// column into an *any and expects the values a DuckDB driver gives for the
// column's type (int64 or int32, float64, string, time.Time, bool, or nil
// for NULL).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// DefaultBatchRows is how many rows an Arrow record batch or a Parquet row
// group holds unless Options say otherwise.
const DefaultBatchRows = 64 * 1024

// Options configure Write. The zero value works.
type Options struct {
	// BatchRows bounds the rows of an Arrow record batch and of a Parquet
	// row group, and so the memory Write holds; 0 means DefaultBatchRows.
	BatchRows int
}

// encoder writes rows of one format.
type encoder interface {
	row(vals []any) error
	// close finishes the output after the last row.
	close() error
}

// Write reads every row of rows and writes it to w in the format f, with
// the columns cols (whose order and types are the rows'). It returns the
// number of rows written. An unsupported column type is an error before
// anything is written; an error of w or rows ends the output where it is.
func Write(w io.Writer, f Format, cols []Column, rows Rows, opt Options) (int64, error) {
	if opt.BatchRows <= 0 {
		opt.BatchRows = DefaultBatchRows
	}
	for _, c := range cols {
		if _, ok := arrowTypes[c.Type]; !ok {
			return 0, fmt.Errorf("export: column %s: unsupported type %s", c.Name, c.Type)
		}
	}
	var enc encoder
	var err error
	switch f {
	case JSON:
		enc = newJSONEncoder(w, cols)
	case CSV:
		enc, err = newCSVEncoder(w, cols)
	case Arrow:
		enc, err = newArrowEncoder(w, cols, opt.BatchRows)
	case Parquet:
		enc, err = newParquetEncoder(w, cols, opt.BatchRows)
	default:
		return 0, fmt.Errorf("%w %q", ErrFormat, f)
	}
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("export: row %d: %w", n+1, err)
		}
		if err := enc.row(vals); err != nil {
			return n, fmt.Errorf("export: row %d: %w", n+1, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := enc.close(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

// typeError is the error of a value that is not of its column's type.
func typeError(c Column, v any) error {
	return fmt.Errorf("column %s: %T is not a value of %s", c.Name, v, c.Type)
}
