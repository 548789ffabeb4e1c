package notebook

import (
	"context"
	"io"
	"net/url"
)

// ExportDataset is the table of the domain of the dataset id in format:
// json, csv, arrow or parquet, streamed. The caller closes it.
func (c *Client) ExportDataset(ctx context.Context, ws, id, domain, format string) (io.ReadCloser, error) {
	res, err := c.send(ctx, call{method: "GET", path: []string{"workspaces", ws, "datasets", id, "export"},
		query: url.Values{"domain": {domain}, "format": {format}}})
	if err != nil {
		return nil, err
	}
	return res.Body, nil
}
