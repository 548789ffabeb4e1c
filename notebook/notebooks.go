package notebook

import (
	"context"
	"io"
	"net/url"
)

// Notebooks is the notebooks saved in the workspace.
func (c *Client) Notebooks(ctx context.Context, ws string) ([]Info, error) {
	var out []Info
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "notebooks"}, out: &out})
	return out, err
}

// CreateNotebook saves nb as the new notebook name of the workspace.
func (c *Client) CreateNotebook(ctx context.Context, ws, name string, nb *Notebook) (Info, error) {
	var out Info
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "notebooks"}, out: &out,
		body: map[string]any{"name": name, "notebook": nb}})
	return out, err
}

// CreateStarterNotebook saves, as the new notebook name of the workspace,
// the server's starter notebook for the dataset: StarterNotebook.
func (c *Client) CreateStarterNotebook(ctx context.Context, ws, name, datasetID string) (Info, error) {
	var out Info
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "notebooks"}, out: &out,
		body: map[string]any{"name": name, "dataset_id": datasetID}})
	return out, err
}

// Notebook is the notebook name of the workspace.
func (c *Client) Notebook(ctx context.Context, ws, name string) (*Notebook, error) {
	var out Notebook
	if err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "notebooks", name}, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// SaveNotebook saves nb over the notebook name of the workspace.
func (c *Client) SaveNotebook(ctx context.Context, ws, name string, nb *Notebook) (Info, error) {
	var out Info
	err := c.do(ctx, call{method: "PUT", path: []string{"workspaces", ws, "notebooks", name}, out: &out, body: nb})
	return out, err
}

// DeleteNotebook deletes the notebook name of the workspace.
func (c *Client) DeleteNotebook(ctx context.Context, ws, name string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "notebooks", name}})
}

// DatasetCode is the server's generated program in lang that pulls the
// dataset id into data frames: DatasetCode.
func (c *Client) DatasetCode(ctx context.Context, ws, id string, lang Language) (string, error) {
	return c.code(ctx, lang, "workspaces", ws, "datasets", id, "code")
}

// CohortCode is the server's generated program in lang that pulls the
// person ids of the saved cohort id into a data frame: CohortCode.
func (c *Client) CohortCode(ctx context.Context, ws, id string, lang Language) (string, error) {
	return c.code(ctx, lang, "workspaces", ws, "cohorts", id, "code")
}

func (c *Client) code(ctx context.Context, lang Language, path ...string) (string, error) {
	res, err := c.send(ctx, call{method: "GET", path: path, query: url.Values{"lang": {string(lang)}}})
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}
