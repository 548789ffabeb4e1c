package web

import (
	"encoding/json"
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

// Cohort review: a seeded random sample of a saved cohort's participants
// that the workspace's writers go through one by one, giving each a
// status and answers to the cohort's annotation fields beside the
// participant's demographics and events. The table's filters, order and
// page are query parameters, so that every view of it is a link; the
// participant pages carry them too, so that "next" follows the table.

// reviewPageSize is the participants of a page of the table, and
// eventPageSize the events of a page of a participant's timeline.
const (
	reviewPageSize = 25
	eventPageSize  = 25
)

func (s *Site) reviewRoutes(m *http.ServeMux) {
	const rv = "/workspaces/{ws}/reviews/{review}"
	m.HandleFunc("GET /workspaces/{ws}/reviews/new", s.signedIn(s.newReview))
	m.HandleFunc("POST /workspaces/{ws}/reviews", s.signedIn(s.createReview))
	m.HandleFunc("GET "+rv, s.signedIn(s.review))
	m.HandleFunc("POST "+rv+"/fields", s.signedIn(s.createField))
	m.HandleFunc("GET "+rv+"/fields/{field}", s.signedIn(s.fieldPage))
	m.HandleFunc("GET "+rv+"/fields/{field}/delete", s.signedIn(s.confirmDeleteField))
	m.HandleFunc("POST "+rv+"/fields/{field}/delete", s.signedIn(s.deleteField))
	m.HandleFunc("GET "+rv+"/delete", s.signedIn(s.confirmDeleteReview))
	m.HandleFunc("POST "+rv+"/delete", s.signedIn(s.deleteReview))
	m.HandleFunc("GET "+rv+"/participants/{person}", s.signedIn(s.participant))
	m.HandleFunc("POST "+rv+"/participants/{person}/status", s.signedIn(s.setStatus))
	m.HandleFunc("POST "+rv+"/participants/{person}/annotations", s.signedIn(s.annotate))
}

// statusLabels name the review statuses on the pages.
var statusLabels = map[workbench.ReviewStatus]string{
	workbench.NotReviewed:        "Not reviewed",
	workbench.Included:           "Included",
	workbench.Excluded:           "Excluded",
	workbench.NeedsFurtherReview: "Needs further review",
}

// fieldTypes are the types of annotation fields with their labels.
var fieldTypes = []struct {
	Type  workbench.FieldType
	Label string
}{
	{workbench.StringField, "Text"},
	{workbench.EnumField, "A choice from a list"},
	{workbench.DateField, "Date"},
	{workbench.BooleanField, "Yes or no"},
	{workbench.IntegerField, "Whole number"},
}

// eventDomains are the domains of a participant's timeline, with their
// labels.
var eventDomains = append(slices.Clone(criteriaDomains), struct {
	Domain cohort.Domain
	Label  string
}{cohort.DomainSurvey, "Surveys"})

// reviewPath is the page of the review id of the workspace ws.
func reviewPath(ws, id string) string {
	return "/workspaces/" + url.PathEscape(ws) + "/reviews/" + url.PathEscape(id)
}

// reviewForm is the form of a new review, again with what was sent and
// its problems.
type reviewForm struct {
	Token     string
	Workspace workbench.Workspace
	Cohorts   []workbench.Cohort
	// Cohort is the id of the cohort chosen.
	Cohort, Name, Size string
	Errors             *fault.Fields
}

// Label is the name of the field at path, for the summary of problems.
func (reviewForm) Label(path string) string {
	return map[string]string{"name": "Name", "cohort": "Cohort", "size": "Number of participants"}[path]
}

func (s *Site) newReview(w http.ResponseWriter, r *http.Request, v *visit) {
	d, err := s.reviewForm(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Cohort, d.Size = r.URL.Query().Get("cohort"), "20"
	s.show(w, r, v, http.StatusOK, "review_new", "Create a cohort review", "workspaces", d)
}

// reviewForm is the empty form of the workspace of r, for a WRITER.
func (s *Site) reviewForm(r *http.Request, v *visit) (reviewForm, error) {
	ws, role, err := s.roleIn(r.Context(), v, r.PathValue("ws"))
	if err == nil && role < access.Writer {
		err = fault.New(fault.Forbidden, "forbidden", "a READER of the workspace creates no review")
	}
	d := reviewForm{Token: v.Token, Workspace: ws}
	if err == nil {
		d.Cohorts, err = s.deps.App.Cohorts.Cohorts(r.Context(), ws.ID)
	}
	return d, err
}

// createReview draws the sample and shows its review; the service checks
// the number of participants, the form what it cannot read.
func (s *Site) createReview(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	name, cohortID, size := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("cohort"), strings.TrimSpace(r.PostFormValue("size"))
	problems := fault.Fields{Of: workbench.ErrInvalid}
	if cohortID == "" {
		problems.Add("cohort", "Choose the saved cohort to draw participants from.")
	}
	n, err := strconv.Atoi(size)
	if err != nil {
		problems.Add("size", "Enter a whole number of participants, from 1 to %d.", workbench.MaxReviewSize)
	}
	err = problems.Err()
	if err == nil {
		var rv workbench.Review
		rv, err = s.deps.App.Reviews.CreateReview(r.Context(), ws, cohortID, workbench.NewReview{Name: name, Size: n})
		if err == nil {
			http.Redirect(w, r, reviewPath(ws, rv.ID), http.StatusSeeOther)
			return
		}
	}
	fe := fieldErrors(err, "name")
	if fe == nil {
		s.fail(w, r, err)
		return
	}
	d, derr := s.reviewForm(r, v)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.Cohort, d.Name, d.Size, d.Errors = cohortID, name, size, fe
	s.show(w, r, v, http.StatusUnprocessableEntity, "review_new", "Create a cohort review: check the form", "workspaces", d)
}

// tableQuery is the table's filters, order and page as the query
// parameters of the review page name them (page from 1).
type tableQuery struct {
	Status, Sex, Sort, Order string
	Page                     int
}

// readTableQuery reads the table's query parameters; the problems of
// those the services do not check are at their fields.
func readTableQuery(q url.Values, problems *fault.Fields) (tableQuery, workbench.ParticipantQuery) {
	t := tableQuery{Status: q.Get("status"), Sex: q.Get("sex_at_birth"), Sort: q.Get("sort"), Order: q.Get("order"), Page: 1}
	pq := workbench.ParticipantQuery{Status: workbench.ReviewStatus(t.Status), SexAtBirth: t.Sex, Sort: workbench.ParticipantSort(t.Sort), Size: reviewPageSize}
	switch t.Order {
	case "", "asc":
	case "desc":
		pq.Descending = true
	default:
		problems.Add("order", "Choose an order from the list.")
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			problems.Add("page", "The page is a number from 1.")
		} else {
			t.Page, pq.Page = n, n-1
		}
	}
	return t, pq
}

// Values is the query, without its defaults.
func (t tableQuery) Values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"status", t.Status}, {"sex_at_birth", t.Sex}, {"sort", t.Sort}, {"order", t.Order}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if t.Page > 1 {
		v.Set("page", strconv.Itoa(t.Page))
	}
	return v
}

