// Package sqlb is the one way SQL text is built in this module: a
// [Builder] holds text and the arguments of its placeholders, in order.
// Text comes from the code; identifiers pass [sqlname.Quote] (through
// [Builder.Ident] and [Builder.Table]); values only ever travel as
// arguments ([Builder.Arg]).
package sqlb

import (
	"strings"

	"github.com/openworkbench/workbench/internal/sqlname"
)

// Builder is SQL text with the arguments of its placeholders. The zero
// value is an empty builder.
type Builder struct {
	text strings.Builder
	args []any
}

// SQL writes text: keywords, operators, constant expressions. It never
// takes a value or a name from outside the code.
func (b *Builder) SQL(text ...string) *Builder {
	for _, s := range text {
		b.text.WriteString(s)
	}
	return b
}

// Ident writes name as a quoted identifier.
func (b *Builder) Ident(name string) *Builder {
	b.text.WriteString(sqlname.Quote(name))
	return b
}

// Table writes the table name, qualified by schema unless schema is
// empty (the connection's default).
func (b *Builder) Table(schema, name string) *Builder {
	if schema != "" {
		b.text.WriteString(sqlname.Quote(schema) + ".")
	}
	return b.Ident(name)
}

// Arg writes a placeholder cast to the DuckDB type typ (`?::BIGINT`) and
// records its value.
func (b *Builder) Arg(v any, typ string) *Builder {
	b.text.WriteString("?::" + typ)
	b.args = append(b.args, v)
	return b
}

// Add writes the text and arguments of o.
func (b *Builder) Add(o *Builder) *Builder {
	b.text.WriteString(o.text.String())
	b.args = append(b.args, o.args...)
	return b
}

// AddQuery writes a query built by this module (cohort.Query's SQL and
// Args): text whose values are already arguments.
func (b *Builder) AddQuery(text string, args []any) *Builder {
	b.text.WriteString(text)
	b.args = append(b.args, args...)
	return b
}

// AddIndented writes o like Add with indent at the start of each of its
// lines.
func (b *Builder) AddIndented(o *Builder, indent string) *Builder {
	b.text.WriteString(indent + strings.ReplaceAll(o.text.String(), "\n", "\n"+indent))
	b.args = append(b.args, o.args...)
	return b
}

// Empty reports whether nothing was written.
func (b *Builder) Empty() bool { return b.text.Len() == 0 }

// String returns the SQL text.
func (b *Builder) String() string { return b.text.String() }

// Args returns the arguments of the placeholders, in order.
func (b *Builder) Args() []any { return b.args }
