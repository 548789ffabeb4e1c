// Vocabgen writes cdr/synth/realvocab.go, the real OMOP concepts that the
// synthetic CDR generator uses, from the vocabulary tables of two OHDSI
// Eunomia samples: GiBleed (CDM v5.3) and Synthea27Nj (CDM v5.4).
//
// It keeps the standard concepts of the clinical domains (conditions, drug
// ingredients and clinical drugs, LOINC measurements, procedures,
// observations, devices) and the ICD10CM codes that map to them; the
// "Is a" hierarchy among the kept concepts, from GiBleed's concept_ancestor
// and Synthea27Nj's concept_relationship, reduced to direct edges; the
// "Maps to" edges from ICD10CM to standard concepts; and, per concept, the
// number of event rows the two samples have, which ranks concepts by
// prevalence. A clinical drug whose ingredient the samples do not relate is
// tied to the ingredient whose name starts its own, and dropped when there
// is none (a quantified clinical drug stays). Nothing else of the samples is carried over.
//
// Usage, from cdr/synth (see cdr/synth/generate.go):
//
//	go run ../../internal/vocabgen -data ../../../shared/data
package main

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("vocabgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "directory holding eunomia-gibleed/csv and synthea27nj/csv")
	out := fs.String("out", "realvocab.go", "Go file to write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *data == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: vocabgen -data DIR [-out FILE]")
		return 2
	}
	src, err := generate(*data)
	if err == nil {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "vocabgen:", err)
		return 1
	}
	return 0
}

// sample is one Eunomia sample: its CSV folder and file names, which
// Synthea27Nj spells in upper case.
type sample struct {
	dir   string
	upper bool
}

func (s sample) path(table string) string {
	if s.upper {
		table = strings.ToUpper(table)
	}
	return filepath.Join(s.dir, table+".csv")
}

func samples(data string) []sample {
	return []sample{
		{dir: filepath.Join(data, "eunomia-gibleed", "csv")},
		{dir: filepath.Join(data, "synthea27nj", "csv"), upper: true},
	}
}

