package access

import "github.com/openworkbench/workbench/fault"

// The error vocabulary of the package. A [Decision] that refuses carries one
// of the first four (wrapped with what is missing: the requirement, the
// role); the server turns each into an HTTP status in its one table.
var (
	// ErrUnauthenticated: the action needs a logged-in user and there is none
	// (401).
	ErrUnauthenticated = fault.New(fault.Unauthenticated, "access.unauthenticated", "access: unauthenticated")
	// ErrForbidden: the user is known but lacks a requirement, a tier, a
	// role or the administrator flag; the wrapped message names which (403).
	ErrForbidden = fault.New(fault.Forbidden, "access.forbidden", "access: forbidden")
	// ErrNotFound: the user holds no role in the workspace the action
	// concerns, which must look the same as a workspace that does not
	// exist (404, not 403).
	ErrNotFound = fault.New(fault.NotFound, "access.not_found", "access: not found")
	// ErrDisabled: an administrator disabled the user (403).
	ErrDisabled = fault.New(fault.Forbidden, "access.disabled", "access: user disabled")

	// ErrInvalid: a configuration ([Policy], [Disclosure],
	// [Limiter]) or a request outside the decisions, such as approving a
	// user whose steps are incomplete, is not acceptable as given (400).
	ErrInvalid = fault.New(fault.Invalid, "access.invalid", "access: invalid")
	// ErrRateLimited is what a caller returns when [Limiter.Allow] says no
	// (429); no function of this package returns it.
	ErrRateLimited = fault.New(fault.RateLimited, "access.rate_limited", "access: rate limited")
)

// Errors lists the sentinels of this package, for a client that rebuilds
// them from their codes.
var Errors = []*fault.Error{ErrUnauthenticated, ErrForbidden, ErrNotFound, ErrDisabled, ErrInvalid, ErrRateLimited}
