// Package sqlb is the one way SQL text is built in this module: a
// [Builder] holds text, identifiers and the values of its placeholders, in
// order. Text comes from the code; identifiers pass [sqlname.Quote]
// (through [Builder.Ident] and [Builder.Table]); values travel as
// arguments ([Builder.Arg]), except an integer that DuckDB needs constant
// when it binds the query ([Builder.Int64]), which an int64 cannot make
// anything but a number.
//
// A builder renders in two dialects. [Builder.String] and [Builder.Args]
// give DuckDB SQL with `?` placeholders and their arguments.
// [Builder.Spark] gives Spark SQL, for Spark Connect, which has no bound
// parameters: each argument becomes a literal written by [SparkLiteral]
// from its Go type (an int64, a float64, a validated date), and a string
// argument is refused, so no string from outside the code enters the
// text.
package sqlb

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench/internal/sqlname"
)

// Builder is SQL with the arguments of its placeholders. The zero value is
// an empty builder.
type Builder struct {
	parts []part
}

type partKind uint8

const (
	kindText     partKind = iota // SQL text from the code
	kindIdent                    // an identifier, quoted by the dialect
	kindArg                      // a placeholder and its value
	kindDetached                 // the value of a placeholder already in a text part (AddQuery)
)

type part struct {
	kind  partKind
	text  string // the text, the identifier or the argument's DuckDB type
	value any
}

// SQL writes text: keywords, operators, constant expressions. It never
// takes a value or a name from outside the code.
func (b *Builder) SQL(text ...string) *Builder {
	for _, s := range text {
		if s != "" {
			b.parts = append(b.parts, part{kind: kindText, text: s})
		}
	}
	return b
}

// Ident writes name as a quoted identifier.
func (b *Builder) Ident(name string) *Builder {
	b.parts = append(b.parts, part{kind: kindIdent, text: name})
	return b
}

// Table writes the table name, qualified by schema unless schema is
// empty (the connection's default).
func (b *Builder) Table(schema, name string) *Builder {
	if schema != "" {
		b.Ident(schema).SQL(".")
	}
	return b.Ident(name)
}

// Arg writes a placeholder cast to the DuckDB type typ (`?::BIGINT`) and
// records its value.
func (b *Builder) Arg(v any, typ string) *Builder {
	b.parts = append(b.parts, part{kind: kindArg, text: typ, value: v})
	return b
}

// Int64 writes v into the text as a BIGINT constant, for the arguments
// that DuckDB wants constant (bitstring_agg's range). v comes from the
// code or the index, never from a request.
func (b *Builder) Int64(v int64) *Builder {
	return b.SQL(strconv.FormatInt(v, 10) + "::BIGINT")
}

// Int64Args writes a BIGINT placeholder per id, separated by commas (the
// list of an IN), and records the ids.
func (b *Builder) Int64Args(ids []int64) *Builder {
	for i, id := range ids {
		if i > 0 {
			b.SQL(", ")
		}
		b.Arg(id, "BIGINT")
	}
	return b
}

// Add writes the text and arguments of o.
func (b *Builder) Add(o *Builder) *Builder {
	b.parts = append(b.parts, o.parts...)
	return b
}

// AddQuery writes a query built by this module (cohort.Query's SQL and
// Args): text whose values are already arguments. Spark refuses such text
// when it has arguments (a query compiled for Spark has none).
func (b *Builder) AddQuery(sql string, args []any) *Builder {
	b.SQL(sql)
	for _, a := range args {
		b.parts = append(b.parts, part{kind: kindDetached, value: a})
	}
	return b
}

// AddIndented writes o like Add with indent at the start of each of its
// lines.
func (b *Builder) AddIndented(o *Builder, indent string) *Builder {
	b.SQL(indent)
	for _, p := range o.parts {
		if p.kind == kindText {
			p.text = strings.ReplaceAll(p.text, "\n", "\n"+indent)
		}
		b.parts = append(b.parts, p)
	}
	return b
}

// Empty reports whether nothing was written.
func (b *Builder) Empty() bool { return len(b.parts) == 0 }

// String returns the DuckDB SQL text.
func (b *Builder) String() string {
	var s strings.Builder
	for _, p := range b.parts {
		switch p.kind {
		case kindText:
			s.WriteString(p.text)
		case kindIdent:
			s.WriteString(sqlname.Quote(p.text))
		case kindArg:
			s.WriteString("?::" + p.text)
		}
	}
	return s.String()
}

