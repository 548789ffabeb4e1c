package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/notebook"
)

// The notebooks of a workspace: listed, made from a dataset (the starter
// notebook of the API), read, deleted, and opened in the workspace's
// JupyterLab (lab.go).

func (s *Site) notebookRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /workspaces/{ws}/notebooks", s.signedIn(s.notebooks))
	m.HandleFunc("POST /workspaces/{ws}/notebooks", s.signedIn(s.createNotebook))
	m.HandleFunc("GET /workspaces/{ws}/notebooks/{name}", s.signedIn(s.notebook))
	m.HandleFunc("GET /workspaces/{ws}/notebooks/{name}/delete", s.signedIn(s.confirmDeleteNotebook))
	m.HandleFunc("POST /workspaces/{ws}/notebooks/{name}/delete", s.signedIn(s.deleteNotebook))
}

// notebooksPage is the list of a workspace's notebooks with the form of a
// starter notebook.
type notebooksPage struct {
	Token     string
	Workspace workbench.Workspace
	CanWrite  bool
	Notebooks []notebook.Info
	Datasets  []workbench.Dataset
	// Lab says whether the lab opens here, and why not (labState).
	Lab labState
	// Form is the starter notebook form sent again with its problems.
	Form struct {
		Name, Dataset string
		Errors        *fault.Fields
	}
}

// labState is whether the workspace's lab opens for its visitor: a
// message saying why not when it does not.
type labState struct {
	Open    bool
	Missing string
}

// labStateOf says whether the lab opens for a visitor of role.
func (s *Site) labStateOf(role access.Role) labState {
	switch {
	case s.deps.Lab == nil:
		return labState{Missing: "This server runs no JupyterLab: its operator starts it with JupyterLab installed (see the lab's page)."}
	case role < access.Writer:
		return labState{Missing: "JupyterLab opens for the workspace's writers and owners, since it saves notebooks: as a reader, read them here."}
	}
	if err := s.deps.Lab.Available(); err != nil {
		return labState{Missing: "JupyterLab is not installed on this server."}
	}
	return labState{Open: true}
}

func (s *Site) notebooksData(r *http.Request, v *visit) (*notebooksPage, error) {
	ctx, a := r.Context(), s.deps.App
	ws, role, err := s.roleIn(ctx, v, r.PathValue("ws"))
	if err != nil {
		return nil, err
	}
	p := &notebooksPage{Token: v.Token, Workspace: ws, CanWrite: role >= access.Writer, Lab: s.labStateOf(role)}
	if p.Notebooks, err = a.Notebooks.Notebooks(ctx, ws.ID); err != nil {
		return nil, err
	}
	if p.Datasets, err = a.Datasets.Datasets(ctx, ws.ID); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Site) notebooks(w http.ResponseWriter, r *http.Request, v *visit) {
	p, err := s.notebooksData(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Form.Dataset = r.URL.Query().Get("dataset")
	s.show(w, r, v, http.StatusOK, "notebooks", "Notebooks of "+p.Workspace.Name, "workspaces", p)
}

// createNotebook makes the starter notebook of a dataset: the API's.
func (s *Site) createNotebook(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	name, dataset := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("dataset")
	problems := fault.Fields{Of: workbench.ErrInvalid}
	if dataset == "" {
		problems.Add("dataset", "choose the dataset the notebook reads")
	}
	if err := notebook.CheckName("name", name); err != nil {
		problems.List = append(problems.List, fault.FieldsOf(err)...)
	}
	err := problems.Err()
	if err == nil {
		if _, err = s.deps.App.Notebooks.CreateStarterNotebook(r.Context(), ws, name, dataset); err == nil {
			http.Redirect(w, r, "/workspaces/"+url.PathEscape(ws)+"/notebooks/"+url.PathEscape(name)+"?created=1", http.StatusSeeOther)
			return
		}
		if fault.KindOf(err) == fault.Conflict {
			err = fault.At(workbench.ErrInvalid, "name", "a notebook of this workspace has this name: choose another")
		}
	}
	fe := fieldErrors(err, "name")
	if fe == nil {
		s.fail(w, r, err)
		return
	}
	p, derr := s.notebooksData(r, v)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	p.Form.Name, p.Form.Dataset, p.Form.Errors = name, dataset, fe
	s.show(w, r, v, http.StatusUnprocessableEntity, "notebooks", "Notebooks of "+p.Workspace.Name+": check the form", "workspaces", p)
}

// notebookPage is a notebook's cells, read only.
type notebookPage struct {
	Workspace workbench.Workspace
	CanWrite  bool
	Created   bool
	Name      string
	Notebook  *notebook.Notebook
	Lab       labState
}

// LabPath is the notebook's address in the workspace's JupyterLab.
func (p notebookPage) LabPath() string {
	return labPath(p.Workspace.ID) + "lab/tree/" + url.PathEscape(p.Name+notebook.Ext)
}

func (s *Site) notebook(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx := r.Context()
	ws, role, err := s.roleIn(ctx, v, r.PathValue("ws"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := notebookPage{Workspace: ws, CanWrite: role >= access.Writer, Created: r.URL.Query().Get("created") == "1", Name: r.PathValue("name"), Lab: s.labStateOf(role)}
	if p.Notebook, err = s.deps.App.Notebooks.Notebook(ctx, ws.ID, p.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "notebook", p.Name, "workspaces", p)
}

func (s *Site) confirmDeleteNotebook(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, name := r.PathValue("ws"), r.PathValue("name")
	if _, err := s.deps.App.Notebooks.Notebook(r.Context(), ws, name); err != nil {
		s.fail(w, r, err)
		return
	}
	s.confirmDelete(w, r, v, "notebook", name, "/workspaces/"+url.PathEscape(ws)+"/notebooks/"+url.PathEscape(name))
}

func (s *Site) deleteNotebook(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	if err := s.deps.App.Notebooks.DeleteNotebook(r.Context(), ws, r.PathValue("name")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workspaces/"+url.PathEscape(ws)+"/notebooks", http.StatusSeeOther)
}
