package oracle

import (
	"slices"

	"github.com/openworkbench/workbench/cohort"
)

// Coverage counts what random definitions used, so a test can insist
// that every domain, modifier, attribute, operator, mention and relation
// came up.
type Coverage map[string]int

// Add counts what def uses.
func (c Coverage) Add(def *cohort.Definition) {
	for _, f := range def.DataFilters {
		c["filter "+string(f)]++
	}
	for _, g := range append(slices.Clone(def.Includes), def.Excludes...) {
		if g.Temporal {
			c["mention "+string(g.Mention)]++
			c["time "+string(g.Time)]++
		}
		for _, it := range g.Items {
			c["domain "+string(it.Type)]++
			for _, m := range it.Modifiers {
				c["modifier "+string(m.Name)]++
				c["operator "+string(m.Operator)]++
			}
			for _, p := range it.Parameters {
				if it.Type == cohort.DomainPerson {
					c["person "+string(p.Type)]++
				}
				if !p.Standard {
					c["source concepts"]++
				}
				if p.ConceptID == 0 && len(p.Attributes) > 1 {
					c["blood pressure"]++
				}
				for _, a := range p.Attributes {
					c["attribute "+string(a.Name)]++
					if a.Operator != "" {
						c["operator "+string(a.Operator)]++
					}
				}
			}
		}
	}
	if len(def.Excludes) > 0 {
		c["excludes"]++
	}
	if len(def.Includes) == 0 {
		c["no includes"]++
	}
}

// Missing returns what no definition counted used, in the order of the
// model's lists.
func (c Coverage) Missing() []string {
	want := []string{"excludes", "no includes", "source concepts", "blood pressure"}
	for _, d := range cohort.Domains {
		want = append(want, "domain "+string(d))
	}
	for _, m := range cohort.ModifierNames {
		want = append(want, "modifier "+string(m))
	}
	for _, a := range cohort.AttrNames {
		want = append(want, "attribute "+string(a))
	}
	for _, o := range cohort.Operators {
		want = append(want, "operator "+string(o))
	}
	for _, m := range cohort.Mentions {
		want = append(want, "mention "+string(m))
	}
	for _, r := range cohort.TimeRelations {
		want = append(want, "time "+string(r))
	}
	for _, p := range cohort.PersonTypes {
		want = append(want, "person "+string(p))
	}
	for _, f := range cohort.DataFilters {
		want = append(want, "filter "+string(f))
	}
	var missing []string
	for _, w := range want {
		if c[w] == 0 {
			missing = append(missing, w)
		}
	}
	return missing
}
