package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
)

// The server's own errors: what goes wrong before a service is called.
var (
	errBadRequest = errors.New("server: bad request")
	errTooLarge   = errors.New("server: request body too large")
	errMediaType  = errors.New("server: unsupported media type")
	errNoRoute    = errors.New("server: no such route")
	errMethod     = errors.New("server: method not allowed")
	errNotFound   = errors.New("server: not found")
)

// invalid is the problems the server finds in a request itself (a body
// field, a query parameter), each at its path: a 400 like errBadRequest.
type invalid []fieldError

// invalidAt is the one problem msg at path.
func invalidAt(path, format string, args ...any) invalid {
	return invalid{{Path: path, Message: fmt.Sprintf(format, args...)}}
}

func (l invalid) Error() string {
	var b strings.Builder
	b.WriteString("server: invalid request: ")
	for i, e := range l {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Path + ": " + e.Message)
	}
	return b.String()
}

// Is makes invalid match errBadRequest.
func (l invalid) Is(target error) bool { return target == errBadRequest }

// problem is an RFC 9457 problem detail.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []fieldError `json:"errors,omitempty"`
}

// fieldError is one validation problem with its JSON path.
type fieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// status is the one table from error values to HTTP statuses. An error
// it does not know is 500.
func status(err error) int {
	switch {
	case errors.Is(err, access.ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, access.ErrForbidden), errors.Is(err, access.ErrDisabled):
		return http.StatusForbidden
	case errors.Is(err, access.ErrNotFound), errors.Is(err, engine.ErrNotFound),
		errors.Is(err, store.ErrNotFound), errors.Is(err, notebook.ErrNotFound), errors.Is(err, errNotFound), errors.Is(err, errNoRoute):
		return http.StatusNotFound
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errMediaType):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, errNotAcceptable):
		return http.StatusNotAcceptable
	case errors.Is(err, cohort.ErrInvalid), errors.Is(err, access.ErrInvalid),
		errors.Is(err, store.ErrInvalid), errors.Is(err, notebook.ErrInvalid), errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, store.ErrConflict), errors.Is(err, notebook.ErrExists):
		return http.StatusConflict
	case errors.Is(err, access.ErrRateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// problemOf is the problem detail of err. The detail of a 500 is generic:
// the cause goes to the log, not to the client.
func problemOf(err error) problem {
	code := status(err)
	p := problem{Type: "about:blank", Title: http.StatusText(code), Status: code, Detail: err.Error()}
	switch code {
	case http.StatusInternalServerError:
		p.Detail = "internal error; the server logged the cause"
	case http.StatusGatewayTimeout:
		p.Detail = "the request took longer than the server allows"
	case http.StatusServiceUnavailable:
		p.Detail = "the request was cancelled"
	}
	var list cohort.ValidationErrors
	var one *cohort.ValidationError
	var nbList notebook.ValidationErrors
	var nbOne *notebook.ValidationError
	var own invalid
	switch {
	case errors.As(err, &own):
		p.Errors = own
	case errors.As(err, &list):
		for _, e := range list {
			p.Errors = append(p.Errors, fieldError{Path: e.Path, Message: e.Msg})
		}
	case errors.As(err, &one):
		p.Errors = []fieldError{{Path: one.Path, Message: one.Msg}}
	case errors.As(err, &nbList):
		for _, e := range nbList {
			p.Errors = append(p.Errors, fieldError{Path: e.Path, Message: e.Msg})
		}
	case errors.As(err, &nbOne):
		p.Errors = []fieldError{{Path: nbOne.Path, Message: nbOne.Msg}}
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
