package app

import (
	"context"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
)

// Dictionary is the data dictionary: the CDR's schema, public like the
// Data Browser.
type Dictionary struct {
	gate   *gate
	schema *cdr.Schema
}

// Dictionary is every table of the CDR's schema with its columns.
func (d Dictionary) Dictionary(ctx context.Context) (workbench.Dictionary, error) {
	if _, err := d.gate.check(ctx, access.ViewDictionary, ""); err != nil {
		return workbench.Dictionary{}, err
	}
	out := workbench.Dictionary{CDMVersion: string(d.schema.Version), Tables: make([]workbench.Table, len(d.schema.Tables))}
	for i := range d.schema.Tables {
		out.Tables[i] = tableOf(&d.schema.Tables[i])
	}
	return out, nil
}

// DictionaryTable is the table name of the schema.
func (d Dictionary) DictionaryTable(ctx context.Context, name string) (workbench.Table, error) {
	if _, err := d.gate.check(ctx, access.ViewDictionary, ""); err != nil {
		return workbench.Table{}, err
	}
	t, ok := d.schema.Table(name)
	if !ok {
		return workbench.Table{}, fmt.Errorf("%w: no table %q in the data dictionary", workbench.ErrNotFound, name)
	}
	return tableOf(t), nil
}

func tableOf(t *cdr.Table) workbench.Table {
	out := workbench.Table{Name: t.Name, Vocabulary: t.Vocabulary, Description: t.Description, Columns: make([]workbench.Column, len(t.Columns))}
	for i, c := range t.Columns {
		col := workbench.Column{Name: c.Name, Type: c.Type.String(), Required: c.Required, PrimaryKey: c.PrimaryKey, Description: c.Description}
		if c.ForeignKey != nil {
			col.ForeignKey = &workbench.ForeignKey{Table: c.ForeignKey.Table, Column: c.ForeignKey.Column}
		}
		out.Columns[i] = col
	}
	return out
}