// Encode is the query as a query string, "" for the defaults.
func (t tableQuery) Encode() string { return t.Values().Encode() }

// reviewPage is a review's page: its participants and annotation fields.
type reviewPage struct {
	Token     string
	Workspace workbench.Workspace
	CanWrite  bool
	Review    workbench.Review
	Cohort    workbench.Cohort
	Fields    []workbench.AnnotationField
	Query     tableQuery
	Rows      workbench.ParticipantPage
	Pages     int
	// Prev and Next are the links to the pages around; empty at an end.
	Prev, Next string
	Sexes      []string
	// Errors are the problems of the table's query parameters.
	Errors *fault.Fields
	// NewField is the form of a new annotation field, again with its
	// problems.
	NewField struct {
		Name, Type, Values string
		Errors             *fault.Fields
	}
}

func (d *reviewPage) Path() string { return reviewPath(d.Workspace.ID, d.Review.ID) }

// Statuses and FieldTypes are the choices of the page's forms.
func (d *reviewPage) Statuses() []workbench.ReviewStatus { return workbench.ReviewStatuses }
func (d *reviewPage) FieldTypes() any                    { return fieldTypes }

// Link is the participant person's page, with the table's query.
func (d *reviewPage) Link(person int64) string {
	return participantLink(d.Workspace.ID, d.Review.ID, person, d.Query)
}

