package cohort

// Concept sets: a named list of concepts, as a researcher builds it in the
// Concept Set Selector, and the compilation of its expansion. Like
// definitions, a concept set is validated and compiled to a Query by pure
// functions; package engine runs it.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/openworkbench/workbench/internal/sqlb"
)

// ConceptSet is a named list of concepts, as a researcher builds it in
// the Concept Set Selector.
type ConceptSet struct {
	Name  string           `json:"name"`
	Items []ConceptSetItem `json:"items"`
}

// ConceptSetItem is one concept of a set: with or without its
// descendants, included or excluded.
type ConceptSetItem struct {
	ConceptID          int64 `json:"concept_id"`
	IncludeDescendants bool  `json:"include_descendants"`
	Exclude            bool  `json:"exclude"`
}

// MaxConceptSetItems is the most items a concept set may have.
const MaxConceptSetItems = 10000

// Validate reports every problem of cs at once as a *fault.Fields, each
// with its JSON path (`items[2].concept_id`), or nil.
func (cs *ConceptSet) Validate() error {
	var v errorList
	if cs == nil {
		v.add("", "no concept set")
		return v.err()
	}
	if strings.TrimSpace(cs.Name) == "" {
		v.add("name", "empty: a concept set needs a name")
	}
	switch {
	case len(cs.Items) == 0:
		v.add("items", "empty: want at least one concept")
	case len(cs.Items) > MaxConceptSetItems:
		v.add("items", fmt.Sprintf("%d concepts: want at most %d", len(cs.Items), MaxConceptSetItems))
	case !slices.ContainsFunc(cs.Items, func(it ConceptSetItem) bool { return !it.Exclude }):
		v.add("items", "every concept is excluded: want at least one included concept")
	}
	first := make(map[int64]int, len(cs.Items))
	for i, it := range cs.Items {
		path := index("items", i) + ".concept_id"
		if it.ConceptID <= 0 {
			v.add(path, fmt.Sprintf("%d: want a concept id greater than 0", it.ConceptID))
			continue
		}
		if j, dup := first[it.ConceptID]; dup {
			v.add(path, fmt.Sprintf("concept %d is already %s", it.ConceptID, index("items", j)))
			continue
		}
		first[it.ConceptID] = i
	}
	return v.err()
}

// MarshalJSON writes the canonical form of cs: name and items in order,
// every field explicit. Two sets with the same canonical form are the same
// saved set; expansion depends on the items alone, in any order.
func (cs *ConceptSet) MarshalJSON() ([]byte, error) {
	if cs == nil {
		return []byte("null"), nil
	}
	type plain ConceptSet // without this method
	p := plain(*cs)
	if p.Items == nil {
		p.Items = []ConceptSetItem{}
	}
	return json.Marshal(p)
}

// String returns the canonical JSON form of cs (see MarshalJSON).
func (cs *ConceptSet) String() string {
	b, err := cs.MarshalJSON()
	if err != nil {
		return "cohort: " + err.Error()
	}
	return string(b)
}

// CompileExpand validates cs and compiles its expansion, with OHDSI
// concept set semantics: the included concepts, with their descendants
// where asked, minus the excluded concepts, with their descendants where
// asked. Descendants come from concept_closure; a concept missing from the
// vocabulary expands to nothing. The Query selects one column, concept_id,
// each id once, in ascending order.
func CompileExpand(cs *ConceptSet, opt Options) (Query, error) {
	return (&compiler{opt: opt}).expand(cs)
}

func (c *compiler) expand(cs *ConceptSet) (Query, error) {
	if err := c.opt.check(); err != nil {
		return Query{}, err
	}
	if err := cs.Validate(); err != nil {
		return Query{}, err
	}
	var in, out [2][]int64 // [0]: the concept alone, [1]: with descendants
	for _, it := range cs.Items {
		d := 0
		if it.IncludeDescendants {
			d = 1
		}
		if it.Exclude {
			out[d] = append(out[d], it.ConceptID)
		} else {
			in[d] = append(in[d], it.ConceptID)
		}
	}
	var f sqlb.Builder
	side := func(ids [2][]int64) {
		c.table(f.SQL("SELECT descendant_id AS concept_id FROM "), tableClosure).SQL(" WHERE ")
		if len(ids[0]) > 0 {
			f.SQL("(descendant_id = ancestor_id AND ancestor_id IN ")
			c.idList(&f, ids[0])
			f.SQL(")")
		}
		if len(ids[0]) > 0 && len(ids[1]) > 0 {
			f.SQL(" OR ")
		}
		if len(ids[1]) > 0 {
			f.SQL("ancestor_id IN ")
			c.idList(&f, ids[1])
		}
	}
	if len(out[0])+len(out[1]) == 0 {
		f.SQL("SELECT DISTINCT concept_id FROM (")
		side(in)
		f.SQL(")")
	} else {
		f.SQL("SELECT concept_id FROM (")
		side(in)
		f.SQL("\nEXCEPT\n")
		side(out)
		f.SQL(")")
	}
	f.SQL("\nORDER BY concept_id")
	return c.query(&f)
}
