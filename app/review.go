package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
)

// Reviews is cohort review: samples of saved cohorts, the status and
// annotations of each participant, and the participant's events, gated
// and audited. A person's data is served only for a participant of the
// review.
type Reviews struct {
	saved Cohorts
	// version is the CDR version id the samples are drawn from.
	version string
}

// CreateReview draws a sample of the saved cohort id and saves it as a
// review whose participants are all NOT_REVIEWED.
func (sv Reviews) CreateReview(ctx context.Context, ws, cohortID string, n workbench.NewReview) (workbench.Review, error) {
	if n.Size < 1 || n.Size > workbench.MaxReviewSize {
		return workbench.Review{}, workbench.InvalidAt("size", "%d: want 1 to %d participants", n.Size, workbench.MaxReviewSize)
	}
	req, def, err := sv.saved.definition(ctx, access.CreateReview, ws, cohortID)
	if err != nil {
		return workbench.Review{}, err
	}
	seed := rand.Int64()
	if n.Seed != nil {
		seed = *n.Seed
	}
	ids, err := sv.saved.engine.ReviewSample(ctx, def, seed, n.Size)
	if err != nil {
		return workbench.Review{}, err
	}
	name := n.Name
	if strings.TrimSpace(name) == "" {
		name = fmt.Sprintf("Sample of %d, seed %d", len(ids), seed)
	}
	r, err := sv.saved.store.CreateReview(ctx, req.User.ID, workbench.Review{WorkspaceID: ws, CohortID: cohortID, Name: name, Seed: seed, CDRVersion: sv.version}, ids)
	if err != nil {
		return workbench.Review{}, at("name", err)
	}
	sv.saved.gate.audit(ctx, req, allowed, ws, r.ID, int64(len(ids)))
	return r, nil
}

// Reviews is the reviews of the saved cohort id, oldest first.
func (sv Reviews) Reviews(ctx context.Context, ws, cohortID string) ([]workbench.Review, error) {
	return guarded(ctx, sv.saved.gate, access.ViewWorkspace, ws, func(access.Request) ([]workbench.Review, string, int64, error) {
		out, err := sv.saved.store.ListReviews(ctx, ws, cohortID)
		return nonNil(out), cohortID, int64(len(out)), err
	})
}

// Review is the review id of the workspace.
func (sv Reviews) Review(ctx context.Context, ws, id string) (workbench.Review, error) {
	return guarded(ctx, sv.saved.gate, access.ViewWorkspace, ws, func(access.Request) (workbench.Review, string, int64, error) {
		out, err := sv.saved.store.Review(ctx, ws, id)
		return out, id, 1, err
	})
}

// DeleteReview deletes the review id with its statuses and annotations.
func (sv Reviews) DeleteReview(ctx context.Context, ws, id string) error {
	_, err := guarded(ctx, sv.saved.gate, access.DeleteReview, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, id, 1, sv.saved.store.DeleteReview(ctx, ws, id)
	})
	return err
}

