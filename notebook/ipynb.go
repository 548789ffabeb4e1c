package notebook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Notebook is a Jupyter notebook in nbformat 4 (minor version 4 or later),
// the format of .ipynb files. Its JSON form is the file; Parse reads one
// and reports every problem with its path.
type Notebook struct {
	// Metadata is the notebook's metadata (kernelspec, language_info, ...),
	// kept as the file has it.
	Metadata      map[string]any
	NBFormat      int
	NBFormatMinor int
	Cells         []Cell
}

// CellType is what a cell holds.
type CellType string

const (
	Markdown CellType = "markdown"
	Code     CellType = "code"
	Raw      CellType = "raw"
)

// Cell is one cell of a notebook.
type Cell struct {
	Type CellType
	// ID is required from nbformat 4.5 on: 1 to 64 letters, digits, '-'
	// or '_', unique in the notebook.
	ID       string
	Metadata map[string]any
	// Source is the cell's text; the file holds it as a list of lines.
	Source string
	// Attachments are a markdown or raw cell's attached files, as the file
	// has them.
	Attachments map[string]any
	// ExecutionCount is a code cell's execution counter; nil when it has
	// not run.
	ExecutionCount *int
	// Outputs are a code cell's outputs, each kept as the file has it.
	Outputs []json.RawMessage
}

// Version written by Python3: nbformat 4.5, whose cells have ids.
const (
	formatMajor = 4
	formatMinor = 5
)

// Python3 is an nbformat 4.5 notebook of the cells for a Python 3 kernel.
// Cells without an id get one from their position.
func Python3(cells ...Cell) *Notebook {
	nb := &Notebook{
		Metadata: map[string]any{
			"kernelspec":    map[string]any{"name": "python3", "display_name": "Python 3", "language": "python"},
			"language_info": map[string]any{"name": "python"},
		},
		NBFormat:      formatMajor,
		NBFormatMinor: formatMinor,
		Cells:         cells,
	}
	for i := range nb.Cells {
		if nb.Cells[i].ID == "" {
			nb.Cells[i].ID = fmt.Sprintf("cell-%d", i+1)
		}
	}
	return nb
}

var cellID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// Keys each part of the document may have (nbformat 4's schema allows no
// others).
var (
	notebookKeys = []string{"cells", "metadata", "nbformat", "nbformat_minor"}
	textCellKeys = []string{"attachments", "cell_type", "id", "metadata", "source"}
	codeCellKeys = []string{"cell_type", "execution_count", "id", "metadata", "outputs", "source"}
	outputTypes  = []string{"display_data", "error", "execute_result", "stream"}
)

// Parse reads an nbformat 4 document. Every problem is reported at once,
// as a *fault.Fields with JSON paths.
func Parse(b []byte) (*Notebook, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, invalidAt("", "not a JSON object: %s", jsonError(err))
	}
	var p problems
	nb := &Notebook{}
	unknown(&p, "", top, notebookKeys)
	nb.NBFormat = integer(&p, "nbformat", top)
	nb.NBFormatMinor = integer(&p, "nbformat_minor", top)
	nb.Metadata = object(&p, "metadata", top["metadata"], true)
	if raw, ok := top["cells"]; !ok {
		p.add("cells", "missing")
	} else {
		var cells []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &cells); err != nil {
			p.add("cells", "want a list of cell objects")
		}
		for i, c := range cells {
			nb.Cells = append(nb.Cells, parseCell(&p, fmt.Sprintf("cells[%d]", i), c))
		}
	}
	if len(p.f.List) == 0 {
		nb.check(&p)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return nb, nil
}

func parseCell(p *problems, path string, c map[string]json.RawMessage) Cell {
	var cell Cell
	if c == nil {
		p.add(path, "want a cell object")
		return cell
	}
	if raw, ok := c["cell_type"]; !ok || json.Unmarshal(raw, &cell.Type) != nil {
		p.add(path+".cell_type", "want markdown, code or raw")
		return cell
	}
	keys := textCellKeys
	if cell.Type == Code {
		keys = codeCellKeys
	}
	unknown(p, path, c, keys)
	if raw, ok := c["id"]; ok && json.Unmarshal(raw, &cell.ID) != nil {
		p.add(path+".id", "want a string")
	}
	cell.Metadata = object(p, path+".metadata", c["metadata"], true)
	cell.Source = source(p, path+".source", c["source"])
	if cell.Type != Code {
		cell.Attachments = object(p, path+".attachments", c["attachments"], false)
		return cell
	}
	switch raw, ok := c["execution_count"]; {
	case !ok:
		p.add(path+".execution_count", "missing: a code cell has one (null when it has not run)")
	case json.Unmarshal(raw, &cell.ExecutionCount) != nil:
		p.add(path+".execution_count", "want an integer or null")
	}
	if raw, ok := c["outputs"]; !ok {
		p.add(path+".outputs", "missing: a code cell has a list of outputs (empty when it has not run)")
	} else if err := json.Unmarshal(raw, &cell.Outputs); err != nil {
		p.add(path+".outputs", "want a list of output objects")
	}
	for i, o := range cell.Outputs {
		// Compact, so that a notebook equals itself read back.
		var b bytes.Buffer
		if json.Compact(&b, o) == nil {
			cell.Outputs[i] = b.Bytes()
		}
		var out struct {
			Type string `json:"output_type"`
		}
		if json.Unmarshal(o, &out) != nil || !slices.Contains(outputTypes, out.Type) {
			p.add(fmt.Sprintf("%s.outputs[%d].output_type", path, i), "want "+strings.Join(outputTypes, ", "))
		}
	}
	return cell
}

