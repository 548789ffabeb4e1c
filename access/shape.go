package access

import (
	"fmt"
	"strings"
)

// DefaultMaxItems is how many include items a public cohort count accepts
// by default.
const DefaultMaxItems = 3

// PublicShape is the restricted shape of cohort definitions that the public
// tier counts. The zero value accepts at most DefaultMaxItems include items,
// no exclude groups and no temporal groups.
type PublicShape struct {
	// MaxItems is the most include items, summed over include groups; 0
	// means DefaultMaxItems.
	MaxItems int `json:"max_items,omitempty"`
}

// Shape is what PublicShape looks at in a cohort definition, so that this
// package need not import cohort. For a cohort.Definition def the caller
// passes:
//
//	Items:    the sum of len(g.Items) over def.Includes
//	          (demographic items count too; data filters do not)
//	Excludes: len(def.Excludes)
//	Temporal: the number of groups of def.Includes with Temporal set
type Shape struct {
	Items    int
	Excludes int
	Temporal int
}

// Validate reports a negative MaxItems.
func (p PublicShape) Validate() error {
	if p.MaxItems < 0 {
		return fmt.Errorf("%w: public shape: max_items %d is negative", ErrInvalid, p.MaxItems)
	}
	return nil
}

// Check is nil when a definition of shape s may be counted publicly, and
// otherwise ErrForbidden wrapped with every way s is outside the shape. The
// answer depends on the shape alone, never on the data.
func (p PublicShape) Check(s Shape) error {
	limit := p.MaxItems
	if limit <= 0 {
		limit = DefaultMaxItems
	}
	var problems []string
	if s.Items < 0 || s.Excludes < 0 || s.Temporal < 0 {
		return fmt.Errorf("%w: public shape: negative counts in %+v", ErrInvalid, s)
	}
	if s.Items > limit {
		problems = append(problems, fmt.Sprintf("%d include items (at most %d)", s.Items, limit))
	}
	if s.Excludes > 0 {
		problems = append(problems, fmt.Sprintf("%d exclude groups (none allowed)", s.Excludes))
	}
	if s.Temporal > 0 {
		problems = append(problems, fmt.Sprintf("%d temporal groups (none allowed)", s.Temporal))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: public cohort counts: %s", ErrForbidden, strings.Join(problems, "; "))
	}
	return nil
}
