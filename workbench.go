// Package workbench is the domain of the research workbench: the records
// its users work with (workspaces, saved cohorts and concept sets,
// datasets, reviews, participants and their annotations, tokens, pages of
// results), the error values of the state they live in, and the service
// interfaces that every front end calls.
//
// The package builds without cgo. Its adapters live beside it:
// internal/store keeps the records in an embedded DuckDB file; package
// app implements the services over the store and the cohort engine,
// deciding every call with access.Decide and writing the audit log;
// package server answers the services over HTTP and the web pages; and
// notebook.Client implements the same services over HTTP, so a program
// written against the interfaces runs in-process or against a server
// unchanged.
//
// Identity travels in the context: [NewContext] puts the signed-in user
// there and [UserFrom] reads it.
package workbench

import (
	"context"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
)

// The errors of the state: what a record lookup or a write can meet.
var (
	// ErrNotFound: no user, token, workspace, cohort, concept set,
	// dataset, review or annotation field has the id (or email) given,
	// or it belongs to another workspace.
	ErrNotFound = fault.New(fault.NotFound, "workbench.not_found", "workbench: not found")
	// ErrConflict: the write would break a uniqueness rule (an email, a
	// name in its workspace) or leave a workspace without an owner.
	// Nothing was written.
	ErrConflict = fault.New(fault.Conflict, "workbench.conflict", "workbench: conflict")
	// ErrInvalid: the input is not acceptable as given (an empty name, a
	// malformed definition, a role or tier out of range).
	ErrInvalid = fault.New(fault.Invalid, "workbench.invalid", "workbench: invalid")
)

// The errors of a request as such, before any service looks at it.
var (
	// ErrTooLarge: the body is larger than the route allows.
	ErrTooLarge = fault.New(fault.TooLarge, "workbench.too_large", "workbench: request body too large")
	// ErrMediaType: the body is not of a media type the route reads.
	ErrMediaType = fault.New(fault.Unsupported, "workbench.media_type", "workbench: unsupported media type")
	// ErrNotAcceptable: the answer can be given in no format the request
	// accepts.
	ErrNotAcceptable = fault.New(fault.NotAcceptable, "workbench.not_acceptable", "workbench: not acceptable")
	// ErrMethod: the path exists, not with the request's method.
	ErrMethod = fault.New(fault.MethodNotAllowed, "workbench.method", "workbench: method not allowed")
)

// Errors lists the sentinels of this package, for a client that rebuilds
// them from their codes.
var Errors = []*fault.Error{ErrNotFound, ErrConflict, ErrInvalid, ErrTooLarge, ErrMediaType, ErrNotAcceptable, ErrMethod}

type userKey struct{}

// NewContext is ctx carrying the signed-in user u.
func NewContext(ctx context.Context, u *access.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom is the signed-in user of ctx, or nil for an anonymous caller.
func UserFrom(ctx context.Context) *access.User {
	u, _ := ctx.Value(userKey{}).(*access.User)
	return u
}

// InvalidAt is the one problem of a request at path (a body field, a
// query parameter, a form field).
func InvalidAt(path, format string, args ...any) error {
	return fault.At(ErrInvalid, path, format, args...)
}
