package notebook

import (
	"errors"
	"strings"
)

// The package's own errors, for what the library has no value of.
var (
	// ErrInvalid is matched (errors.Is) by every error of Parse and
	// Validate, by a bad notebook name, and by a 400 answer of the server.
	ErrInvalid = errors.New("notebook: invalid")
	// ErrNotFound is matched by a notebook that does not exist.
	ErrNotFound = errors.New("notebook: not found")
	// ErrExists is matched by creating a notebook, or anything else the
	// server holds by name, whose name is taken (409).
	ErrExists = errors.New("notebook: already exists")
)

// ValidationError is one problem of a notebook document, with its JSON
// path ("cells[2].source").
type ValidationError struct {
	Path string
	Msg  string
}

func (e *ValidationError) Error() string {
	if e.Path == "" {
		return "notebook: " + e.Msg
	}
	return "notebook: " + e.Path + ": " + e.Msg
}

// Is makes a *ValidationError match ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// ValidationErrors is every problem found in a notebook, in document
// order.
type ValidationErrors []*ValidationError

func (l ValidationErrors) Error() string {
	var b strings.Builder
	b.WriteString("notebook: invalid notebook: ")
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

// problems collects validation errors.
type problems struct{ errs ValidationErrors }

func (p *problems) add(path, msg string) {
	p.errs = append(p.errs, &ValidationError{Path: path, Msg: msg})
}

func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return p.errs
}
