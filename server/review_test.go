package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/server"
)

func participantPage(t *testing.T, r response) workbench.ParticipantPage {
	t.Helper()
	var p workbench.ParticipantPage
	require.NoError(t, json.Unmarshal(r.body, &p), "body: %s", r.body)
	return p
}

func participant(t *testing.T, r response) workbench.Participant {
	t.Helper()
	var p workbench.Participant
	require.NoError(t, json.Unmarshal(r.body, &p), "body: %s", r.body)
	return p
}

// problemAt checks that a 400 names path among its errors.
func problemAt(path string) func(t *testing.T, r response) {
	return func(t *testing.T, r response) {
		t.Helper()
		var p struct {
			Errors []struct{ Path, Message string }
		}
		require.NoError(t, json.Unmarshal(r.body, &p))
		require.Len(t, p.Errors, 1, "body: %s", r.body)
		assert.Equal(t, path, p.Errors[0].Path)
		assert.NotEmpty(t, p.Errors[0].Message)
	}
}

func TestReviews(t *testing.T) {
	f := newFixture(t, server.Config{})
	ctx := context.Background()
	_, eng, info := openGiBleed(t)
	wrist := example(t, "wrist_fracture.json")
	def, err := cohort.Parse(wrist)
	require.NoError(t, err)
	cohortPersons, _, err := eng.Participants(ctx, def, 0, engine.MaxPageSize)
	require.NoError(t, err)
	require.Len(t, cohortPersons, 442)

	ws := "/v1/workspaces/" + f.ws
	var cohortID, reviewID, otherReview string
	fields := map[string]string{} // type -> field id
	var sample []int64            // the review's persons
	var outsider int64            // a person of the cohort outside the sample
	c := func(p string) string { return ws + "/cohorts/" + cohortID + p }
	rv := func(p string) string { return ws + "/reviews/" + reviewID + p }
	person := func(i int, p string) string { return rv(fmt.Sprintf("/participants/%d%s", sample[i], p)) }
	field := func(typ string) string { return fields[typ] }

	f.run(t, []step{
		{name: "save a cohort", method: "POST", path: ws + "/cohorts", token: f.researcher, want: 201,
			body:  fmt.Sprintf(`{"name": "Wrist", "definition": %s}`, wrist),
			check: func(t *testing.T, r response) { cohortID = r.json(t)["id"].(string) }},
	})
	f.run(t, []step{
		{name: "no size", method: "POST", path: c("/reviews"), token: f.researcher, body: `{"name": "R"}`, want: 400, check: problemAt("size")},
		{name: "size too large", method: "POST", path: c("/reviews"), token: f.researcher, body: `{"size": 10001}`, want: 400, check: problemAt("size")},
		{name: "unknown field", method: "POST", path: c("/reviews"), token: f.researcher, body: `{"size": 5, "sql": "x"}`, want: 400},
		{name: "outsider cannot create", method: "POST", path: c("/reviews"), token: f.other, body: `{"size": 5}`, want: 404},
		{name: "unknown cohort", method: "POST", path: ws + "/cohorts/c_none/reviews", token: f.researcher, body: `{"size": 5}`, want: 404},
		{name: "create", method: "POST", path: c("/reviews"), token: f.researcher, body: `{"name": "First", "size": 50, "seed": 7}`, want: 201,
			check: func(t *testing.T, r response) {
				var got workbench.Review
				require.NoError(t, json.Unmarshal(r.body, &got))
				reviewID = got.ID
				assert.Equal(t, "First", got.Name)
				assert.Equal(t, 50, got.Size)
				assert.EqualValues(t, 7, got.Seed)
				assert.Equal(t, info.VersionID, got.CDRVersion)
				assert.Equal(t, cohortID, got.CohortID)
			}},
		{name: "create with a drawn seed and a name of its own", method: "POST", path: c("/reviews"), token: f.researcher, body: `{"size": 10}`, want: 201,
			check: func(t *testing.T, r response) {
				v := r.json(t)
				otherReview = v["id"].(string)
				assert.NotEmpty(t, v["name"])
				assert.EqualValues(t, 10, v["size"])
			}},
	})
	f.run(t, []step{
		{name: "list", method: "GET", path: c("/reviews"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var l []workbench.Review
				require.NoError(t, json.Unmarshal(r.body, &l))
				require.Len(t, l, 2)
				assert.Equal(t, []string{reviewID, otherReview}, []string{l[0].ID, l[1].ID}, "oldest first")
			}},
		{name: "get", method: "GET", path: rv(""), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Equal(t, "First", r.json(t)["name"]) }},
		{name: "every participant", method: "GET", path: rv("/participants?size=10000"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				p := participantPage(t, r)
				assert.Equal(t, 50, p.Total)
				require.Len(t, p.Participants, 50)
				for _, pt := range p.Participants {
					assert.Equal(t, workbench.NotReviewed, pt.Status)
					assert.Contains(t, cohortPersons, pt.PersonID, "drawn from the cohort")
					require.NotNil(t, pt.Person, "a participant comes with their demographics")
					assert.Contains(t, []string{"FEMALE", "MALE"}, pt.Person.SexAtBirth)
					assert.Equal(t, pt.Person.SexAtBirth, pt.Person.Gender, "GiBleed records one of each")
					assert.NotEmpty(t, pt.Person.Race)
					require.NotNil(t, pt.Person.Age)
					assert.Positive(t, *pt.Person.Age)
					sample = append(sample, pt.PersonID)
				}
				assert.True(t, slices.IsSorted(sample))
				want, err := eng.ReviewSample(ctx, def, 7, 50)
				require.NoError(t, err)
				assert.Equal(t, want, sample, "the engine's sample of seed 7")
				i := slices.IndexFunc(cohortPersons, func(id int64) bool { return !slices.Contains(sample, id) })
				outsider = cohortPersons[i]
			}},
		{name: "a page", method: "GET", path: rv("/participants?page=2&size=20"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				p := participantPage(t, r)
				assert.Equal(t, 2, p.Page)
				assert.Equal(t, 20, p.Size)
				assert.Equal(t, 50, p.Total)
				require.Len(t, p.Participants, 10)
				assert.Equal(t, sample[40], p.Participants[0].PersonID)
			}},
		{name: "unknown status", method: "GET", path: rv("/participants?status=MAYBE"), token: f.researcher, want: 400, check: problemAt("status")},
		{name: "size 0", method: "GET", path: rv("/participants?size=0"), token: f.researcher, want: 400, check: problemAt("size")},
		{name: "negative page", method: "GET", path: rv("/participants?page=-1"), token: f.researcher, want: 400, check: problemAt("page")},
		{name: "size not a number", method: "GET", path: rv("/participants?size=x"), token: f.researcher, want: 400},
	})

	f.run(t, []step{
		{name: "include", method: "PUT", path: person(0, "/status"), token: f.researcher, body: `{"status": "INCLUDED"}`, want: 200,
			check: func(t *testing.T, r response) {
				p := participant(t, r)
				assert.Equal(t, workbench.Included, p.Status)
				assert.Equal(t, f.researcherID, p.UpdatedBy)
			}},
		{name: "exclude", method: "PUT", path: person(1, "/status"), token: f.researcher, body: `{"status": "EXCLUDED"}`, want: 200},
		{name: "needs further review", method: "PUT", path: person(2, "/status"), token: f.researcher, body: `{"status": "NEEDS_FURTHER_REVIEW"}`, want: 200},
		{name: "unknown status value", method: "PUT", path: person(3, "/status"), token: f.researcher, body: `{"status": "MAYBE"}`, want: 400, check: problemAt("status")},
		{name: "status of a person outside the review", method: "PUT", path: rv(fmt.Sprintf("/participants/%d/status", outsider)), token: f.researcher,
			body: `{"status": "INCLUDED"}`, want: 404},
		{name: "person not a number", method: "PUT", path: rv("/participants/abc/status"), token: f.researcher, body: `{"status": "INCLUDED"}`, want: 400},
		{name: "only the included", method: "GET", path: rv("/participants?status=INCLUDED"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				p := participantPage(t, r)
				assert.Equal(t, 1, p.Total)
				require.Len(t, p.Participants, 1)
				assert.Equal(t, sample[0], p.Participants[0].PersonID)
			}},
		{name: "by status, then person id", method: "GET", path: rv("/participants?sort=status&size=3"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				p := participantPage(t, r)
				assert.Equal(t, 50, p.Total)
				require.Len(t, p.Participants, 3)
				assert.Equal(t, []workbench.ReviewStatus{workbench.NotReviewed, workbench.NotReviewed, workbench.NotReviewed},
					[]workbench.ReviewStatus{p.Participants[0].Status, p.Participants[1].Status, p.Participants[2].Status})
				assert.Equal(t, sample[3], p.Participants[0].PersonID, "ties by person id")
			}},
		{name: "by status, descending", method: "GET", path: rv("/participants?sort=status&order=desc&size=3"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				p := participantPage(t, r)
				require.Len(t, p.Participants, 3)
				assert.Equal(t, []int64{sample[2], sample[1], sample[0]}, []int64{p.Participants[0].PersonID, p.Participants[1].PersonID, p.Participants[2].PersonID})
			}},
		{name: "the women, oldest first", method: "GET", path: rv("/participants?sex_at_birth=FEMALE&sort=age&order=desc&size=10000"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				p := participantPage(t, r)
				require.NotEmpty(t, p.Participants)
				assert.Equal(t, len(p.Participants), p.Total)
				assert.Less(t, p.Total, 50)
				for i, pt := range p.Participants {
					assert.Equal(t, "FEMALE", pt.Person.SexAtBirth)
					if i > 0 {
						assert.LessOrEqual(t, *pt.Person.Age, *p.Participants[i-1].Person.Age)
					}
				}
			}},
		{name: "unknown sort", method: "GET", path: rv("/participants?sort=name"), token: f.researcher, want: 400, check: problemAt("sort")},
		{name: "unknown order", method: "GET", path: rv("/participants?order=up"), token: f.researcher, want: 400, check: problemAt("order")},
		{name: "one participant", method: "GET", path: person(1, ""), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Equal(t, workbench.Excluded, participant(t, r).Status) }},
		{name: "one person outside the review", method: "GET", path: rv(fmt.Sprintf("/participants/%d", outsider)), token: f.researcher, want: 404},
	})

	newField := func(name, typ, extra string) step {
		return step{name: "field " + typ, method: "POST", path: c("/annotation-fields"), token: f.researcher, want: 201,
			body: fmt.Sprintf(`{"name": %q, "type": %q%s}`, name, typ, extra),
			check: func(t *testing.T, r response) {
				v := r.json(t)
				assert.Equal(t, typ, v["type"])
				assert.Equal(t, cohortID, v["cohort_id"])
				fields[typ] = v["id"].(string)
			}}
	}
	f.run(t, []step{
		newField("note", "STRING", ""),
		newField("severity", "ENUM", `, "enum_values": ["mild", "severe"]`),
		newField("onset", "DATE", ""),
		newField("confirmed", "BOOLEAN", ""),
		newField("visits", "INTEGER", ""),
		{name: "enum without values", method: "POST", path: c("/annotation-fields"), token: f.researcher, body: `{"name": "x", "type": "ENUM"}`, want: 400},
		{name: "unknown type", method: "POST", path: c("/annotation-fields"), token: f.researcher, body: `{"name": "x", "type": "FLOAT"}`, want: 400},
		{name: "same name", method: "POST", path: c("/annotation-fields"), token: f.researcher, body: `{"name": "note", "type": "STRING"}`, want: 409},
		{name: "no id from the client", method: "POST", path: c("/annotation-fields"), token: f.researcher, body: `{"id": "af_1", "name": "y", "type": "STRING"}`, want: 400},
		{name: "list fields", method: "GET", path: c("/annotation-fields"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var l []workbench.AnnotationField
				require.NoError(t, json.Unmarshal(r.body, &l))
				require.Len(t, l, 5)
				assert.Equal(t, []string{"note", "severity", "onset", "confirmed", "visits"}, []string{l[0].Name, l[1].Name, l[2].Name, l[3].Name, l[4].Name})
			}},
	})

	annotate := func(typ string) string { return person(0, "/annotations/"+field(typ)) }
	var cases []step
	for _, tc := range []struct {
		typ, value string
		want       int
	}{
		{"STRING", `"wrist splinted"`, 200},
		{"ENUM", `"severe"`, 200},
		{"DATE", `"2026-03-01"`, 200},
		{"BOOLEAN", `true`, 200},
		{"INTEGER", `12`, 200},
		{"STRING", `5`, 400},
		{"ENUM", `"other"`, 400},
		{"DATE", `"03/01/2026"`, 400},
		{"BOOLEAN", `"yes"`, 400},
		{"INTEGER", `1.5`, 400},
	} {
		s := step{name: tc.typ + " " + tc.value, method: "PUT", token: f.researcher, want: tc.want, body: `{"value": ` + tc.value + `}`}
		s.path = annotate(tc.typ)
		if tc.want == 400 {
			s.check = problemAt("value")
		}
		cases = append(cases, s)
	}
	f.run(t, cases)
	f.run(t, []step{
		{name: "the participant has every value", method: "GET", path: person(0, ""), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				p := participant(t, r)
				want := map[string]string{"STRING": `"wrist splinted"`, "ENUM": `"severe"`, "DATE": `"2026-03-01"`, "BOOLEAN": `true`, "INTEGER": `12`}
				require.Len(t, p.Annotations, len(want))
				for typ, v := range want {
					assert.JSONEq(t, v, string(p.Annotations[field(typ)]), typ)
				}
			}},
		{name: "no value", method: "PUT", path: annotate("STRING"), token: f.researcher, body: `{}`, want: 400, check: problemAt("value")},
		{name: "null clears", method: "PUT", path: annotate("STRING"), token: f.researcher, body: `{"value": null}`, want: 200,
			check: func(t *testing.T, r response) { assert.NotContains(t, participant(t, r).Annotations, field("STRING")) }},
		{name: "unknown field", method: "PUT", path: person(0, "/annotations/af_none"), token: f.researcher, body: `{"value": "x"}`, want: 404},
		{name: "a person outside the review", method: "PUT", path: rv(fmt.Sprintf("/participants/%d/annotations/%s", outsider, field("STRING"))),
			token: f.researcher, body: `{"value": "x"}`, want: 404},
	})

	f.run(t, []step{
		{name: "events of a domain", method: "GET", path: person(0, "/events?domain=CONDITION&size=3"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var p workbench.EventPage
				require.NoError(t, json.Unmarshal(r.body, &p))
				evs, total, err := eng.ParticipantEvents(ctx, sample[0], cohort.DomainCondition, 0, 3)
				require.NoError(t, err)
				assert.Equal(t, total, p.Total)
				assert.Equal(t, evs, p.Events)
				assert.Positive(t, p.Total, "a wrist fracture is a condition")
				assert.LessOrEqual(t, len(p.Events), 3)
				for _, ev := range p.Events {
					assert.Equal(t, cohort.DomainCondition, ev.Domain)
					assert.NotEmpty(t, ev.Date)
				}
			}},
		{name: "every domain", method: "GET", path: person(0, "/events"), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) {
				var p workbench.EventPage
				require.NoError(t, json.Unmarshal(r.body, &p))
				assert.Equal(t, 100, p.Size, "the default page size")
				assert.Positive(t, p.Total)
			}},
		{name: "events of a person outside the review", method: "GET", path: rv(fmt.Sprintf("/participants/%d/events", outsider)), token: f.researcher, want: 404},
		{name: "events of an unknown person", method: "GET", path: rv("/participants/-1/events"), token: f.researcher, want: 404},
		{name: "not an event domain", method: "GET", path: person(0, "/events?domain=PERSON"), token: f.researcher, want: 400},
		{name: "events page size too large", method: "GET", path: person(0, "/events?size=10001"), token: f.researcher, want: 400, check: problemAt("size")},
	})

	// Access: no role, then READER, then WRITER; a user without the steps
	// is refused whatever the role.
	noRole := []step{
		{name: "outsider: review", method: "GET", path: rv(""), token: f.other, want: 404},
		{name: "outsider: reviews", method: "GET", path: c("/reviews"), token: f.other, want: 404},
		{name: "outsider: participants", method: "GET", path: rv("/participants"), token: f.other, want: 404},
		{name: "outsider: events", method: "GET", path: person(0, "/events"), token: f.other, want: 404},
		{name: "outsider: status", method: "PUT", path: person(3, "/status"), token: f.other, body: `{"status": "INCLUDED"}`, want: 404},
		{name: "outsider: fields", method: "GET", path: c("/annotation-fields"), token: f.other, want: 404},
		{name: "anonymous: participants", method: "GET", path: rv("/participants"), want: 401},
		{name: "another workspace's review is not found", method: "GET", path: "/v1/workspaces/" + f.otherWS + "/reviews/" + reviewID + "/participants", token: f.other, want: 404},
	}
	f.run(t, noRole)
	f.run(t, []step{
		{name: "share as READER", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "READER"}`, want: 204},
		{name: "share with pending", method: "PUT", path: ws + "/collaborators/p@example.org", token: f.researcher, body: `{"role": "OWNER"}`, want: 204},
		{name: "reader: participants", method: "GET", path: rv("/participants?size=5"), token: f.other, want: 200},
		{name: "reader: events", method: "GET", path: person(0, "/events?size=5"), token: f.other, want: 200},
		{name: "reader: fields", method: "GET", path: c("/annotation-fields"), token: f.other, want: 200},
		{name: "reader: no status", method: "PUT", path: person(3, "/status"), token: f.other, body: `{"status": "INCLUDED"}`, want: 403},
		{name: "reader: no annotation", method: "PUT", path: person(3, "/annotations/"+field("INTEGER")), token: f.other, body: `{"value": 1}`, want: 403},
		{name: "reader: no review", method: "POST", path: c("/reviews"), token: f.other, body: `{"size": 5}`, want: 403},
		{name: "reader: no field", method: "POST", path: c("/annotation-fields"), token: f.other, body: `{"name": "z", "type": "STRING"}`, want: 403},
		{name: "reader: no deleting", method: "DELETE", path: rv(""), token: f.other, want: 403},
		{name: "pending owner: no participants", method: "GET", path: rv("/participants"), token: f.pending, want: 403},
		{name: "pending owner: no events", method: "GET", path: person(0, "/events"), token: f.pending, want: 403},
		{name: "share as WRITER", method: "PUT", path: ws + "/collaborators/o@example.org", token: f.researcher, body: `{"role": "WRITER"}`, want: 204},
		{name: "writer: status", method: "PUT", path: person(3, "/status"), token: f.other, body: `{"status": "INCLUDED"}`, want: 200,
			check: func(t *testing.T, r response) { assert.Equal(t, workbench.Included, participant(t, r).Status) }},
		{name: "writer: annotation", method: "PUT", path: person(3, "/annotations/"+field("INTEGER")), token: f.other, body: `{"value": -4}`, want: 200,
			check: func(t *testing.T, r response) {
				assert.JSONEq(t, `-4`, string(participant(t, r).Annotations[field("INTEGER")]))
			}},
	})

	f.run(t, []step{
		{name: "delete a field", method: "DELETE", path: c("/annotation-fields/" + field("INTEGER")), token: f.researcher, want: 204},
		{name: "its values are gone", method: "GET", path: person(3, ""), token: f.researcher, want: 200,
			check: func(t *testing.T, r response) { assert.Empty(t, participant(t, r).Annotations) }},
		{name: "delete it again", method: "DELETE", path: c("/annotation-fields/" + field("INTEGER")), token: f.researcher, want: 404},
		{name: "delete the review", method: "DELETE", path: rv(""), token: f.researcher, want: 204},
		{name: "deleted review", method: "GET", path: rv(""), token: f.researcher, want: 404},
		{name: "deleted review's participants", method: "GET", path: rv("/participants"), token: f.researcher, want: 404},
		{name: "the other review stays", method: "GET", path: ws + "/reviews/" + otherReview, token: f.researcher, want: 200},
	})

	// The audit log has result sizes, never rows.
	recs, err := f.store.QueryAudit(ctx, store.AuditQuery{UserID: f.researcherID})
	require.NoError(t, err)
	sizes := map[access.Action][]int64{}
	for _, rec := range recs {
		if rec.Object == reviewID {
			sizes[rec.Action] = append(sizes[rec.Action], rec.ResultSize)
		}
	}
	assert.Equal(t, []int64{50}, sizes[access.CreateReview], "the sample's size")
	assert.Equal(t, []int64{50, 10, 1}, sizes[access.ViewReview][:3], "pages of participants")
	assert.Len(t, sizes[access.SetReviewStatus], 3)
	assert.Equal(t, []int64{1}, sizes[access.DeleteReview])
}
