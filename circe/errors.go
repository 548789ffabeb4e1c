package circe

import (
	"errors"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every error that Parse, Validate and
// Compile return for an expression that cannot be run as given.
var ErrInvalid = errors.New("circe: invalid expression")

// ValidationError is one problem of an expression: Path locates it in the
// JSON (`PrimaryCriteria.CriteriaList[0].ConditionOccurrence.Age.Op`; empty
// for the whole document) and Msg says what is wrong.
type ValidationError struct {
	Path string
	Msg  string
}

func (e *ValidationError) Error() string {
	if e.Path == "" {
		return "circe: " + e.Msg
	}
	return "circe: " + e.Path + ": " + e.Msg
}

// Is makes a *ValidationError match ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// ValidationErrors is every problem found in an expression, in document
// order.
type ValidationErrors []*ValidationError

func (l ValidationErrors) Error() string {
	var b strings.Builder
	b.WriteString("circe: invalid expression: ")
	for i, e := range l {
		if i > 0 {
			b.WriteString("; ")
		}
		if e.Path != "" {
			b.WriteString(e.Path + ": ")
		}
		b.WriteString(e.Msg)
	}
	return b.String()
}

// Is makes ValidationErrors match ErrInvalid.
func (l ValidationErrors) Is(target error) bool { return target == ErrInvalid }

// errorList collects validation errors.
type errorList struct{ errs ValidationErrors }

func (l *errorList) add(path, msg string) {
	l.errs = append(l.errs, &ValidationError{Path: path, Msg: msg})
}

// err returns the collected errors, or nil when there are none.
func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	return l.errs
}
