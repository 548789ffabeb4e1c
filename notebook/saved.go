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

// DefinitionDemographics is the demographics of the cohort def, saved or
// not, in the workspace.
func (c *Client) DefinitionDemographics(ctx context.Context, ws string, def *cohort.Definition) (*engine.Demographics, error) {
	var out engine.Demographics
	if err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "cohorts", "demographics"}, body: def, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Cohorts is the saved cohorts of the workspace.
func (c *Client) Cohorts(ctx context.Context, ws string) ([]workbench.Cohort, error) {
	var out []workbench.Cohort
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts"}, out: &out})
	return out, err
}

// SaveCohort saves def as a new cohort of the workspace c.WorkspaceID
// when c.ID is empty, else as the cohort c.ID, with c's name and
// description.
func (c *Client) SaveCohort(ctx context.Context, co workbench.Cohort, def *cohort.Definition) (workbench.Cohort, error) {
	var out workbench.Cohort
	err := c.do(ctx, call{method: saveMethod(co.ID), path: savePath(co.WorkspaceID, "cohorts", co.ID), out: &out,
		body: savedBody{Name: co.Name, Description: co.Description, Definition: def}})
	return out, err
}

// saveMethod and savePath are the request that saves a thing of a
// workspace's kind: a POST to the collection creates one, a PUT to its
// path changes the thing id.
func saveMethod(id string) string {
	if id == "" {
		return "POST"
	}
	return "PUT"
}

func savePath(ws, kind, id string) []string {
	if id == "" {
		return []string{"workspaces", ws, kind}
	}
	return []string{"workspaces", ws, kind, id}
}

// Cohort is the saved cohort id of the workspace.
func (c *Client) Cohort(ctx context.Context, ws, id string) (workbench.Cohort, error) {
	var out workbench.Cohort
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", id}, out: &out})
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

// SaveConceptSet saves cs as a new concept set of the workspace
// c.WorkspaceID when c.ID is empty, else as the concept set c.ID; it is
// named c.Name, or cs.Name when c has none.
func (c *Client) SaveConceptSet(ctx context.Context, set workbench.ConceptSet, cs *cohort.ConceptSet) (workbench.ConceptSet, error) {
	name := set.Name
	if name == "" {
		name = cs.Name
	}
	var out workbench.ConceptSet
	err := c.do(ctx, call{method: saveMethod(set.ID), path: savePath(set.WorkspaceID, "concept-sets", set.ID), out: &out,
		body: savedBody{Name: name, Description: set.Description, Definition: conceptSetDefinition{Items: cs.Items}}})
	return out, err
}

// ConceptSet is the saved concept set id of the workspace.
func (c *Client) ConceptSet(ctx context.Context, ws, id string) (workbench.ConceptSet, error) {
	var out workbench.ConceptSet
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "concept-sets", id}, out: &out})
	return out, err
}

// DeleteConceptSet deletes the saved concept set id.
func (c *Client) DeleteConceptSet(ctx context.Context, ws, id string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "concept-sets", id}})
}

// ExpandConceptSet is the concepts the saved concept set id selects, with
// their names and person counts, by ascending id.
func (c *Client) ExpandConceptSet(ctx context.Context, ws, id string) ([]engine.Concept, error) {
	var out struct {
		Concepts []engine.Concept `json:"concepts"`
	}
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "concept-sets", id, "concepts"}, out: &out})
	return out.Concepts, err
}
