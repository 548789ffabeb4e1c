package notebook

import (
	"context"
	"net/url"
	"strconv"

	"github.com/openworkbench/workbench/engine"
)

// SearchConcepts runs the concept search s with exact person counts (the
// registered tier's Concept Set Selector).
func (c *Client) SearchConcepts(ctx context.Context, s engine.ConceptSearch) ([]engine.Concept, error) {
	q := url.Values{"q": {s.Query}}
	set(q, "domain", s.Domain)
	set(q, "vocabulary", s.Vocabulary)
	if s.Standard != nil {
		q.Set("standard", strconv.FormatBool(*s.Standard))
	}
	setInt(q, "limit", s.Limit)
	setInt(q, "offset", s.Offset)
	var out struct {
		Concepts []engine.Concept `json:"concepts"`
	}
	err := c.do(ctx, call{method: "GET", path: []string{"concepts"}, query: q, out: &out})
	return out.Concepts, err
}

// Concept is the concept id with its person counts.
func (c *Client) Concept(ctx context.Context, id int64) (engine.Concept, error) {
	var out engine.Concept
	err := c.do(ctx, call{method: "GET", path: []string{"concepts", strconv.FormatInt(id, 10)}, out: &out})
	return out, err
}

// Parents is the direct parents of the concept id.
func (c *Client) Parents(ctx context.Context, id int64) ([]engine.Concept, error) {
	return c.relatives(ctx, id, "parents")
}

// Children is the direct children of the concept id.
func (c *Client) Children(ctx context.Context, id int64) ([]engine.Concept, error) {
	return c.relatives(ctx, id, "children")
}

func (c *Client) relatives(ctx context.Context, id int64, which string) ([]engine.Concept, error) {
	var out struct {
		Concepts []engine.Concept `json:"concepts"`
	}
	err := c.do(ctx, call{method: "GET", path: []string{"concepts", strconv.FormatInt(id, 10), which}, out: &out})
	return out.Concepts, err
}
