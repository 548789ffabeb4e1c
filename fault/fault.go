// Package fault is the error vocabulary of the workbench: a small set of
// kinds that say what went wrong in terms a caller can act on, sentinel
// errors that carry a kind and a stable code, and Fields, the one type of
// a document's problems at their paths.
//
// Every package declares its sentinels with [New] (access.ErrForbidden,
// cohort.ErrInvalid, ...). The HTTP server turns the [Kind] of an error
// into a status in one table and writes the code and the field problems
// into its problem+json answers; the HTTP client rebuilds the same error
// values from those codes, so that errors.Is works the same on both sides
// of the wire.
package fault

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Kind is what went wrong, in terms of what a caller can do about it.
type Kind string

// The kinds. An error of no kind is Internal.
const (
	// Invalid: the input is not acceptable as given; Fields say where.
	Invalid Kind = "invalid"
	// NotFound: the thing asked for does not exist, or the caller may
	// not know that it does.
	NotFound Kind = "not_found"
	// Conflict: the request contradicts the state (a name taken, the
	// last owner removed).
	Conflict Kind = "conflict"
	// Unauthenticated: the request needs a signed-in user.
	Unauthenticated Kind = "unauthenticated"
	// Forbidden: the user is known and may not do this.
	Forbidden Kind = "forbidden"
	// RateLimited: too many requests; try again later.
	RateLimited Kind = "rate_limited"
	// TooLarge: the request is larger than allowed.
	TooLarge Kind = "too_large"
	// Unsupported: the request's media type is not one the server reads.
	Unsupported Kind = "unsupported"
	// NotAcceptable: no format the request accepts is one the server
	// writes.
	NotAcceptable Kind = "not_acceptable"
	// MethodNotAllowed: the path exists, not with this method.
	MethodNotAllowed Kind = "method_not_allowed"
	// Timeout: the work took longer than allowed and was stopped.
	Timeout Kind = "timeout"
	// Unavailable: the work was cancelled or its service is not there.
	Unavailable Kind = "unavailable"
	// Internal: a fault of the workbench itself.
	Internal Kind = "internal"
)

// Kinds lists every kind.
var Kinds = []Kind{Invalid, NotFound, Conflict, Unauthenticated, Forbidden, RateLimited, TooLarge, Unsupported, NotAcceptable, MethodNotAllowed, Timeout, Unavailable, Internal}

// Error is a sentinel error: compared by identity with errors.Is, wrapped
// with %w to add detail.
type Error struct {
	kind Kind
	code string
	msg  string
}

// New returns a sentinel of the kind. code names it on the wire and must
// be unique ("access.forbidden"); msg is its message, prefixed with its
// package ("access: forbidden").
func New(kind Kind, code, msg string) *Error { return &Error{kind: kind, code: code, msg: msg} }

func (e *Error) Error() string { return e.msg }

// Kind is the kind of e.
func (e *Error) Kind() Kind { return e.kind }

// Code is the stable name of e.
func (e *Error) Code() string { return e.code }

// KindOf is the kind of err: that of the first sentinel it wraps; a
// deadline is Timeout and a cancellation Unavailable; anything else is
// Internal. nil has no kind.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.kind
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout
	case errors.Is(err, context.Canceled):
		return Unavailable
	}
	return Internal
}

// CodeOf is the code of the first sentinel err wraps, or "".
func CodeOf(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.code
	}
	return ""
}

// Field is one problem of a document or request at its path: a JSON path
// in a body (`includes[1].items[0].modifiers[2].operands`), a query
// parameter or a form field by name; empty for the whole.
type Field struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Fields is every problem found in one document, in document order,
// under the sentinel of what was checked (cohort.ErrInvalid): errors.Is
// matches that sentinel, and the kind is its kind.
type Fields struct {
	Of   *Error
	List []Field
}

// Add records the problem at path.
func (f *Fields) Add(path, format string, args ...any) {
	f.List = append(f.List, Field{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Err is f when it holds a problem, else nil.
func (f *Fields) Err() error {
	if len(f.List) == 0 {
		return nil
	}
	return f
}

func (f *Fields) Error() string {
	var b strings.Builder
	b.WriteString(f.Of.msg)
	for i, e := range f.List {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if e.Path != "" {
			b.WriteString(e.Path + ": ")
		}
		b.WriteString(e.Message)
	}
	return b.String()
}

func (f *Fields) Unwrap() error { return f.Of }

// At is the one problem msg at path, under the sentinel of.
func At(of *Error, path, format string, args ...any) error {
	f := &Fields{Of: of}
	f.Add(path, format, args...)
	return f
}

// At is the message of the first problem at path, or "" (also for a nil
// f): what a form shows beside its field.
func (f *Fields) At(path string) string {
	if f == nil {
		return ""
	}
	for _, e := range f.List {
		if e.Path == path {
			return e.Message
		}
	}
	return ""
}

// FieldsOf is the problems err carries at their paths, or nil.
func FieldsOf(err error) []Field {
	if f, ok := errors.AsType[*Fields](err); ok {
		return f.List
	}
	return nil
}
