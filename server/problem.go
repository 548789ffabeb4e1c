package server

import (
	"encoding/json"
	"net/http"

	"github.com/openworkbench/workbench/fault"
)

// problem is an RFC 9457 problem detail, with the kind and the code of
// the error (which the client turns back into the same error value) and
// the problems at their paths.
type problem struct {
	Type   string        `json:"type"`
	Title  string        `json:"title"`
	Status int           `json:"status"`
	Detail string        `json:"detail,omitempty"`
	Kind   fault.Kind    `json:"kind"`
	Code   string        `json:"code,omitempty"`
	Errors []fault.Field `json:"errors,omitempty"`
}

// statuses is the one table from the kinds of errors to HTTP statuses.
var statuses = map[fault.Kind]int{
	fault.Invalid:          http.StatusBadRequest,
	fault.Unauthenticated:  http.StatusUnauthorized,
	fault.Forbidden:        http.StatusForbidden,
	fault.NotFound:         http.StatusNotFound,
	fault.MethodNotAllowed: http.StatusMethodNotAllowed,
	fault.NotAcceptable:    http.StatusNotAcceptable,
	fault.Conflict:         http.StatusConflict,
	fault.TooLarge:         http.StatusRequestEntityTooLarge,
	fault.Unsupported:      http.StatusUnsupportedMediaType,
	fault.RateLimited:      http.StatusTooManyRequests,
	fault.Internal:         http.StatusInternalServerError,
	fault.Unavailable:      http.StatusServiceUnavailable,
	fault.Timeout:          http.StatusGatewayTimeout,
}

// status is the HTTP status of err.
func status(err error) int { return statuses[fault.KindOf(err)] }

// problemOf is the problem detail of err. The detail of a 500 is generic:
// the cause goes to the log, not to the client.
func problemOf(err error) problem {
	kind := fault.KindOf(err)
	code := statuses[kind]
	p := problem{Type: "about:blank", Title: http.StatusText(code), Status: code, Detail: err.Error(),
		Kind: kind, Code: fault.CodeOf(err), Errors: fault.FieldsOf(err)}
	switch kind {
	case fault.Internal:
		p.Detail, p.Code = "internal error; the server logged the cause", ""
	case fault.Timeout:
		p.Detail = "the request took longer than the server allows"
	case fault.Unavailable:
		// A sentinel says what is unavailable (a Spark server that does
		// not answer, an operation the engine cannot run); else the
		// request's context ended.
		if p.Code == "" {
			p.Detail = "the request was cancelled"
		}
	}
	return p
}

// fail writes err as a problem, and logs it when the fault is the
// server's.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problemOf(err)
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", p.Status, "err", err)
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="workbench"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// encode writes v as JSON with the status code.
func (s *Server) encode(w http.ResponseWriter, r *http.Request, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}
