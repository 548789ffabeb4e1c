package app

import (
	"context"
	"fmt"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/public"
)

// errNoRelease answers the public tier of a deployment without a release.
var errNoRelease = fault.New(fault.Unavailable, "app.no_release", "app: this server has no public release: build one with 'workbench public build' and serve it with --public")

// Public is the public tier: the precomputed, anonymized aggregates of
// the public release, never a row. Nothing here computes from the CDR.
type Public struct {
	gate    *gate
	release *public.Release
}

// check decides the public action of ctx's caller, anonymous or not.
func (p Public) check(ctx context.Context) error {
	if _, err := p.gate.check(ctx, access.BrowsePublic, ""); err != nil {
		return err
	}
	if p.release == nil {
		return errNoRelease
	}
	return nil
}

// answer is the answer of the release to a public request.
func answer[T any](ctx context.Context, p Public, get func(r *public.Release) (T, error)) (T, error) {
	if err := p.check(ctx); err != nil {
		var zero T
		return zero, err
	}
	out, err := get(p.release)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("app: %w", err)
	}
	return out, nil
}

// PublicManifest is how the release was built: the CDR version, the disclosure
// parameters, the privacy budget.
func (p Public) PublicManifest(ctx context.Context) (public.Manifest, error) {
	return answer(ctx, p, func(r *public.Release) (public.Manifest, error) { return r.Manifest(), nil })
}

// PublicTotals is the participants in all and by data type.
func (p Public) PublicTotals(ctx context.Context) (public.Totals, error) {
	return answer(ctx, p, func(r *public.Release) (public.Totals, error) { return r.Totals(), nil })
}

// PublicDemographics is the breakdowns of the participants of a scope
// (public.Scopes).
func (p Public) PublicDemographics(ctx context.Context, scope string) (public.Demographics, error) {
	return answer(ctx, p, func(r *public.Release) (public.Demographics, error) { return r.Demographics(scope) })
}

// PublicSearch is a page of the released concepts that q finds.
func (p Public) PublicSearch(ctx context.Context, q public.Query) (public.SearchResult, error) {
	return answer(ctx, p, func(r *public.Release) (public.SearchResult, error) { return r.Search(q) })
}

// PublicDomains is what a search of text finds in each domain.
func (p Public) PublicDomains(ctx context.Context, text string) ([]public.DomainResult, error) {
	return answer(ctx, p, func(r *public.Release) ([]public.DomainResult, error) { return r.Domains(text), nil })
}

// PublicConcept is a released concept with its breakdowns, hierarchy and source
// codes.
func (p Public) PublicConcept(ctx context.Context, id int64) (public.ConceptPage, error) {
	return answer(ctx, p, func(r *public.Release) (public.ConceptPage, error) { return r.Concept(id) })
}

// PublicHistograms is the value distributions of a measurement concept, per
// unit.
func (p Public) PublicHistograms(ctx context.Context, id int64) ([]public.Histogram, error) {
	return answer(ctx, p, func(r *public.Release) ([]public.Histogram, error) { return r.Histograms(id), nil })
}

// PublicTopConcepts is the n released concepts of the domain most participants
// have.
func (p Public) PublicTopConcepts(ctx context.Context, domain string, n int) ([]public.Concept, error) {
	return answer(ctx, p, func(r *public.Release) ([]public.Concept, error) { return r.TopConcepts(domain, n) })
}

// PublicSurveys is every released survey.
func (p Public) PublicSurveys(ctx context.Context) ([]public.SurveySummary, error) {
	return answer(ctx, p, func(r *public.Release) ([]public.SurveySummary, error) { return r.Surveys(), nil })
}

// PublicSurvey is a survey with its questions.
func (p Public) PublicSurvey(ctx context.Context, id int64) (public.Survey, error) {
	return answer(ctx, p, func(r *public.Release) (public.Survey, error) { return r.Survey(id) })
}

// PublicQuestion is a survey question with its answers.
func (p Public) PublicQuestion(ctx context.Context, id int64) (public.Question, error) {
	return answer(ctx, p, func(r *public.Release) (public.Question, error) { return r.Question(id) })
}
