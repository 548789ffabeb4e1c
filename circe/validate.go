package circe

import "fmt"

// maxRules bounds the inclusion rules: their mask is a BIGINT, one bit per
// rule.
const maxRules = 62

// Validate reports every problem of e that Parse cannot see alone: concept
// sets that criteria cite but the expression does not define, and too many
// inclusion rules.
func (e *Expression) Validate() error {
	var errs errorList
	sets := map[int64]bool{}
	for _, cs := range e.ConceptSets {
		sets[cs.ID] = true
	}
	codeset := func(path string, id *int64) {
		if id != nil && !sets[*id] {
			errs.add(path, fmt.Sprintf("no concept set has id %d", *id))
		}
	}
	var criteria func(c *Criteria)
	var group func(g *Group)
	criteria = func(c *Criteria) {
		if c == nil {
			return
		}
		d := domains[c.Domain]
		codeset(c.Path+".CodesetId", c.CodesetID)
		if c.SourceCodesetID != nil {
			for key, kind := range d.keys {
				if kind == attrSource {
					codeset(c.Path+"."+key, c.SourceCodesetID)
				}
			}
		}
		for _, s := range c.Selections {
			codeset(s.Path+".CodesetId", s.CodesetID)
		}
		for _, cs := range c.Codesets {
			codeset(cs.Path, &cs.CodesetID)
		}
		if c.Correlated != nil {
			group(c.Correlated)
		}
	}
	group = func(g *Group) {
		if g == nil {
			return
		}
		if g.Count < 0 {
			errs.add(g.Path+".Count", "want 0 or more")
		}
		for _, cc := range g.Correlated {
			criteria(cc.Criteria)
		}
		for _, d := range g.Demographics {
			for _, s := range d.Selections {
				codeset(s.Path+".CodesetId", s.CodesetID)
			}
		}
		for _, sub := range g.Groups {
			group(sub)
		}
	}
	for _, c := range e.Primary.Criteria {
		criteria(c)
	}
	if len(e.Primary.Criteria) == 0 {
		errs.add("PrimaryCriteria.CriteriaList", "want at least one criterion")
	}
	group(e.Additional)
	for _, r := range e.InclusionRules {
		group(r.Group)
	}
	if len(e.InclusionRules) > maxRules {
		errs.add("InclusionRules", fmt.Sprintf("want at most %d rules", maxRules))
	}
	for _, c := range e.Censoring {
		criteria(c)
	}
	if ce := e.End.CustomEra; ce != nil {
		codeset("EndStrategy.CustomEra.DrugCodesetId", &ce.DrugCodesetID)
	}
	return errs.err()
}
