package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/notebook"
)

// workspaceRoutes adds the pages of workspaces, their cohorts and concept
// sets, and the data dictionary.
func (s *Site) workspaceRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /workspaces", s.signedIn(s.workspaces))
	m.HandleFunc("GET /workspaces/new", s.signedIn(s.newWorkspace))
	m.HandleFunc("POST /workspaces", s.signedIn(s.createWorkspace))
	m.HandleFunc("GET /workspaces/{ws}", s.signedIn(s.workspace))
	m.HandleFunc("GET /workspaces/{ws}/edit", s.signedIn(s.editWorkspace))
	m.HandleFunc("POST /workspaces/{ws}/edit", s.signedIn(s.updateWorkspace))
	m.HandleFunc("POST /workspaces/{ws}/duplicate", s.signedIn(s.duplicateWorkspace))
	m.HandleFunc("GET /workspaces/{ws}/delete", s.signedIn(s.confirmDeleteWorkspace))
	m.HandleFunc("POST /workspaces/{ws}/delete", s.signedIn(s.deleteWorkspace))
	m.HandleFunc("POST /workspaces/{ws}/collaborators", s.signedIn(s.share))
	s.cohortRoutes(m)
	s.conceptSetRoutes(m)
	s.circeRoutes(m)
	s.reviewRoutes(m)
	s.datasetRoutes(m)
	s.notebookRoutes(m)
	s.labRoutes(m)
	m.HandleFunc("GET /dictionary", s.signedIn(s.dictionary))
	m.HandleFunc("GET /dictionary/{table}", s.signedIn(s.dictionaryTable))
}

// workspaces lists the workspaces where the user holds a role.
func (s *Site) workspaces(w http.ResponseWriter, r *http.Request, v *visit) {
	list, err := s.deps.App.Workspaces.Workspaces(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "workspaces", "Your workspaces", "workspaces", list)
}

// workspaceForm is the form of a new workspace or of a change of one.
type workspaceForm struct {
	Token string
	// ID is the workspace changed; empty for a new one.
	ID     string
	Form   workbench.WorkspaceFields
	Uses   []useOption
	Errors *fault.Fields
}

// useOption is an intended use with its label and whether the form has
// it.
type useOption struct {
	Use     workbench.Use
	Label   string
	Checked bool
}

var useLabels = map[workbench.Use]string{
	workbench.DiseaseFocused:     "Disease-focused research",
	workbench.MethodsDevelopment: "Methods development or validation",
	workbench.ControlSet:         "A control set for another study",
	workbench.Ancestry:           "Research on ancestry or genetics of populations",
	workbench.SocialBehavioral:   "Social or behavioral research",
	workbench.PopulationHealth:   "Population health or public health research",
	workbench.DrugDevelopment:    "Drug or therapy development",
	workbench.Commercial:         "Commercial purpose",
	workbench.Educational:        "Educational purpose",
	workbench.OtherUse:           "Another purpose",
}

// workspaceLabels name the fields of the workspace form in its summary
// of problems.
var workspaceLabels = map[string]string{
	"name":                                  "Name",
	"description":                           "Description",
	"research_purpose.intended_study":       "Scientific question",
	"research_purpose.approach":             "Approach",
	"research_purpose.anticipated_findings": "Anticipated findings",
	"research_purpose.uses":                 "Intended uses",
	"research_purpose.disease_of_focus":     "Disease of focus",
	"research_purpose.other_purpose":        "Other purpose",
}

// Label is the name of the field at path.
func (workspaceForm) Label(path string) string {
	if l, ok := workspaceLabels[path]; ok {
		return l
	}
	return path
}

func useOptions(chosen []workbench.Use) []useOption {
	out := make([]useOption, len(workbench.Uses))
	for i, u := range workbench.Uses {
		out[i] = useOption{Use: u, Label: useLabels[u]}
		for _, c := range chosen {
			out[i].Checked = out[i].Checked || c == u
		}
	}
	return out
}

