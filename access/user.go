package access

import (
	"fmt"
	"time"
)

// User is an account of the workbench. It is plain data: the store loads and
// saves it, and decisions read it.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
	// Admin lets the user approve and disable users and read the audit log.
	// It grants no data: an administrator needs the access steps and a
	// workspace role like anyone else.
	Admin bool `json:"admin,omitempty"`
	// Disabled users are refused everything but their own access status.
	Disabled  bool      `json:"disabled,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Requirement is a kind of access step a user completes (or an
// administrator grants).
type Requirement string

const (
	// Profile: the user registered with a profile (name, institution,
	// research interests).
	Profile Requirement = "profile"
	// EthicsTraining: the user completed research ethics training; it
	// expires after [Policy.TrainingValidity].
	EthicsTraining Requirement = "ethics_training"
	// CodeOfConduct: the user signed the data user code of conduct; the
	// record's Version must be the policy's current one, and the signature
	// expires after [Policy.ConductValidity].
	CodeOfConduct Requirement = "code_of_conduct"
	// Approval: an administrator (the record's By) approved the user.
	Approval Requirement = "approval"
	// ControlledTier: an administrator (By) granted controlled-tier access.
	// Reserved: nothing in this package creates one, and no step leads to
	// it automatically.
	ControlledTier Requirement = "controlled_tier"
)

// registeredSteps are the requirements of the registered tier, in the order
// a user completes them.
var registeredSteps = []Requirement{Profile, EthicsTraining, CodeOfConduct, Approval}

// Requirements lists every kind: the registered tier's steps in order, then
// ControlledTier.
func Requirements() []Requirement {
	return append(append([]Requirement(nil), registeredSteps...), ControlledTier)
}

// Tier is the tier the requirement is a step of.
func (r Requirement) Tier() Tier {
	if r == ControlledTier {
		return Controlled
	}
	return Registered
}

// SelfService reports whether users complete the step themselves; Approval
// and ControlledTier are granted by an administrator.
func (r Requirement) SelfService() bool {
	return r == Profile || r == EthicsTraining || r == CodeOfConduct
}

var requirementNames = map[Requirement]string{
	Profile:        "profile",
	EthicsTraining: "ethics training",
	CodeOfConduct:  "code of conduct",
	Approval:       "administrator approval",
	ControlledTier: "controlled tier grant",
}

func (r Requirement) String() string {
	if n, ok := requirementNames[r]; ok {
		return n
	}
	return fmt.Sprintf("requirement %q", string(r))
}

// Record is one completed requirement of one user. A user may have several
// records of a kind (a renewed training); the best one counts.
type Record struct {
	UserID      string      `json:"user_id"`
	Kind        Requirement `json:"kind"`
	CompletedAt time.Time   `json:"completed_at"`
	// ExpiresAt is when the record stops counting; zero means never. The
	// policy's validity applies as well, so a record stored without an
	// expiry still expires when its kind does.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Version is the code of conduct's version signed (CodeOfConduct only).
	Version string `json:"version,omitempty"`
	// By is the administrator's user id (Approval and ControlledTier).
	By string `json:"by,omitempty"`
}

// DefaultCodeOfConductVersion is the current code of conduct when the
// policy names none.
const DefaultCodeOfConductVersion = "1"

// DefaultValidity is how long ethics training and a code of conduct
// signature count by default.
const DefaultValidity = 365 * 24 * time.Hour

// Policy is the configuration of the access steps. The zero value is the
// default policy.
type Policy struct {
	// CodeOfConductVersion is the version users must have signed; default
	// DefaultCodeOfConductVersion. Publishing a new version sends every user
	// back to sign it.
	CodeOfConductVersion string `json:"code_of_conduct_version,omitempty"`
	// TrainingValidity is how long ethics training counts; default 365 days.
	TrainingValidity time.Duration `json:"training_validity,omitempty"`
	// ConductValidity is how long a code of conduct signature counts;
	// default 365 days.
	ConductValidity time.Duration `json:"conduct_validity,omitempty"`
}

// Validate reports a policy that cannot be used: a negative validity.
func (p Policy) Validate() error {
	if p.TrainingValidity < 0 || p.ConductValidity < 0 {
		return fmt.Errorf("%w: policy: negative validity", ErrInvalid)
	}
	return nil
}

// ConductVersion is the current code of conduct version.
func (p Policy) ConductVersion() string {
	if p.CodeOfConductVersion == "" {
		return DefaultCodeOfConductVersion
	}
	return p.CodeOfConductVersion
}

func (p Policy) validity(kind Requirement) time.Duration {
	var d time.Duration
	switch kind {
	case EthicsTraining:
		d = p.TrainingValidity
	case CodeOfConduct:
		d = p.ConductValidity
	default:
		return 0
	}
	if d <= 0 {
		return DefaultValidity
	}
	return d
}

// Expiry is when a requirement of the kind completed at completed expires:
// completed plus the validity for EthicsTraining and CodeOfConduct, zero
// (never) for the others. The store sets Record.ExpiresAt from it.
func (p Policy) Expiry(kind Requirement, completed time.Time) time.Time {
	d := p.validity(kind)
	if d == 0 {
		return time.Time{}
	}
	return completed.Add(d)
}