// Validate reports every problem of nb with its path.
func (nb *Notebook) Validate() error {
	var p problems
	nb.check(&p)
	return p.err()
}

func (nb *Notebook) check(p *problems) {
	if nb.NBFormat != formatMajor {
		p.add("nbformat", fmt.Sprintf("%d: want 4", nb.NBFormat))
	}
	if nb.NBFormatMinor < 4 {
		p.add("nbformat_minor", fmt.Sprintf("%d: want 4 or later", nb.NBFormatMinor))
	}
	seen := map[string]int{}
	for i, c := range nb.Cells {
		path := fmt.Sprintf("cells[%d]", i)
		switch c.Type {
		case Markdown, Raw:
			if c.ExecutionCount != nil || c.Outputs != nil {
				p.add(path, "only a code cell has outputs and an execution count")
			}
		case Code:
			if c.Attachments != nil {
				p.add(path+".attachments", "a code cell has no attachments")
			}
			if c.ExecutionCount != nil && *c.ExecutionCount < 0 {
				p.add(path+".execution_count", "want 0 or more")
			}
		default:
			p.add(path+".cell_type", fmt.Sprintf("%q: want markdown, code or raw", c.Type))
		}
		switch {
		case c.ID == "" && nb.NBFormatMinor >= 5:
			p.add(path+".id", "missing: nbformat 4.5 cells have ids")
		case c.ID == "":
		case !cellID.MatchString(c.ID):
			p.add(path+".id", fmt.Sprintf("%q: want 1 to 64 letters, digits, '-' or '_'", c.ID))
		default:
			if j, dup := seen[c.ID]; dup {
				p.add(path+".id", fmt.Sprintf("%q: the id of cells[%d] too", c.ID, j))
			}
			seen[c.ID] = i
		}
	}
}

// MarshalJSON writes nb as an .ipynb document, sources as lists of lines
// the way Jupyter writes them.
func (nb *Notebook) MarshalJSON() ([]byte, error) {
	cells := make([]map[string]any, len(nb.Cells))
	for i, c := range nb.Cells {
		m := map[string]any{"cell_type": c.Type, "metadata": orEmpty(c.Metadata), "source": lines(c.Source)}
		if c.ID != "" {
			m["id"] = c.ID
		}
		if c.Type == Code {
			m["execution_count"] = c.ExecutionCount
			m["outputs"] = nonNilOutputs(c.Outputs)
		} else if c.Attachments != nil {
			m["attachments"] = c.Attachments
		}
		cells[i] = m
	}
	return json.Marshal(map[string]any{
		"cells":          cells,
		"metadata":       orEmpty(nb.Metadata),
		"nbformat":       nb.NBFormat,
		"nbformat_minor": nb.NBFormatMinor,
	})
}

// UnmarshalJSON reads nb with Parse.
func (nb *Notebook) UnmarshalJSON(b []byte) error {
	out, err := Parse(b)
	if err != nil {
		return err
	}
	*nb = *out
	return nil
}

// lines splits s after each newline, as .ipynb files hold sources.
func lines(s string) []string {
	out := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func nonNilOutputs(o []json.RawMessage) []json.RawMessage {
	if o == nil {
		return []json.RawMessage{}
	}
	return o
}

// unknown reports the keys of m that are not in keys, in order.
func unknown(p *problems, path string, m map[string]json.RawMessage, keys []string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(keys, k) {
			p.add(join(path, k), "unknown field")
		}
	}
}

func integer(p *problems, key string, m map[string]json.RawMessage) int {
	raw, ok := m[key]
	if !ok {
		p.add(key, "missing")
		return 0
	}
	var n int
	if json.Unmarshal(raw, &n) != nil {
		p.add(key, "want an integer")
	}
	return n
}

// object reads an optional or required JSON object.
func object(p *problems, path string, raw json.RawMessage, required bool) map[string]any {
	if raw == nil {
		if required {
			p.add(path, "missing")
		}
		return nil
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&m) != nil || m == nil {
		p.add(path, "want an object")
	}
	return m
}

// source reads a cell's source: a string or a list of strings.
func source(p *problems, path string, raw json.RawMessage) string {
	if raw == nil {
		p.add(path, "missing")
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var l []string
	if json.Unmarshal(raw, &l) != nil {
		p.add(path, "want a string or a list of strings")
	}
	return strings.Join(l, "")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonError is err without the package's prefix.
func jsonError(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}