// readWorkspaceForm reads the fields of the workspace form.
func readWorkspaceForm(r *http.Request) workbench.WorkspaceFields {
	f := workbench.WorkspaceFields{
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		Description: r.PostFormValue("description"),
		ResearchPurpose: workbench.ResearchPurpose{
			IntendedStudy:       r.PostFormValue("research_purpose.intended_study"),
			Approach:            r.PostFormValue("research_purpose.approach"),
			AnticipatedFindings: r.PostFormValue("research_purpose.anticipated_findings"),
			DiseaseOfFocus:      r.PostFormValue("research_purpose.disease_of_focus"),
			OtherPurpose:        r.PostFormValue("research_purpose.other_purpose"),
		},
	}
	for _, u := range r.PostForm["research_purpose.uses"] {
		f.ResearchPurpose.Uses = append(f.ResearchPurpose.Uses, workbench.Use(u))
	}
	return f
}

// fieldErrors is the problems of err at their form fields: those the
// service reports at paths, and any other refusal of the input at the
// field named at. It is nil for an error that is not the input's fault.
func fieldErrors(err error, at string) *fault.Fields {
	if fe, ok := errors.AsType[*fault.Fields](err); ok {
		return fe
	}
	switch fault.KindOf(err) {
	case fault.Invalid, fault.Conflict:
		return &fault.Fields{Of: workbench.ErrInvalid, List: []fault.Field{{Path: at, Message: err.Error()}}}
	}
	return nil
}

func (s *Site) newWorkspace(w http.ResponseWriter, r *http.Request, v *visit) {
	s.show(w, r, v, http.StatusOK, "workspace_form", "Create a workspace", "workspaces", workspaceForm{Token: v.Token, Uses: useOptions(nil)})
}

func (s *Site) createWorkspace(w http.ResponseWriter, r *http.Request, v *visit) {
	f := readWorkspaceForm(r)
	var err error
	if f.Name == "" {
		err = fault.At(workbench.ErrInvalid, "name", "empty: a workspace needs a name")
	} else {
		var ws workbench.Workspace
		ws, err = s.deps.App.Workspaces.CreateWorkspace(r.Context(), f.Workspace(""))
		if err == nil {
			http.Redirect(w, r, "/workspaces/"+url.PathEscape(ws.ID), http.StatusSeeOther)
			return
		}
	}
	s.workspaceFormFailed(w, r, v, "", f, err)
}

// workspaceFormFailed shows the workspace form again with the problems
// of err at their fields, or the error page when err is not the form's.
func (s *Site) workspaceFormFailed(w http.ResponseWriter, r *http.Request, v *visit, id string, f workbench.WorkspaceFields, err error) {
	fe := fieldErrors(err, "name")
	if fe == nil {
		s.fail(w, r, err)
		return
	}
	for i, e := range fe.List {
		if strings.HasPrefix(e.Path, "research_purpose.uses") && strings.HasPrefix(e.Message, "empty") {
			fe.List[i].Message = "choose at least one intended use"
		}
	}
	title := "Create a workspace: check the form"
	if id != "" {
		title = "Change the workspace: check the form"
	}
	s.show(w, r, v, http.StatusUnprocessableEntity, "workspace_form", title, "workspaces", workspaceForm{Token: v.Token, ID: id, Form: f, Uses: useOptions(f.ResearchPurpose.Uses), Errors: fe})
}

