package cdr

import "github.com/openworkbench/workbench/internal/omop"

// The OMOP CDM schemas live in package internal/omop, which builds
// without cgo so that package spark reads them too; these names are
// theirs.

// Version is an OMOP CDM version: V53 or V54.
type Version = omop.Version

// The OMOP CDM versions this package knows.
const (
	V53 = omop.V53
	V54 = omop.V54
)

// Type is the storage type of a column. OMOP's integer and bigint both
// become Integer (BIGINT), as in the All of Us CDR.
type Type = omop.Type

// Column types.
const (
	Integer  = omop.Integer  // BIGINT
	Float    = omop.Float    // DOUBLE
	Date     = omop.Date     // DATE
	Datetime = omop.Datetime // TIMESTAMP
	Text     = omop.Text     // VARCHAR
)

// ForeignKey names the column a foreign key refers to.
type ForeignKey = omop.ForeignKey

// Column describes one column of an OMOP table.
type Column = omop.Column

// Table describes one OMOP table.
type Table = omop.Table

// Schema is the set of tables of one CDM version.
type Schema = omop.Schema

// SchemaFor returns the schema of a CDM version.
func SchemaFor(v Version) (*Schema, error) { return omop.SchemaFor(v) }

// RequiredTables must be present in every CDR: without them no cohort can
// be counted nor a concept expanded to its descendants.
var RequiredTables = omop.RequiredTables

// EngineTables are the tables the engine reads. Those not in RequiredTables
// may be absent; they are then treated as empty.
var EngineTables = omop.EngineTables

// DetectVersion tells the CDM version of an extract from the column names
// of its tables (table name -> column names, in any case); see
// omop.DetectVersion.
func DetectVersion(columns map[string][]string) Version { return omop.DetectVersion(columns) }
