package cohort

import "github.com/openworkbench/workbench/fault"

// ErrInvalid is matched (errors.Is) by every error Parse, Validate and
// Compile return for a definition that cannot be run as given. Such an
// error is a *fault.Fields: every problem at its path in the JSON form
// (`includes[1].items[0].modifiers[2].operands`; empty for the whole
// document), in document order.
var ErrInvalid = fault.New(fault.Invalid, "cohort.invalid", "cohort: invalid definition")

// errorList collects the problems of a document.
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

// invalidAt is the one problem of a document at path.
func invalidAt(path, format string, args ...any) error {
	return fault.At(ErrInvalid, path, format, args...)
}

// Errors lists the sentinels of this package, for a client that rebuilds
// them from their codes.
var Errors = []*fault.Error{ErrInvalid}
