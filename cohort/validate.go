package cohort

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Validate checks d against the rules of the model and returns every
// problem at once as a *fault.Fields, each with its JSON path, or nil.
func (d *Definition) Validate() error {
	var v errorList
	if d == nil {
		v.add("", "no definition")
		return v.err()
	}
	if len(d.Includes) == 0 && len(d.Excludes) == 0 {
		v.add("includes", "empty cohort: want at least one include or exclude group")
	}
	v.limits(d)
	for i, g := range d.Includes {
		v.group(index("includes", i), g)
	}
	for i, g := range d.Excludes {
		v.group(index("excludes", i), g)
	}
	for i, f := range d.DataFilters {
		if !f.Valid() {
			v.add(index("dataFilters", i), fmt.Sprintf("unknown data filter %q (want %s)", f, oneOf(DataFilters)))
		}
	}
	return v.err()
}

func oneOf[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return "one of " + strings.Join(s, ", ")
}

func (v *errorList) group(path string, g Group) {
	if len(g.Items) == 0 {
		v.add(field(path, "items"), "want at least one item")
	}
	// Non-temporal groups may carry the UI's temporal defaults; they must
	// still be spelled right.
	if g.Temporal || g.Mention != "" {
		if !g.Mention.Valid() {
			v.add(field(path, "mention"), fmt.Sprintf("unknown mention %q (want %s)", g.Mention, oneOf(Mentions)))
		}
	}
	if g.Temporal || g.Time != "" {
		if !g.Time.Valid() {
			v.add(field(path, "time"), fmt.Sprintf("unknown time %q (want %s)", g.Time, oneOf(TimeRelations)))
		}
	}
	if g.Temporal && g.TimeValue < 0 {
		v.add(field(path, "timeValue"), "want a number of days >= 0")
	}
	var sides [2]int
	for i, it := range g.Items {
		ip := index(field(path, "items"), i)
		v.item(ip, it)
		if it.TemporalGroup != 0 && it.TemporalGroup != 1 {
			v.add(field(ip, "temporalGroup"), "want 0 or 1")
			continue
		}
		if g.Temporal {
			sides[it.TemporalGroup]++
			if it.Type == DomainPerson {
				v.add(field(ip, "type"), "PERSON criteria have no events: not allowed in a temporal group")
			}
		}
	}
	if g.Temporal && len(g.Items) > 0 && (sides[0] == 0 || sides[1] == 0) {
		v.add(field(path, "items"), "a temporal group wants items in temporalGroup 0 and in temporalGroup 1")
	}
}

func (v *errorList) item(path string, it Item) {
	if !it.Type.Valid() {
		v.add(field(path, "type"), fmt.Sprintf("unknown domain %q (want %s)", it.Type, oneOf(Domains)))
	}
	pp := field(path, "searchParameters")
	if len(it.Parameters) == 0 {
		v.add(pp, "want at least one search parameter")
	}
	for i, p := range it.Parameters {
		v.parameter(index(pp, i), it.Type, p)
	}
	mp := field(path, "modifiers")
	if it.Type == DomainPerson && len(it.Modifiers) > 0 {
		v.add(mp, "PERSON criteria take no modifiers")
		return
	}
	var seen []ModifierName
	for i, m := range it.Modifiers {
		path := index(mp, i)
		switch {
		case m.Name == CATI:
			v.add(field(path, "name"), "the CATI modifier is not supported")
			continue
		case !m.Name.Valid():
			v.add(field(path, "name"), fmt.Sprintf("unknown modifier %q (want %s)", m.Name, oneOf(ModifierNames)))
			continue
		case slices.Contains(seen, m.Name):
			v.add(field(path, "name"), fmt.Sprintf("modifier %s given twice", m.Name))
		}
		seen = append(seen, m.Name)
		allowed := comparisons
		if m.Name == Encounters {
			allowed = []Operator{In}
		}
		v.operands(path, m.Operator, m.Operands, modifierKind(m.Name), allowed)
	}
}

func (v *errorList) parameter(path string, item Domain, p Parameter) {
	if p.Domain != "" && p.Domain != item && item.Valid() {
		v.add(field(path, "domain"), fmt.Sprintf("domain %q differs from the item's type %q", p.Domain, item))
	}
	if p.ConceptID < 0 {
		v.add(field(path, "conceptId"), "want a concept id >= 0")
	}
	ap := field(path, "attributes")
	if item == DomainPerson {
		v.person(path, p)
		return
	}
	for i, a := range p.Attributes {
		path := index(ap, i)
		if a.ConceptID < 0 {
			v.add(field(path, "conceptId"), "want a concept id >= 0")
		}
		if a.ConceptID == 0 && p.ConceptID == 0 {
			v.add(field(path, "conceptId"), "want the concept whose values it constrains (the parameter has no conceptId)")
		}
		switch a.Name {
		case AttrAge:
			v.add(field(path, "name"), "AGE attributes belong to PERSON AGE parameters")
			continue
		case AttrAny, AttrNum, AttrCat:
		default:
			v.add(field(path, "name"), fmt.Sprintf("unknown attribute %q (want %s)", a.Name, oneOf(AttrNames)))
			continue
		}
		v.attribute(path, a)
	}
	if p.ConceptID == 0 && len(p.Attributes) == 0 {
		v.add(field(path, "conceptId"), "want a concept id")
	}
}

