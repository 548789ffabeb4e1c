package cohort

import "fmt"

// Limits of a definition's size, each over the whole definition. Each part
// compiles to SQL (a group to a set operation in a chain, an attribute to
// a nested condition, an operand to an argument), and DuckDB refuses SQL
// past its depth limits of 1000: on GiBleed, 384 exclude groups failed
// with "Maximum tree depth of 1000 exceeded in logical planner", 512
// include groups and 1024 attributes of one parameter with "Max expression
// depth limit of 1000 exceeded". Well below those the planning time grows
// past any request's bound (256 exclude groups took 19 s; 512 attributes
// of one parameter did not finish in minutes and ignored cancellation).
// The limits sit far below, where the largest definition they allow runs
// in seconds (a test runs it over GiBleed), and far above the cohorts
// people build (a few groups of a few items).
const (
	// MaxGroups bounds the include and exclude groups.
	MaxGroups = 40
	// MaxItems bounds the items of all groups.
	MaxItems = 200
	// MaxParameters bounds the search parameters of all items.
	MaxParameters = 2000
	// MaxAttributes bounds the attributes of all parameters.
	MaxAttributes = 100
	// MaxOperands bounds the operands of all attributes and modifiers.
	MaxOperands = 1000
	// MaxDataFilters bounds the data filters (there are two kinds).
	MaxDataFilters = 10
)

// limit counts the parts of one kind and reports the first past max.
type limit struct {
	n, max int
	what   string
}

func (l *limit) count(v *errorList, path string, k int) {
	before := l.n
	l.n += k
	if before <= l.max && l.n > l.max {
		v.add(path, fmt.Sprintf("past the limit of %d %s in a definition", l.max, l.what))
	}
}

// limits reports, at its path, the first part of d past each limit above.
func (v *errorList) limits(d *Definition) {
	groups := limit{max: MaxGroups, what: "include and exclude groups"}
	items := limit{max: MaxItems, what: "items"}
	params := limit{max: MaxParameters, what: "search parameters"}
	attrs := limit{max: MaxAttributes, what: "attributes"}
	operands := limit{max: MaxOperands, what: "operands"}
	for _, list := range []struct {
		name   string
		groups []Group
	}{{"includes", d.Includes}, {"excludes", d.Excludes}} {
		for gi, g := range list.groups {
			gp := index(list.name, gi)
			groups.count(v, gp, 1)
			for ii, it := range g.Items {
				ip := index(field(gp, "items"), ii)
				items.count(v, ip, 1)
				for mi, m := range it.Modifiers {
					operands.count(v, field(index(field(ip, "modifiers"), mi), "operands"), len(m.Operands))
				}
				for pi, p := range it.Parameters {
					pp := index(field(ip, "searchParameters"), pi)
					params.count(v, pp, 1)
					for ai, a := range p.Attributes {
						ap := index(field(pp, "attributes"), ai)
						attrs.count(v, ap, 1)
						operands.count(v, field(ap, "operands"), len(a.Operands))
					}
				}
			}
		}
	}
	if len(d.DataFilters) > MaxDataFilters {
		v.add("dataFilters", fmt.Sprintf("%d data filters: want at most %d", len(d.DataFilters), MaxDataFilters))
	}
}
