// Package cdrindex names the tables of a CDR's index, which package cdr
// builds (cdr.Index) and packages cohort and engine read: the one place
// these names are written. It needs no cgo, so the pure compiler can use
// it without the DuckDB driver that package cdr brings.
package cdrindex

// The index tables, each written as index/<name>.parquet and opened as a
// view of the same name.
const (
	// SearchPerson has one row per person: demographics, birth date, age at
	// the reference date, age bin and demographic key (see
	// cdr.PersonKeysSQL), which kinds of data the person has; sorted by
	// demographics.
	SearchPerson = "search_person"
	// SearchEvents has one row per clinical event and concept (standard, and
	// source when it differs), sorted by (concept_id, person_id).
	SearchEvents = "search_events"
	// ConceptClosure has (ancestor_id, descendant_id) pairs, self pairs
	// included.
	ConceptClosure = "concept_closure"
	// ConceptPerson has the persons of each concept: one row per concept,
	// person and standard flag, sorted by (concept_id, person_id), for the
	// concept itself (direct, with the domain of those events) and for its
	// ancestors (rolled); see cdr.ConceptPersonSQL.
	ConceptPerson = "concept_person"
	// ConceptCounts has per concept the number of distinct persons with an
	// event of it, and of it or any descendant.
	ConceptCounts = "concept_counts"
)

// Tables lists the index tables.
var Tables = []string{SearchPerson, SearchEvents, ConceptClosure, ConceptPerson, ConceptCounts}

// Concept is the OMOP vocabulary table that readers of the index join for
// concept names; package cdr opens it beside the index tables.
const Concept = "concept"
