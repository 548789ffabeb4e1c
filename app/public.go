package app

import (
	"context"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
)

// Public is the public tier: aggregates through disclosure control,
// never a row.
type Public struct {
	gate       *gate
	engine     *cohort.Engine
	disclosure access.Disclosure
	shape      access.PublicShape
}

func (p Public) Totals(ctx context.Context) (access.PublicCount, error) {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return access.PublicCount{}, err
	}
	return p.engine.PublicTotals(ctx, p.disclosure)
}

func (p Public) Demographics(ctx context.Context) (cohort.PublicDemographics, error) {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return cohort.PublicDemographics{}, err
	}
	return p.engine.PublicDemographics(ctx, p.disclosure)
}

func (p Public) SearchConcepts(ctx context.Context, s cohort.ConceptSearch) ([]cohort.PublicConcept, error) {
	if _, err := p.gate.check(ctx, access.SearchConcepts, ""); err != nil {
		return nil, err
	}
	out, err := p.engine.PublicConceptSearch(ctx, p.disclosure, s)
	return nonNil(out), err
}

func (p Public) Concept(ctx context.Context, id int64) (cohort.PublicConceptCounts, error) {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return cohort.PublicConceptCounts{}, err
	}
	return p.engine.PublicConceptCounts(ctx, p.disclosure, id)
}

func (p Public) Survey(ctx context.Context, id int64) (cohort.PublicSurvey, error) {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return cohort.PublicSurvey{}, err
	}
	return p.engine.PublicSurvey(ctx, p.disclosure, id)
}

func (p Public) CohortCount(ctx context.Context, def *cohort.Definition) (access.PublicCount, error) {
	if _, err := p.gate.check(ctx, access.PublicCohortCount, ""); err != nil {
		return access.PublicCount{}, err
	}
	return p.engine.PublicCohortCount(ctx, p.disclosure, p.shape, def)
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
