package circe

import "github.com/openworkbench/workbench/fault"

// ErrInvalid is matched (errors.Is) by every error that Parse, Validate and
// Compile return for an expression that cannot be run as given, and by
// Check's (and so the runners') for a CDR that lacks what it reads. Such an
// error is a *fault.Fields: every problem at its path in the JSON
// (`PrimaryCriteria.CriteriaList[0].ConditionOccurrence.Age.Op`; empty for
// the whole document), in document order.
var ErrInvalid = fault.New(fault.Invalid, "circe.invalid", "circe: invalid expression")

// Errors lists the sentinels of this package, for a client that rebuilds
// them from their codes.
var Errors = []*fault.Error{ErrInvalid}

// errorList collects the problems of an expression.
type errorList struct{ f fault.Fields }

func (l *errorList) add(path, msg string) {
	l.f.Of = ErrInvalid
	l.f.List = append(l.f.List, fault.Field{Path: path, Message: msg})
}

// err returns the collected problems, or nil when there are none.
func (l *errorList) err() error {
	if len(l.f.List) == 0 {
		return nil
	}
	return &l.f
}
