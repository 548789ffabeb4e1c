package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
)

// reviewService is cohort review: samples of saved cohorts, the status and
// annotations of each participant, and the participant's events, gated
// and audited. A person's data is served only for a participant of the
// review.
type reviewService struct {
	saved savedService
	// version is the CDR version id the samples are drawn from.
	version string
}

// NewReview is what a client asks of a new review. Seed nil draws one.
type NewReview struct {
	Name string `json:"name"`
	Size int    `json:"size"`
	Seed *int64 `json:"seed"`
}

// CreateReview draws a sample of the saved cohort id and saves it as a
// review whose participants are all NOT_REVIEWED.
func (sv reviewService) CreateReview(ctx context.Context, ws, cohortID string, n NewReview) (store.Review, error) {
	if n.Size < 1 || n.Size > store.MaxReviewSize {
		return store.Review{}, invalidAt("size", "%d: want 1 to %d participants", n.Size, store.MaxReviewSize)
	}
	req, def, err := sv.saved.definition(ctx, access.CreateReview, ws, cohortID)
	if err != nil {
		return store.Review{}, err
	}
	seed := rand.Int64()
	if n.Seed != nil {
		seed = *n.Seed
	}
	ids, err := sv.saved.engine.ReviewSample(ctx, def, seed, n.Size)
	if err != nil {
		return store.Review{}, err
	}
	name := n.Name
	if strings.TrimSpace(name) == "" {
		name = fmt.Sprintf("Sample of %d, seed %d", len(ids), seed)
	}
	r, err := sv.saved.store.CreateReview(ctx, req.User.ID, store.Review{WorkspaceID: ws, CohortID: cohortID, Name: name, Seed: seed, CDRVersion: sv.version}, ids)
	if err != nil {
		return store.Review{}, at("name", err)
	}
	sv.saved.gate.audit(ctx, req, allowed, ws, r.ID, int64(len(ids)))
	return r, nil
}

// ListReviews is the reviews of the saved cohort id, oldest first.
func (sv reviewService) ListReviews(ctx context.Context, ws, cohortID string) ([]store.Review, error) {
	return guarded(ctx, sv.saved.gate, access.ViewWorkspace, ws, func(access.Request) ([]store.Review, string, int64, error) {
		out, err := sv.saved.store.ListReviews(ctx, ws, cohortID)
		return nonNil(out), cohortID, int64(len(out)), err
	})
}

// Review is the review id of the workspace.
func (sv reviewService) Review(ctx context.Context, ws, id string) (store.Review, error) {
	return guarded(ctx, sv.saved.gate, access.ViewWorkspace, ws, func(access.Request) (store.Review, string, int64, error) {
		out, err := sv.saved.store.Review(ctx, ws, id)
		return out, id, 1, err
	})
}

// DeleteReview deletes the review id with its statuses and annotations.
func (sv reviewService) DeleteReview(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.saved.gate, access.DeleteReview, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.saved.store.DeleteReview(ctx, ws, id)
	})
	return err
}

// ParticipantPage is one page of the participants of a review; Total
// counts those of the status asked (all when none was).
type ParticipantPage struct {
	Participants []store.Participant `json:"participants"`
	Total        int                 `json:"total"`
	Page         int                 `json:"page"`
	Size         int                 `json:"size"`
}

// Participants is page page (from 0) of size size of the participants of
// the review, of one status when status is not empty, by person id.
func (sv reviewService) Participants(ctx context.Context, ws, id string, status store.ReviewStatus, page, size int) (ParticipantPage, error) {
	if err := pageOK(page, size, store.MaxReviewSize); err != nil {
		return ParticipantPage{}, err
	}
	return guarded(ctx, sv.saved.gate, access.ViewReview, ws, func(access.Request) (ParticipantPage, string, int64, error) {
		total, err := sv.saved.store.CountParticipants(ctx, ws, id, status)
		if err != nil {
			return ParticipantPage{}, "", 0, at("status", err)
		}
		ps, err := sv.saved.store.Participants(ctx, ws, id, store.ParticipantQuery{Status: status, Offset: page * size, Limit: size})
		return ParticipantPage{Participants: nonNil(ps), Total: total, Page: page, Size: size}, id, int64(len(ps)), err
	})
}

