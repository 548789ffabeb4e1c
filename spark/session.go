package spark

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"time"

	"github.com/apache/spark-connect-go/spark/client/channel"
	sparksql "github.com/apache/spark-connect-go/spark/sql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// session is one Spark session with the CDR's views registered. A query
// has a session to itself (Engine.acquire), so that interrupting the
// session's operations interrupts that query alone.
type session struct {
	spark sparksql.SparkSession
	id    string
	views map[string]bool // registered in this session
}

// interrupter sends Spark Connect's Interrupt RPC, which the Go client
// does not offer. Cancelling an execution's gRPC stream is not enough:
// the server lets the operation's Spark jobs run to their end (seen with
// Spark 4.0: a cross join ran on for minutes after its client had gone).
type interrupter struct {
	conn    *grpc.ClientConn
	headers metadata.MD
	user    string
}

func newInterrupter(ctx context.Context, remote string) (*interrupter, error) {
	cb, err := channel.NewBuilder(remote)
	if err != nil {
		return nil, err
	}
	conn, err := cb.Build(ctx)
	if err != nil {
		return nil, err
	}
	md := metadata.MD{}
	for k, v := range cb.Headers() {
		md.Append(k, v)
	}
	return &interrupter{conn: conn, headers: md, user: cb.User()}, nil
}

// interruptAll interrupts every operation of the session id. The request
// and response are the client's own generated messages, found by name in
// the protobuf registry: the client keeps their Go types internal.
func (in *interrupter) interruptAll(ctx context.Context, id string) error {
	req, err := message("spark.connect.InterruptRequest")
	if err != nil {
		return err
	}
	fields := req.Descriptor().Fields()
	req.Set(fields.ByName("session_id"), protoreflect.ValueOfString(id))
	userField := fields.ByName("user_context")
	user := req.Mutable(userField).Message()
	user.Set(user.Descriptor().Fields().ByName("user_id"), protoreflect.ValueOfString(in.user))
	all := fields.ByName("interrupt_type").Enum().Values().ByName("INTERRUPT_TYPE_ALL")
	if all == nil {
		return fmt.Errorf("spark: interrupt: the client's protocol has no INTERRUPT_TYPE_ALL")
	}
	req.Set(fields.ByName("interrupt_type"), protoreflect.ValueOfEnum(all.Number()))
	resp, err := message("spark.connect.InterruptResponse")
	if err != nil {
		return err
	}
	ctx = metadata.NewOutgoingContext(ctx, in.headers)
	return in.conn.Invoke(ctx, "/spark.connect.SparkConnectService/Interrupt", req.Interface(), resp.Interface())
}

func message(name protoreflect.FullName) (protoreflect.Message, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(name)
	if err != nil {
		return nil, fmt.Errorf("spark: interrupt: %s: %w", name, err)
	}
	return mt.New(), nil
}

// sessionID returns the id the client gave the session. The client keeps
// it in an unexported field; reading it is the one way to name the
// session in an Interrupt (TestCancel fails if that ever changes).
func sessionID(s sparksql.SparkSession) (string, error) {
	v := reflect.ValueOf(s)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		if f := v.FieldByName("sessionId"); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
			return f.String(), nil
		}
	}
	return "", fmt.Errorf("spark: the client's session %T has no session id to interrupt by", s)
}

// newSession opens a Spark session and registers the CDR's views in it.
func (e *Engine) newSession(ctx context.Context) (*session, error) {
	s, err := sparksql.NewSessionBuilder().Remote(e.remote).Build(ctx)
	if err != nil {
		return nil, fmt.Errorf("spark: remote %q: %w", e.remote, err)
	}
	id, err := sessionID(s)
	if err != nil {
		return nil, err
	}
	return &session{spark: s, id: id, views: map[string]bool{}}, nil
}

// sync registers in s the engine's views that s lacks.
func (e *Engine) sync(ctx context.Context, s *session) error {
	e.mu.Lock()
	views := maps.Clone(e.views)
	e.mu.Unlock()
	for name, src := range views {
		if s.views[name] {
			continue
		}
		if err := e.register(ctx, s, name, src); err != nil {
			return fmt.Errorf("spark: table %s: %w", name, err)
		}
	}
	return nil
}

// acquire returns an idle session, or a new one, with every view of the
// engine.
func (e *Engine) acquire(ctx context.Context) (*session, error) {
	e.mu.Lock()
	var s *session
	if n := len(e.idle); n > 0 {
		s = e.idle[n-1]
		e.idle = e.idle[:n-1]
	}
	e.mu.Unlock()
	if s == nil {
		var err error
		if s, err = e.newSession(ctx); err != nil {
			return nil, err
		}
	}
	if err := e.sync(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// release returns s to the idle sessions, keeping at most maxIdle.
func (e *Engine) release(s *session) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.idle) < maxIdle {
		e.idle = append(e.idle, s)
	}
}

// maxIdle bounds the idle sessions an engine keeps, each with its views.
const maxIdle = 8

// interrupt interrupts the operations of s after its query's context
// ended, within a time of its own.
func (e *Engine) interrupt(s *session) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.interrupter.interruptAll(ctx, s.id); err != nil {
		e.log.Warn("spark: interrupting a cancelled query", "err", err)
	}
}
