package notebook

import "context"

// Service is the notebooks of workspaces and the code that reads a
// workspace's data into one. The server's application services implement
// it, and so does Client, over HTTP.
type Service interface {
	Notebooks(ctx context.Context, ws string) ([]Info, error)
	Notebook(ctx context.Context, ws, name string) (*Notebook, error)
	CreateNotebook(ctx context.Context, ws, name string, nb *Notebook) (Info, error)
	// CreateStarterNotebook creates a notebook that loads the dataset
	// datasetID of the workspace.
	CreateStarterNotebook(ctx context.Context, ws, name, datasetID string) (Info, error)
	// SaveNotebook replaces the notebook name.
	SaveNotebook(ctx context.Context, ws, name string, nb *Notebook) (Info, error)
	DeleteNotebook(ctx context.Context, ws, name string) error
	// DatasetCode and CohortCode are programs in lang that fetch a saved
	// dataset or cohort from the API.
	DatasetCode(ctx context.Context, ws, id string, lang Language) (string, error)
	CohortCode(ctx context.Context, ws, id string, lang Language) (string, error)
}

var _ Service = (*Client)(nil)
