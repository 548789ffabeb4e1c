package cohort_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/testkit"
)

// TestLimits checks that the largest definition is valid and that one
// more of anything is a problem at the path of the part past the limit.
func TestLimits(t *testing.T) {
	require.NoError(t, testkit.LargestDefinition().Validate())
	cases := []struct {
		name   string
		grow   func(d *cohort.Definition)
		want   string
		reason string
	}{
		{"a group", func(d *cohort.Definition) {
			d.Excludes = append(d.Excludes, cohort.Group{Items: d.Excludes[0].Items[:1]})
		}, "excludes[20]", "40 include and exclude groups"},
		{"an item", func(d *cohort.Definition) {
			d.Excludes[19].Items = append(d.Excludes[19].Items, d.Excludes[19].Items[1])
		}, "excludes[19].items[5]", "200 items"},
		{"a parameter", func(d *cohort.Definition) {
			it := &d.Excludes[19].Items[4]
			it.Parameters = append(it.Parameters, it.Parameters[1])
		}, "excludes[19].items[4].searchParameters[10]", "2000 search parameters"},
		{"an attribute", func(d *cohort.Definition) {
			p := &d.Excludes[19].Items[0].Parameters[0]
			p.Attributes = append(p.Attributes, cohort.Attribute{Name: cohort.AttrAny})
		}, "excludes[19].items[0].searchParameters[0].attributes[0]", "100 attributes"},
		{"an operand", func(d *cohort.Definition) {
			it := &d.Excludes[19].Items[4]
			it.Modifiers = append(it.Modifiers, cohort.Modifier{Name: cohort.Encounters, Operator: cohort.In, Operands: []cohort.Operand{cohort.ConceptID(9201)}})
		}, "excludes[19].items[4].modifiers[3].operands", "1000 operands"},
		{"a data filter", func(d *cohort.Definition) {
			d.DataFilters = append(d.DataFilters, cohort.HasEHRData)
		}, "dataFilters", "want at most 10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := testkit.LargestDefinition()
			c.grow(d)
			err := d.Validate()
			require.ErrorIs(t, err, cohort.ErrInvalid)
			list := fault.FieldsOf(err)
			require.NotEmpty(t, list, "%v", err)
			var paths []string
			for _, e := range list {
				paths = append(paths, e.Path)
				if e.Path == c.want {
					assert.Contains(t, e.Message, c.reason)
				}
			}
			assert.Contains(t, paths, c.want)
		})
	}
}
