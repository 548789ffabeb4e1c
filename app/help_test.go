package app_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/fault"
)

func TestHelpFormValidate(t *testing.T) {
	ok := app.HelpForm{Name: " Ann ", Email: "ann@example.org", Topic: app.HelpTopics[0], Message: " Hello "}
	for _, tc := range []struct {
		name   string
		edit   func(f *app.HelpForm)
		fields []string
	}{
		{"valid", func(*app.HelpForm) {}, nil},
		{"no email", func(f *app.HelpForm) { f.Email = " " }, []string{"email"}},
		{"not an address", func(f *app.HelpForm) { f.Email = "Ann <ann@example.org>" }, []string{"email"}},
		{"no domain dot", func(f *app.HelpForm) { f.Email = "ann@localhost" }, []string{"email"}},
		{"unknown topic", func(f *app.HelpForm) { f.Topic = "Spam" }, []string{"topic"}},
		{"empty message", func(f *app.HelpForm) { f.Message = "\n" }, []string{"message"}},
		{"long message", func(f *app.HelpForm) { f.Message = strings.Repeat("é", app.MaxHelpMessage+1) }, []string{"message"}},
		{"long name", func(f *app.HelpForm) { f.Name = strings.Repeat("a", app.MaxHelpName+1) }, []string{"name"}},
		{"everything at once", func(f *app.HelpForm) { *f = app.HelpForm{} }, []string{"email", "topic", "message"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := ok
			tc.edit(&f)
			err := f.Validate()
			if tc.fields == nil {
				require.NoError(t, err)
				assert.Equal(t, "Ann", f.Name, "trimmed")
				assert.Equal(t, "Hello", f.Message)
				return
			}
			fe, ok := errors.AsType[*fault.Fields](err)
			require.True(t, ok, "%v", err)
			var got []string
			for _, e := range fe.List {
				got = append(got, e.Path)
				assert.NotEmpty(t, fe.At(e.Path))
			}
			assert.Equal(t, tc.fields, got)
		})
	}
}