// attribute checks the operator and operands of a NUM, CAT, ANY or AGE
// attribute.
func (v *errorList) attribute(path string, a Attribute) {
	switch a.Name {
	case AttrAny:
		if a.Operator != "" && !a.Operator.Valid() {
			v.add(field(path, "operator"), fmt.Sprintf("unknown operator %q (want %s)", a.Operator, oneOf(Operators)))
		}
		if len(a.Operands) > 0 {
			v.add(field(path, "operands"), "want no operands for ANY")
		}
	case AttrCat:
		v.operands(path, a.Operator, a.Operands, kindConcept, []Operator{In, Equal})
	default:
		v.operands(path, a.Operator, a.Operands, attrKind(a.Name), comparisons)
	}
}

func (v *errorList) person(path string, p Parameter) {
	tp := field(path, "type")
	ap := field(path, "attributes")
	switch p.Type {
	case TypeAge:
		if len(p.Attributes) == 0 {
			v.add(ap, "want an AGE attribute")
		}
		for i, a := range p.Attributes {
			if a.Name != AttrAge {
				v.add(field(index(ap, i), "name"), fmt.Sprintf("want AGE, got %q", a.Name))
				continue
			}
			v.attribute(index(ap, i), a)
		}
	case TypeGender, TypeSex, TypeRace, TypeEthnicity, TypeDeceased:
		if len(p.Attributes) > 0 {
			v.add(ap, fmt.Sprintf("%s takes no attributes", p.Type))
		}
		if p.Type != TypeDeceased && p.ConceptID <= 0 {
			v.add(field(path, "conceptId"), "want a concept id")
		}
	default:
		v.add(tp, fmt.Sprintf("unknown PERSON criteria type %q (want %s)", p.Type, oneOf(PersonTypes)))
	}
}

// operands checks an operator against the allowed ones and its operands
// against their kind and the operator's arity.
func (v *errorList) operands(path string, op Operator, operands []Operand, k operandKind, allowed []Operator) {
	if !slices.Contains(allowed, op) {
		v.add(field(path, "operator"), fmt.Sprintf("unknown or unusable operator %q (want %s)", op, oneOf(allowed)))
		return
	}
	what := map[operandKind]string{kindNumber: "number", kindWhole: "whole number >= 0", kindConcept: "concept id", kindDate: "date (YYYY-MM-DD)"}[k]
	op2 := field(path, "operands")
	switch {
	case op == Between && len(operands) != 2:
		v.add(op2, fmt.Sprintf("want 2 operands for BETWEEN, each a %s; got %d", what, len(operands)))
		return
	case op == In && len(operands) == 0:
		v.add(op2, fmt.Sprintf("want at least 1 operand for IN, each a %s", what))
		return
	case op != Between && op != In && len(operands) != 1:
		v.add(op2, fmt.Sprintf("want 1 operand for %s, a %s; got %d", op, what, len(operands)))
		return
	}
	ok := true
	for i, o := range operands {
		if !ofKind(o, k) {
			v.add(index(op2, i), fmt.Sprintf("want a %s, got %q", what, canonicalOperands(operands[i : i+1])[0]))
			ok = false
		}
	}
	if op == Between && ok && less(operands[1], operands[0]) {
		v.add(op2, "want the low operand first (BETWEEN low AND high)")
	}
}

// ofKind reports whether o is a valid operand of kind k.
func ofKind(o Operand, k operandKind) bool {
	switch o := o.(type) {
	case Number:
		return k == kindNumber && !math.IsInf(float64(o), 0) && !math.IsNaN(float64(o))
	case Whole:
		return k == kindWhole && o >= 0
	case ConceptID:
		return k == kindConcept && o >= 0
	case Date:
		return k == kindDate
	}
	return false
}

// less orders two operands of the same kind.
func less(a, b Operand) bool {
	switch a := a.(type) {
	case Number:
		return a < b.(Number)
	case Whole:
		return a < b.(Whole)
	case Date:
		return time.Time(a).Before(time.Time(b.(Date)))
	}
	return false
}
