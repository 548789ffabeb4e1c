package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/notebook"
)

func (s *Server) notebookRoutes() []route {
	return []route{
		{http.MethodGet, "/v1/workspaces/{ws}/notebooks", access.ViewWorkspace, s.listNotebooks},
		{http.MethodPost, "/v1/workspaces/{ws}/notebooks", access.CreateNotebook, s.createNotebook},
		{http.MethodGet, "/v1/workspaces/{ws}/notebooks/{name}", access.ViewWorkspace, s.getNotebook},
		{http.MethodPut, "/v1/workspaces/{ws}/notebooks/{name}", access.EditNotebook, s.saveNotebook},
		{http.MethodDelete, "/v1/workspaces/{ws}/notebooks/{name}", access.EditNotebook, s.deleteNotebook},
		{http.MethodGet, "/v1/workspaces/{ws}/datasets/{id}/code", access.ViewWorkspace, s.datasetCode},
		{http.MethodGet, "/v1/workspaces/{ws}/cohorts/{id}/code", access.ViewWorkspace, s.cohortCode},
	}
}

// notebookService is the notebooks of workspaces, kept as .ipynb files,
// gated and audited.
type notebookService struct {
	gate  *gate
	store *store.Store
	files notebook.Files
}

// errNotebooksOff answers an allowed notebook request of a server that
// has no folder for them.
var errNotebooksOff = fmt.Errorf("%w: this server keeps no notebooks (it was started without a notebook folder)", workbench.ErrNotFound)

// folder is the folder of notebooks, or errNotebooksOff.
func (sv notebookService) folder() (notebook.Files, error) {
	if sv.files.Root == "" {
		return notebook.Files{}, errNotebooksOff
	}
	return sv.files, nil
}

// List is the notebooks of the workspace.
func (sv notebookService) List(ctx context.Context, ws string) ([]notebook.Info, error) {
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
func (sv notebookService) Notebook(ctx context.Context, ws, name string) (*notebook.Notebook, error) {
	return guarded(ctx, sv.gate, access.ViewWorkspace, ws, func(access.Request) (*notebook.Notebook, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return nil, "", 0, err
		}
		nb, err := f.Read(ws, name)
		return nb, name, 1, err
	})
}

// Create saves nb as the new notebook name of the workspace.
func (sv notebookService) Create(ctx context.Context, ws, name string, nb *notebook.Notebook) (notebook.Info, error) {
	return guarded(ctx, sv.gate, access.CreateNotebook, ws, func(access.Request) (notebook.Info, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return notebook.Info{}, "", 0, err
		}
		out, err := f.Create(ws, name, nb)
		return out, name, 1, err
	})
}

// CreateStarter saves the starter notebook of the dataset id of the
// workspace as its new notebook name.
func (sv notebookService) CreateStarter(ctx context.Context, ws, name, datasetID string) (notebook.Info, error) {
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

// Replace saves nb over the notebook name of the workspace.
func (sv notebookService) Replace(ctx context.Context, ws, name string, nb *notebook.Notebook) (notebook.Info, error) {
	return guarded(ctx, sv.gate, access.EditNotebook, ws, func(access.Request) (notebook.Info, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return notebook.Info{}, "", 0, err
		}
		out, err := f.Replace(ws, name, nb)
		return out, name, 1, err
	})
}

// Delete deletes the notebook name of the workspace.
func (sv notebookService) Delete(ctx context.Context, ws, name string) error {
	_, err := guarded(ctx, sv.gate, access.EditNotebook, ws, func(access.Request) (struct{}, string, int64, error) {
		f, err := sv.folder()
		if err != nil {
			return struct{}{}, "", 0, err
		}
		return struct{}{}, name, 1, f.Delete(ws, name)
	})
	return err
}

// Code is a program in lang that pulls the dataset id of the workspace
// into data frames over this API: notebook.DatasetCode.
func (sv notebookService) Code(ctx context.Context, ws, id string, lang notebook.Language) (string, error) {
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
func (sv notebookService) CohortCode(ctx context.Context, ws, id string, lang notebook.Language) (string, error) {
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

func (s *Server) listNotebooks(w http.ResponseWriter, r *http.Request) {
	out, err := s.notebooks.List(r.Context(), mux.Vars(r)["ws"])
	s.reply(w, r, http.StatusOK, out, err)
}

// createNotebook saves a new notebook: the body names it and holds either
// the notebook or the id of a dataset to start one from.
func (s *Server) createNotebook(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name      string          `json:"name"`
		Notebook  json.RawMessage `json:"notebook"`
		DatasetID string          `json:"dataset_id"`
	}
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	ws := mux.Vars(r)["ws"]
	var out notebook.Info
	var err error
	switch {
	case (len(b.Notebook) == 0) == (b.DatasetID == ""):
		err = fault.At(notebook.ErrInvalid, "notebook", "give either a notebook or a dataset_id to start one from")
	case b.DatasetID != "":
		out, err = s.notebooks.CreateStarter(r.Context(), ws, b.Name, b.DatasetID)
	default:
		var nb *notebook.Notebook
		if nb, err = notebook.Parse(b.Notebook); err != nil {
			err = under("notebook", err)
			break
		}
		out, err = s.notebooks.Create(r.Context(), ws, b.Name, nb)
	}
	s.reply(w, r, http.StatusCreated, out, err)
}

func (s *Server) getNotebook(w http.ResponseWriter, r *http.Request) {
	out, err := s.notebooks.Notebook(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["name"])
	s.reply(w, r, http.StatusOK, out, err)
}

// saveNotebook replaces a notebook with the body, an .ipynb document.
func (s *Server) saveNotebook(w http.ResponseWriter, r *http.Request) {
	b, err := s.body(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	nb, err := notebook.Parse(b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.notebooks.Replace(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["name"], nb)
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) deleteNotebook(w http.ResponseWriter, r *http.Request) {
	err := s.notebooks.Delete(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["name"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) datasetCode(w http.ResponseWriter, r *http.Request) {
	s.code(w, r, s.notebooks.Code)
}

func (s *Server) cohortCode(w http.ResponseWriter, r *http.Request) {
	s.code(w, r, s.notebooks.CohortCode)
}

// code answers the code generated by gen for the object id of the
// workspace as text; the query parameter lang is python (the default), r
// or go.
func (s *Server) code(w http.ResponseWriter, r *http.Request, gen func(ctx context.Context, ws, id string, lang notebook.Language) (string, error)) {
	lang := notebook.Python
	if v := r.URL.Query().Get("lang"); v != "" {
		var err error
		if lang, err = notebook.ParseLanguage(v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	code, err := gen(r.Context(), mux.Vars(r)["ws"], mux.Vars(r)["id"], lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(code))
}