func (s *Site) editWorkspace(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, err := s.deps.App.Workspaces.GetWorkspace(r.Context(), r.PathValue("ws"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "workspace_form", "Change "+ws.Name, "workspaces", workspaceForm{Token: v.Token, ID: ws.ID, Form: ws.Fields(), Uses: useOptions(ws.ResearchPurpose.Uses)})
}

func (s *Site) updateWorkspace(w http.ResponseWriter, r *http.Request, v *visit) {
	id, f := r.PathValue("ws"), readWorkspaceForm(r)
	var err error
	if f.Name == "" {
		err = fault.At(workbench.ErrInvalid, "name", "empty: a workspace needs a name")
	} else {
		_, err = s.deps.App.Workspaces.UpdateWorkspace(r.Context(), id, workbench.WorkspacePatch{Name: &f.Name, Description: &f.Description, ResearchPurpose: &f.ResearchPurpose})
		if err == nil {
			http.Redirect(w, r, "/workspaces/"+url.PathEscape(id), http.StatusSeeOther)
			return
		}
	}
	s.workspaceFormFailed(w, r, v, id, f, err)
}

// workspaceData is a workspace's page.
type workspaceData struct {
	Token         string
	Workspace     workbench.Workspace
	Uses          []string
	Role          access.Role
	Collaborators []workbench.Collaborator
	Cohorts       []workbench.Cohort
	CirceCohorts  []workbench.CirceCohort
	ConceptSets   []workbench.ConceptSet
	Datasets      []workbench.Dataset
	Reviews       []workbench.Review
	Notebooks     []notebook.Info
	// NoNotebooks says that this server keeps no notebooks.
	NoNotebooks bool
	Roles       []access.Role
	// Share is the collaborator form sent again with its problem.
	Share struct {
		Email  string
		Role   access.Role
		Errors *fault.Fields
	}
	// DuplicateName and DuplicateErrors are the duplicate form sent again.
	DuplicateName   string
	DuplicateErrors *fault.Fields
}

// CanWrite and CanShare say which controls the page shows: the services
// refuse the others anyway.
func (d workspaceData) CanWrite() bool { return d.Role >= access.Writer }
func (d workspaceData) CanShare() bool { return d.Role >= access.Owner }

// workspaceData reads everything a workspace's page lists.
func (s *Site) workspaceData(r *http.Request, v *visit, id string) (workspaceData, error) {
	ctx, a := r.Context(), s.deps.App
	d := workspaceData{Token: v.Token, Roles: []access.Role{access.Reader, access.Writer, access.Owner}}
	var err error
	if d.Workspace, err = a.Workspaces.GetWorkspace(ctx, id); err != nil {
		return d, err
	}
	for _, u := range d.Workspace.ResearchPurpose.Uses {
		d.Uses = append(d.Uses, useLabels[u])
	}
	if d.Collaborators, err = a.Workspaces.Collaborators(ctx, id); err != nil {
		return d, err
	}
	for _, c := range d.Collaborators {
		if c.UserID == v.User.ID {
			d.Role = c.Role
		}
	}
	if d.Cohorts, err = a.Cohorts.Cohorts(ctx, id); err != nil {
		return d, err
	}
	for _, c := range d.Cohorts {
		rs, err := a.Reviews.Reviews(ctx, id, c.ID)
		if err != nil {
			return d, err
		}
		d.Reviews = append(d.Reviews, rs...)
	}
	if d.CirceCohorts, err = a.Circe.CirceCohorts(ctx, id); err != nil {
		return d, err
	}
	if d.ConceptSets, err = a.ConceptSets.ConceptSets(ctx, id); err != nil {
		return d, err
	}
	if d.Datasets, err = a.Datasets.Datasets(ctx, id); err != nil {
		return d, err
	}
	d.Notebooks, err = a.Notebooks.Notebooks(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		d.NoNotebooks, err = true, nil
	}
	d.DuplicateName = "Copy of " + d.Workspace.Name
	return d, err
}

// workspace is a workspace's page: what it is for, what it holds, who
// works in it.
func (s *Site) workspace(w http.ResponseWriter, r *http.Request, v *visit) {
	d, err := s.workspaceData(r, v, r.PathValue("ws"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "workspace", d.Workspace.Name, "workspaces", d)
}

// share gives a collaborator, by e-mail, a role; the role NONE takes it.
func (s *Site) share(w http.ResponseWriter, r *http.Request, v *visit) {
	id := r.PathValue("ws")
	email := strings.TrimSpace(r.PostFormValue("email"))
	role, err := access.ParseRole(r.PostFormValue("role"))
	switch {
	case email == "":
		err = fault.At(workbench.ErrInvalid, "email", "empty: give the collaborator's e-mail address")
	case err != nil:
		err = fault.At(workbench.ErrInvalid, "role", "choose a role")
	default:
		err = s.deps.App.Workspaces.Share(r.Context(), id, email, role)
		if fault.KindOf(err) == fault.NotFound {
			// The workspace was found (the gate passed), so the user was not.
			if _, werr := s.deps.App.Workspaces.GetWorkspace(r.Context(), id); werr == nil {
				err = fault.At(workbench.ErrInvalid, "email", "no researcher has an account with this address (or they are not a collaborator)")
			}
		}
	}
	if err == nil {
		http.Redirect(w, r, "/workspaces/"+url.PathEscape(id)+"#collaborators", http.StatusSeeOther)
		return
	}
	fe := fieldErrors(err, "email")
	if fe == nil {
		s.fail(w, r, err)
		return
	}
	d, derr := s.workspaceData(r, v, id)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.Share.Email, d.Share.Role, d.Share.Errors = email, role, fe
	s.show(w, r, v, http.StatusUnprocessableEntity, "workspace", d.Workspace.Name+": check the form", "workspaces", d)
}

func (s *Site) duplicateWorkspace(w http.ResponseWriter, r *http.Request, v *visit) {
	id, name := r.PathValue("ws"), strings.TrimSpace(r.PostFormValue("name"))
	var err error
	if name == "" {
		err = fault.At(workbench.ErrInvalid, "duplicate-name", "empty: the copy needs a name")
	} else {
		var out workbench.Workspace
		if out, err = s.deps.App.Workspaces.DuplicateWorkspace(r.Context(), id, name); err == nil {
			http.Redirect(w, r, "/workspaces/"+url.PathEscape(out.ID), http.StatusSeeOther)
			return
		}
	}
	fe := fieldErrors(err, "duplicate-name")
	if fe == nil {
		s.fail(w, r, err)
		return
	}
	d, derr := s.workspaceData(r, v, id)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.DuplicateName, d.DuplicateErrors = name, fe
	s.show(w, r, v, http.StatusUnprocessableEntity, "workspace", d.Workspace.Name+": check the form", "workspaces", d)
}

// confirmDeleteWorkspace asks before a workspace and everything in it
// goes.
func (s *Site) confirmDeleteWorkspace(w http.ResponseWriter, r *http.Request, v *visit) {
	d, err := s.workspaceData(r, v, r.PathValue("ws"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "workspace_delete", "Delete "+d.Workspace.Name+"?", "workspaces", d)
}

func (s *Site) deleteWorkspace(w http.ResponseWriter, r *http.Request, v *visit) {
	if err := s.deps.App.Workspaces.DeleteWorkspace(r.Context(), r.PathValue("ws")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workspaces", http.StatusSeeOther)
}

// formField is a form field for the partials "field" and "area": its id
// and name are the path its problems are reported at.
type formField struct {
	ID, Name, Label, Type, Value, Error string
	Required                            bool
}

func fieldOf(errs *fault.Fields, path, label, typ, value string, required bool) formField {
	return formField{ID: path, Name: path, Label: label, Type: typ, Value: value, Error: errs.At(path), Required: required}
}

// confirmData is the page that asks before a saved item of a workspace
// goes.
type confirmData struct {
	Token     string
	Workspace workbench.Workspace
	// What is the kind of item ("cohort"), Name its name, Path its page.
	What, Name, Path string
}

// confirmDelete shows the confirmation page of the item at path.
func (s *Site) confirmDelete(w http.ResponseWriter, r *http.Request, v *visit, what, name, path string) {
	ws, role, err := s.roleIn(r.Context(), v, r.PathValue("ws"))
	if err == nil && role < access.Writer {
		err = fault.New(fault.Forbidden, "forbidden", "a READER of the workspace deletes nothing")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, v, http.StatusOK, "workspace_confirm", "Delete "+name+"?", "workspaces", confirmData{Token: v.Token, Workspace: ws, What: what, Name: name, Path: path})
}
