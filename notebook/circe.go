package notebook

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/circe"
)

// CirceCohorts is the OHDSI Circe cohorts of the workspace.
func (c *Client) CirceCohorts(ctx context.Context, ws string) ([]workbench.CirceCohort, error) {
	var out []workbench.CirceCohort
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "circe-cohorts"}, out: &out})
	return out, err
}

// CirceCohort is the Circe cohort id of the workspace.
func (c *Client) CirceCohort(ctx context.Context, ws, id string) (workbench.CirceCohort, error) {
	var out workbench.CirceCohort
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "circe-cohorts", id}, out: &out})
	return out, err
}

// SaveCirceCohort saves cc.Definition, a Circe expression as ATLAS
// exports it, as a new Circe cohort of the workspace cc.WorkspaceID when
// cc.ID is empty, else as the Circe cohort cc.ID.
func (c *Client) SaveCirceCohort(ctx context.Context, cc workbench.CirceCohort) (workbench.CirceCohort, error) {
	var out workbench.CirceCohort
	err := c.do(ctx, call{method: saveMethod(cc.ID), path: savePath(cc.WorkspaceID, "circe-cohorts", cc.ID), out: &out,
		body: savedBody{Name: cc.Name, Description: cc.Description, Definition: json.RawMessage(cc.Definition)}})
	return out, err
}

// DeleteCirceCohort deletes the Circe cohort id.
func (c *Client) DeleteCirceCohort(ctx context.Context, ws, id string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "circe-cohorts", id}})
}

// CirceCount is the entries and distinct persons of the Circe cohort.
func (c *Client) CirceCount(ctx context.Context, ws, id string) (circe.Counts, error) {
	var out circe.Counts
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "circe-cohorts", id, "count"}, out: &out})
	return out, err
}

// CirceAttrition is the inclusion rule statistics of the Circe cohort.
func (c *Client) CirceAttrition(ctx context.Context, ws, id string) (*circe.Inclusion, error) {
	var out circe.Inclusion
	if err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "circe-cohorts", id, "attrition"}, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// CirceRows is a page (from 0) of the Circe cohort's rows.
func (c *Client) CirceRows(ctx context.Context, ws, id string, page, size int) (workbench.CircePage, error) {
	var out workbench.CircePage
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "circe-cohorts", id, "rows"}, out: &out,
		query: url.Values{"page": {strconv.Itoa(page)}, "size": {strconv.Itoa(size)}}})
	return out, err
}
