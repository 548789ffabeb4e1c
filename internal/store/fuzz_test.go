package store

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/openworkbench/workbench"
)

// FuzzAnnotationValue: checking a value never panics, and a value
// accepted is JSON of the field's type that is accepted again unchanged.
func FuzzAnnotationValue(f *testing.F) {
	for _, seed := range []string{`"mild"`, `12`, `-3`, `1.5`, `true`, `null`, `"2026-03-01"`, `"x"`, `{}`, `[1]`, ` "mild" `, `"\u006dild"`} {
		f.Add(seed)
	}
	fields := []workbench.AnnotationField{
		{Name: "s", Type: workbench.StringField},
		{Name: "e", Type: workbench.EnumField, EnumValues: []string{"mild", "severe"}},
		{Name: "d", Type: workbench.DateField},
		{Name: "b", Type: workbench.BooleanField},
		{Name: "i", Type: workbench.IntegerField},
	}
	f.Fuzz(func(t *testing.T, value string) {
		for _, field := range fields {
			got, err := checkAnnotation(field, json.RawMessage(value))
			if err != nil {
				if !errors.Is(err, workbench.ErrInvalid) {
					t.Fatalf("%s: %q: error %v is not ErrInvalid", field.Type, value, err)
				}
				continue
			}
			if got == nil {
				continue // null
			}
			if !json.Valid(got) {
				t.Fatalf("%s: %q: accepted as invalid JSON %q", field.Type, value, got)
			}
			again, err := checkAnnotation(field, got)
			if err != nil || string(again) != string(got) {
				t.Fatalf("%s: %q: canonical %q checks as %q, %v", field.Type, value, got, again, err)
			}
		}
	})
}
