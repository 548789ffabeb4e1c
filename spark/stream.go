package spark

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The Go client collects a whole result before it returns one row
// (DataFrame.Collect and ToArrow read every batch into a table): right
// for counts and pages, wrong for a dataset export of any size. A stream
// sends Spark Connect's ExecutePlan itself, with the client's generated
// messages found by name as for Interrupt, and hands on each Arrow batch
// as it arrives; a reader that stops early, or a context that ends,
// cancels the RPC, and the server then stops the operation.
type stream struct {
	rpc    grpc.ClientStream
	cancel context.CancelFunc
	resp   protoreflect.Message
	// fields of ExecutePlanResponse and its ArrowBatch.
	batch, data protoreflect.FieldDescriptor
}

// execute starts the SQL query in the Spark session id.
func (in *interrupter) execute(ctx context.Context, id, query string) (*stream, error) {
	req, plan, err := in.planRequest(id)
	if err != nil {
		return nil, err
	}
	root := plan.Mutable(plan.Descriptor().Fields().ByName("root")).Message()
	sql := root.Mutable(root.Descriptor().Fields().ByName("sql")).Message()
	sql.Set(sql.Descriptor().Fields().ByName("query"), protoreflect.ValueOfString(query))
	return in.start(ctx, req)
}

// planRequest returns an ExecutePlanRequest of the Spark session id, and
// its plan for the caller to fill.
func (in *interrupter) planRequest(id string) (req, plan protoreflect.Message, err error) {
	req, err = message("spark.connect.ExecutePlanRequest")
	if err != nil {
		return nil, nil, err
	}
	fields := req.Descriptor().Fields()
	req.Set(fields.ByName("session_id"), protoreflect.ValueOfString(id))
	user := req.Mutable(fields.ByName("user_context")).Message()
	user.Set(user.Descriptor().Fields().ByName("user_id"), protoreflect.ValueOfString(in.user))
	return req, req.Mutable(fields.ByName("plan")).Message(), nil
}

// start sends the ExecutePlanRequest req and returns the stream of its
// responses.
func (in *interrupter) start(ctx context.Context, req protoreflect.Message) (*stream, error) {
	resp, err := message("spark.connect.ExecutePlanResponse")
	if err != nil {
		return nil, err
	}
	batch := resp.Descriptor().Fields().ByName("arrow_batch")
	if batch == nil || batch.Message() == nil || batch.Message().Fields().ByName("data") == nil {
		return nil, errors.New("spark: the client's protocol has no ExecutePlanResponse.arrow_batch.data")
	}
	ctx, cancel := context.WithCancel(metadata.NewOutgoingContext(ctx, in.headers))
	rpc, err := in.conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/spark.connect.SparkConnectService/ExecutePlan")
	if err == nil {
		err = rpc.SendMsg(req.Interface())
	}
	if err == nil {
		err = rpc.CloseSend()
	}
	if err != nil {
		cancel()
		return nil, err
	}
	return &stream{rpc: rpc, cancel: cancel, resp: resp, batch: batch, data: batch.Message().Fields().ByName("data")}, nil
}

// next returns the next Arrow record batch of the result (which the
// caller releases), or io.EOF after the last.
func (s *stream) next() (arrow.RecordBatch, error) {
	for {
		msg := s.resp.New()
		if err := s.rpc.RecvMsg(msg.Interface()); err != nil {
			return nil, err
		}
		if !msg.Has(s.batch) {
			continue // the schema, metrics, the end of the result
		}
		data := msg.Get(s.batch).Message().Get(s.data).Bytes()
		r, err := ipc.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("spark: reading an Arrow batch: %w", err)
		}
		if !r.Next() {
			err := r.Err()
			r.Release()
			if err != nil {
				return nil, fmt.Errorf("spark: reading an Arrow batch: %w", err)
			}
			continue
		}
		rec := r.RecordBatch()
		rec.Retain()
		r.Release()
		return rec, nil
	}
}

// close ends the RPC, which cancels the operation on the server when it
// has not finished.
func (s *stream) close() { s.cancel() }

// arrowRows reads a stream's batches as engine.Rows: one batch in memory
// at a time. Scan gives each column's values as package engine's DuckDB
// rows give them (see engine.Rows).
type arrowRows struct {
	s   *stream
	rec arrow.RecordBatch
	i   int // the row of rec that Scan reads
	err error
}

func (r *arrowRows) Next() bool {
	if r.err != nil {
		return false
	}
	r.i++
	for r.rec == nil || r.i >= int(r.rec.NumRows()) {
		if r.rec != nil {
			r.rec.Release()
			r.rec = nil
		}
		rec, err := r.s.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.err = err
			}
			return false
		}
		r.rec, r.i = rec, 0
	}
	return true
}

func (r *arrowRows) Err() error { return r.err }

func (r *arrowRows) close() {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	r.s.close()
}

func (r *arrowRows) Scan(dest ...any) error {
	if r.rec == nil {
		return errors.New("spark: Scan without a row")
	}
	if len(dest) != int(r.rec.NumCols()) {
		return fmt.Errorf("spark: Scan of %d values, the row has %d", len(dest), r.rec.NumCols())
	}
	for c, d := range dest {
		p, ok := d.(*any)
		if !ok {
			return fmt.Errorf("spark: Scan into %T: want *any", d)
		}
		v, err := value(r.rec.Column(c), r.i)
		if err != nil {
			return fmt.Errorf("spark: column %s: %w", r.rec.ColumnName(c), err)
		}
		*p = v
	}
	return nil
}

// value is row i of the column as a DuckDB driver gives it: int64 or
// int32 for integers, float64, string, bool, time.Time (UTC) for dates
// and timestamps, nil for NULL.
func value(col arrow.Array, i int) (any, error) {
	if col.IsNull(i) {
		return nil, nil
	}
	switch a := col.(type) {
	case *array.Int64:
		return a.Value(i), nil
	case *array.Int32:
		return a.Value(i), nil
	case *array.Int16:
		return int32(a.Value(i)), nil
	case *array.Int8:
		return int32(a.Value(i)), nil
	case *array.Float64:
		return a.Value(i), nil
	case *array.Float32:
		return float64(a.Value(i)), nil
	case *array.Decimal128:
		dt := a.DataType().(*arrow.Decimal128Type)
		return a.Value(i).ToFloat64(dt.Scale), nil
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.Boolean:
		return a.Value(i), nil
	case *array.Date32:
		return a.Value(i).ToTime(), nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC(), nil
	}
	return nil, fmt.Errorf("unsupported Arrow type %s", col.DataType())
}

// day is a DATE value of a row that the client collected (arrow.Date32)
// as YYYY-MM-DD; "" for NULL.
func day(v any) string {
	switch d := v.(type) {
	case arrow.Date32:
		return d.ToTime().Format(time.DateOnly)
	case time.Time:
		return d.Format(time.DateOnly)
	}
	return ""
}

// float is a DOUBLE value of a collected row; false for NULL.
func float(v any) (float64, bool) {
	switch f := v.(type) {
	case float64:
		return f, true
	case float32:
		return float64(f), true
	}
	return math.NaN(), false
}