// Participant is the participant person of the review.
func (sv reviewService) Participant(ctx context.Context, ws, id string, person int64) (store.Participant, error) {
	return guarded(ctx, sv.saved.gate, access.ViewReview, ws, func(access.Request) (store.Participant, string, int64, error) {
		out, err := sv.saved.store.Participant(ctx, ws, id, person)
		return out, id, 1, err
	})
}

// SetStatus sets the review status of the participant person and returns
// the participant.
func (sv reviewService) SetStatus(ctx context.Context, ws, id string, person int64, status store.ReviewStatus) (store.Participant, error) {
	return guarded(ctx, sv.saved.gate, access.SetReviewStatus, ws, func(req access.Request) (store.Participant, string, int64, error) {
		if err := sv.saved.store.SetStatus(ctx, req.User.ID, ws, id, person, status); err != nil {
			return store.Participant{}, "", 0, at("status", err)
		}
		out, err := sv.saved.store.Participant(ctx, ws, id, person)
		return out, id, 1, err
	})
}

// Annotate sets the participant person's value of the annotation field
// (JSON of the field's type; null clears it) and returns the participant.
func (sv reviewService) Annotate(ctx context.Context, ws, id string, person int64, field string, value json.RawMessage) (store.Participant, error) {
	return guarded(ctx, sv.saved.gate, access.Annotate, ws, func(req access.Request) (store.Participant, string, int64, error) {
		if err := sv.saved.store.SetAnnotation(ctx, req.User.ID, ws, id, person, field, value); err != nil {
			return store.Participant{}, "", 0, at("value", err)
		}
		out, err := sv.saved.store.Participant(ctx, ws, id, person)
		return out, id, 1, err
	})
}

// EventPage is one page of a participant's events.
type EventPage struct {
	Events []engine.Event `json:"events"`
	Total  int64          `json:"total"`
	Page   int            `json:"page"`
	Size   int            `json:"size"`
}

// Events is page page (from 0) of size size of the events of the domain
// (every domain when empty) of the participant person of the review. A
// person who is not in the review is not found, whether or not the CDR
// has them.
func (sv reviewService) Events(ctx context.Context, ws, id string, person int64, domain cohort.Domain, page, size int) (EventPage, error) {
	if err := pageOK(page, size, engine.MaxPageSize); err != nil {
		return EventPage{}, err
	}
	return guarded(ctx, sv.saved.gate, access.ViewReview, ws, func(access.Request) (EventPage, string, int64, error) {
		if _, err := sv.saved.store.Participant(ctx, ws, id, person); err != nil {
			return EventPage{}, "", 0, err
		}
		evs, total, err := sv.saved.engine.ParticipantEvents(ctx, person, domain, page, size)
		return EventPage{Events: nonNil(evs), Total: total, Page: page, Size: size}, id, int64(len(evs)), err
	})
}

// Fields is the annotation fields of the saved cohort id.
func (sv reviewService) Fields(ctx context.Context, ws, cohortID string) ([]store.AnnotationField, error) {
	return guarded(ctx, sv.saved.gate, access.ViewWorkspace, ws, func(access.Request) ([]store.AnnotationField, string, int64, error) {
		out, err := sv.saved.store.AnnotationFields(ctx, ws, cohortID)
		return nonNil(out), cohortID, int64(len(out)), err
	})
}

// CreateField adds the annotation field f to its saved cohort: a change of
// the cohort, which every review of it then asks.
func (sv reviewService) CreateField(ctx context.Context, ws string, f store.AnnotationField) (store.AnnotationField, error) {
	return guarded(ctx, sv.saved.gate, access.UpdateCohort, ws, func(access.Request) (store.AnnotationField, string, int64, error) {
		out, err := sv.saved.store.CreateAnnotationField(ctx, ws, f)
		return out, out.ID, 1, err
	})
}

// DeleteField deletes the annotation field of the saved cohort with its
// values in every review.
func (sv reviewService) DeleteField(ctx context.Context, ws, cohortID, field string) error {
	_, err := guarded(ctx, sv.saved.gate, access.UpdateCohort, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, field, 1, sv.saved.store.DeleteAnnotationField(ctx, ws, cohortID, field)
	})
	return err
}

// at places a value the store refused at path, the body field or query
// parameter that held it; other errors pass unchanged.
func at(path string, err error) error {
	if !errors.Is(err, store.ErrInvalid) {
		return err
	}
	return invalidAt(path, "%s", strings.TrimPrefix(err.Error(), store.ErrInvalid.Error()+": "))
}

