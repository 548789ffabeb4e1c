package fault_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openworkbench/workbench/fault"
)

var errThing = fault.New(fault.NotFound, "test.thing", "test: no such thing")

func TestKindOf(t *testing.T) {
	invalid := fault.New(fault.Invalid, "test.invalid", "test: invalid")
	for _, tc := range []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"nil", nil, ""},
		{"sentinel", errThing, fault.NotFound},
		{"wrapped", fmt.Errorf("looking: %w", errThing), fault.NotFound},
		{"fields", fault.At(invalid, "a.b", "bad"), fault.Invalid},
		{"deadline", fmt.Errorf("q: %w", context.DeadlineExceeded), fault.Timeout},
		{"cancelled", context.Canceled, fault.Unavailable},
		{"other", errors.New("disk on fire"), fault.Internal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, fault.KindOf(tc.err))
		})
	}
}

func TestFields(t *testing.T) {
	invalid := fault.New(fault.Invalid, "test.invalid", "test: invalid document")
	f := &fault.Fields{Of: invalid}
	assert.NoError(t, f.Err())
	f.Add("items[0]", "want %d numbers", 2)
	f.Add("", "empty")
	err := fmt.Errorf("saving: %w", f.Err())
	assert.ErrorIs(t, err, invalid)
	assert.Equal(t, "test.invalid", fault.CodeOf(err))
	assert.Equal(t, []fault.Field{{Path: "items[0]", Message: "want 2 numbers"}, {Message: "empty"}}, fault.FieldsOf(err))
	assert.Equal(t, "saving: test: invalid document: items[0]: want 2 numbers; empty", err.Error())
	assert.Nil(t, fault.FieldsOf(errThing))
}
