package notebook

import (
	"context"
	"io"
	"net/url"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
)

// Datasets is the datasets of the workspace.
func (c *Client) Datasets(ctx context.Context, ws string) ([]workbench.Dataset, error) {
	var out []workbench.Dataset
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "datasets"}, out: &out})
	return out, err
}

// datasetBody is what a client chooses of a dataset.
type datasetBody struct {
	Name          string                     `json:"name"`
	Description   string                     `json:"description"`
	CohortIDs     []string                   `json:"cohort_ids"`
	ConceptSetIDs []string                   `json:"concept_set_ids"`
	Columns       map[cohort.Domain][]string `json:"columns"`
}

func bodyOf(d workbench.Dataset) datasetBody {
	return datasetBody{Name: d.Name, Description: d.Description, CohortIDs: d.CohortIDs, ConceptSetIDs: d.ConceptSetIDs, Columns: d.Columns}
}

// SaveDataset saves d's name, description, cohorts, concept sets and
// columns as a new dataset of the workspace d.WorkspaceID when d.ID is
// empty, else as the dataset d.ID; the server checks the columns against
// the CDR, each problem with its path.
func (c *Client) SaveDataset(ctx context.Context, d workbench.Dataset) (workbench.Dataset, error) {
	var out workbench.Dataset
	err := c.do(ctx, call{method: saveMethod(d.ID), path: savePath(d.WorkspaceID, "datasets", d.ID), out: &out, body: bodyOf(d)})
	return out, err
}

// Dataset is the dataset id of the workspace.
func (c *Client) Dataset(ctx context.Context, ws, id string) (workbench.Dataset, error) {
	var out workbench.Dataset
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "datasets", id}, out: &out})
	return out, err
}

// DeleteDataset deletes the dataset id.
func (c *Client) DeleteDataset(ctx context.Context, ws, id string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "datasets", id}})
}

// PreviewDataset is the first limit rows (0: the server's default) of the
// domain's table of the dataset id.
func (c *Client) PreviewDataset(ctx context.Context, ws, id string, domain cohort.Domain, limit int) (*engine.DatasetPreview, error) {
	q := url.Values{"domain": {string(domain)}}
	setInt(q, "limit", limit)
	var out engine.DatasetPreview
	if err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "datasets", id, "preview"}, query: q, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DatasetColumns is the columns a dataset of the workspace may choose, per
// domain.
func (c *Client) DatasetColumns(ctx context.Context, ws string) (cohort.DatasetCatalog, error) {
	var out cohort.DatasetCatalog
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "dataset-columns"}, out: &out})
	return out, err
}

// PreviewSelection is the first limit rows (0: the server's default) of
// the domain's table of d, a selection of the workspace d.WorkspaceID
// not saved.
func (c *Client) PreviewSelection(ctx context.Context, d workbench.Dataset, domain cohort.Domain, limit int) (*engine.DatasetPreview, error) {
	q := url.Values{"domain": {string(domain)}}
	setInt(q, "limit", limit)
	var out engine.DatasetPreview
	if err := c.do(ctx, call{method: "POST", path: []string{"workspaces", d.WorkspaceID, "dataset-preview"}, query: q, body: bodyOf(d), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ExportDataset is the table of the domain of the dataset id in format:
// json, csv, arrow or parquet, streamed. The caller closes it.
func (c *Client) ExportDataset(ctx context.Context, ws, id string, domain cohort.Domain, format string) (io.ReadCloser, error) {
	res, err := c.send(ctx, call{method: "GET", path: []string{"workspaces", ws, "datasets", id, "export"},
		query: url.Values{"domain": {string(domain)}, "format": {format}}})
	if err != nil {
		return nil, err
	}
	return res.Body, nil
}
