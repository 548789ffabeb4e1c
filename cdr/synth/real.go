package synth

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// realConcept is a real OMOP concept of the OHDSI vocabularies, as the
// Eunomia samples carry it (realvocab.go); rows is how many event rows the
// samples have of it, which ranks concepts by prevalence.
type realConcept struct {
	id                                         int64
	name, domain, vocabulary, class, std, code string
	rows                                       int64
}

// realIndex looks the real concepts up by id, by domain and name, and
// follows their hierarchy.
type realIndex struct {
	byID     map[int64]*realConcept
	byName   map[string]*realConcept // domain + "\x00" + name
	children map[int64][]int64
	up       map[int64]map[int64]bool // every real ancestor
	source   map[int64]int64          // standard concept -> an ICD10CM code that maps to it
}

var reals = sync.OnceValue(func() *realIndex {
	x := &realIndex{byID: map[int64]*realConcept{}, byName: map[string]*realConcept{},
		children: map[int64][]int64{}, up: map[int64]map[int64]bool{}, source: map[int64]int64{}}
	for i := range realConcepts {
		c := &realConcepts[i]
		x.byID[c.id] = c
		if c.std == "S" {
			x.byName[c.domain+"\x00"+c.name] = c
		}
	}
	parents := map[int64][]int64{}
	for _, e := range realIsA {
		x.children[e.to] = append(x.children[e.to], e.from)
		parents[e.from] = append(parents[e.from], e.to)
	}
	var up func(id int64) map[int64]bool
	up = func(id int64) map[int64]bool {
		if m, ok := x.up[id]; ok {
			return m
		}
		m := map[int64]bool{}
		for _, p := range parents[id] {
			m[p] = true
			for a := range up(p) {
				m[a] = true
			}
		}
		x.up[id] = m
		return m
	}
	for _, c := range realConcepts {
		up(c.id)
	}
	for _, e := range realMapsTo {
		if _, ok := x.source[e.to]; !ok {
			x.source[e.to] = e.from
		}
	}
	return x
})

// named is the standard real concept of a domain with this exact name, or
// nil.
func (x *realIndex) named(domain, name string) *realConcept {
	return x.byName[domain+"\x00"+name]
}

// ranked lists the standard real concepts of a domain that pass keep, most
// event rows in the samples first, then shorter (broader) names first.
func (x *realIndex) ranked(domain string, keep func(*realConcept) bool) []*realConcept {
	var out []*realConcept
	for i := range realConcepts {
		c := &realConcepts[i]
		if c.domain == domain && c.std == "S" && keep(c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *realConcept) int {
		return cmp.Or(cmp.Compare(b.rows, a.rows), cmp.Compare(len(a.name), len(b.name)), strings.Compare(a.name, b.name))
	})
	return out
}

// concept adds a concept named name to the vocabulary: the real standard
// concept of the domain with that name when there is one (it is in
// v.concepts already), else a new invented one in block. It returns the
// concept's id and code.
func (v *vocabulary) concept(block int64, name, domain, vocabulary, class, std, code string) (int64, string) {
	if c := reals().named(domain, name); c != nil {
		return c.id, c.code
	}
	return v.add(block, name, domain, vocabulary, class, std, code), code
}
