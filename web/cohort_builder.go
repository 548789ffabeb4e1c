package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/web/chart"
)

// The Cohort Builder works without JavaScript: the definition under
// construction travels in the form as its canonical JSON (the All of Us
// CohortDefinition the API takes), and every button is a POST that
// applies the edits of the form's fields (modifiers, values, temporal
// settings), then its own action (add a criterion, remove one, save), and
// shows the page again with the count recomputed. static/cohort.js posts
// the same form to the results endpoint as the fields change, so the
// count and the chart follow without a reload.

func (s *Site) cohortRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /workspaces/{ws}/cohorts/new", s.signedIn(s.newCohort))
	m.HandleFunc("GET /workspaces/{ws}/cohorts/{id}", s.signedIn(s.savedCohort))
	m.HandleFunc("POST /workspaces/{ws}/cohorts/build", s.signedIn(s.buildCohort))
	m.HandleFunc("POST /workspaces/{ws}/cohorts/results", s.signedIn(s.cohortResults))
	m.HandleFunc("GET /workspaces/{ws}/cohorts/{id}/delete", s.signedIn(s.confirmDeleteCohort))
	m.HandleFunc("POST /workspaces/{ws}/cohorts/{id}/delete", s.signedIn(s.deleteCohort))
}

func (s *Site) confirmDeleteCohort(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	c, err := s.deps.App.Cohorts.Cohort(r.Context(), ws, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.confirmDelete(w, r, v, "cohort", c.Name, "/workspaces/"+url.PathEscape(ws)+"/cohorts/"+url.PathEscape(c.ID))
}

func (s *Site) deleteCohort(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	if err := s.deps.App.Cohorts.DeleteCohort(r.Context(), ws, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workspaces/"+url.PathEscape(ws)+"#cohorts-h", http.StatusSeeOther)
}

// criteriaDomains are the domains whose concepts the builder searches,
// with their labels.
var criteriaDomains = []struct {
	Domain cohort.Domain
	Label  string
}{
	{cohort.DomainCondition, "Conditions"},
	{cohort.DomainDrug, "Drugs"},
	{cohort.DomainMeasurement, "Measurements"},
	{cohort.DomainProcedure, "Procedures"},
	{cohort.DomainObservation, "Observations"},
	{cohort.DomainDevice, "Devices"},
	{cohort.DomainVisit, "Visits"},
}

// comparisons are the operators the builder's fields offer, with labels.
var comparisons = []struct {
	Op    cohort.Operator
	Label string
}{
	{cohort.GreaterThanOrEqual, "at least"},
	{cohort.LessThanOrEqual, "at most"},
	{cohort.Equal, "exactly"},
	{cohort.Between, "between"},
	{cohort.GreaterThan, "more than"},
	{cohort.LessThan, "less than"},
}

// builder is the Cohort Builder's page.
type builder struct {
	Token     string
	Workspace workbench.Workspace
	CanWrite  bool
	// Cohort is the saved cohort shown, zero for a new one.
	Cohort workbench.Cohort
	Name   string
	// Definition is the canonical JSON of the definition under
	// construction.
	Definition string
	def        *cohort.Definition
	Includes   []groupView
	Excludes   []groupView

	// The criteria search and the hierarchy browser.
	Domain      cohort.Domain
	Query       string
	Descendants bool
	Target      string
	Found       []engine.Concept
	Searched    bool
	Browse      *engine.Concept
	Parents     []engine.Concept
	Children    []engine.Concept

	// The demographics' choices.
	Sexes, Races, Ethnicities, Visits []engine.Concept

	Results results
	// Errors are the problems of the last action at their fields ("name",
	// "q"), and the definition's at their JSON paths.
	Errors *fault.Fields
	// Saved says that the last action saved the cohort.
	Saved bool
	// Reviews is the reviews of the saved cohort.
	Reviews []workbench.Review
}

func (b *builder) Domains() any     { return criteriaDomains }
func (b *builder) Comparisons() any { return comparisons }

// Targets are where a criterion can be added.
func (b *builder) Targets() []option {
	var out []option
	for i := range b.def.Includes {
		out = append(out, option{fmt.Sprintf("i:%d", i), fmt.Sprintf("Include group %d", i+1)})
	}
	out = append(out, option{"i:new", "A new include group"})
	for i := range b.def.Excludes {
		out = append(out, option{fmt.Sprintf("e:%d", i), fmt.Sprintf("Exclude group %d", i+1)})
	}
	return append(out, option{"e:new", "A new exclude group"})
}

// option is a value of a select with its label.
type option struct{ Value, Label string }

// groupView is a group as the page shows it: its fields are named by
// Key, "i-0" for the first include group.
type groupView struct {
	Key, Path, Title string
	cohort.Group
	Items []itemView
}

// itemView is an item with the values of its modifier fields.
type itemView struct {
	Key, Path, Summary string
	cohort.Item
	Person                bool
	Age, Date             modifierView
	Occurrences           string
	Visit                 int64
	Params                []paramView
	Errors                []fault.Field
	MeasurementParameters bool
}

type modifierView struct {
	Op   cohort.Operator
	A, B string
}

type paramView struct {
	Key string
	cohort.Parameter
	Value modifierView
	// Valued says that the parameter takes a value filter: a
	// measurement's concept.
	Valued bool
}

// results is the count and the demographics of the definition under
// construction: the part of the page that static/cohort.js refreshes.
type results struct {
	// Empty says that the definition has no criteria yet.
	Empty    bool
	Count    int64
	Problems []fault.Field
	Figures  []countFigure
}

// countFigure is a chart of exact counts with the table of its values.
type countFigure struct {
	ID, Title string
	Bars      []chart.Bar
}

// SVG is the figure's chart.
func (f countFigure) SVG() template.HTML { return chart.Bars(f.ID+"-title", f.Title, f.Bars) }

// roleIn is the user's role in the workspace ws; another user's
// workspace is not found.
func (s *Site) roleIn(ctx context.Context, v *visit, ws string) (workbench.Workspace, access.Role, error) {
	w, err := s.deps.App.Workspaces.GetWorkspace(ctx, ws)
	if err != nil {
		return w, access.None, err
	}
	cs, err := s.deps.App.Workspaces.Collaborators(ctx, ws)
	if err != nil {
		return w, access.None, err
	}
	for _, c := range cs {
		if c.UserID == v.User.ID {
			return w, c.Role, nil
		}
	}
	return w, access.None, nil
}

// newBuilder is the page of the workspace ws for the definition def.
func (s *Site) newBuilder(ctx context.Context, v *visit, ws string, def *cohort.Definition) (*builder, error) {
	w, role, err := s.roleIn(ctx, v, ws)
	if err != nil {
		return nil, err
	}
	return &builder{Token: v.Token, Workspace: w, CanWrite: role >= access.Writer, def: def,
		Domain: cohort.DomainCondition, Descendants: true, Target: "i:0"}, nil
}

func (s *Site) newCohort(w http.ResponseWriter, r *http.Request, v *visit) {
	b, err := s.newBuilder(r.Context(), v, r.PathValue("ws"), &cohort.Definition{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !b.CanWrite {
		s.fail(w, r, fault.New(fault.Forbidden, "forbidden", "a READER of the workspace builds no cohort"))
		return
	}
	s.showBuilder(w, r, v, b, http.StatusOK)
}

func (s *Site) savedCohort(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	c, err := s.deps.App.Cohorts.Cohort(r.Context(), ws, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	def, err := cohort.Parse(c.Definition)
	if err != nil {
		s.fail(w, r, fmt.Errorf("web: saved cohort %s: %w", c.ID, err))
		return
	}
	b, err := s.newBuilder(r.Context(), v, ws, def)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b.Cohort, b.Name, b.Saved = c, c.Name, r.URL.Query().Get("saved") == "1"
	s.showBuilder(w, r, v, b, http.StatusOK)
}

// readBuilder reads the builder's form: the definition it carries with
// the edits of its fields applied.
func (s *Site) readBuilder(r *http.Request, v *visit) (*builder, error) {
	ws := r.PathValue("ws")
	def := &cohort.Definition{}
	if text := r.PostFormValue("definition"); text != "" {
		var err error
		if def, err = cohort.Parse([]byte(text)); err != nil {
			return nil, err
		}
	}
	b, err := s.newBuilder(r.Context(), v, ws, def)
	if err != nil {
		return nil, err
	}
	if id := r.PostFormValue("cohort_id"); id != "" {
		if b.Cohort, err = s.deps.App.Cohorts.Cohort(r.Context(), ws, id); err != nil {
			return nil, err
		}
	}
	b.Name = strings.TrimSpace(r.PostFormValue("name"))
	if d, err := cohort.ParseDomain(r.PostFormValue("domain")); err == nil && slices.ContainsFunc(criteriaDomains, func(c struct {
		Domain cohort.Domain
		Label  string
	}) bool {
		return c.Domain == d
	}) {
		b.Domain = d
	}
	b.Query = strings.TrimSpace(r.PostFormValue("q"))
	b.Target = r.PostFormValue("target")
	if r.PostFormValue("edits") == "1" {
		b.Descendants = r.PostFormValue("descendants") == "1"
		applyEdits(def, r.PostForm)
	}
	return b, nil
}

// applyEdits sets the groups' and items' settings from the fields of
// the form, named as the page names them.
func applyEdits(def *cohort.Definition, f url.Values) {
	for side, groups := range map[string][]cohort.Group{"i": def.Includes, "e": def.Excludes} {
		for gi := range groups {
			g := &groups[gi]
			key := fmt.Sprintf("%s-%d", side, gi)
			g.Temporal = f.Get(key+"-temporal") == "1"
			if g.Temporal {
				g.Mention = cohort.Mention(f.Get(key + "-mention"))
				g.Time = cohort.TimeRelation(f.Get(key + "-time"))
				g.TimeValue, _ = strconv.ParseInt(strings.TrimSpace(f.Get(key+"-timevalue")), 10, 64)
				if g.Time == cohort.SameEncounter {
					g.TimeValue = 0
				}
			} else {
				g.Mention, g.Time, g.TimeValue = "", "", 0
			}
			for ii := range g.Items {
				it := &g.Items[ii]
				ik := fmt.Sprintf("%s-%d", key, ii)
				it.TemporalGroup = 0
				if g.Temporal && f.Get(ik+"-side") == "1" {
					it.TemporalGroup = 1
				}
				if it.Type == cohort.DomainPerson {
					continue
				}
				for pi := range it.Parameters {
					p := &it.Parameters[pi]
					pk := fmt.Sprintf("%s-%d", ik, pi)
					p.Group, p.AncestorData = f.Get(pk+"-desc") == "1", false
					if it.Type == cohort.DomainMeasurement {
						p.Attributes = nil
						if a := comparison(f, pk+"-val", func(s string) cohort.Operand { return number(s) }); a != nil {
							p.Attributes = []cohort.Attribute{{Name: cohort.AttrNum, Operator: a.Operator, Operands: a.Operands}}
						}
					}
				}
				var mods []cohort.Modifier
				if m := comparison(f, ik+"-age", func(s string) cohort.Operand { return whole(s) }); m != nil {
					m.Name = cohort.AgeAtEvent
					mods = append(mods, *m)
				}
				if m := comparison(f, ik+"-date", func(s string) cohort.Operand { return date(s) }); m != nil {
					m.Name = cohort.EventDate
					mods = append(mods, *m)
				}
				if n := strings.TrimSpace(f.Get(ik + "-occ")); n != "" {
					mods = append(mods, cohort.Modifier{Name: cohort.NumOfOccurrences, Operator: cohort.GreaterThanOrEqual, Operands: []cohort.Operand{whole(n)}})
				}
				if vt := strings.TrimSpace(f.Get(ik + "-visit")); vt != "" {
					id, err := strconv.ParseInt(vt, 10, 64)
					var op cohort.Operand = cohort.ConceptID(id)
					if err != nil {
						op = cohort.BadOperand(vt)
					}
					mods = append(mods, cohort.Modifier{Name: cohort.Encounters, Operator: cohort.In, Operands: []cohort.Operand{op}})
				}
				it.Modifiers = mods
			}
		}
	}
}

// comparison reads the fields key-op, key-a and key-b: nil when no
// operator is chosen.
func comparison(f url.Values, key string, read func(string) cohort.Operand) *cohort.Modifier {
	op := cohort.Operator(f.Get(key + "-op"))
	if op == "" {
		return nil
	}
	m := &cohort.Modifier{Operator: op, Operands: []cohort.Operand{read(strings.TrimSpace(f.Get(key + "-a")))}}
	if op == cohort.Between {
		m.Operands = append(m.Operands, read(strings.TrimSpace(f.Get(key+"-b"))))
	}
	return m
}

func whole(s string) cohort.Operand {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return cohort.Whole(n)
	}
	return cohort.BadOperand(s)
}

func number(s string) cohort.Operand {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return cohort.Number(n)
	}
	return cohort.BadOperand(s)
}

func date(s string) cohort.Operand {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return cohort.Date(d)
	}
	return cohort.BadOperand(s)
}

// buildCohort takes one action of the builder's form: the button's op.
func (s *Site) buildCohort(w http.ResponseWriter, r *http.Request, v *visit) {
	b, err := s.readBuilder(r, v)
	if err != nil {
		s.builderFailed(w, r, v, err)
		return
	}
	ctx := r.Context()
	op, arg, _ := strings.Cut(r.PostFormValue("op"), ":")
	switch op {
	case "browse":
		id, _ := strconv.ParseInt(arg, 10, 64)
		if err := s.browse(ctx, b, id); err != nil {
			s.fail(w, r, err)
			return
		}
	case "add":
		id, _ := strconv.ParseInt(arg, 10, 64)
		c, err := s.deps.App.Concepts.Concept(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := cohort.Parameter{ParameterID: fmt.Sprintf("param%d", c.ID), Name: c.Name, Domain: b.Domain, Type: cohort.CriteriaType(strings.ToUpper(c.VocabularyID)),
			Group: b.Descendants, Standard: c.StandardConcept == "S", ConceptID: c.ID}
		b.add(cohort.Item{Name: c.Name, Type: b.Domain, Parameters: []cohort.Parameter{p}})
		b.Searched = false
	case "age":
		lo, hi := whole(strings.TrimSpace(r.PostFormValue("age-min"))), whole(strings.TrimSpace(r.PostFormValue("age-max")))
		p := cohort.Parameter{ParameterID: "age", Name: fmt.Sprintf("Age %s to %s", lo, hi), Domain: cohort.DomainPerson, Type: cohort.TypeAge, Standard: true,
			Attributes: []cohort.Attribute{{Name: cohort.AttrAge, Operator: cohort.Between, Operands: []cohort.Operand{lo, hi}}}}
		b.add(cohort.Item{Name: p.Name, Type: cohort.DomainPerson, Parameters: []cohort.Parameter{p}})
	case "sex", "race", "ethnicity":
		typ := map[string]cohort.CriteriaType{"sex": cohort.TypeSex, "race": cohort.TypeRace, "ethnicity": cohort.TypeEthnicity}[op]
		id, err := strconv.ParseInt(r.PostFormValue(op), 10, 64)
		if err != nil {
			b.Errors = &fault.Fields{Of: workbench.ErrInvalid}
			b.Errors.Add(op, "choose a value")
			break
		}
		c, err := s.deps.App.Concepts.Concept(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		label := map[string]string{"sex": "Sex at birth", "race": "Race", "ethnicity": "Ethnicity"}[op]
		p := cohort.Parameter{ParameterID: fmt.Sprintf("%s%d", op, id), Name: label + ": " + c.Name, Domain: cohort.DomainPerson, Type: typ, Standard: true, ConceptID: id}
		b.add(cohort.Item{Name: p.Name, Type: cohort.DomainPerson, Parameters: []cohort.Parameter{p}})
	case "deceased":
		p := cohort.Parameter{ParameterID: "deceased", Name: "Deceased", Domain: cohort.DomainPerson, Type: cohort.TypeDeceased, Standard: true}
		b.add(cohort.Item{Name: p.Name, Type: cohort.DomainPerson, Parameters: []cohort.Parameter{p}})
	case "remove":
		b.remove(arg)
	case "save", "duplicate":
		if s.saveCohort(w, r, b, op == "duplicate") {
			return
		}
	}
	if (op == "search" || b.Query != "") && b.Browse == nil && op != "add" {
		if err := s.searchCriteria(ctx, b); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if b.Errors != nil {
		status = http.StatusUnprocessableEntity
	}
	s.showBuilder(w, r, v, b, status)
}

// builderFailed shows a definition that does not parse as the problem of
// the form, or the error page.
func (s *Site) builderFailed(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	if fe := fieldErrors(err, "definition"); fe != nil && errors.Is(err, cohort.ErrInvalid) {
		b, berr := s.newBuilder(r.Context(), v, r.PathValue("ws"), &cohort.Definition{})
		if berr == nil {
			b.Errors = fe
			s.showBuilder(w, r, v, b, http.StatusUnprocessableEntity)
			return
		}
	}
	s.fail(w, r, err)
}

// add adds the item to the group the form's target names.
func (b *builder) add(it cohort.Item) {
	side, at, _ := strings.Cut(b.Target, ":")
	groups := &b.def.Includes
	if side == "e" {
		groups = &b.def.Excludes
	}
	i, err := strconv.Atoi(at)
	if err != nil || i < 0 || i >= len(*groups) {
		*groups = append(*groups, cohort.Group{})
		i = len(*groups) - 1
		b.Target = fmt.Sprintf("%s:%d", side, i)
		if side != "e" {
			b.Target = fmt.Sprintf("i:%d", i)
		}
	}
	g := &(*groups)[i]
	g.Items = append(g.Items, it)
}

// remove removes the item "i-0-1" (side, group, item); a group left
// without items goes too.
func (b *builder) remove(key string) {
	parts := strings.Split(key, "-")
	if len(parts) != 3 {
		return
	}
	groups := &b.def.Includes
	if parts[0] == "e" {
		groups = &b.def.Excludes
	}
	gi, err1 := strconv.Atoi(parts[1])
	ii, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || gi < 0 || gi >= len(*groups) || ii < 0 || ii >= len((*groups)[gi].Items) {
		return
	}
	g := &(*groups)[gi]
	g.Items = slices.Delete(g.Items, ii, ii+1)
	if len(g.Items) == 0 {
		*groups = slices.Delete(*groups, gi, gi+1)
	}
}

// saveCohort saves the definition under the form's name, as a copy when
// asCopy; it answers whether it wrote the response.
func (s *Site) saveCohort(w http.ResponseWriter, r *http.Request, b *builder, asCopy bool) bool {
	b.Errors = &fault.Fields{Of: workbench.ErrInvalid}
	name := b.Name
	if asCopy && name == b.Cohort.Name {
		name = "Copy of " + name
	}
	if name == "" {
		b.Errors.Add("name", "empty: the cohort needs a name")
	}
	if err := b.def.Validate(); err != nil {
		for _, f := range fault.FieldsOf(err) {
			b.Errors.Add(f.Path, "%s", f.Message)
		}
	}
	if len(b.Errors.List) > 0 {
		return false
	}
	c := b.Cohort
	c.WorkspaceID, c.Name = b.Workspace.ID, name
	if asCopy {
		c.ID = ""
	}
	out, err := s.deps.App.Cohorts.SaveCohort(r.Context(), c, b.def)
	if fe := fieldErrors(err, "name"); fe != nil {
		b.Errors = fe
		return false
	}
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	http.Redirect(w, r, "/workspaces/"+url.PathEscape(out.WorkspaceID)+"/cohorts/"+url.PathEscape(out.ID)+"?saved=1", http.StatusSeeOther)
	return true
}

// searchCriteria finds the concepts of the form's search.
func (s *Site) searchCriteria(ctx context.Context, b *builder) error {
	std := true
	found, err := s.deps.App.Concepts.SearchConcepts(ctx, engine.ConceptSearch{Query: b.Query, Domain: string(b.Domain), Standard: &std, Limit: 25})
	if err != nil {
		return err
	}
	b.Found, b.Searched = found, true
	return nil
}

// browse shows the concept id with its parents and children.
func (s *Site) browse(ctx context.Context, b *builder, id int64) error {
	c, err := s.deps.App.Concepts.Concept(ctx, id)
	if err != nil {
		return err
	}
	if b.Parents, err = s.deps.App.Concepts.Parents(ctx, id); err != nil {
		return err
	}
	if b.Children, err = s.deps.App.Concepts.Children(ctx, id); err != nil {
		return err
	}
	b.Browse = &c
	return nil
}

// cohortResults is the results fragment of the builder's form as it
// stands: what static/cohort.js puts in the page.
func (s *Site) cohortResults(w http.ResponseWriter, r *http.Request, v *visit) {
	b, err := s.readBuilder(r, v)
	if err != nil {
		if fe := fieldErrors(err, "definition"); fe != nil {
			b = &builder{Results: results{Problems: fe.List}}
		} else {
			s.fail(w, r, err)
			return
		}
	} else if err := s.count(r.Context(), b); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.pages["cohort"].ExecuteTemplate(w, "results", b.Results); err != nil {
		s.log.Error("web: cohort results", "err", err)
	}
}

// count fills the results of the builder's definition: its problems, or
// its count and demographics.
func (s *Site) count(ctx context.Context, b *builder) error {
	def := b.def
	if len(def.Includes) == 0 && len(def.Excludes) == 0 {
		b.Results = results{Empty: true}
		return nil
	}
	if err := def.Validate(); err != nil {
		b.Results = results{Problems: fault.FieldsOf(err)}
		return nil
	}
	n, err := s.deps.App.Cohorts.Count(ctx, b.Workspace.ID, def)
	if fe := fault.FieldsOf(err); fe != nil {
		b.Results = results{Problems: fe}
		return nil
	}
	if err != nil {
		return err
	}
	b.Results = results{Count: n}
	d, err := s.deps.App.Cohorts.DefinitionDemographics(ctx, b.Workspace.ID, def)
	if err != nil {
		return err
	}
	b.Results.Figures = demographicFigures(d)
	return nil
}

// demographicFigures are the charts of a cohort's demographics: exact
// counts, for the researchers of its workspace.
func demographicFigures(d *engine.Demographics) []countFigure {
	bars := func(cs []engine.DemographicCount) []chart.Bar {
		out := make([]chart.Bar, len(cs))
		for i, c := range cs {
			out[i] = chart.Bar{Label: c.Name, Value: float64(c.Count), Text: strconv.FormatInt(c.Count, 10)}
		}
		return out
	}
	age := []chart.Bar{}
	for _, a := range []struct {
		label string
		n     int64
	}{{"0-17", d.Ages.Age0To17}, {"18-44", d.Ages.Age18To44}, {"45-64", d.Ages.Age45To64}, {"65+", d.Ages.Age65Up}, {"unknown", d.Ages.Unknown}} {
		if a.n > 0 || a.label != "unknown" {
			age = append(age, chart.Bar{Label: a.label, Value: float64(a.n), Text: strconv.FormatInt(a.n, 10)})
		}
	}
	return []countFigure{
		{ID: "chart-sex", Title: "Participants by sex at birth", Bars: bars(d.SexAtBirth)},
		{ID: "chart-age", Title: "Participants by age", Bars: age},
		{ID: "chart-race", Title: "Participants by race", Bars: bars(d.Race)},
		{ID: "chart-ethnicity", Title: "Participants by ethnicity", Bars: bars(d.Ethnicity)},
	}
}

// showBuilder shows the builder page of b, with its count and the
// choices of its fields.
func (s *Site) showBuilder(w http.ResponseWriter, r *http.Request, v *visit, b *builder, status int) {
	ctx := r.Context()
	if err := s.count(ctx, b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.CanWrite {
		var err error
		for _, c := range []struct {
			domain string
			into   *[]engine.Concept
		}{{"Gender", &b.Sexes}, {"Race", &b.Races}, {"Ethnicity", &b.Ethnicities}, {"Visit", &b.Visits}} {
			if *c.into, err = s.deps.App.Concepts.SearchConcepts(ctx, engine.ConceptSearch{Domain: c.domain, Limit: 100}); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	if b.Cohort.ID != "" {
		var err error
		if b.Reviews, err = s.deps.App.Reviews.Reviews(ctx, b.Workspace.ID, b.Cohort.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	text, err := b.def.MarshalJSON()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b.Definition = string(text)
	problems := b.Results.Problems
	if b.Errors != nil {
		problems = append(problems, b.Errors.List...)
	}
	b.Includes = groupViews("i", "includes", "Include", b.def.Includes, problems)
	b.Excludes = groupViews("e", "excludes", "Exclude", b.def.Excludes, problems)
	title := "Build a cohort"
	if b.Cohort.ID != "" {
		title = b.Cohort.Name
	}
	if status != http.StatusOK {
		title += ": check the form"
	}
	s.show(w, r, v, status, "cohort", title, "workspaces", b)
}

func groupViews(side, path, title string, gs []cohort.Group, problems []fault.Field) []groupView {
	out := make([]groupView, len(gs))
	for gi, g := range gs {
		gv := groupView{Key: fmt.Sprintf("%s-%d", side, gi), Path: fmt.Sprintf("%s[%d]", path, gi), Title: fmt.Sprintf("%s group %d", title, gi+1), Group: g}
		for ii, it := range g.Items {
			iv := itemView{Key: fmt.Sprintf("%s-%d", gv.Key, ii), Path: fmt.Sprintf("%s.items[%d]", gv.Path, ii), Item: it, Person: it.Type == cohort.DomainPerson}
			for _, p := range problems {
				if p.Path == iv.Path || strings.HasPrefix(p.Path, iv.Path+".") {
					iv.Errors = append(iv.Errors, p)
				}
			}
			for _, m := range it.Modifiers {
				switch m.Name {
				case cohort.AgeAtEvent:
					iv.Age = modifierOf(m.Operator, m.Operands)
				case cohort.EventDate:
					iv.Date = modifierOf(m.Operator, m.Operands)
				case cohort.NumOfOccurrences:
					iv.Occurrences = modifierOf(m.Operator, m.Operands).A
				case cohort.Encounters:
					if len(m.Operands) > 0 {
						if c, ok := m.Operands[0].(cohort.ConceptID); ok {
							iv.Visit = int64(c)
						}
					}
				}
			}
			for pi, p := range it.Parameters {
				pv := paramView{Key: fmt.Sprintf("%s-%d", iv.Key, pi), Parameter: p, Valued: it.Type == cohort.DomainMeasurement}
				for _, a := range p.Attributes {
					if a.Name == cohort.AttrNum {
						pv.Value = modifierOf(a.Operator, a.Operands)
					}
				}
				iv.Params = append(iv.Params, pv)
			}
			iv.Summary = summary(it)
			gv.Items = append(gv.Items, iv)
		}
		out[gi] = gv
	}
	return out
}

func modifierOf(op cohort.Operator, operands []cohort.Operand) modifierView {
	m := modifierView{Op: op}
	if len(operands) > 0 {
		m.A = operands[0].String()
	}
	if len(operands) > 1 {
		m.B = operands[1].String()
	}
	return m
}

// summary says in words what an item asks for.
func summary(it cohort.Item) string {
	var b strings.Builder
	for i, p := range it.Parameters {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString(p.Name)
		if p.Group || p.AncestorData {
			b.WriteString(" (with descendants)")
		}
		for _, a := range p.Attributes {
			if a.Name == cohort.AttrNum {
				b.WriteString(", value " + words(a.Operator, a.Operands))
			}
		}
	}
	for _, m := range it.Modifiers {
		switch m.Name {
		case cohort.AgeAtEvent:
			b.WriteString("; age at event " + words(m.Operator, m.Operands))
		case cohort.EventDate:
			b.WriteString("; event date " + words(m.Operator, m.Operands))
		case cohort.NumOfOccurrences:
			b.WriteString("; on " + words(m.Operator, m.Operands) + " dates")
		case cohort.Encounters:
			b.WriteString("; during a visit of type " + words(m.Operator, m.Operands))
		}
	}
	return b.String()
}

func words(op cohort.Operator, operands []cohort.Operand) string {
	s := make([]string, len(operands))
	for i, o := range operands {
		s[i] = o.String()
	}
	if op == cohort.Between && len(s) == 2 {
		return "between " + s[0] + " and " + s[1]
	}
	for _, c := range comparisons {
		if c.Op == op {
			return c.Label + " " + strings.Join(s, ", ")
		}
	}
	return strings.ToLower(string(op)) + " " + strings.Join(s, ", ")
}

// cmpView is a comparison's fields: an operator and one or two values.
type cmpView struct {
	Key, Label, Type string
	modifierView
	Comparisons any
}

// Cmp is the comparison fields named key for m.
func (b *builder) Cmp(key, label, typ string, m modifierView) cmpView {
	return cmpView{Key: key, Label: label, Type: typ, modifierView: m, Comparisons: comparisons}
}

// The builder's template functions join the site's before New parses the
// pages.
func init() {
	funcs["list"] = func(v ...any) []any { return v }
	funcs["one"] = func(c *engine.Concept) []engine.Concept { return []engine.Concept{*c} }
	funcs["mentions"] = func() map[string]string {
		return map[string]string{string(cohort.AnyMention): "any events", string(cohort.FirstMention): "the first events", string(cohort.LastMention): "the last events"}
	}
	funcs["timeRelations"] = func() map[string]string {
		return map[string]string{string(cohort.SameEncounter): "in the same visit as", string(cohort.DaysBefore): "at least N days before",
			string(cohort.DaysAfter): "at least N days after", string(cohort.WithinDays): "within N days of"}
	}
}
