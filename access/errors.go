package access

import "errors"

// The error vocabulary of the package. A [Decision] that refuses carries one
// of the first four (wrapped with what is missing: the requirement, the
// role); the server turns each into an HTTP status in its one table.
var (
	// ErrUnauthenticated: the action needs a logged-in user and there is none
	// (401).
	ErrUnauthenticated = errors.New("access: unauthenticated")
	// ErrForbidden: the user is known but lacks a requirement, a tier, a
	// role or the administrator flag; the wrapped message names which (403).
	ErrForbidden = errors.New("access: forbidden")
	// ErrNotFound: the user holds no role in the workspace the action
	// concerns, which must look the same as a workspace that does not
	// exist (404, not 403).
	ErrNotFound = errors.New("access: not found")
	// ErrDisabled: an administrator disabled the user (403).
	ErrDisabled = errors.New("access: user disabled")

	// ErrInvalid: a configuration ([Policy], [Disclosure], [PublicShape],
	// [Limiter]) or a request outside the decisions, such as approving a
	// user whose steps are incomplete, is not acceptable as given (400).
	ErrInvalid = errors.New("access: invalid")
	// ErrRateLimited is what a caller returns when [Limiter.Allow] says no
	// (429); no function of this package returns it.
	ErrRateLimited = errors.New("access: rate limited")
)
