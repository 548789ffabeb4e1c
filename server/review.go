package server

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
)

// reviewAPI serves the review routes with their service, so that the
// subject is this file and its OpenAPI part.
type reviewAPI struct {
	*Server
	reviews workbench.ReviewService
}

func (s *Server) reviewRoutes() []route {
	a := reviewAPI{Server: s, reviews: s.svc.Reviews}
	const (
		cohortPath = "/v1/workspaces/{ws}/cohorts/{id}"
		reviewPath = "/v1/workspaces/{ws}/reviews/{review}"
		personPath = reviewPath + "/participants/{person}"
	)
	return []route{
		{http.MethodGet, cohortPath + "/reviews", login, a.listReviews},
		{http.MethodPost, cohortPath + "/reviews", login, a.createReview},
		{http.MethodGet, cohortPath + "/annotation-fields", login, a.fields},
		{http.MethodPost, cohortPath + "/annotation-fields", login, a.createField},
		{http.MethodDelete, cohortPath + "/annotation-fields/{field}", login, a.deleteField},
		{http.MethodGet, reviewPath, login, a.review},
		{http.MethodDelete, reviewPath, login, a.deleteReview},
		{http.MethodGet, reviewPath + "/participants", login, a.participants},
		{http.MethodGet, personPath, login, a.participant},
		{http.MethodPut, personPath + "/status", login, a.setStatus},
		{http.MethodPut, personPath + "/annotations/{field}", login, a.annotate},
		{http.MethodGet, personPath + "/events", login, a.events},
	}
}

func (a reviewAPI) listReviews(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	out, err := a.reviews.Reviews(r.Context(), v["ws"], v["id"])
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) createReview(w http.ResponseWriter, r *http.Request) {
	var n workbench.NewReview
	if err := a.decode(r, &n); err != nil {
		a.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	out, err := a.reviews.CreateReview(r.Context(), v["ws"], v["id"], n)
	a.reply(w, r, http.StatusCreated, out, err)
}

func (a reviewAPI) review(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	out, err := a.reviews.Review(r.Context(), v["ws"], v["review"])
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) deleteReview(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	err := a.reviews.DeleteReview(r.Context(), v["ws"], v["review"])
	a.reply(w, r, http.StatusNoContent, nil, err)
}

// pageQuery reads the query parameters page (default 0) and size (default
// defaultPageSize).
func pageQuery(r *http.Request) (page, size int, err error) {
	if page, err = intQuery(r, "page"); err != nil {
		return 0, 0, err
	}
	if size, err = intQuery(r, "size"); err != nil {
		return 0, 0, err
	}
	if r.URL.Query().Get("size") == "" {
		size = defaultPageSize
	}
	return page, size, nil
}

func (a reviewAPI) participants(w http.ResponseWriter, r *http.Request) {
	page, size, err := pageQuery(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, qs := mux.Vars(r), r.URL.Query()
	q := workbench.ParticipantQuery{Status: workbench.ReviewStatus(qs.Get("status")), SexAtBirth: qs.Get("sex_at_birth"),
		Sort: workbench.ParticipantSort(qs.Get("sort")), Page: page, Size: size}
	switch qs.Get("order") {
	case "", "asc":
	case "desc":
		q.Descending = true
	default:
		a.fail(w, r, workbench.InvalidAt("order", "%q: want asc or desc", qs.Get("order")))
		return
	}
	out, err := a.reviews.ReviewParticipants(r.Context(), v["ws"], v["review"], q)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) participant(w http.ResponseWriter, r *http.Request) {
	person, err := idVar(r, "person")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	out, err := a.reviews.ReviewParticipant(r.Context(), v["ws"], v["review"], person)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) setStatus(w http.ResponseWriter, r *http.Request) {
	person, err := idVar(r, "person")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var b struct {
		Status workbench.ReviewStatus `json:"status"`
	}
	if err := a.decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	out, err := a.reviews.SetReviewStatus(r.Context(), v["ws"], v["review"], person, b.Status)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) annotate(w http.ResponseWriter, r *http.Request) {
	person, err := idVar(r, "person")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var b struct {
		Value json.RawMessage `json:"value"`
	}
	if err := a.decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	if b.Value == nil {
		a.fail(w, r, workbench.InvalidAt("value", "missing: send null to clear a value"))
		return
	}
	v := mux.Vars(r)
	out, err := a.reviews.Annotate(r.Context(), v["ws"], v["review"], person, v["field"], b.Value)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) events(w http.ResponseWriter, r *http.Request) {
	person, err := idVar(r, "person")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, size, err := pageQuery(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	var domain cohort.Domain
	if d := r.URL.Query().Get("domain"); d != "" {
		if domain, err = cohort.ParseDomain(d); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	out, err := a.reviews.ParticipantEvents(r.Context(), v["ws"], v["review"], person, domain, page, size)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) fields(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	out, err := a.reviews.AnnotationFields(r.Context(), v["ws"], v["id"])
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) createField(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name       string              `json:"name"`
		Type       workbench.FieldType `json:"type"`
		EnumValues []string            `json:"enum_values"`
	}
	if err := a.decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	f := workbench.AnnotationField{CohortID: v["id"], Name: b.Name, Type: b.Type, EnumValues: b.EnumValues}
	out, err := a.reviews.CreateAnnotationField(r.Context(), v["ws"], f)
	a.reply(w, r, http.StatusCreated, out, err)
}

func (a reviewAPI) deleteField(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	err := a.reviews.DeleteAnnotationField(r.Context(), v["ws"], v["id"], v["field"])
	a.reply(w, r, http.StatusNoContent, nil, err)
}
