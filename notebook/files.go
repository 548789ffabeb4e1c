package notebook

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Ext is the extension of notebook files.
const Ext = ".ipynb"

// Files keeps the notebooks of workspaces as .ipynb files, one folder per
// workspace: Root/<workspace id>/<name>.ipynb, the folder that
// `workbench notebook` opens in Jupyter. The file is the truth: a notebook
// Jupyter saved there is listed like one saved through the API.
type Files struct {
	Root string
	// Quota bounds the bytes of each workspace's folder (see Usage); a
	// save past it is ErrQuota. 0 means no bound.
	Quota int64
}

// Info describes a saved notebook.
type Info struct {
	Name       string    `json:"name"`
	Size       int64     `json:"size"`
	ModifiedAt time.Time `json:"modified_at"`
}

// maxName bounds a notebook's name, in characters.
const maxName = 100

// CheckName refuses a name that is not safe as a file name on its own:
// empty, too long, with a path separator, a leading dot or space, a
// control character or another character outside letters, digits, space,
// '-', '_', '.', '(' and ')'. The name is given without the extension.
func CheckName(what, name string) error {
	bad := func(why string) error {
		return invalidAt(what, "%q: %s", name, why)
	}
	switch {
	case name == "":
		return bad("empty")
	case !utf8.ValidString(name):
		return bad("not UTF-8")
	case utf8.RuneCountInString(name) > maxName:
		return bad(fmt.Sprintf("longer than %d characters", maxName))
	case name[0] == '.' || name[0] == ' ' || strings.HasSuffix(name, " ") || strings.HasSuffix(name, "."):
		return bad("may not start with a dot or a space, nor end with one")
	case strings.HasSuffix(strings.ToLower(name), Ext):
		return bad("give the name without " + Ext)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" -_.()", r) {
			return bad(fmt.Sprintf("%q is not allowed: use letters, digits, space, '-', '_', '.', '(' or ')'", r))
		}
	}
	return nil
}

// Dir is the folder of the workspace's notebooks. It does not create it.
func (f Files) Dir(workspace string) (string, error) {
	if f.Root == "" {
		return "", errors.New("notebook: no folder of notebooks configured")
	}
	if err := CheckName("workspace", workspace); err != nil {
		return "", err
	}
	return filepath.Join(f.Root, workspace), nil
}

func (f Files) path(workspace, name string) (string, error) {
	dir, err := f.Dir(workspace)
	if err != nil {
		return "", err
	}
	if err := CheckName("name", name); err != nil {
		return "", err
	}
	return filepath.Join(dir, name+Ext), nil
}

// List is the notebooks of the workspace by name. Files whose name is not
// a valid notebook name are left out.
func (f Files) List(workspace string) ([]Info, error) {
	dir, err := f.Dir(workspace)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []Info{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	out := []Info{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), Ext)
		if !ok || !e.Type().IsRegular() || CheckName("name", name) != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed since ReadDir
		}
		out = append(out, Info{Name: name, Size: fi.Size(), ModifiedAt: fi.ModTime().UTC()})
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Read is the notebook name of the workspace.
func (f Files) Read(workspace, name string) (*Notebook, error) {
	p, err := f.path(workspace, name)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: notebook %q", ErrNotFound, name)
	}
	if err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	nb, err := Parse(b)
	if err != nil {
		// A file edited outside the API that no longer parses is not the
		// reader's fault: not ErrInvalid.
		return nil, fmt.Errorf("notebook: file %s does not parse: %s", p, err.Error())
	}
	return nb, nil
}

// Create saves nb as the new notebook name of the workspace; a name taken
// is ErrExists.
func (f Files) Create(workspace, name string, nb *Notebook) (Info, error) {
	return f.write(workspace, name, nb, true)
}

// Replace saves nb over the notebook name of the workspace; a notebook
// that does not exist is ErrNotFound.
func (f Files) Replace(workspace, name string, nb *Notebook) (Info, error) {
	return f.write(workspace, name, nb, false)
}

// write writes a temporary file and moves it into place, so a reader never
// sees half a notebook.
func (f Files) write(workspace, name string, nb *Notebook, create bool) (Info, error) {
	p, err := f.path(workspace, name)
	if err != nil {
		return Info{}, err
	}
	if err := nb.Validate(); err != nil {
		return Info{}, err
	}
	b, err := nb.MarshalJSON()
	if err != nil {
		return Info{}, fmt.Errorf("notebook: %w", err)
	}
	if !create {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return Info{}, fmt.Errorf("%w: notebook %q", ErrNotFound, name)
		}
	}
	dir := filepath.Dir(p)
	if err := f.checkQuota(dir, p, int64(len(b)+1)); err != nil {
		return Info{}, err
	}
	// Outputs of notebooks can hold row-level data: the folders and files
	// (CreateTemp's 0600) are the owner's only, like the state file.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Info{}, fmt.Errorf("notebook: %w", err)
	}
	tmp, err := os.CreateTemp(dir, savingPattern)
	if err != nil {
		return Info{}, fmt.Errorf("notebook: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Info{}, fmt.Errorf("notebook: %w", err)
	}
	if create {
		// A link fails when the name exists, so two creations of one name
		// cannot both succeed.
		err = os.Link(tmp.Name(), p)
		if errors.Is(err, fs.ErrExist) {
			return Info{}, fmt.Errorf("%w: notebook %q", ErrExists, name)
		}
	} else {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		return Info{}, fmt.Errorf("notebook: %w", err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		return Info{}, fmt.Errorf("notebook: %w", err)
	}
	return Info{Name: name, Size: fi.Size(), ModifiedAt: fi.ModTime().UTC()}, nil
}

// Delete removes the notebook name of the workspace.
func (f Files) Delete(workspace, name string) error {
	p, err := f.path(workspace, name)
	if err != nil {
		return err
	}
	err = os.Remove(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: notebook %q", ErrNotFound, name)
	}
	if err != nil {
		return fmt.Errorf("notebook: %w", err)
	}
	return nil
}

// CopyWorkspace saves a copy of every notebook of the workspace from in
// the workspace to, for a duplicated workspace. Without a Root there is
// nothing to copy.
func (f Files) CopyWorkspace(from, to string) error {
	if f.Root == "" {
		return nil
	}
	infos, err := f.List(from)
	if err != nil {
		return err
	}
	for _, info := range infos {
		nb, err := f.Read(from, info.Name)
		if err != nil {
			return err
		}
		if _, err := f.Create(to, info.Name, nb); err != nil {
			return err
		}
	}
	return nil
}

// RemoveWorkspace removes the folder of the workspace's notebooks, for a
// deleted workspace. Without a Root there is nothing to remove.
func (f Files) RemoveWorkspace(workspace string) error {
	if f.Root == "" {
		return nil
	}
	dir, err := f.Dir(workspace)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("notebook: %w", err)
	}
	return nil
}
