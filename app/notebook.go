package app

import (
	"context"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
)

// Notebooks is the notebooks of workspaces, kept as .ipynb files,
// gated and audited.
type Notebooks struct {
	gate  *gate
	store *store.Store
	files notebook.Files
}

// errNotebooksOff answers an allowed notebook request of a server that
// has no folder for them.
var errNotebooksOff = fmt.Errorf("%w: this server keeps no notebooks (it was started without a notebook folder)", workbench.ErrNotFound)

// folder is the folder of notebooks, or errNotebooksOff.
func (sv Notebooks) folder() (notebook.Files, error) {
	if sv.files.Root == "" {
		return notebook.Files{}, errNotebooksOff
	}
	return sv.files, nil
}

// Notebooks is the notebooks of the workspace.
func (sv Notebooks) Notebooks(ctx context.Context, ws string) ([]notebook.Info, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) ([]notebook.Info, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return nil, "", 0, err
		}
		out, err := f.List(ws)
		return out, "", int64(len(out)), err
	})
}

// Notebook is the notebook name of the workspace.
func (sv Notebooks) Notebook(ctx context.Context, ws, name string) (*notebook.Notebook, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (*notebook.Notebook, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return nil, "", 0, err
		}
		nb, err := f.Read(ws, name)
		return nb, name, 1, err
	})
}

// CreateNotebook saves nb as the new notebook name of the workspace.
func (sv Notebooks) CreateNotebook(ctx context.Context, ws, name string, nb *notebook.Notebook) (notebook.Info, error) {
	return guarded(ctx, sv.gate, access.CreateNotebook, ws, func(access.Request) (notebook.Info, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return notebook.Info{}, "", 0, err
		}
		out, err := f.Create(ws, name, nb)
		return out, name, 1, err
	})
}

// CreateStarterNotebook saves the starter notebook of the dataset id of the
// workspace as its new notebook name.
func (sv Notebooks) CreateStarterNotebook(ctx context.Context, ws, name, datasetID string) (notebook.Info, error) {
	return guarded(ctx, sv.gate, access.CreateNotebook, ws, func(access.Request) (notebook.Info, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return notebook.Info{}, "", 0, err
		}
		d, err := sv.store.Dataset(ctx, ws, datasetID)
		if err != nil {
			return notebook.Info{}, "", 0, err
		}
		nb, err := notebook.StarterNotebook(datasetOf(d))
		if err != nil {
			return notebook.Info{}, "", 0, err
		}
		out, err := f.Create(ws, name, nb)
		return out, name, 1, err
	})
}

// SaveNotebook saves nb over the notebook name of the workspace.
func (sv Notebooks) SaveNotebook(ctx context.Context, ws, name string, nb *notebook.Notebook) (notebook.Info, error) {
	return guarded(ctx, sv.gate, access.EditNotebook, ws, func(access.Request) (notebook.Info, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return notebook.Info{}, "", 0, err
		}
		out, err := f.Replace(ws, name, nb)
		return out, name, 1, err
	})
}

// DeleteNotebook deletes the notebook name of the workspace.
func (sv Notebooks) DeleteNotebook(ctx context.Context, ws, name string) error {
	_, err := guarded(ctx, sv.gate, access.EditNotebook, ws, func(access.Request) (struct{}, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return struct{}{}, "", 0, err
		}
		return struct{}{}, name, 1, f.Delete(ws, name)
	})
	return err
}

// DatasetCode is a program in lang that pulls the dataset id of the workspace
// into data frames over this API: notebook.DatasetCode.
func (sv Notebooks) DatasetCode(ctx context.Context, ws, id string, lang notebook.Language) (string, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (string, string, int64, error) {
		d, err := sv.store.Dataset(ctx, ws, id)
		if err != nil {
			return "", "", 0, err
		}
		code, err := notebook.DatasetCode(lang, datasetOf(d))
		return code, id, 1, err
	})
}

// CohortCode is a program in lang that pulls the person ids of the saved
// cohort id of the workspace into a data frame: notebook.CohortCode.
func (sv Notebooks) CohortCode(ctx context.Context, ws, id string, lang notebook.Language) (string, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (string, string, int64, error) {
		c, err := sv.store.Cohort(ctx, ws, id)
		if err != nil {
			return "", "", 0, err
		}
		code, err := notebook.CohortCode(lang, workbench.Cohort{ID: c.ID, WorkspaceID: c.WorkspaceID, Name: c.Name})
		return code, id, 1, err
	})
}

// datasetOf is the notebook package's view of a saved dataset.
func datasetOf(d workbench.Dataset) workbench.Dataset {
	return workbench.Dataset{
		ID: d.ID, WorkspaceID: d.WorkspaceID, Name: d.Name, Description: d.Description,
		CohortIDs: d.CohortIDs, ConceptSetIDs: d.ConceptSetIDs, Columns: d.Columns,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt,
	}
}
