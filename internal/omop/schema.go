// Package omop holds the OMOP CDM v5.3 and v5.4 schemas as Go data
// (tables, columns, types, required flags, keys; [SchemaFor]) with the
// data dictionary in each [Column.Description], and tells an extract's
// version from its columns ([DetectVersion]). Package cdr re-exports it;
// it lives apart, without cgo, so that package spark, which builds the
// index without DuckDB, reads the same schema.
package omop

import (
	"fmt"
	"slices"
	"strings"
)

// Version is an OMOP CDM version: V53 or V54.
type Version string

// The OMOP CDM versions this package knows.
const (
	V53 Version = "5.3"
	V54 Version = "5.4"
)

// Type is the storage type of a column. OMOP's integer and bigint both
// become Integer (BIGINT), as in the All of Us CDR.
type Type int

// Column types.
const (
	Integer  Type = iota // BIGINT
	Float                // DOUBLE
	Date                 // DATE
	Datetime             // TIMESTAMP
	Text                 // VARCHAR
)

var typeNames = [...]string{Integer: "BIGINT", Float: "DOUBLE", Date: "DATE", Datetime: "TIMESTAMP", Text: "VARCHAR"}

// SQL returns the DuckDB type name.
func (t Type) SQL() string { return typeNames[t] }

func (t Type) String() string { return strings.ToLower(typeNames[t]) }

// MarshalText writes the type as its lower-case name ("bigint", "date").
func (t Type) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// ForeignKey names the column a foreign key refers to.
type ForeignKey struct {
	Table  string `json:"table"`
	Column string `json:"column"`
}

// Column describes one column of an OMOP table.
type Column struct {
	Name        string      `json:"name"`
	Type        Type        `json:"type"`
	Required    bool        `json:"required"`
	PrimaryKey  bool        `json:"primary_key,omitempty"`
	ForeignKey  *ForeignKey `json:"foreign_key,omitempty"` // nil when the column refers to nothing
	Description string      `json:"description"`           // one line, for the data dictionary
}

// Table describes one OMOP table.
type Table struct {
	Name        string   `json:"name"`
	Vocabulary  bool     `json:"vocabulary"` // part of the standardized vocabularies rather than clinical data
	Description string   `json:"description"`
	Columns     []Column `json:"columns"`
}

// Column returns the named column.
func (t *Table) Column(name string) (*Column, bool) {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i], true
		}
	}
	return nil, false
}

// PrimaryKey returns the primary key column, or nil for tables without one.
func (t *Table) PrimaryKey() *Column {
	for i := range t.Columns {
		if t.Columns[i].PrimaryKey {
			return &t.Columns[i]
		}
	}
	return nil
}

// Schema is the set of tables of one CDM version.
type Schema struct {
	Version Version
	Tables  []Table
}

// Table returns the named table.
func (s *Schema) Table(name string) (*Table, bool) {
	for i := range s.Tables {
		if s.Tables[i].Name == name {
			return &s.Tables[i], true
		}
	}
	return nil, false
}

// SchemaFor returns the schema of a CDM version.
func SchemaFor(v Version) (*Schema, error) {
	switch v {
	case V53:
		return &schemaV53, nil
	case V54:
		return &schemaV54, nil
	}
	return nil, fmt.Errorf("omop: unknown CDM version %q (want %q or %q)", v, V53, V54)
}

// RequiredTables must be present in every CDR: without them no cohort can
// be counted nor a concept expanded to its descendants.
var RequiredTables = []string{"person", "observation_period", "concept", "concept_ancestor"}

// EngineTables are the tables the engine reads. Those not in RequiredTables
// may be absent; they are then treated as empty.
var EngineTables = []string{
	"person", "observation_period", "visit_occurrence", "condition_occurrence",
	"drug_exposure", "procedure_occurrence", "measurement", "observation",
	"device_exposure", "death", "concept", "concept_ancestor",
	"concept_relationship", "vocabulary", "domain", "cdm_source",
}

// DetectVersion tells the CDM version of an extract from the column names
// of its tables (table name -> column names, in any case). Each column of a
// table of both versions that exists in only one of them is a vote for that
// version, and so is each table that exists in only one version: one vote,
// not one per column, because v5.4's specification lists the results table
// cohort, which v5.3 extracts often carry too. An extract without votes is
// taken as V53, the version All of Us uses.
func DetectVersion(columns map[string][]string) Version {
	var v53, v54 int
	for table, cols := range columns {
		table = strings.ToLower(table)
		t53, ok53 := schemaV53.Table(table)
		t54, ok54 := schemaV54.Table(table)
		switch {
		case ok53 && !ok54:
			v53++
		case ok54 && !ok53:
			v54++
		case ok53 && ok54:
			for _, c := range cols {
				c = strings.ToLower(c)
				in53, in54 := hasColumn(t53, c), hasColumn(t54, c)
				switch {
				case in53 && !in54:
					v53++
				case in54 && !in53:
					v54++
				}
			}
		}
	}
	if v54 > v53 {
		return V54
	}
	return V53
}

func hasColumn(t *Table, name string) bool {
	return slices.ContainsFunc(t.Columns, func(c Column) bool { return c.Name == name })
}