// readCSV calls row for every record of a CSV file with a header, giving
// the fields by column name.
func readCSV(path string, row func(get func(string) string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	var rec []string
	get := func(name string) string {
		i, ok := cols[name]
		if !ok {
			return ""
		}
		return rec[i]
	}
	for {
		rec, err = r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := row(get); err != nil {
			line, _ := r.FieldPos(0)
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
}

type concept struct {
	id                                         int64
	name, domain, vocabulary, class, std, code string
	rows                                       int64
}

// kept says whether the generator may use a concept.
func kept(c concept) bool {
	switch {
	case c.vocabulary == "ICD10CM":
		return c.domain == "Condition" // kept only when it maps, below
	case c.std != "S":
		return false
	}
	switch c.domain {
	case "Condition", "Procedure", "Device":
		return c.vocabulary == "SNOMED"
	case "Measurement":
		return c.vocabulary == "LOINC" || c.vocabulary == "SNOMED"
	case "Observation":
		return c.vocabulary == "SNOMED" || c.vocabulary == "LOINC" && c.class != "Survey"
	case "Drug":
		return c.vocabulary == "RxNorm" && (c.class == "Ingredient" || c.class == "Clinical Drug" || c.class == "Quant Clinical Drug")
	}
	return false
}

type edge struct{ from, to int64 }

// eventColumns are the tables whose rows rank concepts, with their
// concept column.
var eventColumns = [][2]string{
	{"condition_occurrence", "condition_concept_id"},
	{"drug_exposure", "drug_concept_id"},
	{"procedure_occurrence", "procedure_concept_id"},
	{"measurement", "measurement_concept_id"},
	{"observation", "observation_concept_id"},
	{"device_exposure", "device_concept_id"},
}

func generate(data string) ([]byte, error) {
	concepts := map[int64]*concept{}
	ancestry := map[edge]bool{} // descendant -> ancestor, any distance
	var mapsTo []edge
	for _, s := range samples(data) {
		err := readCSV(s.path("concept"), func(get func(string) string) error {
			id, err := strconv.ParseInt(get("concept_id"), 10, 64)
			if err != nil {
				return err
			}
			c := concept{id: id, name: get("concept_name"), domain: get("domain_id"), vocabulary: get("vocabulary_id"),
				class: get("concept_class_id"), std: get("standard_concept"), code: get("concept_code")}
			if get("invalid_reason") == "" && kept(c) {
				concepts[id] = &c
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	ids := func(get func(string) string, a, b string) (edge, error) {
		x, err := strconv.ParseInt(get(a), 10, 64)
		if err != nil {
			return edge{}, err
		}
		y, err := strconv.ParseInt(get(b), 10, 64)
		return edge{x, y}, err
	}
	for _, s := range samples(data) {
		err := readCSV(s.path("concept_relationship"), func(get func(string) string) error {
			rel := get("relationship_id")
			if (rel != "Is a" && rel != "Maps to") || get("invalid_reason") != "" {
				return nil
			}
			e, err := ids(get, "concept_id_1", "concept_id_2")
			if err != nil || concepts[e.from] == nil || concepts[e.to] == nil || e.from == e.to {
				return err
			}
			if rel == "Is a" {
				ancestry[e] = true
			} else if concepts[e.from].vocabulary == "ICD10CM" && concepts[e.to].std == "S" {
				mapsTo = append(mapsTo, e)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(s.path("concept_ancestor")); err == nil {
			err = readCSV(s.path("concept_ancestor"), func(get func(string) string) error {
				e, err := ids(get, "descendant_concept_id", "ancestor_concept_id")
				if err == nil && concepts[e.from] != nil && concepts[e.to] != nil && e.from != e.to {
					ancestry[e] = true
				}
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		for _, ec := range eventColumns {
			err := readCSV(s.path(ec[0]), func(get func(string) string) error {
				id, err := strconv.ParseInt(get(ec[1]), 10, 64)
				if c := concepts[id]; err == nil && c != nil {
					c.rows++
				}
				return err
			})
			if err != nil {
				return nil, err
			}
		}
	}
	// ICD10CM codes stay only when they map to a kept standard concept;
	// hierarchy among them is not needed.
	mapped := map[int64]bool{}
	for _, e := range mapsTo {
		mapped[e.from] = true
	}
	for id, c := range concepts {
		if c.vocabulary == "ICD10CM" && !mapped[id] {
			delete(concepts, id)
		}
	}
	for e := range ancestry {
		if concepts[e.from] == nil || concepts[e.to] == nil || concepts[e.from].vocabulary == "ICD10CM" {
			delete(ancestry, e)
		}
	}
	linkIngredients(concepts, ancestry)
	isA := reduce(closure(ancestry))

	var b bytes.Buffer
	b.WriteString(`// Code generated by internal/vocabgen from the OHDSI Eunomia samples GiBleed and
// Synthea27Nj; DO NOT EDIT. See NOTICE.

package synth

// realConcepts are the real OMOP concepts the generator may use, by id;
// rows is the number of event rows the two samples have of each.
var realConcepts = []realConcept{
`)
	var all []*concept
	for _, c := range concepts {
		all = append(all, c)
	}
	slices.SortFunc(all, func(x, y *concept) int { return cmp.Compare(x.id, y.id) })
	for _, c := range all {
		fmt.Fprintf(&b, "{%d, %q, %q, %q, %q, %q, %q, %d},\n", c.id, c.name, c.domain, c.vocabulary, c.class, c.std, c.code, c.rows)
	}
	b.WriteString("}\n\n// realIsA is the \"Is a\" hierarchy among realConcepts, child -> parent,\n// direct edges only.\nvar realIsA = []edge{\n")
	writeEdges(&b, isA)
	b.WriteString("}\n\n// realMapsTo maps ICD10CM codes of realConcepts to standard concepts.\nvar realMapsTo = []edge{\n")
	slices.SortFunc(mapsTo, compareEdges)
	writeEdges(&b, slices.Compact(mapsTo))
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func compareEdges(x, y edge) int {
	return cmp.Or(cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to))
}

func writeEdges(b *bytes.Buffer, edges []edge) {
	for i, e := range edges {
		fmt.Fprintf(b, "{%d, %d},", e.from, e.to)
		if i%6 == 5 {
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
}

// linkIngredients gives every clinical drug without an ingredient among
// its ancestors the ingredients whose names start it or one of its
// components ("lisinopril 10 MG Oral Tablet"), and drops the clinical
// drugs that still have none; a quantified one stays without.
func linkIngredients(concepts map[int64]*concept, ancestry map[edge]bool) {
	hasIngredient := map[int64]bool{}
	for e := range ancestry {
		if concepts[e.to].class == "Ingredient" {
			hasIngredient[e.from] = true
		}
	}
	var ingredients []*concept
	for _, c := range concepts {
		if c.class == "Ingredient" {
			ingredients = append(ingredients, c)
		}
	}
	for id, c := range concepts {
		if c.domain != "Drug" || c.class == "Ingredient" || hasIngredient[id] {
			continue
		}
		for _, part := range strings.Split(strings.ToLower(c.name), " / ") {
			for _, ing := range ingredients {
				if strings.HasPrefix(part, strings.ToLower(ing.name)+" ") {
					ancestry[edge{id, ing.id}] = true
					hasIngredient[id] = true
				}
			}
		}
		if !hasIngredient[id] && c.class == "Clinical Drug" {
			delete(concepts, id)
			for e := range ancestry {
				if e.from == id || e.to == id {
					delete(ancestry, e)
				}
			}
		}
	}
}

// closure completes the ancestry relation: the samples give some pairs
// directly and others through a chain of "Is a".
func closure(pairs map[edge]bool) map[int64]map[int64]bool {
	up := map[int64]map[int64]bool{}
	for e := range pairs {
		if up[e.from] == nil {
			up[e.from] = map[int64]bool{}
		}
		up[e.from][e.to] = true
	}
	for changed := true; changed; {
		changed = false
		for _, ancestors := range up {
			for a := range ancestors {
				for b := range up[a] {
					if !ancestors[b] {
						ancestors[b] = true
						changed = true
					}
				}
			}
		}
	}
	return up
}

// reduce keeps the edges child -> ancestor with no other ancestor of the
// child in between.
func reduce(up map[int64]map[int64]bool) []edge {
	var out []edge
	for child, ancestors := range up {
		for a := range ancestors {
			direct := true
			for m := range ancestors {
				if m != a && up[m][a] {
					direct = false
					break
				}
			}
			if direct {
				out = append(out, edge{child, a})
			}
		}
	}
	slices.SortFunc(out, compareEdges)
	return out
}