// Args returns the arguments of the DuckDB placeholders, in order.
func (b *Builder) Args() []any {
	var args []any
	for _, p := range b.parts {
		if p.kind == kindArg || p.kind == kindDetached {
			args = append(args, p.value)
		}
	}
	return args
}

// Spark returns the Spark SQL text: identifiers quoted with backticks and
// every argument written as a literal by SparkLiteral. It fails on an
// argument SparkLiteral refuses and on text added by AddQuery with
// arguments, whose placeholders it cannot see.
func (b *Builder) Spark() (string, error) {
	var s strings.Builder
	for _, p := range b.parts {
		switch p.kind {
		case kindText:
			s.WriteString(p.text)
		case kindIdent:
			s.WriteString(sqlname.Backquote(p.text))
		case kindArg:
			lit, err := SparkLiteral(p.value, p.text)
			if err != nil {
				return "", err
			}
			s.WriteString(lit)
		case kindDetached:
			return "", fmt.Errorf("sqlb: spark: a query with placeholders (DuckDB SQL) cannot be rendered for Spark")
		}
	}
	return s.String(), nil
}

// SparkLiteral is the one function that writes a value into Spark SQL
// text, as a literal of the DuckDB type typ that the value was given
// with:
//
//   - an int64 as a BIGINT literal, 42L, or (INTEGER, in its range) as
//     an INT literal, 42;
//   - an []int64 (BIGINT[]) as array(1L, 2L);
//   - a finite float64 (DOUBLE) as a DOUBLE literal in shortest form
//     that reads back as the same number, 6.5E+00D;
//   - a date (DATE), as a time.Time or as YYYY-MM-DD text that parses as
//     a day, as DATE '2020-02-29', written from the parsed day, not from
//     the text;
//   - a bool (BOOLEAN) as TRUE or FALSE.
//
// Anything else, strings of any other type first, is an error: the text
// it writes comes only from strconv and time formatting of typed values.
// Negative numbers are parenthesized so that a literal stands as one
// operand wherever it is written.
func SparkLiteral(v any, typ string) (string, error) {
	switch typ {
	case "BIGINT":
		if n, ok := v.(int64); ok {
			return sparkInt(n, "L"), nil
		}
	case "INTEGER":
		// Spark wants INT where it takes a count (LIMIT, OFFSET).
		if n, ok := v.(int64); ok {
			if n < math.MinInt32 || n > math.MaxInt32 {
				return "", fmt.Errorf("sqlb: spark: %d is out of the range of INTEGER", n)
			}
			return sparkInt(n, ""), nil
		}
	case "BIGINT[]":
		if ns, ok := v.([]int64); ok {
			if len(ns) == 0 {
				return "CAST(array() AS ARRAY<BIGINT>)", nil
			}
			lits := make([]string, len(ns))
			for i, n := range ns {
				lits[i] = sparkInt(n, "L")
			}
			return "array(" + strings.Join(lits, ", ") + ")", nil
		}
	case "DOUBLE":
		if f, ok := v.(float64); ok {
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return "", fmt.Errorf("sqlb: spark: %v is not a finite number", f)
			}
			lit := strconv.FormatFloat(f, 'E', -1, 64) + "D"
			if f < 0 || (f == 0 && math.Signbit(f)) {
				lit = "(" + lit + ")"
			}
			return lit, nil
		}
	case "DATE":
		switch d := v.(type) {
		case time.Time:
			return "DATE '" + d.Format(time.DateOnly) + "'", nil
		case string:
			day, err := time.Parse(time.DateOnly, d)
			if err != nil {
				return "", fmt.Errorf("sqlb: spark: a date argument is not YYYY-MM-DD")
			}
			return "DATE '" + day.Format(time.DateOnly) + "'", nil
		}
	case "BOOLEAN":
		if t, ok := v.(bool); ok {
			return strings.ToUpper(strconv.FormatBool(t)), nil
		}
	}
	return "", fmt.Errorf("sqlb: spark: an argument of Go type %T as %s cannot be written as a Spark literal", v, typ)
}

// sparkInt writes n with the type suffix, parenthesized when negative.
func sparkInt(n int64, suffix string) string {
	if n < 0 {
		return "(" + strconv.FormatInt(n, 10) + suffix + ")"
	}
	return strconv.FormatInt(n, 10) + suffix
}