// pageOK checks the query parameters page and size against max.
func pageOK(page, size, max int) error {
	if page < 0 {
		return invalidAt("page", "%d: want 0 or more", page)
	}
	if size < 1 || size > max {
		return invalidAt("size", "%d: want 1 to %d", size, max)
	}
	if page > math.MaxInt/size {
		return invalidAt("page", "%d is too large", page)
	}
	return nil
}

// reviewAPI serves the review routes with their service, so that the
// subject is this file and its OpenAPI part.
type reviewAPI struct {
	*Server
	reviews reviewService
}

func (s *Server) reviewRoutes() []route {
	a := reviewAPI{Server: s, reviews: reviewService{
		saved:   savedService{gate: s.gate, store: s.deps.Store, engine: s.deps.Engine},
		version: s.deps.Index.VersionID,
	}}
	const (
		cohortPath = "/v1/workspaces/{ws}/cohorts/{id}"
		reviewPath = "/v1/workspaces/{ws}/reviews/{review}"
		personPath = reviewPath + "/participants/{person}"
	)
	return []route{
		{http.MethodGet, cohortPath + "/reviews", access.ViewWorkspace, a.listReviews},
		{http.MethodPost, cohortPath + "/reviews", access.CreateReview, a.createReview},
		{http.MethodGet, cohortPath + "/annotation-fields", access.ViewWorkspace, a.fields},
		{http.MethodPost, cohortPath + "/annotation-fields", access.UpdateCohort, a.createField},
		{http.MethodDelete, cohortPath + "/annotation-fields/{field}", access.UpdateCohort, a.deleteField},
		{http.MethodGet, reviewPath, access.ViewWorkspace, a.review},
		{http.MethodDelete, reviewPath, access.DeleteReview, a.deleteReview},
		{http.MethodGet, reviewPath + "/participants", access.ViewReview, a.participants},
		{http.MethodGet, personPath, access.ViewReview, a.participant},
		{http.MethodPut, personPath + "/status", access.SetReviewStatus, a.setStatus},
		{http.MethodPut, personPath + "/annotations/{field}", access.Annotate, a.annotate},
		{http.MethodGet, personPath + "/events", access.ViewReview, a.events},
	}
}

func (a reviewAPI) listReviews(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	out, err := a.reviews.ListReviews(r.Context(), v["ws"], v["id"])
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) createReview(w http.ResponseWriter, r *http.Request) {
	var n NewReview
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
	v := mux.Vars(r)
	status := store.ReviewStatus(r.URL.Query().Get("status"))
	out, err := a.reviews.Participants(r.Context(), v["ws"], v["review"], status, page, size)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) participant(w http.ResponseWriter, r *http.Request) {
	person, err := idVar(r, "person")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	out, err := a.reviews.Participant(r.Context(), v["ws"], v["review"], person)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) setStatus(w http.ResponseWriter, r *http.Request) {
	person, err := idVar(r, "person")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var b struct {
		Status store.ReviewStatus `json:"status"`
	}
	if err := a.decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	out, err := a.reviews.SetStatus(r.Context(), v["ws"], v["review"], person, b.Status)
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
		a.fail(w, r, invalidAt("value", "missing: send null to clear a value"))
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
	out, err := a.reviews.Events(r.Context(), v["ws"], v["review"], person, cohort.Domain(r.URL.Query().Get("domain")), page, size)
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) fields(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	out, err := a.reviews.Fields(r.Context(), v["ws"], v["id"])
	a.reply(w, r, http.StatusOK, out, err)
}

func (a reviewAPI) createField(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name       string          `json:"name"`
		Type       store.FieldType `json:"type"`
		EnumValues []string        `json:"enum_values"`
	}
	if err := a.decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	v := mux.Vars(r)
	f := store.AnnotationField{CohortID: v["id"], Name: b.Name, Type: b.Type, EnumValues: b.EnumValues}
	out, err := a.reviews.CreateField(r.Context(), v["ws"], f)
	a.reply(w, r, http.StatusCreated, out, err)
}

func (a reviewAPI) deleteField(w http.ResponseWriter, r *http.Request) {
	v := mux.Vars(r)
	err := a.reviews.DeleteField(r.Context(), v["ws"], v["id"], v["field"])
	a.reply(w, r, http.StatusNoContent, nil, err)
}
