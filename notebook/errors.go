package notebook

import "github.com/openworkbench/workbench/fault"

// The package's own errors, for what the library has no value of.
var (
	// ErrInvalid is matched (errors.Is) by every error of Parse and
	// Validate, by a bad notebook name, and by a 400 answer of the server
	// about a notebook. Such an error is a *fault.Fields with every
	// problem at its JSON path ("cells[2].source").
	ErrInvalid = fault.New(fault.Invalid, "notebook.invalid", "notebook: invalid")
	// ErrNotFound is matched by a notebook that does not exist.
	ErrNotFound = fault.New(fault.NotFound, "notebook.not_found", "notebook: not found")
	// ErrExists is matched by creating a notebook whose name is taken
	// (409).
	ErrExists = fault.New(fault.Conflict, "notebook.exists", "notebook: already exists")
)

// problems collects the problems of a notebook document.
type problems struct{ f fault.Fields }

func (p *problems) add(path, msg string) {
	p.f.Of = ErrInvalid
	p.f.List = append(p.f.List, fault.Field{Path: path, Message: msg})
}

func (p *problems) err() error {
	if len(p.f.List) == 0 {
		return nil
	}
	return &p.f
}

// invalidAt is the one problem at path.
func invalidAt(path, format string, args ...any) error {
	return fault.At(ErrInvalid, path, format, args...)
}

// Errors lists the sentinels of this package, for a client that rebuilds
// them from their codes.
var Errors = []*fault.Error{ErrInvalid, ErrNotFound, ErrExists, ErrQuota}
