// Package sqlname is the one way an identifier (a table, view, column or
// schema name) enters SQL text in this module. Identifiers come from the
// OMOP schema, the index layout or the configuration, never from a
// request; values always travel as query arguments.
package sqlname

import "strings"

// Quote writes name as a double-quoted SQL identifier.
func Quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
