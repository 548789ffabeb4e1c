// Package sqlname is the one way an identifier (a table, view, column or
// schema name) enters SQL text in this module, with one quoting function
// per SQL dialect: [Quote] for DuckDB, [Backquote] for Spark. Identifiers
// come from the OMOP schema, the index layout or the configuration, never
// from a request; values always travel as query arguments.
package sqlname

import "strings"

// Quote writes name as a double-quoted SQL identifier (DuckDB).
func Quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Backquote writes name as a backquoted Spark SQL identifier: Spark reads
// double quotes as a string unless ANSI identifiers are switched on.
func Backquote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
