package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/export"
)

// rows is an in-memory export.Rows holding what a DuckDB driver gives.
type rows struct {
	data [][]any
	i    int
	err  error // returned by Err after the last row
}

func (r *rows) Next() bool { r.i++; return r.i <= len(r.data) }
func (r *rows) Err() error { return r.err }
func (r *rows) Scan(dest ...any) error {
	for j, d := range dest {
		*d.(*any) = r.data[r.i-1][j]
	}
	return nil
}

var cols = []export.Column{
	{Name: "person_id", Type: "BIGINT"},
	{Name: "year", Type: "INTEGER"},
	{Name: "value", Type: "DOUBLE"},
	{Name: "name", Type: "VARCHAR"},
	{Name: "start_date", Type: "DATE"},
	{Name: "start_datetime", Type: "TIMESTAMP"},
	{Name: "deceased", Type: "BOOLEAN"},
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// data has a NULL in every column, a date before 1970, and strings that
// need quoting in CSV and escaping in JSON.
var data = [][]any{
	{int64(1), int32(1950), 7.25, "plain", date(2020, 2, 29), time.Date(2020, 2, 29, 13, 45, 6, 500000000, time.UTC), true},
	{int64(2), nil, nil, nil, nil, nil, nil},
	{int64(1) << 40, int32(-1), -0.5, "comma, \"quote\"\nline é", date(1901, 12, 31), time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), false},
	{int64(4), int32(0), 1e300, "", date(1970, 1, 1), time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), nil},
	{int64(5), int32(2), 3.0, "last", date(1969, 12, 31), time.Date(2001, 1, 1, 0, 0, 0, 1000, time.UTC), true},
}

func write(t *testing.T, f export.Format, opt export.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := export.Write(&buf, f, cols, &rows{data: data}, opt)
	require.NoError(t, err)
	assert.EqualValues(t, len(data), n)
	return buf.Bytes()
}

func TestJSON(t *testing.T) {
	var got []map[string]any
	out := write(t, export.JSON, export.Options{})
	require.NoError(t, json.Unmarshal(out, &got), "%s", out)
	require.Len(t, got, len(data))
	assert.Equal(t, map[string]any{"person_id": 1.0, "year": 1950.0, "value": 7.25, "name": "plain",
		"start_date": "2020-02-29", "start_datetime": "2020-02-29T13:45:06.5", "deceased": true}, got[0])
	assert.Equal(t, map[string]any{"person_id": 2.0, "year": nil, "value": nil, "name": nil,
		"start_date": nil, "start_datetime": nil, "deceased": nil}, got[1])
	assert.Equal(t, "comma, \"quote\"\nline é", got[2]["name"])
	assert.Equal(t, "1901-12-31", got[2]["start_date"])
	assert.Equal(t, 1e300, got[3]["value"])
	assert.Equal(t, "2001-01-01T00:00:00.000001", got[4]["start_datetime"])

	var buf bytes.Buffer
	_, err := export.Write(&buf, export.JSON, cols, &rows{}, export.Options{})
	require.NoError(t, err)
	assert.JSONEq(t, "[]", buf.String(), "no rows is an empty array")
}

func TestCSV(t *testing.T) {
	out := write(t, export.CSV, export.Options{})
	assert.Contains(t, string(out), "\r\n", "RFC 4180 line ends")
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, len(data)+1)
	assert.Equal(t, []string{"person_id", "year", "value", "name", "start_date", "start_datetime", "deceased"}, recs[0])
	assert.Equal(t, []string{"1", "1950", "7.25", "plain", "2020-02-29", "2020-02-29T13:45:06.5", "true"}, recs[1])
	assert.Equal(t, []string{"2", "", "", "", "", "", ""}, recs[2])
	assert.Equal(t, []string{"1099511627776", "-1", "-0.5", "comma, \"quote\"\nline é", "1901-12-31", "1969-12-31T23:59:59", "false"}, recs[3])
}

