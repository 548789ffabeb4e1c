package notebook

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// Health is the server's health and the version of its CDR.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var out Health
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
func (c *Client) Dictionary(ctx context.Context) (Dictionary, error) {
	var out Dictionary
	err := c.do(ctx, call{method: "GET", path: []string{"dictionary"}, out: &out})
	return out, err
}

// DictionaryTable is one table of the data dictionary.
func (c *Client) DictionaryTable(ctx context.Context, table string) (Table, error) {
	var out Table
	err := c.do(ctx, call{method: "GET", path: []string{"dictionary", table}, out: &out})
	return out, err
}

// PublicTotals is the number of persons of the CDR, as the public sees it.
func (c *Client) PublicTotals(ctx context.Context) (access.PublicCount, error) {
	var out access.PublicCount
	err := c.do(ctx, call{method: "GET", path: []string{"public", "totals"}, out: &out})
	return out, err
}

// PublicDemographics is the CDR's demographic breakdown, as the public
// sees it.
func (c *Client) PublicDemographics(ctx context.Context) (engine.PublicDemographics, error) {
	var out engine.PublicDemographics
	err := c.do(ctx, call{method: "GET", path: []string{"public", "demographics"}, out: &out})
	return out, err
}

// PublicConcepts searches concepts with released person counts. The
// search's Standard flag is not a parameter of the public search.
func (c *Client) PublicConcepts(ctx context.Context, s engine.ConceptSearch) ([]engine.PublicConcept, error) {
	q := url.Values{"q": {s.Query}}
	set(q, "domain", s.Domain)
	set(q, "vocabulary", s.Vocabulary)
	setInt(q, "limit", s.Limit)
	setInt(q, "offset", s.Offset)
	var out struct {
		Concepts []engine.PublicConcept `json:"concepts"`
	}
	err := c.do(ctx, call{method: "GET", path: []string{"public", "concepts"}, query: q, out: &out})
	return out.Concepts, err
}

// PublicConcept is a concept's released person counts.
func (c *Client) PublicConcept(ctx context.Context, id int64) (engine.PublicConceptCounts, error) {
	var out engine.PublicConceptCounts
	err := c.do(ctx, call{method: "GET", path: []string{"public", "concepts", strconv.FormatInt(id, 10)}, out: &out})
	return out, err
}

// PublicSurvey is the released answer counts of a survey question.
func (c *Client) PublicSurvey(ctx context.Context, id int64) (engine.PublicSurvey, error) {
	var out engine.PublicSurvey
	err := c.do(ctx, call{method: "GET", path: []string{"public", "surveys", strconv.FormatInt(id, 10)}, out: &out})
	return out, err
}

// PublicCohortCount is the released size of a cohort of the public shape.
func (c *Client) PublicCohortCount(ctx context.Context, def *cohort.Definition) (access.PublicCount, error) {
	var out access.PublicCount
	err := c.do(ctx, call{method: "POST", path: []string{"public", "cohorts", "count"}, body: def, out: &out})
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
