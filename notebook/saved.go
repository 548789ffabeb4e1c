package notebook

import (
	"context"
	"net/url"
	"strconv"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// Count counts the cohort def in the workspace, without saving it.
func (c *Client) Count(ctx context.Context, ws string, def *cohort.Definition) (int64, error) {
	var out struct {
		Count int64 `json:"count"`
	}
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "cohorts", "count"}, body: def, out: &out})
	return out.Count, err
}

// savedBody is a saved cohort or concept set as the server reads it.
type savedBody struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Definition  any    `json:"definition"`
}

// Cohorts is the saved cohorts of the workspace.
func (c *Client) Cohorts(ctx context.Context, ws string) ([]workbench.Cohort, error) {
	var out []workbench.Cohort
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts"}, out: &out})
	return out, err
}

// CreateCohort saves the definition as a new cohort of the workspace.
func (c *Client) CreateCohort(ctx context.Context, ws, name, description string, def *cohort.Definition) (workbench.Cohort, error) {
	var out workbench.Cohort
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "cohorts"}, out: &out,
		body: savedBody{Name: name, Description: description, Definition: def}})
	return out, err
}

// Cohort is the saved cohort id of the workspace.
func (c *Client) Cohort(ctx context.Context, ws, id string) (workbench.Cohort, error) {
	var out workbench.Cohort
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", id}, out: &out})
	return out, err
}

// UpdateCohort changes the name, description and definition of the saved
// cohort id.
func (c *Client) UpdateCohort(ctx context.Context, ws, id, name, description string, def *cohort.Definition) (workbench.Cohort, error) {
	var out workbench.Cohort
	err := c.do(ctx, call{method: "PUT", path: []string{"workspaces", ws, "cohorts", id}, out: &out,
		body: savedBody{Name: name, Description: description, Definition: def}})
	return out, err
}

// DeleteCohort deletes the saved cohort id.
func (c *Client) DeleteCohort(ctx context.Context, ws, id string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "cohorts", id}})
}

// CohortCount is the size of the saved cohort id.
func (c *Client) CohortCount(ctx context.Context, ws, id string) (int64, error) {
	var out struct {
		Count int64 `json:"count"`
	}
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", id, "count"}, out: &out})
	return out.Count, err
}

// Demographics breaks the saved cohort id down by sex at birth, gender,
// race and ethnicity, each by age bin.
func (c *Client) Demographics(ctx context.Context, ws, id string) (*engine.Demographics, error) {
	var out engine.Demographics
	if err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", id, "demographics"}, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// TopConcepts is the n concepts of the domain that most persons of the
// saved cohort id have; n = 0 takes the server's default.
func (c *Client) TopConcepts(ctx context.Context, ws, id string, domain cohort.Domain, n int) ([]engine.ConceptCount, error) {
	q := url.Values{"domain": {string(domain)}}
	setInt(q, "limit", n)
	var out []engine.ConceptCount
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", id, "top-concepts"}, query: q, out: &out})
	return out, err
}

// Participants is page page (from 0) of size size of the person ids of
// the saved cohort id: row-level data. size = 0 takes the server's
// default.
func (c *Client) Participants(ctx context.Context, ws, id string, page, size int) (workbench.Page, error) {
	q := url.Values{"page": {strconv.Itoa(page)}}
	setInt(q, "size", size)
	var out workbench.Page
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", id, "participants"}, query: q, out: &out})
	return out, err
}

// SQL is the query the server runs for the saved cohort id, with its
// arguments.
func (c *Client) SQL(ctx context.Context, ws, id string) (cohort.Query, error) {
	var out cohort.Query
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", id, "sql"}, out: &out})
	return out, err
}

// ConceptSets is the saved concept sets of the workspace.
func (c *Client) ConceptSets(ctx context.Context, ws string) ([]workbench.ConceptSet, error) {
	var out []workbench.ConceptSet
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "concept-sets"}, out: &out})
	return out, err
}

// conceptSetDefinition is the definition of a saved concept set as the
// server reads it: the items; the set is named by the body.
type conceptSetDefinition struct {
	Items []cohort.ConceptSetItem `json:"items"`
}

// CreateConceptSet saves cs, named cs.Name, as a new concept set of the
// workspace.
func (c *Client) CreateConceptSet(ctx context.Context, ws, description string, cs *cohort.ConceptSet) (workbench.ConceptSet, error) {
	var out workbench.ConceptSet
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "concept-sets"}, out: &out,
		body: savedBody{Name: cs.Name, Description: description, Definition: conceptSetDefinition{Items: cs.Items}}})
	return out, err
}

// ConceptSet is the saved concept set id of the workspace.
func (c *Client) ConceptSet(ctx context.Context, ws, id string) (workbench.ConceptSet, error) {
	var out workbench.ConceptSet
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "concept-sets", id}, out: &out})
	return out, err
}

// UpdateConceptSet changes the saved concept set id to cs.
func (c *Client) UpdateConceptSet(ctx context.Context, ws, id, description string, cs *cohort.ConceptSet) (workbench.ConceptSet, error) {
	var out workbench.ConceptSet
	err := c.do(ctx, call{method: "PUT", path: []string{"workspaces", ws, "concept-sets", id}, out: &out,
		body: savedBody{Name: cs.Name, Description: description, Definition: conceptSetDefinition{Items: cs.Items}}})
	return out, err
}

// DeleteConceptSet deletes the saved concept set id.
func (c *Client) DeleteConceptSet(ctx context.Context, ws, id string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "concept-sets", id}})
}

// ExpandConceptSet is the concept ids of the saved concept set id,
// ascending.
func (c *Client) ExpandConceptSet(ctx context.Context, ws, id string) ([]int64, error) {
	var out struct {
		ConceptIDs []int64 `json:"concept_ids"`
	}
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "concept-sets", id, "concepts"}, out: &out})
	return out.ConceptIDs, err
}
