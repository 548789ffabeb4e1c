package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
)

// The Concept Set Selector works as the Cohort Builder does: the set
// under construction travels in the form as its JSON, each button is a
// POST that applies the form's edits and its own action.

func (s *Site) conceptSetRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /workspaces/{ws}/conceptsets/new", s.signedIn(s.newConceptSet))
	m.HandleFunc("GET /workspaces/{ws}/conceptsets/{id}", s.signedIn(s.savedConceptSet))
	m.HandleFunc("POST /workspaces/{ws}/conceptsets/build", s.signedIn(s.buildConceptSet))
	m.HandleFunc("GET /workspaces/{ws}/conceptsets/{id}/delete", s.signedIn(s.confirmDeleteConceptSet))
	m.HandleFunc("POST /workspaces/{ws}/conceptsets/{id}/delete", s.signedIn(s.deleteConceptSet))
}

func (s *Site) confirmDeleteConceptSet(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	c, err := s.deps.App.ConceptSets.ConceptSet(r.Context(), ws, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.confirmDelete(w, r, v, "concept set", c.Name, "/workspaces/"+url.PathEscape(ws)+"/conceptsets/"+url.PathEscape(c.ID))
}

func (s *Site) deleteConceptSet(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	if err := s.deps.App.ConceptSets.DeleteConceptSet(r.Context(), ws, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workspaces/"+url.PathEscape(ws)+"#sets-h", http.StatusSeeOther)
}

// maxExpansionShown bounds the concepts a saved set's page lists.
const maxExpansionShown = 500

// selector is the Concept Set Selector's page.
type selector struct {
	Token     string
	Workspace workbench.Workspace
	CanWrite  bool
	// Set is the saved set shown, zero for a new one.
	Set  workbench.ConceptSet
	Name string
	cs   cohort.ConceptSet
	// Items is the JSON of the set's items under construction.
	Items    string
	Selected []selectedConcept

	Domain      string
	Query       string
	Descendants bool
	Found       []engine.Concept
	Searched    bool
	Browse      *engine.Concept
	Parents     []engine.Concept
	Children    []engine.Concept

	// Expansion is the saved set's concepts, at most maxExpansionShown of
	// ExpansionTotal.
	Expansion      []engine.Concept
	ExpansionTotal int
	Errors         *fault.Fields
	Saved          bool
}

// selectedConcept is an item of the set with its concept.
type selectedConcept struct {
	cohort.ConceptSetItem
	Concept engine.Concept
}

// Domains are the domains the selector searches; empty is any.
func (*selector) Domains() []string {
	return []string{"", "Condition", "Drug", "Measurement", "Procedure", "Observation", "Device", "Visit"}
}

func (s *Site) newSelector(ctx context.Context, v *visit, ws string) (*selector, error) {
	w, role, err := s.roleIn(ctx, v, ws)
	if err != nil {
		return nil, err
	}
	return &selector{Token: v.Token, Workspace: w, CanWrite: role >= access.Writer, Descendants: true}, nil
}

func (s *Site) newConceptSet(w http.ResponseWriter, r *http.Request, v *visit) {
	sel, err := s.newSelector(r.Context(), v, r.PathValue("ws"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !sel.CanWrite {
		s.fail(w, r, fault.New(fault.Forbidden, "forbidden", "a READER of the workspace makes no concept set"))
		return
	}
	s.showSelector(w, r, v, sel, http.StatusOK)
}

func (s *Site) savedConceptSet(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, ws := r.Context(), r.PathValue("ws")
	set, err := s.deps.App.ConceptSets.ConceptSet(ctx, ws, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sel, err := s.newSelector(ctx, v, ws)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := json.Unmarshal(set.Definition, &sel.cs); err != nil {
		s.fail(w, r, fmt.Errorf("web: saved concept set %s: %w", set.ID, err))
		return
	}
	sel.Set, sel.Name, sel.Saved = set, set.Name, r.URL.Query().Get("saved") == "1"
	exp, err := s.deps.App.ConceptSets.ExpandConceptSet(ctx, ws, set.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sel.ExpansionTotal = len(exp)
	sel.Expansion = exp[:min(len(exp), maxExpansionShown)]
	s.showSelector(w, r, v, sel, http.StatusOK)
}

// readSelector reads the selector's form with its edits applied.
func (s *Site) readSelector(r *http.Request, v *visit) (*selector, error) {
	ctx, ws := r.Context(), r.PathValue("ws")
	sel, err := s.newSelector(ctx, v, ws)
	if err != nil {
		return nil, err
	}
	if text := r.PostFormValue("items"); text != "" {
		if err := json.Unmarshal([]byte(text), &sel.cs.Items); err != nil {
			return nil, fault.At(workbench.ErrInvalid, "items", "the concept set's items do not read: %v", err)
		}
	}
	if id := r.PostFormValue("set_id"); id != "" {
		if sel.Set, err = s.deps.App.ConceptSets.ConceptSet(ctx, ws, id); err != nil {
			return nil, err
		}
	}
	sel.Name = strings.TrimSpace(r.PostFormValue("name"))
	if d := r.PostFormValue("domain"); slices.Contains(sel.Domains(), d) {
		sel.Domain = d
	}
	sel.Query = strings.TrimSpace(r.PostFormValue("q"))
	if r.PostFormValue("edits") == "1" {
		sel.Descendants = r.PostFormValue("descendants") == "1"
		for i := range sel.cs.Items {
			it := &sel.cs.Items[i]
			it.IncludeDescendants = r.PostFormValue(fmt.Sprintf("item-%d-desc", i)) == "1"
			it.Exclude = r.PostFormValue(fmt.Sprintf("item-%d-exclude", i)) == "1"
		}
	}
	return sel, nil
}

func (s *Site) buildConceptSet(w http.ResponseWriter, r *http.Request, v *visit) {
	sel, err := s.readSelector(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	op, arg, _ := strings.Cut(r.PostFormValue("op"), ":")
	id, _ := strconv.ParseInt(arg, 10, 64)
	switch op {
	case "browse":
		c, err := s.deps.App.Concepts.Concept(ctx, id)
		if err == nil {
			sel.Parents, err = s.deps.App.Concepts.Parents(ctx, id)
		}
		if err == nil {
			sel.Children, err = s.deps.App.Concepts.Children(ctx, id)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sel.Browse = &c
	case "add", "exclude":
		if _, err := s.deps.App.Concepts.Concept(ctx, id); err != nil {
			s.fail(w, r, err)
			return
		}
		item := cohort.ConceptSetItem{ConceptID: id, IncludeDescendants: sel.Descendants, Exclude: op == "exclude"}
		if i := slices.IndexFunc(sel.cs.Items, func(it cohort.ConceptSetItem) bool { return it.ConceptID == id }); i >= 0 {
			sel.cs.Items[i] = item
		} else {
			sel.cs.Items = append(sel.cs.Items, item)
		}
	case "remove":
		if i := int(id); i >= 0 && i < len(sel.cs.Items) {
			sel.cs.Items = slices.Delete(sel.cs.Items, i, i+1)
		}
	case "save":
		if s.saveConceptSet(w, r, sel) {
			return
		}
	}
	if sel.Browse == nil && (op == "search" || (sel.Query != "" && op != "add" && op != "exclude")) {
		std := true
		if sel.Found, err = s.deps.App.Concepts.SearchConcepts(ctx, engine.ConceptSearch{Query: sel.Query, Domain: sel.Domain, Standard: &std, Limit: 25}); err != nil {
			s.fail(w, r, err)
			return
		}
		sel.Searched = true
	}
	status := http.StatusOK
	if sel.Errors != nil {
		status = http.StatusUnprocessableEntity
	}
	s.showSelector(w, r, v, sel, status)
}

// saveConceptSet saves the set; it answers whether it wrote the response.
func (s *Site) saveConceptSet(w http.ResponseWriter, r *http.Request, sel *selector) bool {
	sel.cs.Name = sel.Name
	if err := sel.cs.Validate(); err != nil {
		sel.Errors = fieldErrors(err, "name")
		return false
	}
	set := sel.Set
	set.WorkspaceID, set.Name = sel.Workspace.ID, sel.Name
	out, err := s.deps.App.ConceptSets.SaveConceptSet(r.Context(), set, &sel.cs)
	if fe := fieldErrors(err, "name"); fe != nil {
		sel.Errors = fe
		return false
	}
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	http.Redirect(w, r, "/workspaces/"+url.PathEscape(out.WorkspaceID)+"/conceptsets/"+url.PathEscape(out.ID)+"?saved=1", http.StatusSeeOther)
	return true
}

func (s *Site) showSelector(w http.ResponseWriter, r *http.Request, v *visit, sel *selector, status int) {
	for _, it := range sel.cs.Items {
		c, err := s.deps.App.Concepts.Concept(r.Context(), it.ConceptID)
		if err != nil && fault.KindOf(err) != fault.NotFound {
			s.fail(w, r, err)
			return
		}
		if err != nil {
			c = engine.Concept{ID: it.ConceptID, Name: "(not in this CDR's vocabulary)"}
		}
		sel.Selected = append(sel.Selected, selectedConcept{ConceptSetItem: it, Concept: c})
	}
	items := sel.cs.Items
	if items == nil {
		items = []cohort.ConceptSetItem{}
	}
	text, err := json.Marshal(items)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sel.Items = string(text)
	title := "Make a concept set"
	if sel.Set.ID != "" {
		title = sel.Set.Name
	}
	if status != http.StatusOK {
		title += ": check the form"
	}
	s.show(w, r, v, status, "conceptset", title, "workspaces", sel)
}
