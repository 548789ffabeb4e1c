package notebook

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/cohort"
)

// Reviews is the reviews of the saved cohort, oldest first.
func (c *Client) Reviews(ctx context.Context, ws, cohortID string) ([]workbench.Review, error) {
	var out []workbench.Review
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", cohortID, "reviews"}, out: &out})
	return out, err
}

// CreateReview draws a sample of n.Size participants of the saved cohort,
// with n.Seed when not nil, and saves it as a review named n.Name (a name
// is made when empty).
func (c *Client) CreateReview(ctx context.Context, ws, cohortID string, n workbench.NewReview) (workbench.Review, error) {
	var out workbench.Review
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "cohorts", cohortID, "reviews"}, out: &out, body: n})
	return out, err
}

// AnnotationFields is the annotation fields of the saved cohort.
func (c *Client) AnnotationFields(ctx context.Context, ws, cohortID string) ([]workbench.AnnotationField, error) {
	var out []workbench.AnnotationField
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "cohorts", cohortID, "annotation-fields"}, out: &out})
	return out, err
}

// CreateAnnotationField adds the field f to the saved cohort f.CohortID.
func (c *Client) CreateAnnotationField(ctx context.Context, ws string, f workbench.AnnotationField) (workbench.AnnotationField, error) {
	var out workbench.AnnotationField
	err := c.do(ctx, call{method: "POST", path: []string{"workspaces", ws, "cohorts", f.CohortID, "annotation-fields"}, out: &out,
		body: map[string]any{"name": f.Name, "type": f.Type, "enum_values": f.EnumValues}})
	return out, err
}

// DeleteAnnotationField deletes the annotation field of the saved cohort
// with its values.
func (c *Client) DeleteAnnotationField(ctx context.Context, ws, cohortID, field string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "cohorts", cohortID, "annotation-fields", field}})
}

// Review is the review id of the workspace.
func (c *Client) Review(ctx context.Context, ws, id string) (workbench.Review, error) {
	var out workbench.Review
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "reviews", id}, out: &out})
	return out, err
}

// DeleteReview deletes the review id with its statuses and annotations.
func (c *Client) DeleteReview(ctx context.Context, ws, id string) error {
	return c.do(ctx, call{method: "DELETE", path: []string{"workspaces", ws, "reviews", id}})
}

// ReviewParticipants is the page of the participants of the review that
// q selects, orders and pages (Size 0: the server's default).
func (c *Client) ReviewParticipants(ctx context.Context, ws, id string, q workbench.ParticipantQuery) (workbench.ParticipantPage, error) {
	v := url.Values{"page": {strconv.Itoa(q.Page)}}
	setInt(v, "size", q.Size)
	set(v, "status", string(q.Status))
	set(v, "sex_at_birth", q.SexAtBirth)
	set(v, "sort", string(q.Sort))
	if q.Descending {
		v.Set("order", "desc")
	}
	var out workbench.ParticipantPage
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "reviews", id, "participants"}, query: v, out: &out})
	return out, err
}

// ReviewParticipant is the participant person of the review.
func (c *Client) ReviewParticipant(ctx context.Context, ws, id string, person int64) (workbench.Participant, error) {
	var out workbench.Participant
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "reviews", id, "participants", strconv.FormatInt(person, 10)}, out: &out})
	return out, err
}

// SetReviewStatus sets the status of the participant person of the review.
func (c *Client) SetReviewStatus(ctx context.Context, ws, id string, person int64, status workbench.ReviewStatus) (workbench.Participant, error) {
	var out workbench.Participant
	err := c.do(ctx, call{method: "PUT", path: []string{"workspaces", ws, "reviews", id, "participants", strconv.FormatInt(person, 10), "status"}, out: &out,
		body: map[string]workbench.ReviewStatus{"status": status}})
	return out, err
}

// Annotate sets the value (JSON of the field's type; null clears it) of the
// annotation field of the participant person of the review.
func (c *Client) Annotate(ctx context.Context, ws, id string, person int64, field string, value json.RawMessage) (workbench.Participant, error) {
	if value == nil {
		value = json.RawMessage("null")
	}
	var out workbench.Participant
	err := c.do(ctx, call{method: "PUT", path: []string{"workspaces", ws, "reviews", id, "participants", strconv.FormatInt(person, 10), "annotations", field}, out: &out,
		body: map[string]json.RawMessage{"value": value}})
	return out, err
}

// ParticipantEvents is page page (from 0) of size size (0: the server's
// default) of the events of the domain of the participant person of the
// review.
func (c *Client) ParticipantEvents(ctx context.Context, ws, id string, person int64, domain cohort.Domain, page, size int) (workbench.EventPage, error) {
	q := url.Values{"page": {strconv.Itoa(page)}, "domain": {string(domain)}}
	setInt(q, "size", size)
	var out workbench.EventPage
	err := c.do(ctx, call{method: "GET", path: []string{"workspaces", ws, "reviews", id, "participants", strconv.FormatInt(person, 10), "events"}, query: q, out: &out})
	return out, err
}
