package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/openworkbench/workbench/cohort"
)

// bufferSize is the buffer between the encoders of text and the writer.
const bufferSize = 64 * 1024

// appendText appends the text of v, a value of column c, to b: integers and
// booleans as Go writes them, numbers in the shortest form that reads back
// the same, dates and timestamps in the layouts of package cohort. ok is
// false for NULL and for numbers that are not finite, which have no text.
func appendText(b []byte, c Column, v any) (out []byte, ok bool, err error) {
	if !fits(c, v) {
		return b, false, typeError(c, v)
	}
	switch v := v.(type) {
	case int64:
		return strconv.AppendInt(b, v, 10), true, nil
	case int32:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return b, false, nil
		}
		return strconv.AppendFloat(b, v, 'g', -1, 64), true, nil
	case string:
		return append(b, v...), true, nil
	case bool:
		return strconv.AppendBool(b, v), true, nil
	case time.Time:
		if c.Type == "DATE" {
			return v.AppendFormat(b, cohort.DatasetDateLayout), true, nil
		}
		return v.AppendFormat(b, cohort.DatasetTimestampLayout), true, nil
	}
	return b, false, nil // nil: NULL
}

// fits reports whether v is a value of column c, or NULL.
func fits(c Column, v any) bool {
	switch v.(type) {
	case nil:
		return true
	case int64, int32:
		return c.Type == "BIGINT" || c.Type == "INTEGER"
	case float64:
		return c.Type == "DOUBLE"
	case string:
		return c.Type == "VARCHAR"
	case bool:
		return c.Type == "BOOLEAN"
	case time.Time:
		return c.Type == "DATE" || c.Type == "TIMESTAMP"
	}
	return false
}

// jsonEncoder writes a JSON array of one object per row, the columns as
// keys in order; NULL and numbers that are not finite are null.
type jsonEncoder struct {
	w    *bufio.Writer
	cols []Column
	keys [][]byte // `"name":` per column
	rows int64
	buf  []byte
}

func newJSONEncoder(w io.Writer, cols []Column) *jsonEncoder {
	e := &jsonEncoder{w: bufio.NewWriterSize(w, bufferSize), cols: cols}
	for _, c := range cols {
		k, _ := json.Marshal(c.Name) // a string always marshals
		e.keys = append(e.keys, append(k, ':'))
	}
	return e
}

func (e *jsonEncoder) row(vals []any) error {
	b := e.buf[:0]
	if e.rows == 0 {
		b = append(b, "[\n{"...)
	} else {
		b = append(b, ",\n{"...)
	}
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e.keys[i]...)
		switch v := v.(type) {
		case string:
			if !fits(e.cols[i], v) {
				return typeError(e.cols[i], v)
			}
			b = appendJSONString(b, v)
		case time.Time:
			var err error
			if b, _, err = appendText(append(b, '"'), e.cols[i], v); err != nil {
				return err
			}
			b = append(b, '"')
		default:
			var ok bool
			var err error
			if b, ok, err = appendText(b, e.cols[i], v); err != nil {
				return err
			}
			if !ok {
				b = append(b, "null"...)
			}
		}
	}
	b = append(b, '}')
	e.buf = b
	e.rows++
	_, err := e.w.Write(b)
	return err
}

func (e *jsonEncoder) close() error {
	if e.rows == 0 {
		_, _ = e.w.WriteString("[]\n")
	} else {
		_, _ = e.w.WriteString("\n]\n")
	}
	return e.w.Flush()
}

// appendJSONString appends s as a JSON string to b.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// csvEncoder writes RFC 4180 CSV: a header of the column names, CRLF line
// ends; NULL is an empty field.
type csvEncoder struct {
	buf  *bufio.Writer
	w    *csv.Writer
	cols []Column
	rec  []string
	b    []byte
}

func newCSVEncoder(w io.Writer, cols []Column) (*csvEncoder, error) {
	buf := bufio.NewWriterSize(w, bufferSize)
	e := &csvEncoder{buf: buf, w: csv.NewWriter(buf), cols: cols, rec: make([]string, len(cols))}
	e.w.UseCRLF = true
	for i, c := range cols {
		e.rec[i] = c.Name
	}
	return e, e.w.Write(e.rec)
}

func (e *csvEncoder) row(vals []any) error {
	for i, v := range vals {
		if s, ok := v.(string); ok && fits(e.cols[i], s) {
			e.rec[i] = s
			continue
		}
		var err error
		if e.b, _, err = appendText(e.b[:0], e.cols[i], v); err != nil {
			return err
		}
		e.rec[i] = string(e.b)
	}
	return e.w.Write(e.rec)
}

func (e *csvEncoder) close() error {
	e.w.Flush()
	if err := e.w.Error(); err != nil {
		return err
	}
	return e.buf.Flush()
}
