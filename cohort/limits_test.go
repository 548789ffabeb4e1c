package cohort_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
)

// largest is a definition at every size limit at once: MaxGroups groups
// (half include, half exclude) of MaxItems items in all, each item with
// the modifiers of four operands, MaxParameters parameters, and
// MaxAttributes attributes of two operands on measurement parameters,
// which makes MaxOperands operands.
func largest() *cohort.Definition {
	d := &cohort.Definition{}
	perGroup := cohort.MaxItems / cohort.MaxGroups
	perItem := cohort.MaxParameters / cohort.MaxItems
	attrsLeft := cohort.MaxAttributes
	for g := range cohort.MaxGroups {
		var group cohort.Group
		for i := range perGroup {
			it := cohort.Item{Type: cohort.DomainCondition, Modifiers: []cohort.Modifier{
				{Name: cohort.AgeAtEvent, Operator: cohort.GreaterThanOrEqual, Operands: []string{"0"}},
				{Name: cohort.NumOfOccurrences, Operator: cohort.GreaterThanOrEqual, Operands: []string{"1"}},
				{Name: cohort.EventDate, Operator: cohort.Between, Operands: []string{"1900-01-01", "2100-01-01"}},
			}}
			if attrsLeft > 0 && i == 0 {
				it.Type = cohort.DomainMeasurement
			}
			for p := range perItem {
				param := cohort.Parameter{ConceptID: int64(4134304 + g*1000 + i*100 + p), Standard: true, Group: p%2 == 0}
				if it.Type == cohort.DomainMeasurement && p == 0 {
					for range 10 {
						param.Attributes = append(param.Attributes, cohort.Attribute{Name: cohort.AttrNum, Operator: cohort.Between, Operands: []string{"0", "1000"}})
						attrsLeft--
					}
				}
				it.Parameters = append(it.Parameters, param)
			}
			group.Items = append(group.Items, it)
		}
		if g%2 == 0 {
			d.Includes = append(d.Includes, group)
		} else {
			d.Excludes = append(d.Excludes, group)
		}
	}
	for range cohort.MaxDataFilters {
		d.DataFilters = append(d.DataFilters, cohort.HasEHRData)
	}
	return d
}

// TestLimits checks that the largest definition is valid and that one
// more of anything is a problem at the path of the part past the limit.
func TestLimits(t *testing.T) {
	require.NoError(t, largest().Validate())
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
			it.Modifiers = append(it.Modifiers, cohort.Modifier{Name: cohort.Encounters, Operator: cohort.In, Operands: []string{"9201"}})
		}, "excludes[19].items[4].modifiers[3].operands", "1000 operands"},
		{"a data filter", func(d *cohort.Definition) {
			d.DataFilters = append(d.DataFilters, cohort.HasEHRData)
		}, "dataFilters", "want at most 10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := largest()
			c.grow(d)
			err := d.Validate()
			require.ErrorIs(t, err, cohort.ErrInvalid)
			var list cohort.ValidationErrors
			require.ErrorAs(t, err, &list)
			var paths []string
			for _, e := range list {
				paths = append(paths, e.Path)
				if e.Path == c.want {
					assert.Contains(t, e.Msg, c.reason)
				}
			}
			assert.Contains(t, paths, c.want)
		})
	}
}