// checkTable compares an Arrow table read back with data.
func checkTable(t *testing.T, tbl arrow.Table) {
	t.Helper()
	require.EqualValues(t, len(data), tbl.NumRows())
	for j, c := range cols {
		col := tbl.Column(j)
		assert.Equal(t, c.Name, col.Name())
		row := 0
		for _, chunk := range col.Data().Chunks() {
			for k := 0; k < chunk.Len(); k++ {
				want := data[row][j]
				if want == nil {
					assert.True(t, chunk.IsNull(k), "%s row %d is NULL", c.Name, row)
					row++
					continue
				}
				require.False(t, chunk.IsNull(k), "%s row %d", c.Name, row)
				var got any
				switch a := chunk.(type) {
				case *array.Int64:
					got = a.Value(k)
				case *array.Int32:
					got = a.Value(k)
				case *array.Float64:
					got = a.Value(k)
				case *array.String:
					got = a.Value(k)
				case *array.Boolean:
					got = a.Value(k)
				case *array.Date32:
					got = a.Value(k).ToTime()
				case *array.Timestamp:
					got = time.UnixMicro(int64(a.Value(k))).UTC()
				default:
					t.Fatalf("%s: unexpected array %T", c.Name, chunk)
				}
				assert.Equal(t, want, got, "%s row %d", c.Name, row)
				row++
			}
		}
	}
}

func TestArrow(t *testing.T) {
	out := write(t, export.Arrow, export.Options{BatchRows: 2})
	r, err := ipc.NewReader(bytes.NewReader(out))
	require.NoError(t, err)
	defer r.Release()
	assert.Equal(t, arrow.PrimitiveTypes.Int32, r.Schema().Field(1).Type)
	assert.Equal(t, arrow.FixedWidthTypes.Date32, r.Schema().Field(4).Type)
	var recs []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		defer rec.Release()
		recs = append(recs, rec)
	}
	require.NoError(t, r.Err())
	assert.Len(t, recs, 3, "batches of at most 2 rows")
	tbl := array.NewTableFromRecords(r.Schema(), recs)
	defer tbl.Release()
	checkTable(t, tbl)
}

func TestParquet(t *testing.T) {
	out := write(t, export.Parquet, export.Options{BatchRows: 2})
	pf, err := file.NewParquetReader(bytes.NewReader(out))
	require.NoError(t, err)
	defer pf.Close()
	assert.Equal(t, 3, pf.NumRowGroups(), "row groups of at most 2 rows")
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	require.NoError(t, err)
	tbl, err := fr.ReadTable(context.Background())
	require.NoError(t, err)
	defer tbl.Release()
	checkTable(t, tbl)
}

func TestEmpty(t *testing.T) {
	for _, f := range []export.Format{export.Arrow, export.Parquet} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			n, err := export.Write(&buf, f, cols, &rows{}, export.Options{})
			require.NoError(t, err)
			assert.Zero(t, n)
			assert.NotEmpty(t, buf.Bytes(), "the schema is written without rows")
		})
	}
}

func TestWriteErrors(t *testing.T) {
	cases := []struct {
		name string
		cols []export.Column
		rows *rows
		want string
	}{
		{"unsupported type", []export.Column{{Name: "h", Type: "HUGEINT"}}, &rows{}, "column h: unsupported type HUGEINT"},
		{"value of another type", []export.Column{{Name: "d", Type: "DATE"}}, &rows{data: [][]any{{"2020-01-01"}}}, "row 1: column d: string is not a value of DATE"},
		{"error of the rows", cols[:1], &rows{data: [][]any{{int64(1)}}, err: errors.New("boom")}, "boom"},
	}
	for _, tc := range cases {
		for _, f := range export.Formats {
			t.Run(tc.name+"/"+string(f), func(t *testing.T) {
				tc.rows.i = 0
				_, err := export.Write(&bytes.Buffer{}, f, tc.cols, tc.rows, export.Options{})
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
			})
		}
	}
}

func TestNonFiniteNumbers(t *testing.T) {
	var buf bytes.Buffer
	_, err := export.Write(&buf, export.JSON, cols[2:3], &rows{data: [][]any{{math.NaN()}, {math.Inf(1)}}}, export.Options{})
	require.NoError(t, err)
	assert.JSONEq(t, `[{"value": null}, {"value": null}]`, buf.String())
}

func TestParseFormat(t *testing.T) {
	for _, f := range export.Formats {
		got, err := export.ParseFormat(string(f))
		require.NoError(t, err)
		assert.Equal(t, f, got)
		assert.NotEmpty(t, f.ContentType())
	}
	_, err := export.ParseFormat("xlsx")
	require.ErrorIs(t, err, export.ErrFormat)
}
