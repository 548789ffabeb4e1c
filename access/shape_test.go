package access_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openworkbench/workbench/access"
)

func TestPublicShape(t *testing.T) {
	tests := []struct {
		name  string
		shape access.PublicShape
		s     access.Shape
		err   string // empty: accepted
	}{
		{"everyone", access.PublicShape{}, access.Shape{}, ""},
		{"three items", access.PublicShape{}, access.Shape{Items: 3}, ""},
		{"four items", access.PublicShape{}, access.Shape{Items: 4},
			"access: forbidden: public cohort counts: 4 include items (at most 3)"},
		{"exclude", access.PublicShape{}, access.Shape{Items: 1, Excludes: 1},
			"access: forbidden: public cohort counts: 1 exclude groups (none allowed)"},
		{"temporal", access.PublicShape{}, access.Shape{Items: 2, Temporal: 1},
			"access: forbidden: public cohort counts: 1 temporal groups (none allowed)"},
		{"every problem at once", access.PublicShape{}, access.Shape{Items: 9, Excludes: 2, Temporal: 1},
			"access: forbidden: public cohort counts: 9 include items (at most 3); 2 exclude groups (none allowed); 1 temporal groups (none allowed)"},
		{"configured", access.PublicShape{MaxItems: 5}, access.Shape{Items: 5}, ""},
		{"configured, over", access.PublicShape{MaxItems: 5}, access.Shape{Items: 6},
			"access: forbidden: public cohort counts: 6 include items (at most 5)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.shape.Check(tc.s)
			if tc.err == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, access.ErrForbidden)
			assert.EqualError(t, err, tc.err)
		})
	}
	assert.ErrorIs(t, access.PublicShape{}.Check(access.Shape{Items: -1}), access.ErrInvalid)
	assert.ErrorIs(t, access.PublicShape{MaxItems: -1}.Validate(), access.ErrInvalid)
	assert.NoError(t, access.PublicShape{}.Validate())
}