// ReviewParticipants is the page of the participants of the review that
// q selects, orders and pages, with their demographics. By person id
// alone the store pages; a filter or an order of the demographics or the
// status reads every participant of the status (a review holds at most
// MaxReviewSize) with their demographics, which live in the CDR.
func (sv Reviews) ReviewParticipants(ctx context.Context, ws, id string, q workbench.ParticipantQuery) (workbench.ParticipantPage, error) {
	if err := pageOK(q.Page, q.Size, workbench.MaxReviewSize); err != nil {
		return workbench.ParticipantPage{}, err
	}
	if q.Sort != "" && !slices.Contains(workbench.ParticipantSorts, q.Sort) {
		return workbench.ParticipantPage{}, workbench.InvalidAt("sort", "%q: want person_id, age or status", q.Sort)
	}
	return guarded(ctx, sv.saved.gate, access.ViewReview, ws, func(access.Request) (workbench.ParticipantPage, string, int64, error) {
		out := workbench.ParticipantPage{Page: q.Page, Size: q.Size}
		var ps []workbench.Participant
		var err error
		if q.SexAtBirth == "" && (q.Sort == "" || q.Sort == workbench.SortPersonID) && !q.Descending {
			if out.Total, err = sv.saved.store.CountParticipants(ctx, ws, id, q.Status); err != nil {
				return out, "", 0, at("status", err)
			}
			ps, err = sv.saved.store.Participants(ctx, ws, id, store.ParticipantQuery{Status: q.Status, Offset: q.Page * q.Size, Limit: q.Size})
			if err == nil {
				err = sv.withPersons(ctx, ps)
			}
		} else {
			if ps, err = sv.saved.store.Participants(ctx, ws, id, store.ParticipantQuery{Status: q.Status}); err != nil {
				return out, "", 0, at("status", err)
			}
			if err = sv.withPersons(ctx, ps); err == nil {
				if q.SexAtBirth != "" {
					ps = slices.DeleteFunc(ps, func(p workbench.Participant) bool { return p.Person == nil || p.Person.SexAtBirth != q.SexAtBirth })
				}
				slices.SortFunc(ps, participantOrder(q))
				out.Total = len(ps)
				ps = ps[min(q.Page*q.Size, len(ps)):min(q.Page*q.Size+q.Size, len(ps))]
			}
		}
		out.Participants = nonNil(ps)
		return out, id, int64(len(ps)), err
	})
}