// SortLink is the table sorted by key: the other way when it already is.
func (d *reviewPage) SortLink(key string) string {
	q := d.Query
	q.Page, q.Order = 1, ""
	if q.Sort == key || (key == string(workbench.SortPersonID) && q.Sort == "") {
		if d.Query.Order != "desc" {
			q.Order = "desc"
		}
	}
	q.Sort = key
	if e := q.Encode(); e != "" {
		return d.Path() + "?" + e
	}
	return d.Path()
}

// AriaSort is the aria-sort of the column of key.
func (d *reviewPage) AriaSort(key string) string {
	if d.Query.Sort != key && !(key == string(workbench.SortPersonID) && d.Query.Sort == "") {
		return "none"
	}
	if d.Query.Order == "desc" {
		return "descending"
	}
	return "ascending"
}

// participantLink is the page of the participant person, with the
// table's query.
func participantLink(ws, review string, person int64, q tableQuery) string {
	p := reviewPath(ws, review) + "/participants/" + strconv.FormatInt(person, 10)
	if e := q.Encode(); e != "" {
		return p + "?" + e
	}
	return p
}

// reviewData reads everything the review's page shows, the table as the
// query parameters of r ask.
func (s *Site) reviewData(r *http.Request, v *visit) (*reviewPage, error) {
	ctx, a := r.Context(), s.deps.App
	ws, role, err := s.roleIn(ctx, v, r.PathValue("ws"))
	if err != nil {
		return nil, err
	}
	d := &reviewPage{Token: v.Token, Workspace: ws, CanWrite: role >= access.Writer}
	if d.Review, err = a.Reviews.Review(ctx, ws.ID, r.PathValue("review")); err != nil {
		return nil, err
	}
	if d.Cohort, err = a.Cohorts.Cohort(ctx, ws.ID, d.Review.CohortID); err != nil {
		return nil, err
	}
	if d.Fields, err = a.Reviews.AnnotationFields(ctx, ws.ID, d.Review.CohortID); err != nil {
		return nil, err
	}
	sexes, err := a.Concepts.SearchConcepts(ctx, engine.ConceptSearch{Domain: "Gender", Limit: 100})
	if err != nil {
		return nil, err
	}
	for _, c := range sexes {
		d.Sexes = append(d.Sexes, c.Name)
	}
	problems := fault.Fields{Of: workbench.ErrInvalid}
	var pq workbench.ParticipantQuery
	d.Query, pq = readTableQuery(r.URL.Query(), &problems)
	if d.Query.Sex != "" && !slices.Contains(d.Sexes, d.Query.Sex) {
		d.Sexes = append(d.Sexes, d.Query.Sex)
	}
	if err := problems.Err(); err != nil {
		d.Errors = &problems
		return d, nil
	}
	d.Rows, err = a.Reviews.ReviewParticipants(ctx, ws.ID, d.Review.ID, pq)
	if fe := fieldErrors(err, "page"); fe != nil {
		d.Errors = fe
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	d.Pages = max(1, (d.Rows.Total+reviewPageSize-1)/reviewPageSize)
	q := d.Query.Values()
	if d.Query.Page > 1 {
		d.Prev = pageLink(d.Path(), q, min(d.Query.Page-1, d.Pages))
	}
	if d.Query.Page < d.Pages {
		d.Next = pageLink(d.Path(), q, d.Query.Page+1)
	}
	return d, nil
}

// review is the page of a review: the participant table, filtered,
// sorted and paged as its query parameters say, and the annotation
// fields.
func (s *Site) review(w http.ResponseWriter, r *http.Request, v *visit) {
	d, err := s.reviewData(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Errors != nil {
		s.show(w, r, v, http.StatusUnprocessableEntity, "review", d.Review.Name+": check the filters", "workspaces", d)
		return
	}
	s.show(w, r, v, http.StatusOK, "review", d.Review.Name, "workspaces", d)
}

// createField adds an annotation field to the review's cohort.
func (s *Site) createField(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, ws := r.Context(), r.PathValue("ws")
	name, typ := strings.TrimSpace(r.PostFormValue("field-name")), workbench.FieldType(r.PostFormValue("field-type"))
	var values []string
	if typ == workbench.EnumField {
		for l := range strings.Lines(r.PostFormValue("field-values")) {
			if l = strings.TrimSpace(l); l != "" {
				values = append(values, l)
			}
		}
	}
	rv, err := s.deps.App.Reviews.Review(ctx, ws, r.PathValue("review"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	problems := fault.Fields{Of: workbench.ErrInvalid}
	if name == "" {
		problems.Add("field-name", "Give the field a name: the question reviewers answer.")
	}
	if typ == workbench.EnumField && len(values) == 0 {
		problems.Add("field-values", "Give the choices of the list, one a line.")
	}
	err = problems.Err()
	if err == nil {
		_, err = s.deps.App.Reviews.CreateAnnotationField(ctx, ws, workbench.AnnotationField{CohortID: rv.CohortID, Name: name, Type: typ, EnumValues: values})
		if err == nil {
			http.Redirect(w, r, reviewPath(ws, rv.ID)+"#fields-h", http.StatusSeeOther)
			return
		}
	}
	fe := fieldErrors(err, "field-name")
	if fe == nil {
		s.fail(w, r, err)
		return
	}
	d, derr := s.reviewData(r, v)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.NewField.Name, d.NewField.Type, d.NewField.Values, d.NewField.Errors = name, string(typ), r.PostFormValue("field-values"), fe
	s.show(w, r, v, http.StatusUnprocessableEntity, "review", d.Review.Name+": check the form", "workspaces", d)
}

// fieldPage is where an annotation field is shown: in the list of its
// review's page.
func (s *Site) fieldPage(w http.ResponseWriter, r *http.Request, v *visit) {
	http.Redirect(w, r, reviewPath(r.PathValue("ws"), r.PathValue("review"))+"#fields-h", http.StatusSeeOther)
}

// confirmDeleteField asks before an annotation field goes with its
// answers in every review of the cohort.
func (s *Site) confirmDeleteField(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, ws := r.Context(), r.PathValue("ws")
	rv, err := s.deps.App.Reviews.Review(ctx, ws, r.PathValue("review"))
	var fields []workbench.AnnotationField
	if err == nil {
		fields, err = s.deps.App.Reviews.AnnotationFields(ctx, ws, rv.CohortID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(fields, func(f workbench.AnnotationField) bool { return f.ID == r.PathValue("field") })
	if i < 0 {
		s.fail(w, r, errNotFound)
		return
	}
	s.confirmDelete(w, r, v, "annotation field", fields[i].Name, reviewPath(ws, rv.ID)+"/fields/"+url.PathEscape(fields[i].ID))
}

// deleteField deletes an annotation field of the review's cohort, with
// its values in every review of it.
func (s *Site) deleteField(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, ws := r.Context(), r.PathValue("ws")
	rv, err := s.deps.App.Reviews.Review(ctx, ws, r.PathValue("review"))
	if err == nil {
		err = s.deps.App.Reviews.DeleteAnnotationField(ctx, ws, rv.CohortID, r.PathValue("field"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, reviewPath(ws, rv.ID)+"#fields-h", http.StatusSeeOther)
}

func (s *Site) confirmDeleteReview(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	rv, err := s.deps.App.Reviews.Review(r.Context(), ws, r.PathValue("review"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.confirmDelete(w, r, v, "review", rv.Name, reviewPath(ws, rv.ID))
}

func (s *Site) deleteReview(w http.ResponseWriter, r *http.Request, v *visit) {
	ws := r.PathValue("ws")
	if err := s.deps.App.Reviews.DeleteReview(r.Context(), ws, r.PathValue("review")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/workspaces/"+url.PathEscape(ws)+"#reviews-h", http.StatusSeeOther)
}

// participantPage is a participant's page: demographics, status,
// annotations and the timeline of events.
type participantPage struct {
	Token       string
	Workspace   workbench.Workspace
	CanWrite    bool
	Review      workbench.Review
	Participant workbench.Participant
	Annotations []annotationView
	// Query is the table's, kept by every link and form of the page.
	Query tableQuery
	// Position is the participant's in the table (from 1), of Of; 0
	// when the participant no longer matches the table's filters.
	Position, Of int
	// PrevPerson and NextPerson are the pages of the participants around
	// in the table; empty at an end.
	PrevPerson, NextPerson string
	Events                 workbench.EventPage
	Domain                 cohort.Domain
	EventPage, EventPages  int
	PrevEvents, NextEvents string
	// Notice says what the last form saved.
	Notice string
	Errors *fault.Fields
}

// annotationView is an annotation field with the participant's value as
// its input shows it.
type annotationView struct {
	Field workbench.AnnotationField
	// Name is the input's id and name: the path of its problem.
	Name    string
	Value   string
	Checked bool
	Error   string
}

func (d *participantPage) Path() string {
	return reviewPath(d.Workspace.ID, d.Review.ID) + "/participants/" + strconv.FormatInt(d.Participant.PersonID, 10)
}

// Table is the review's table as the participant was reached from it.
func (d *participantPage) Table() string {
	if e := d.Query.Encode(); e != "" {
		return reviewPath(d.Workspace.ID, d.Review.ID) + "?" + e
	}
	return reviewPath(d.Workspace.ID, d.Review.ID)
}

func (d *participantPage) Statuses() []workbench.ReviewStatus { return workbench.ReviewStatuses }
func (d *participantPage) Domains() any                       { return eventDomains }

// annotationName is the form field of the annotation field id.
func annotationName(id string) string { return "annotation-" + id }

// annotationViews are the fields with the participant's values.
func annotationViews(fields []workbench.AnnotationField, p workbench.Participant) []annotationView {
	out := make([]annotationView, len(fields))
	for i, f := range fields {
		a := annotationView{Field: f, Name: annotationName(f.ID)}
		if raw, ok := p.Annotations[f.ID]; ok {
			var s string
			switch f.Type {
			case workbench.BooleanField:
				a.Checked = string(raw) == "true"
			case workbench.IntegerField:
				a.Value = string(raw)
			default:
				if json.Unmarshal(raw, &s) == nil {
					a.Value = s
				}
			}
		}
		out[i] = a
	}
	return out
}

// participantData reads everything the participant's page shows.
func (s *Site) participantData(r *http.Request, v *visit) (*participantPage, error) {
	ctx, a := r.Context(), s.deps.App
	person, err := strconv.ParseInt(r.PathValue("person"), 10, 64)
	if err != nil {
		return nil, errNotFound
	}
	ws, role, err := s.roleIn(ctx, v, r.PathValue("ws"))
	if err != nil {
		return nil, err
	}
	d := &participantPage{Token: v.Token, Workspace: ws, CanWrite: role >= access.Writer}
	if d.Review, err = a.Reviews.Review(ctx, ws.ID, r.PathValue("review")); err != nil {
		return nil, err
	}
	if d.Participant, err = a.Reviews.ReviewParticipant(ctx, ws.ID, d.Review.ID, person); err != nil {
		return nil, err
	}
	fields, err := a.Reviews.AnnotationFields(ctx, ws.ID, d.Review.CohortID)
	if err != nil {
		return nil, err
	}
	d.Annotations = annotationViews(fields, d.Participant)
	q := r.URL.Query()
	// A table query the review page would refuse is dropped: the
	// participant is shown with the review's whole table around.
	var pq workbench.ParticipantQuery
	if d.Query, pq = readTableQuery(q, &fault.Fields{Of: workbench.ErrInvalid}); pq.Status != "" && !pq.Status.Valid() || pq.Sort != "" && !slices.Contains(workbench.ParticipantSorts, pq.Sort) {
		d.Query, pq = tableQuery{Page: 1}, workbench.ParticipantQuery{}
	}
	if err := s.neighbours(r, d, pq); err != nil {
		return nil, err
	}
	if dm := q.Get("domain"); dm != "" {
		if d.Domain, err = cohort.ParseDomain(dm); err != nil {
			return nil, fault.At(workbench.ErrInvalid, "domain", "%s", err.Error())
		}
	}
	d.EventPage = 1
	if p := q.Get("event_page"); p != "" {
		if d.EventPage, err = strconv.Atoi(p); err != nil || d.EventPage < 1 {
			return nil, fault.At(workbench.ErrInvalid, "event_page", "the page of events is a number from 1")
		}
	}
	if d.Events, err = a.Reviews.ParticipantEvents(ctx, ws.ID, d.Review.ID, person, d.Domain, d.EventPage-1, eventPageSize); err != nil {
		return nil, err
	}
	d.EventPages = max(1, int((d.Events.Total+eventPageSize-1)/eventPageSize))
	ev := d.Query.Values()
	ev.Del("page")
	if d.Domain != "" {
		ev.Set("domain", string(d.Domain))
	}
	link := func(n int) string {
		c := url.Values{}
		for k, v := range ev {
			c[k] = v
		}
		if d.Query.Page > 1 {
			c.Set("page", strconv.Itoa(d.Query.Page))
		}
		c.Set("event_page", strconv.Itoa(n))
		return d.Path() + "?" + c.Encode() + "#timeline-h"
	}
	if d.EventPage > 1 {
		d.PrevEvents = link(min(d.EventPage-1, d.EventPages))
	}
	if d.EventPage < d.EventPages {
		d.NextEvents = link(d.EventPage + 1)
	}
	return d, nil
}

// neighbours finds the participant's place in the table of pq, and the
// participants before and after. A participant who left the table (a
// status changed under a filter of statuses) is placed by the review's
// whole table in the same order, so that "next" still goes on through
// the filtered table.
func (s *Site) neighbours(r *http.Request, d *participantPage, pq workbench.ParticipantQuery) error {
	ctx, ws, id, person := r.Context(), d.Workspace.ID, d.Review.ID, d.Participant.PersonID
	pq.Page, pq.Size = 0, workbench.MaxReviewSize
	table, err := s.deps.App.Reviews.ReviewParticipants(ctx, ws, id, pq)
	if err != nil {
		return err
	}
	ids := make([]int64, len(table.Participants))
	for i, p := range table.Participants {
		ids[i] = p.PersonID
	}
	d.Of = len(ids)
	link := func(p int64) string { return participantLink(ws, id, p, d.Query) }
	if i := slices.Index(ids, person); i >= 0 {
		d.Position = i + 1
		if i > 0 {
			d.PrevPerson = link(ids[i-1])
		}
		if i+1 < len(ids) {
			d.NextPerson = link(ids[i+1])
		}
		return nil
	}
	if pq.Status == "" && pq.SexAtBirth == "" {
		return nil
	}
	pq.Status, pq.SexAtBirth = "", ""
	whole, err := s.deps.App.Reviews.ReviewParticipants(ctx, ws, id, pq)
	if err != nil {
		return err
	}
	inTable := make(map[int64]bool, len(ids))
	for _, p := range ids {
		inTable[p] = true
	}
	i := slices.IndexFunc(whole.Participants, func(p workbench.Participant) bool { return p.PersonID == person })
	for j := i - 1; j >= 0 && i >= 0; j-- {
		if p := whole.Participants[j].PersonID; inTable[p] {
			d.PrevPerson = link(p)
			break
		}
	}
	for j := i + 1; j < len(whole.Participants) && i >= 0; j++ {
		if p := whole.Participants[j].PersonID; inTable[p] {
			d.NextPerson = link(p)
			break
		}
	}
	return nil
}

// participantNotices say what a form of the participant's page saved.
var participantNotices = map[string]string{
	"status":      "The status is saved.",
	"annotations": "The annotations are saved.",
	"unchanged":   "Nothing changed.",
}

// participant is a participant's page.
func (s *Site) participant(w http.ResponseWriter, r *http.Request, v *visit) {
	d, err := s.participantData(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Notice = participantNotices[r.URL.Query().Get("saved")]
	s.show(w, r, v, http.StatusOK, "participant", "Participant "+strconv.FormatInt(d.Participant.PersonID, 10), "workspaces", d)
}

// savedLink is the participant's page after a form saved what, with the
// table's query the form carried.
func savedLink(r *http.Request, what, anchor string) string {
	t, _ := readTableQuery(tableValues(r), &fault.Fields{Of: workbench.ErrInvalid})
	q := t.Values()
	q.Set("saved", what)
	return reviewPath(r.PathValue("ws"), r.PathValue("review")) + "/participants/" + r.PathValue("person") + "?" + q.Encode() + anchor
}

// tableValues is the table's query a form of the participant's page
// carries in its field "table".
func tableValues(r *http.Request) url.Values {
	q, _ := url.ParseQuery(r.PostFormValue("table"))
	return q
}

// formFailed shows the participant's page again, with the table's query
// of the form, and the problems of err at their fields.
func (s *Site) formFailed(w http.ResponseWriter, r *http.Request, v *visit, fe *fault.Fields, edit func(*participantPage)) {
	r.URL.RawQuery = tableValues(r).Encode()
	d, err := s.participantData(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Errors = fe
	if edit != nil {
		edit(d)
	}
	s.show(w, r, v, http.StatusUnprocessableEntity, "participant", "Participant "+strconv.FormatInt(d.Participant.PersonID, 10)+": check the form", "workspaces", d)
}

func (s *Site) setStatus(w http.ResponseWriter, r *http.Request, v *visit) {
	person, err := strconv.ParseInt(r.PathValue("person"), 10, 64)
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	status := workbench.ReviewStatus(r.PostFormValue("status"))
	_, err = s.deps.App.Reviews.SetReviewStatus(r.Context(), r.PathValue("ws"), r.PathValue("review"), person, status)
	if err == nil {
		http.Redirect(w, r, savedLink(r, "status", "#status-h"), http.StatusSeeOther)
		return
	}
	fe := fieldErrors(err, "status")
	if fe == nil {
		s.fail(w, r, err)
		return
	}
	for i := range fe.List {
		fe.List[i].Message = "Choose one of the statuses."
	}
	s.formFailed(w, r, v, fe, nil)
}

// annotate saves the values of the annotation form that changed, each
// as JSON of its field's type; the service refuses a value that is not
// of its field's type, and the form shows each refusal at its field.
func (s *Site) annotate(w http.ResponseWriter, r *http.Request, v *visit) {
	ctx, ws, id := r.Context(), r.PathValue("ws"), r.PathValue("review")
	person, err := strconv.ParseInt(r.PathValue("person"), 10, 64)
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	a := s.deps.App.Reviews
	rv, err := a.Review(ctx, ws, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := a.ReviewParticipant(ctx, ws, id, person)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fields, err := a.AnnotationFields(ctx, ws, rv.CohortID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	problems := fault.Fields{Of: workbench.ErrInvalid}
	typed := map[string]string{}
	changed := 0
	for _, f := range fields {
		name := annotationName(f.ID)
		value, text := formValue(f, r.PostForm[name])
		typed[name] = text
		old, had := p.Annotations[f.ID]
		// An unchecked box of a field never answered stays unanswered.
		if !had && (string(value) == "null" || f.Type == workbench.BooleanField && string(value) == "false") || had && string(old) == string(value) {
			continue
		}
		changed++
		if _, err := a.Annotate(ctx, ws, id, person, f.ID, value); err != nil {
			if fieldErrors(err, name) == nil {
				s.fail(w, r, err)
				return
			}
			msg := err.Error()
			if fs := fault.FieldsOf(err); len(fs) > 0 {
				msg = fs[0].Message
			}
			problems.Add(name, "%s", msg)
		}
	}
	if problems.Err() != nil {
		s.formFailed(w, r, v, &problems, func(d *participantPage) {
			// What was typed stays, so that it can be mended.
			for i, an := range d.Annotations {
				if an.Field.Type != workbench.BooleanField {
					d.Annotations[i].Value = typed[an.Name]
				}
				d.Annotations[i].Error = problems.At(an.Name)
			}
		})
		return
	}
	what := "annotations"
	if changed == 0 {
		what = "unchanged"
	}
	http.Redirect(w, r, savedLink(r, what, "#annotations-h"), http.StatusSeeOther)
}

// formValue is the JSON of an annotation field's value in the form, of
// the field's type where the text reads as one (null for an empty
// field), else the text as a JSON string for the service to refuse; and
// the text as typed.
func formValue(f workbench.AnnotationField, values []string) (json.RawMessage, string) {
	text := ""
	if len(values) > 0 {
		text = strings.TrimSpace(values[0])
	}
	switch {
	case f.Type == workbench.BooleanField:
		return json.RawMessage(strconv.FormatBool(text == "true")), text
	case text == "":
		return json.RawMessage("null"), text
	case f.Type == workbench.IntegerField:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return json.RawMessage(strconv.FormatInt(n, 10)), text
		}
	}
	b, _ := json.Marshal(text)
	return b, text
}

// eventValue is an event's value as the timeline shows it: the number
// with its unit, or the value's concept (a survey's answer).
func eventValue(e engine.Event) string {
	var out []string
	if e.ValueAsNumber != nil {
		out = append(out, strconv.FormatFloat(*e.ValueAsNumber, 'f', -1, 64))
		if e.UnitConceptName != "" && e.UnitConceptName != "No matching concept" {
			out = append(out, e.UnitConceptName)
		}
	}
	if e.ValueAsConceptName != "" {
		out = append(out, e.ValueAsConceptName)
	}
	return strings.Join(out, " ")
}

// eventDomainLabel is the label of an event's domain.
func eventDomainLabel(d cohort.Domain) string {
	for _, e := range eventDomains {
		if e.Domain == d {
			return e.Label
		}
	}
	return string(d)
}

func init() {
	funcs["status"] = func(st workbench.ReviewStatus) string { return statusLabels[st] }
	funcs["eventValue"] = eventValue
	funcs["eventDomain"] = eventDomainLabel
	funcs["fieldType"] = func(t workbench.FieldType) string {
		for _, f := range fieldTypes {
			if f.Type == t {
				return f.Label
			}
		}
		return string(t)
	}
}
