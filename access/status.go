package access

import (
	"fmt"
	"strings"
	"time"
)

// State is where a user stands on one requirement.
type State string

const (
	// StepDone: a record of the kind counts now.
	StepDone State = "done"
	// StepMissing: no record counts and none ever did (or the one there is
	// names no administrator, or completes in the future).
	StepMissing State = "missing"
	// StepExpired: the best record expired; the step must be done again.
	StepExpired State = "expired"
	// StepOutdated: the code of conduct signed is not the current version.
	StepOutdated State = "outdated"
)

// Step is one requirement of a [Status]: its state and the record behind it.
type Step struct {
	Kind  Requirement `json:"kind"`
	Tier  Tier        `json:"tier"`
	State State       `json:"state"`
	// Reason says why the step is not done ("expired on 2026-03-01"); empty
	// when done.
	Reason      string    `json:"reason,omitempty"`
	CompletedAt time.Time `json:"completed_at,omitzero"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	Version     string    `json:"version,omitempty"`
}

// Status is a user's access at one instant: the tier reached and every
// step, for the "access status and requirement steps" page.
type Status struct {
	UserID   string `json:"user_id,omitempty"`
	Tier     Tier   `json:"tier"`
	Disabled bool   `json:"disabled,omitempty"`
	// Steps are the registered tier's steps in order, then the controlled
	// tier's.
	Steps []Step `json:"steps"`
}

// Status computes the user's access from their requirement records at now.
// Records of another user (Record.UserID differs from u.ID) are ignored. A
// nil user (anonymous) and a disabled user have the Public tier.
func (p Policy) Status(u *User, records []Record, now time.Time) Status {
	var s Status
	if u != nil {
		s.UserID = u.ID
		s.Disabled = u.Disabled
	}
	done := map[Tier]bool{Registered: true, Controlled: true}
	for _, kind := range Requirements() {
		var mine []Record
		if u != nil {
			for _, r := range records {
				if r.Kind == kind && r.UserID == u.ID {
					mine = append(mine, r)
				}
			}
		}
		st := p.step(kind, mine, now)
		if st.State != StepDone {
			done[kind.Tier()] = false
		}
		s.Steps = append(s.Steps, st)
	}
	switch {
	case u == nil || s.Disabled || !done[Registered]:
		s.Tier = Public
	case !done[Controlled]:
		s.Tier = Registered
	default:
		s.Tier = Controlled
	}
	return s
}

// step picks the record that counts among a user's records of one kind: a
// done one if any, else the latest that explains why the step is not done.
func (p Policy) step(kind Requirement, records []Record, now time.Time) Step {
	best := Step{Kind: kind, Tier: kind.Tier(), State: StepMissing, Reason: "not completed"}
	rank := map[State]int{StepMissing: 0, StepExpired: 1, StepOutdated: 1, StepDone: 2}
	found := false
	for _, r := range records {
		st := p.evaluate(r, now)
		better := !found || rank[st.State] > rank[best.State] ||
			rank[st.State] == rank[best.State] && st.CompletedAt.After(best.CompletedAt)
		if better {
			best, found = st, true
		}
	}
	return best
}

// evaluate is the state of one record at now.
func (p Policy) evaluate(r Record, now time.Time) Step {
	st := Step{Kind: r.Kind, Tier: r.Kind.Tier(), State: StepMissing,
		CompletedAt: r.CompletedAt, Version: r.Version}
	expires := r.ExpiresAt
	if e := p.Expiry(r.Kind, r.CompletedAt); !e.IsZero() && (expires.IsZero() || e.Before(expires)) {
		expires = e
	}
	st.ExpiresAt = expires
	switch {
	case r.CompletedAt.IsZero():
		st.Reason = "no completion time"
	case r.CompletedAt.After(now):
		st.Reason = "completion time is in the future"
	case (r.Kind == Approval || r.Kind == ControlledTier) && r.By == "":
		st.Reason = "names no administrator"
	case r.Kind == CodeOfConduct && r.Version != p.ConductVersion():
		st.State = StepOutdated
		st.Reason = fmt.Sprintf("signed version %q, current is %q", r.Version, p.ConductVersion())
	case !expires.IsZero() && !now.Before(expires):
		st.State = StepExpired
		st.Reason = "expired on " + expires.UTC().Format(time.DateOnly)
	default:
		st.State = StepDone
	}
	return st
}

// Missing lists the steps not done among those the tier t needs (those of
// t and of every tier below it).
func (s Status) Missing(t Tier) []Step {
	var out []Step
	for _, st := range s.Steps {
		if st.Tier <= t && st.State != StepDone {
			out = append(out, st)
		}
	}
	return out
}

// Err is nil when the status reaches tier t. Otherwise it is ErrDisabled,
// or ErrForbidden wrapped with every step missing for t and why.
func (s Status) Err(t Tier) error {
	if t <= Public || s.Tier >= t {
		return nil
	}
	if s.Disabled {
		return ErrDisabled
	}
	return &StepsError{Tier: t, Missing: s.Missing(t)}
}

// StepsError is a refusal for steps not done: the tier asked for and the
// steps it misses. It matches ErrForbidden, so that a front end may send
// the user to their steps rather than show a bare refusal.
type StepsError struct {
	Tier    Tier
	Missing []Step
}

func (e *StepsError) Error() string {
	return fmt.Sprintf("%s: %s tier needs %s", ErrForbidden, e.Tier, describe(e.Missing))
}

// Unwrap is ErrForbidden.
func (e *StepsError) Unwrap() error { return ErrForbidden }

func describe(steps []Step) string {
	parts := make([]string, len(steps))
	for i, st := range steps {
		parts[i] = fmt.Sprintf("%s (%s)", st.Kind, st.Reason)
	}
	return strings.Join(parts, ", ")
}

// CheckApproval is nil when an administrator may approve the user: not
// disabled, with every self-service step of the registered tier done.
// Otherwise it is ErrDisabled or ErrInvalid naming what is missing.
func (p Policy) CheckApproval(u *User, records []Record, now time.Time) error {
	if u == nil {
		return fmt.Errorf("%w: cannot approve: no user", ErrInvalid)
	}
	s := p.Status(u, records, now)
	if s.Disabled {
		return fmt.Errorf("%w: cannot approve %s", ErrDisabled, u.Email)
	}
	var missing []Step
	for _, st := range s.Missing(Registered) {
		if st.Kind.SelfService() {
			missing = append(missing, st)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: cannot approve %s: missing %s", ErrInvalid, u.Email, describe(missing))
	}
	return nil
}

// Done reports whether the step kind is done.
func (s Status) Done(kind Requirement) bool {
	for _, st := range s.Steps {
		if st.Kind == kind {
			return st.State == StepDone
		}
	}
	return false
}
