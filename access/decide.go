package access

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Request is everything a decision depends on. The caller loads the user,
// their records and their role; Decide does no I/O.
type Request struct {
	// User is the logged-in user; nil is an anonymous visitor.
	User *User
	// Records are the user's requirement records (all of them: the best of
	// each kind counts).
	Records []Record
	// Role is the user's role in the workspace the action concerns; None
	// when the user has none, and also when the workspace does not exist,
	// so that the two answers are the same ErrNotFound.
	Role Role
	// WorkspaceTier is the tier of that workspace, or for CreateWorkspace
	// the tier of the one to create; other actions ignore it. Tiers below
	// Registered are taken as Registered: every workspace holds row-level
	// data.
	WorkspaceTier Tier
	Action        Action
	// Step is the requirement a CompleteStep action records.
	Step Requirement
	// Participant says, for an action on one person's data
	// (ViewParticipant), whether that person is a participant of the
	// review the request names: a person who is not looks absent, so
	// that a review cannot open the rows of the whole CDR.
	Participant bool
	Now         time.Time
	Policy      Policy
}

// Decision is the answer to a Request. Reason is nil when Allowed, and
// otherwise wraps one of ErrUnauthenticated, ErrForbidden, ErrNotFound or
// ErrDisabled (test with errors.Is).
type Decision struct {
	Allowed bool
	Reason  error
}

func allow() Decision         { return Decision{Allowed: true} }
func deny(err error) Decision { return Decision{Reason: err} }

// String is "allowed" or "denied: " and the reason.
func (d Decision) String() string {
	if d.Allowed {
		return "allowed"
	}
	return "denied: " + d.Reason.Error()
}

// Decide is the one authorization decision of the product: whether
// req.User may do req.Action, and if not, why. It is a pure function of
// the request; the rules are in the package documentation.
func Decide(req Request) Decision {
	r := rules[req.Action]
	if r.scope == scopeUnknown {
		return deny(fmt.Errorf("%w: unknown action %q", ErrForbidden, req.Action))
	}
	if r.scope == scopePublic {
		// A disabled user gets these too: the same request without a login
		// would be answered, so refusing it would protect nothing.
		return allow()
	}
	u := req.User
	if u == nil {
		return deny(ErrUnauthenticated)
	}
	if r.scope == scopeSelf {
		return allow()
	}
	if u.Disabled {
		return deny(ErrDisabled)
	}
	switch r.scope {
	case scopeLogin:
		return allow()
	case scopeStep:
		if !slices.Contains(Requirements(), req.Step) {
			return deny(fmt.Errorf("%w: no access step %q: the steps are %s", ErrNotFound, string(req.Step), stepNames()))
		}
		if !req.Step.SelfService() {
			return deny(fmt.Errorf("%w: %s is not a step users complete themselves", ErrForbidden, req.Step))
		}
		return allow()
	case scopeAdmin:
		if !u.Admin {
			return deny(fmt.Errorf("%w: %s is for administrators", ErrForbidden, req.Action))
		}
		return allow()
	case scopeWorkspace:
		// Before the tier: a workspace the user has no role in looks absent
		// whatever the user's tier. A role out of range is no role.
		if req.Role <= None || req.Role > Owner {
			return deny(ErrNotFound)
		}
	}
	if r.tiered && (req.WorkspaceTier < Public || req.WorkspaceTier > Controlled) {
		return deny(fmt.Errorf("%w: unknown workspace tier %s", ErrForbidden, req.WorkspaceTier))
	}
	tier := Registered
	if r.tiered {
		tier = max(req.WorkspaceTier, Registered)
	}
	if err := req.Policy.Status(u, req.Records, req.Now).Err(tier); err != nil {
		return deny(err)
	}
	if r.scope == scopeWorkspace && req.Role < r.role {
		return deny(fmt.Errorf("%w: %s needs role %s, have %s", ErrForbidden, req.Action, r.role, req.Role))
	}
	if r.person && !req.Participant {
		return deny(fmt.Errorf("%w: the person is no participant of the review", ErrNotFound))
	}
	return allow()
}

// stepNames lists the requirements by name, for a message.
func stepNames() string {
	names := make([]string, 0, 5)
	for _, r := range Requirements() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}
