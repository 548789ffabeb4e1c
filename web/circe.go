package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/fault"
)

// The OHDSI Circe cohorts of a workspace: a researcher who knows ATLAS
// imports the JSON it exports (a file, or the text pasted), and sees the
// cohort's size and attrition computed with Circe's semantics. The same
// form imports an OHDSI concept set expression as a concept set.

// maxCirceFile bounds an imported definition: the largest of the OHDSI
// Phenotype Library is a few hundred kilobytes.
const maxCirceFile = 2 << 20

func (s *Site) circeRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /workspaces/{ws}/circe/new", s.signedIn(s.circeForm))
	m.HandleFunc("POST /workspaces/{ws}/circe", s.signedIn(s.importCirce))
	m.HandleFunc("GET /workspaces/{ws}/circe/{id}", s.signedIn(s.circeCohort))
	m.HandleFunc("POST /workspaces/{ws}/circe/{id}/delete", s.signedIn(s.deleteCirce))
}

// circeImport is the import form, again with what was sent and its
// problems.
type circeImport struct {
	Token     string
	Workspace workbench.Workspace
	Name      string
	Text      string
	Errors    *fault.Fields
}

func (s *Site) circeForm(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, _, err := s.roleIn(r.Context(), v, r.PathValue("ws"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "circe_import", "Import from ATLAS", "workspaces", circeImport{Token: v.Token, Workspace: ws})
}

// importCirce saves the definition of the file, or else of the text;
// a definition the compiler refuses comes back with each problem at its
// JSON path.
func (s *Site) importCirce(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, _, err := s.roleIn(r.Context(), v, r.PathValue("ws"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := circeImport{Token: v.Token, Workspace: ws, Name: strings.TrimSpace(r.PostFormValue("name")), Text: r.PostFormValue("definition")}
	def := []byte(d.Text)
	if f, _, ferr := r.FormFile("file"); ferr == nil {
		def, err = io.ReadAll(io.LimitReader(f, maxCirceFile+1))
		f.Close()
		if err == nil && len(def) > maxCirceFile {
			err = fault.At(workbench.ErrInvalid, "file", "larger than 2 MiB: is it a Circe cohort definition?")
		}
	}
	problems := fault.Fields{Of: workbench.ErrInvalid}
	if d.Name == "" {
		problems.Add("name", "empty: give the cohort a name")
	}
	if err == nil && strings.TrimSpace(string(def)) == "" {
		problems.Add("definition", "empty: choose the JSON file ATLAS exported, or paste its text")
	}
	if err == nil {
		err = problems.Err()
	}
	next, isSet := "", circe.IsConceptSetExpression(def)
	if err == nil && isSet {
		next, err = s.importConceptSet(r, ws, d.Name, def)
	} else if err == nil {
		var saved workbench.CirceCohort
		saved, err = s.deps.App.Circe.SaveCirceCohort(r.Context(), workbench.CirceCohort{WorkspaceID: ws.ID, Name: d.Name, Description: r.PostFormValue("description"), Definition: def})
		next = "/workspaces/" + url.PathEscape(ws.ID) + "/circe/" + url.PathEscape(saved.ID)
	}
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	fe, ok := errors.AsType[*fault.Fields](err)
	switch {
	case ok && (errors.Is(err, circe.ErrInvalid) || isSet):
		// The expression's own problems, at their paths in it.
		d.Errors = &fault.Fields{Of: fe.Of}
		for _, f := range fe.List {
			d.Errors.Add("definition", "%s: %s", f.Path, f.Message)
		}
	case ok:
		d.Errors = fe
	case fault.KindOf(err) == fault.Conflict:
		what := "a cohort"
		if isSet {
			what = "a concept set"
		}
		d.Errors = fieldErrors(fault.At(workbench.ErrInvalid, "name", "%s of this workspace has this name: choose another", what), "name")
	default:
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusUnprocessableEntity, "circe_import", "Import from ATLAS: check the form", "workspaces", d)
}

// importConceptSet saves the OHDSI concept set expression def as the
// workspace's concept set name, and returns its page.
func (s *Site) importConceptSet(r *http.Request, ws workbench.Workspace, name string, def []byte) (string, error) {
	items, err := circe.ConceptSetItems(def)
	if err != nil {
		return "", err
	}
	cs := &cohort.ConceptSet{Name: name, Items: items}
	if err := cs.Validate(); err != nil {
		return "", err
	}
	set := workbench.ConceptSet{WorkspaceID: ws.ID, Name: name, Description: r.PostFormValue("description")}
	out, err := s.deps.App.ConceptSets.SaveConceptSet(r.Context(), set, cs)
	if err != nil {
		return "", err
	}
	return "/workspaces/" + url.PathEscape(ws.ID) + "/conceptsets/" + url.PathEscape(out.ID) + "?saved=1", nil
}

// circePage is a Circe cohort with its size and attrition.
type circePage struct {
	Token     string
	Workspace workbench.Workspace
	CanWrite  bool
	Cohort    workbench.CirceCohort
	Count     circe.Counts
	Attrition *circe.Inclusion
}

func (s *Site) circeCohort(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, id := r.Context(), r.PathValue("id")
	ws, role, err := s.roleIn(ctx, v, r.PathValue("ws"))
	d := circePage{Token: v.Token, Workspace: ws, CanWrite: role >= access.Writer}
	if err == nil {
		d.Cohort, err = s.deps.App.Circe.CirceCohort(ctx, ws.ID, id)
	}
	if err == nil {
		d.Count, err = s.deps.App.Circe.CirceCount(ctx, ws.ID, id)
	}
	if err == nil {
		d.Attrition, err = s.deps.App.Circe.CirceAttrition(ctx, ws.ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "circe", d.Cohort.Name, "workspaces", d)
}

func (s *Site) deleteCirce(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	if err := s.deps.App.Circe.DeleteCirceCohort(r.Context(), ws, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workspaces/"+url.PathEscape(ws), http.StatusSeeOther)
}