// participantOrder compares participants in the order q asks, ties by
// person id; an unknown age comes last either way.
func participantOrder(q workbench.ParticipantQuery) func(a, b workbench.Participant) int {
	sign := 1
	if q.Descending {
		sign = -1
	}
	return func(a, b workbench.Participant) int {
		c := 0
		switch q.Sort {
		case workbench.SortAge:
			x, y := ageOf(a), ageOf(b)
			switch {
			case x == nil && y == nil:
			case x == nil:
				return 1
			case y == nil:
				return -1
			default:
				c = sign * cmp.Compare(*x, *y)
			}
		case workbench.SortStatus:
			c = sign * cmp.Compare(slices.Index(workbench.ReviewStatuses, a.Status), slices.Index(workbench.ReviewStatuses, b.Status))
		default:
			c = sign * cmp.Compare(a.PersonID, b.PersonID)
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(a.PersonID, b.PersonID)
	}
}

func ageOf(p workbench.Participant) *int64 {
	if p.Person == nil {
		return nil
	}
	return p.Person.Age
}

// ReviewParticipant is the participant person of the review.
func (sv Reviews) ReviewParticipant(ctx context.Context, ws, id string, person int64) (workbench.Participant, error) {
	return guarded(ctx, sv.saved.gate, access.ViewReview, ws, func(access.Request) (workbench.Participant, string, int64, error) {
		out, err := sv.saved.store.Participant(ctx, ws, id, person)
		if err == nil {
			one := []workbench.Participant{out}
			err = sv.withPersons(ctx, one)
			out = one[0]
		}
		return out, id, 1, err
	})
}

// SetReviewStatus sets the review status of the participant person and returns
// the participant.
func (sv Reviews) SetReviewStatus(ctx context.Context, ws, id string, person int64, status workbench.ReviewStatus) (workbench.Participant, error) {
	return guarded(ctx, sv.saved.gate, access.SetReviewStatus, ws, func(req access.Request) (workbench.Participant, string, int64, error) {
		if err := sv.saved.store.SetStatus(ctx, req.User.ID, ws, id, person, status); err != nil {
			return workbench.Participant{}, "", 0, at("status", err)
		}
		out, err := sv.saved.store.Participant(ctx, ws, id, person)
		return out, id, 1, err
	})
}

// Annotate sets the participant person's value of the annotation field
// (JSON of the field's type; null clears it) and returns the participant.
func (sv Reviews) Annotate(ctx context.Context, ws, id string, person int64, field string, value json.RawMessage) (workbench.Participant, error) {
	return guarded(ctx, sv.saved.gate, access.Annotate, ws, func(req access.Request) (workbench.Participant, string, int64, error) {
		if err := sv.saved.store.SetAnnotation(ctx, req.User.ID, ws, id, person, field, value); err != nil {
			return workbench.Participant{}, "", 0, at("value", err)
		}
		out, err := sv.saved.store.Participant(ctx, ws, id, person)
		return out, id, 1, err
	})
}

// ParticipantEvents is page page (from 0) of size size of the events of the domain
// (every domain when empty) of the participant person of the review. A
// person who is not in the review is not found, whether or not the CDR
// has them.
func (sv Reviews) ParticipantEvents(ctx context.Context, ws, id string, person int64, domain cohort.Domain, page, size int) (workbench.EventPage, error) {
	if err := pageOK(page, size, engine.MaxPageSize); err != nil {
		return workbench.EventPage{}, err
	}
	g := sv.saved.gate
	req, err := g.checkParticipant(ctx, ws, id, person)
	if err != nil {
		return workbench.EventPage{}, err
	}
	evs, total, err := sv.saved.engine.ParticipantEvents(ctx, person, domain, page, size)
	if err != nil {
		return workbench.EventPage{}, err
	}
	g.audit(ctx, req, allowed, ws, id, int64(len(evs)))
	return workbench.EventPage{Events: nonNil(evs), Total: total, Page: page, Size: size}, nil
}

// AnnotationFields is the annotation fields of the saved cohort id.
func (sv Reviews) AnnotationFields(ctx context.Context, ws, cohortID string) ([]workbench.AnnotationField, error) {
	return guarded(ctx, sv.saved.gate, access.ViewWorkspace, ws, func(access.Request) ([]workbench.AnnotationField, string, int64, error) {
		out, err := sv.saved.store.AnnotationFields(ctx, ws, cohortID)
		return nonNil(out), cohortID, int64(len(out)), err
	})
}

// CreateAnnotationField adds the annotation field f to its saved cohort: a change of
// the cohort, which every review of it then asks.
func (sv Reviews) CreateAnnotationField(ctx context.Context, ws string, f workbench.AnnotationField) (workbench.AnnotationField, error) {
	return guarded(ctx, sv.saved.gate, access.UpdateCohort, ws, func(access.Request) (workbench.AnnotationField, string, int64, error) {
		out, err := sv.saved.store.CreateAnnotationField(ctx, ws, f)
		return out, out.ID, 1, err
	})
}

// DeleteAnnotationField deletes the annotation field of the saved cohort with its
// values in every review.
func (sv Reviews) DeleteAnnotationField(ctx context.Context, ws, cohortID, field string) error {
	_, err := guarded(ctx, sv.saved.gate, access.UpdateCohort, ws, func(access.Request) (struct{}, string, int64, error) {
		return struct{}{}, field, 1, sv.saved.store.DeleteAnnotationField(ctx, ws, cohortID, field)
	})
	return err
}

// at places a value the store refused at path, the body field or query
// parameter that held it; other errors pass unchanged.
func at(path string, err error) error {
	if !errors.Is(err, workbench.ErrInvalid) {
		return err
	}
	return workbench.InvalidAt(path, "%s", strings.TrimPrefix(err.Error(), workbench.ErrInvalid.Error()+": "))
}

// pageOK checks the query parameters page and size against max.
func pageOK(page, size, max int) error {
	if page < 0 {
		return workbench.InvalidAt("page", "%d: want 0 or more", page)
	}
	if size < 1 || size > max {
		return workbench.InvalidAt("size", "%d: want 1 to %d", size, max)
	}
	if page > math.MaxInt/size {
		return workbench.InvalidAt("page", "%d is too large", page)
	}
	return nil
}

// withPersons adds their demographics to the participants ps.
func (sv Reviews) withPersons(ctx context.Context, ps []workbench.Participant) error {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.PersonID
	}
	persons, err := sv.saved.engine.Persons(ctx, ids)
	if err != nil {
		return err
	}
	for i := range ps {
		if p, ok := persons[ps[i].PersonID]; ok {
			ps[i].Person = &p
		}
	}
	return nil
}
