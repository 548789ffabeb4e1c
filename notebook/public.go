package notebook

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/public"
)

// Health is the server's health and the version of its CDR.
func (c *Client) Health(ctx context.Context) (workbench.Health, error) {
	var out workbench.Health
	err := c.do(ctx, call{method: "GET", path: []string{"healthz"}, root: true, out: &out})
	return out, err
}

// OpenAPI is the server's OpenAPI document.
func (c *Client) OpenAPI(ctx context.Context) (json.RawMessage, error) {
	var out json.RawMessage
	err := c.do(ctx, call{method: "GET", path: []string{"openapi.json"}, out: &out})
	return out, err
}

// Dictionary is the data dictionary of the server's CDR.
func (c *Client) Dictionary(ctx context.Context) (workbench.Dictionary, error) {
	var out workbench.Dictionary
	err := c.do(ctx, call{method: "GET", path: []string{"dictionary"}, out: &out})
	return out, err
}

// DictionaryTable is one table of the data dictionary.
func (c *Client) DictionaryTable(ctx context.Context, table string) (workbench.Table, error) {
	var out workbench.Table
	err := c.do(ctx, call{method: "GET", path: []string{"dictionary", table}, out: &out})
	return out, err
}

// PublicManifest is how the server's public release was built.
func (c *Client) PublicManifest(ctx context.Context) (public.Manifest, error) {
	var out public.Manifest
	err := c.do(ctx, call{method: "GET", path: []string{"public", "manifest"}, out: &out})
	return out, err
}

// PublicTotals is the participants in all and by data type, released.
func (c *Client) PublicTotals(ctx context.Context) (public.Totals, error) {
	var out public.Totals
	err := c.do(ctx, call{method: "GET", path: []string{"public", "totals"}, out: &out})
	return out, err
}

// PublicDemographics is the breakdowns of the participants of a scope
// (public.Scopes; empty means all).
func (c *Client) PublicDemographics(ctx context.Context, scope string) (public.Demographics, error) {
	q := url.Values{}
	set(q, "scope", scope)
	var out public.Demographics
	err := c.do(ctx, call{method: "GET", path: []string{"public", "demographics"}, query: q, out: &out})
	return out, err
}

// PublicSearch is a page of the released concepts q finds.
func (c *Client) PublicSearch(ctx context.Context, s public.Query) (public.SearchResult, error) {
	q := url.Values{"q": {s.Text}}
	set(q, "domain", s.Domain)
	set(q, "sort", s.Sort)
	setInt(q, "limit", s.Limit)
	setInt(q, "offset", s.Offset)
	var out public.SearchResult
	err := c.do(ctx, call{method: "GET", path: []string{"public", "concepts"}, query: q, out: &out})
	return out, err
}

// PublicDomains is what a search of text finds in each domain.
func (c *Client) PublicDomains(ctx context.Context, text string) ([]public.DomainResult, error) {
	var out []public.DomainResult
	err := c.do(ctx, call{method: "GET", path: []string{"public", "domains"}, query: url.Values{"q": {text}}, out: &out})
	return out, err
}

// PublicConcept is a released concept with its breakdowns, hierarchy,
// source codes and value histograms.
func (c *Client) PublicConcept(ctx context.Context, id int64) (public.ConceptPage, error) {
	var out public.ConceptPage
	err := c.do(ctx, call{method: "GET", path: []string{"public", "concepts", strconv.FormatInt(id, 10)}, out: &out})
	return out, err
}

// PublicHistograms is the value distributions of a measurement concept,
// the histograms of its concept page.
func (c *Client) PublicHistograms(ctx context.Context, id int64) ([]public.Histogram, error) {
	p, err := c.PublicConcept(ctx, id)
	return p.Histograms, err
}

// PublicTopConcepts is the n released concepts of the domain most
// participants have.
func (c *Client) PublicTopConcepts(ctx context.Context, domain string, n int) ([]public.Concept, error) {
	q := url.Values{"domain": {domain}}
	setInt(q, "limit", n)
	var out []public.Concept
	err := c.do(ctx, call{method: "GET", path: []string{"public", "top-concepts"}, query: q, out: &out})
	return out, err
}

// PublicSurveys is every released survey.
func (c *Client) PublicSurveys(ctx context.Context) ([]public.SurveySummary, error) {
	var out []public.SurveySummary
	err := c.do(ctx, call{method: "GET", path: []string{"public", "surveys"}, out: &out})
	return out, err
}

// PublicSurvey is a survey with its questions and their answers.
func (c *Client) PublicSurvey(ctx context.Context, id int64) (public.Survey, error) {
	var out public.Survey
	err := c.do(ctx, call{method: "GET", path: []string{"public", "surveys", strconv.FormatInt(id, 10)}, out: &out})
	return out, err
}

// PublicQuestion is a survey question's answers with their breakdowns.
func (c *Client) PublicQuestion(ctx context.Context, id int64) (public.Question, error) {
	var out public.Question
	err := c.do(ctx, call{method: "GET", path: []string{"public", "questions", strconv.FormatInt(id, 10)}, out: &out})
	return out, err
}

// set adds a query parameter that is not empty.
func set(q url.Values, key, v string) {
	if v != "" {
		q.Set(key, v)
	}
}

// setInt adds a query parameter that is not 0.
func setInt(q url.Values, key string, v int) {
	if v != 0 {
		q.Set(key, strconv.Itoa(v))
	}
}
