package access

import "fmt"

// Tier is a level of data access. Tiers are ordered: Public < Registered <
// Controlled, and a user of a tier has every lower one. The zero value is
// Public.
type Tier int

const (
	// Public is everyone, anonymous included: aggregates under disclosure
	// control only.
	Public Tier = iota
	// Registered is row-level data inside workspaces, for users who completed
	// the access steps.
	Registered
	// Controlled is reserved for data (genomic) that needs more than the
	// registered steps: a [ControlledTier] record that only an administrator
	// creates.
	Controlled
)

var tierNames = [...]string{Public: "public", Registered: "registered", Controlled: "controlled"}

func (t Tier) String() string {
	if t < Public || t > Controlled {
		return fmt.Sprintf("Tier(%d)", int(t))
	}
	return tierNames[t]
}

// ParseTier reads the names String writes.
func ParseTier(s string) (Tier, error) {
	for t, name := range tierNames {
		if s == name {
			return Tier(t), nil
		}
	}
	return Public, fmt.Errorf("%w: unknown tier %q", ErrInvalid, s)
}

// MarshalText writes the tier's name, so that JSON carries "registered".
func (t Tier) MarshalText() ([]byte, error) {
	if t < Public || t > Controlled {
		return nil, fmt.Errorf("%w: tier %d", ErrInvalid, int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText reads the tier's name.
func (t *Tier) UnmarshalText(b []byte) error {
	v, err := ParseTier(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Role is a user's role in one workspace. Roles are ordered: None < Reader <
// Writer < Owner, and a role has every right of the roles below it. The zero
// value is None.
type Role int

const (
	// None: no role; the workspace must look absent to the user.
	None Role = iota
	// Reader: counts, charts and row-level previews.
	Reader
	// Writer: create and change cohorts, concept sets, reviews, annotations,
	// datasets and notebooks.
	Writer
	// Owner: share, update and delete the workspace.
	Owner
)

// The names follow the All of Us workspace access levels.
var roleNames = [...]string{None: "NONE", Reader: "READER", Writer: "WRITER", Owner: "OWNER"}

func (r Role) String() string {
	if r < None || r > Owner {
		return fmt.Sprintf("Role(%d)", int(r))
	}
	return roleNames[r]
}

// ParseRole reads the names String writes.
func ParseRole(s string) (Role, error) {
	for r, name := range roleNames {
		if s == name {
			return Role(r), nil
		}
	}
	return None, fmt.Errorf("%w: unknown role %q", ErrInvalid, s)
}

// MarshalText writes the role's name, so that JSON carries "WRITER".
func (r Role) MarshalText() ([]byte, error) {
	if r < None || r > Owner {
		return nil, fmt.Errorf("%w: role %d", ErrInvalid, int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads the role's name.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
