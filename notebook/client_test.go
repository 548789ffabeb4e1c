package notebook_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/notebook"
	"github.com/openworkbench/workbench/public"
	"github.com/openworkbench/workbench/server"
)

func TestMain(m *testing.M) {
	code := m.Run()
	os.Exit(code)
}

// live is a server over GiBleed on 127.0.0.1 that records the route of
// every request it answers, with clients of its users.
type live struct {
	url    string
	store  *store.Store
	router *mux.Router
	outbox *outbox

	mu  sync.Mutex
	hit map[string]bool

	anonymous, researcher, other, pending, admin *notebook.Client
	otherEmail, pendingID, otherID               string
}

// outbox keeps the messages of the live server's registrations.
type outbox struct {
	mu   sync.Mutex
	sent []app.Message
}

func (o *outbox) Send(_ context.Context, m app.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

// last is the body of the last message to the address.
func (o *outbox) last(t *testing.T, to string) string {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.sent) - 1; i >= 0; i-- {
		if o.sent[i].To == to {
			return o.sent[i].Body
		}
	}
	t.Fatalf("no message to %s", to)
	return ""
}

// tokenRE finds a bearer token in a message.
var tokenRE = regexp.MustCompile(`wb_[A-Za-z0-9_-]+`)

func newLive(t *testing.T) *live {
	t.Helper()
	ctx := context.Background()
	c, err := cdr.Open(ctx, testcdr.GiBleed(t), cdr.Options{Threads: 2})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	info, ok := c.Index()
	require.True(t, ok)
	eng, err := engine.New(c.DB(), info.VersionID, engine.Options{})
	require.NoError(t, err)
	st, err := store.Open(ctx, testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	out := &outbox{}
	srv, err := server.New(server.Config{RateLimit: server.RateLimit{Rate: 1e6, Burst: 1 << 20}},
		server.Deps{Engine: eng, Store: st, Release: testcdr.GiBleedRelease(t), Schema: c.Schema(), Index: info, NotebookDir: t.TempDir(), Outbox: out})
	require.NoError(t, err)
	l := &live{store: st, router: srv.Handler().(*mux.Router), outbox: out, hit: map[string]bool{}}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m mux.RouteMatch
		if l.router.Match(r, &m) && m.Route != nil {
			tmpl, err := m.Route.GetPathTemplate()
			require.NoError(t, err)
			l.mu.Lock()
			l.hit[r.Method+" "+tmpl] = true
			l.mu.Unlock()
		}
		l.router.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	l.url = hs.URL

	client := func(token string) *notebook.Client {
		cl, err := notebook.New(hs.URL+"/", token)
		require.NoError(t, err)
		return cl
	}
	l.anonymous = client("")
	var token string
	token, _ = addUser(t, st, "r@example.org", true, false)
	l.researcher = client(token)
	token, l.otherID = addUser(t, st, "o@example.org", true, false)
	l.other, l.otherEmail = client(token), "o@example.org"
	token, l.pendingID = addUser(t, st, "p@example.org", false, false)
	l.pending = client(token)
	token, _ = addUser(t, st, "admin@example.org", false, true)
	l.admin = client(token)
	return l
}

// addUser adds a user with a token; approved users have every step of the
// registered tier, the others none.
func addUser(t *testing.T, st *store.Store, email string, approved, admin bool) (token, id string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	u, err := st.AddUser(ctx, access.User{Email: email, Admin: admin})
	require.NoError(t, err)
	if approved {
		for _, r := range []access.Record{
			{UserID: u.ID, Kind: access.Profile, CompletedAt: now.Add(-time.Hour)},
			{UserID: u.ID, Kind: access.EthicsTraining, CompletedAt: now.Add(-time.Hour)},
			{UserID: u.ID, Kind: access.CodeOfConduct, CompletedAt: now.Add(-time.Hour), Version: access.DefaultCodeOfConductVersion},
			{UserID: u.ID, Kind: access.Approval, CompletedAt: now.Add(-time.Hour), By: u.ID},
		} {
			_, err := st.PutRecord(ctx, r)
			require.NoError(t, err)
		}
	}
	token, _, err = st.CreateToken(ctx, u.ID, time.Hour, now)
	require.NoError(t, err)
	return token, u.ID
}

func wristFracture(t *testing.T) *cohort.Definition {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testcdr.Root, "cohort", "testdata", "examples", "wrist_fracture.json"))
	require.NoError(t, err)
	def, err := cohort.Parse(b)
	require.NoError(t, err)
	return def
}

// TestClientCallsEveryRoute drives every method of the client against the
// live server, checks what each answers, and fails when the router serves
// a route that no call reached: a new route needs its client method.
func TestClientCallsEveryRoute(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	wrist := wristFracture(t)
	r, anon, admin := l.researcher, l.anonymous, l.admin

	t.Run("public", func(t *testing.T) {
		h, err := anon.Health(ctx)
		require.NoError(t, err)
		assert.Equal(t, "ok", h.Status)
		doc, err := anon.OpenAPI(ctx)
		require.NoError(t, err)
		assert.Contains(t, string(doc), `"openapi"`)
		dict, err := anon.Dictionary(ctx)
		require.NoError(t, err)
		assert.NotEmpty(t, dict.Tables)
		person, err := anon.DictionaryTable(ctx, "person")
		require.NoError(t, err)
		assert.Equal(t, "person", person.Name)
		_, err = anon.DictionaryTable(ctx, "nope")
		assert.ErrorIs(t, err, workbench.ErrNotFound)
		manifest, err := anon.PublicManifest(ctx)
		require.NoError(t, err)
		assert.Equal(t, 20, manifest.Disclosure.Threshold)
		totals, err := anon.PublicTotals(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 2700, totals.Participants.Value(), "GiBleed's 2,694 persons, released as the next multiple of 20")
		demo, err := anon.PublicDemographics(ctx, "")
		require.NoError(t, err)
		assert.Equal(t, public.ScopeAll, demo.Scope)
		_, err = anon.PublicDemographics(ctx, "everyone")
		assert.ErrorIs(t, err, public.ErrInvalid)
		found, err := anon.PublicSearch(ctx, public.Query{Text: "fracture", Limit: 5})
		require.NoError(t, err)
		require.NotEmpty(t, found.Concepts)
		domains, err := anon.PublicDomains(ctx, "fracture")
		require.NoError(t, err)
		assert.NotEmpty(t, domains)
		page, err := anon.PublicConcept(ctx, 4134304)
		require.NoError(t, err)
		assert.EqualValues(t, 460, page.Count.Value(), "the 442 persons of wrist fracture, released as the next multiple of 20")
		_, err = anon.PublicHistograms(ctx, 4134304)
		require.NoError(t, err)
		top, err := anon.PublicTopConcepts(ctx, public.DomainCondition, 3)
		require.NoError(t, err)
		assert.Len(t, top, 3)
		surveys, err := anon.PublicSurveys(ctx)
		require.NoError(t, err)
		assert.Empty(t, surveys, "GiBleed has no survey")
		_, err = anon.PublicSurvey(ctx, 4134304)
		assert.ErrorIs(t, err, public.ErrNotFound)
		_, err = anon.PublicQuestion(ctx, 4134304)
		assert.ErrorIs(t, err, public.ErrNotFound)
	})

	t.Run("account", func(t *testing.T) {
		_, err := anon.Me(ctx)
		assert.ErrorIs(t, err, access.ErrUnauthenticated)
		me, err := r.Me(ctx)
		require.NoError(t, err)
		assert.Equal(t, "r@example.org", me.User.Email)
		assert.Equal(t, access.Registered, me.Status.Tier)
		st, err := l.pending.CompleteStep(ctx, access.Profile)
		require.NoError(t, err)
		assert.Equal(t, access.Public, st.Tier)
		require.NoError(t, anon.Register(ctx, workbench.Registration{Email: "new@example.org", Name: "New Researcher"}))
		token := tokenRE.FindString(l.outbox.last(t, "new@example.org"))
		require.NotEmpty(t, token, "the first token arrives in the message")
		fresh, err := notebook.New(l.url, token)
		require.NoError(t, err)
		me, err = fresh.Me(ctx)
		require.NoError(t, err)
		assert.Equal(t, "New Researcher", me.User.Name)
		assert.Len(t, me.Status.Missing(access.Registered), 4, "a new account has every step to do")
		assert.NoError(t, anon.Register(ctx, workbench.Registration{Email: "NEW@example.org", Name: "Again"}),
			"a taken address is answered alike")
		assert.Contains(t, l.outbox.last(t, "new@example.org"), "already has an account")
	})

	w, err := r.CreateWorkspace(ctx, workbench.Workspace{Name: "Study", ResearchPurpose: testkit.Purpose()})
	require.NoError(t, err)
	ws := w.ID
	t.Run("workspaces", func(t *testing.T) {
		list, err := r.Workspaces(ctx)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, access.Owner, list[0].Role)
		got, err := r.GetWorkspace(ctx, ws)
		require.NoError(t, err)
		assert.Equal(t, testkit.Purpose(), got.ResearchPurpose)
		_, err = l.other.GetWorkspace(ctx, ws)
		assert.ErrorIs(t, err, access.ErrNotFound, "a workspace of others looks absent")
		_, err = l.pending.Workspaces(ctx)
		assert.ErrorIs(t, err, access.ErrForbidden)
		name := "Study 2"
		got, err = r.UpdateWorkspace(ctx, ws, workbench.WorkspacePatch{Name: &name})
		require.NoError(t, err)
		assert.Equal(t, "Study 2", got.Name)
		assert.Equal(t, testkit.Purpose(), got.ResearchPurpose, "what the patch does not give stays")
		require.NoError(t, r.Share(ctx, ws, l.otherEmail, access.Reader))
		collabs, err := r.Collaborators(ctx, ws)
		require.NoError(t, err)
		assert.Len(t, collabs, 2)
		require.NoError(t, r.Unshare(ctx, ws, l.otherEmail))
		dup, err := r.DuplicateWorkspace(ctx, ws, "Copy")
		require.NoError(t, err)
		require.NoError(t, r.DeleteWorkspace(ctx, dup.ID))
		_, err = r.GetWorkspace(ctx, dup.ID)
		assert.ErrorIs(t, err, access.ErrNotFound)
	})

	var cohortID, setID string
	t.Run("cohorts and concept sets", func(t *testing.T) {
		n, err := r.Count(ctx, ws, wrist)
		require.NoError(t, err)
		assert.EqualValues(t, 442, n)
		c, err := r.SaveCohort(ctx, workbench.Cohort{WorkspaceID: ws, Name: "Wrists"}, wrist)
		require.NoError(t, err)
		cohortID = c.ID
		_, err = r.SaveCohort(ctx, workbench.Cohort{WorkspaceID: ws, Name: "Wrists"}, wrist)
		assert.ErrorIs(t, err, workbench.ErrConflict)
		_, err = r.SaveCohort(ctx, workbench.Cohort{WorkspaceID: ws, Name: "Empty"}, &cohort.Definition{})
		assert.ErrorIs(t, err, cohort.ErrInvalid)
		paths := fault.FieldsOf(err)
		require.NotEmpty(t, paths, "%v", err)
		assert.Regexp(t, `^definition`, paths[0].Path)
		list, err := r.Cohorts(ctx, ws)
		require.NoError(t, err)
		assert.Len(t, list, 1)
		got, err := r.Cohort(ctx, ws, cohortID)
		require.NoError(t, err)
		def, err := cohort.Parse(got.Definition)
		require.NoError(t, err)
		assert.Equal(t, wrist.String(), def.String())
		_, err = r.SaveCohort(ctx, workbench.Cohort{ID: cohortID, WorkspaceID: ws, Name: "Wrist fractures", Description: "all of them"}, wrist)
		require.NoError(t, err)
		n, err = r.CohortCount(ctx, ws, cohortID)
		require.NoError(t, err)
		assert.EqualValues(t, 442, n)
		d, err := r.Demographics(ctx, ws, cohortID)
		require.NoError(t, err)
		assert.EqualValues(t, 442, d.Count)
		unsaved, err := r.DefinitionDemographics(ctx, ws, wrist)
		require.NoError(t, err)
		assert.Equal(t, d, unsaved, "the same breakdown saved or not")
		top, err := r.TopConcepts(ctx, ws, cohortID, cohort.Domain("CONDITION"), 3)
		require.NoError(t, err)
		assert.Len(t, top, 3)
		p, err := r.Participants(ctx, ws, cohortID, 1, 50)
		require.NoError(t, err)
		assert.Len(t, p.PersonIDs, 50)
		assert.EqualValues(t, 442, p.Total)
		code, err := r.CohortCode(ctx, ws, cohortID, notebook.R)
		require.NoError(t, err)
		assert.Contains(t, code, "library(httr)")
		q, err := r.SQL(ctx, ws, cohortID)
		require.NoError(t, err)
		assert.Contains(t, q.SQL, "SELECT")
		assert.NotEmpty(t, q.Args)

		cs, err := r.SaveConceptSet(ctx, workbench.ConceptSet{WorkspaceID: ws}, &cohort.ConceptSet{Name: "Fractures", Items: []cohort.ConceptSetItem{{ConceptID: 4134304, IncludeDescendants: true}}})
		require.NoError(t, err)
		setID = cs.ID
		sets, err := r.ConceptSets(ctx, ws)
		require.NoError(t, err)
		assert.Len(t, sets, 1)
		_, err = r.ConceptSet(ctx, ws, setID)
		require.NoError(t, err)
		_, err = r.SaveConceptSet(ctx, workbench.ConceptSet{ID: setID, WorkspaceID: ws, Description: "wrists"}, &cohort.ConceptSet{Name: "Fractures", Items: []cohort.ConceptSetItem{{ConceptID: 4134304, IncludeDescendants: true}}})
		require.NoError(t, err)
		concepts, err := r.ExpandConceptSet(ctx, ws, setID)
		require.NoError(t, err)
		ids := make([]int64, len(concepts))
		for i, c := range concepts {
			ids[i] = c.ID
			assert.NotEmpty(t, c.Name, "concept %d", c.ID)
		}
		assert.Contains(t, ids, int64(4134304))
	})

	t.Run("Circe cohorts", func(t *testing.T) {
		def, err := os.ReadFile(filepath.Join(testcdr.Root, "circe", "testdata", "eunomia", "celecoxib.json"))
		require.NoError(t, err)
		cc, err := r.SaveCirceCohort(ctx, workbench.CirceCohort{WorkspaceID: ws, Name: "Celecoxib", Definition: def})
		require.NoError(t, err)
		n, err := r.CirceCount(ctx, ws, cc.ID)
		require.NoError(t, err)
		assert.Equal(t, circe.Counts{Entries: 1800, Subjects: 1800}, n)
		page, err := r.CirceRows(ctx, ws, cc.ID, 0, 2)
		require.NoError(t, err)
		assert.Len(t, page.Rows, 2)
		attrition, err := r.CirceAttrition(ctx, ws, cc.ID)
		require.NoError(t, err)
		assert.NotEmpty(t, attrition.Results)
		cc.Description = "OHDSI's celecoxib new users"
		_, err = r.SaveCirceCohort(ctx, cc)
		require.NoError(t, err)
		got, err := r.CirceCohort(ctx, ws, cc.ID)
		require.NoError(t, err)
		assert.Equal(t, cc.Description, got.Description)
		list, err := r.CirceCohorts(ctx, ws)
		require.NoError(t, err)
		assert.Len(t, list, 1)
		_, err = r.SaveCirceCohort(ctx, workbench.CirceCohort{WorkspaceID: ws, Name: "Bad", Definition: []byte(`{"PrimaryCriteria": {"CriteriaList": [{"Region": {}}]}}`)})
		assert.ErrorIs(t, err, circe.ErrInvalid)
		require.NotEmpty(t, fault.FieldsOf(err))
		require.NoError(t, r.DeleteCirceCohort(ctx, ws, cc.ID))
	})

	t.Run("concepts", func(t *testing.T) {
		found, err := r.SearchConcepts(ctx, engine.ConceptSearch{Query: "fracture", Limit: 3})
		require.NoError(t, err)
		assert.NotEmpty(t, found)
		c, err := r.Concept(ctx, 4134304)
		require.NoError(t, err)
		assert.Positive(t, c.PersonCount)
		// GiBleed's cut-down vocabulary has no ancestors of it.
		_, err = r.Parents(ctx, 4134304)
		require.NoError(t, err)
		_, err = r.Children(ctx, 4134304)
		require.NoError(t, err)
		_, err = r.Concept(ctx, 1)
		assert.ErrorIs(t, err, engine.ErrNotFound)
	})

	var datasetID string
	t.Run("datasets", func(t *testing.T) {
		d, err := r.SaveDataset(ctx, workbench.Dataset{WorkspaceID: ws, Name: "Wrist data", CohortIDs: []string{cohortID}, ConceptSetIDs: []string{setID},
			Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"person_id", "year_of_birth"}, cohort.DomainCondition: {"person_id", "condition_concept_id"}}})
		require.NoError(t, err)
		datasetID = d.ID
		_, err = r.SaveDataset(ctx, workbench.Dataset{WorkspaceID: ws, Name: "Bad", CohortIDs: []string{cohortID}, Columns: map[cohort.Domain][]string{cohort.DomainPerson: {"no_such_column"}}})
		paths := fault.FieldsOf(err)
		require.NotEmpty(t, paths, "%v", err)
		list, err := r.Datasets(ctx, ws)
		require.NoError(t, err)
		assert.Len(t, list, 1)
		got, err := r.Dataset(ctx, ws, datasetID)
		require.NoError(t, err)
		got.Description = "wrists"
		_, err = r.SaveDataset(ctx, got)
		require.NoError(t, err)
		prev, err := r.PreviewDataset(ctx, ws, datasetID, cohort.DomainPerson, 5)
		require.NoError(t, err)
		assert.Len(t, prev.Rows, 5)
		cat, err := r.DatasetColumns(ctx, ws)
		require.NoError(t, err)
		assert.NotEmpty(t, cat[cohort.DomainCondition])
		draft, err := r.PreviewSelection(ctx, workbench.Dataset{WorkspaceID: ws, CohortIDs: []string{cohortID}, Columns: got.Columns}, cohort.DomainPerson, 5)
		require.NoError(t, err)
		assert.Equal(t, prev.Rows, draft.Rows, "a selection not saved previews as the saved one")
		_, err = r.PreviewSelection(ctx, workbench.Dataset{WorkspaceID: ws, Columns: got.Columns}, cohort.DomainPerson, 5)
		assert.Equal(t, []string{"cohort_ids"}, pathsOf(fault.FieldsOf(err)), "%v", err)
		body, err := r.ExportDataset(ctx, ws, datasetID, cohort.DomainPerson, "csv")
		require.NoError(t, err)
		records, err := csv.NewReader(body).ReadAll()
		body.Close()
		require.NoError(t, err)
		assert.Len(t, records, 443, "a header and the 442 persons")
		code, err := r.DatasetCode(ctx, ws, datasetID, notebook.Go)
		require.NoError(t, err)
		assert.Contains(t, code, "notebook.FromEnv()")
		_, err = r.DatasetCode(ctx, ws, datasetID, "cobol")
		bad := fault.FieldsOf(err)
		require.NotEmpty(t, bad, "%v", err)
		assert.Equal(t, "lang", bad[0].Path)
	})

	t.Run("notebooks", func(t *testing.T) {
		nb := notebook.Python3(notebook.Cell{Type: notebook.Code, Source: "print(1)"})
		info, err := r.CreateNotebook(ctx, ws, "Analysis", nb)
		require.NoError(t, err)
		assert.Equal(t, "Analysis", info.Name)
		_, err = r.CreateNotebook(ctx, ws, "Analysis", nb)
		assert.ErrorIs(t, err, notebook.ErrExists)
		_, err = r.CreateNotebook(ctx, ws, "../up", nb)
		bad := fault.FieldsOf(err)
		require.NotEmpty(t, bad, "%v", err)
		assert.Equal(t, "name", bad[0].Path)
		_, err = r.CreateNotebook(ctx, ws, "Broken", &notebook.Notebook{NBFormat: 3})
		assert.ErrorIs(t, err, notebook.ErrInvalid)
		bad = fault.FieldsOf(err)
		require.NotEmpty(t, bad, "%v", err)
		assert.Equal(t, "notebook.nbformat", bad[0].Path)
		_, err = r.CreateStarterNotebook(ctx, ws, "Starter", datasetID)
		require.NoError(t, err)
		list, err := r.Notebooks(ctx, ws)
		require.NoError(t, err)
		assert.Len(t, list, 2)
		got, err := r.Notebook(ctx, ws, "Starter")
		require.NoError(t, err)
		assert.Contains(t, got.Cells[1].Source, datasetID)
		got.Cells = got.Cells[:1]
		_, err = r.SaveNotebook(ctx, ws, "Starter", got)
		require.NoError(t, err)
		require.NoError(t, r.DeleteNotebook(ctx, ws, "Starter"))
		_, err = r.Notebook(ctx, ws, "Starter")
		assert.ErrorIs(t, err, notebook.ErrNotFound)
	})

	t.Run("reviews", func(t *testing.T) {
		field, err := r.CreateAnnotationField(ctx, ws, workbench.AnnotationField{CohortID: cohortID, Name: "Confirmed", Type: "BOOLEAN"})
		require.NoError(t, err)
		fields, err := r.AnnotationFields(ctx, ws, cohortID)
		require.NoError(t, err)
		assert.Len(t, fields, 1)
		seed := int64(7)
		rv, err := r.CreateReview(ctx, ws, cohortID, workbench.NewReview{Name: "Sample", Size: 10, Seed: &seed})
		require.NoError(t, err)
		assert.Equal(t, 10, rv.Size)
		reviews, err := r.Reviews(ctx, ws, cohortID)
		require.NoError(t, err)
		assert.Len(t, reviews, 1)
		_, err = r.Review(ctx, ws, rv.ID)
		require.NoError(t, err)
		page, err := r.ReviewParticipants(ctx, ws, rv.ID, workbench.ParticipantQuery{})
		require.NoError(t, err)
		require.Len(t, page.Participants, 10)
		person := page.Participants[0].PersonID
		p, err := r.SetReviewStatus(ctx, ws, rv.ID, person, "INCLUDED")
		require.NoError(t, err)
		assert.Equal(t, workbench.ReviewStatus("INCLUDED"), p.Status)
		p, err = r.Annotate(ctx, ws, rv.ID, person, field.ID, json.RawMessage(`true`))
		require.NoError(t, err)
		assert.JSONEq(t, `true`, string(p.Annotations[field.ID]))
		p, err = r.ReviewParticipant(ctx, ws, rv.ID, person)
		require.NoError(t, err)
		assert.Equal(t, person, p.PersonID)
		events, err := r.ParticipantEvents(ctx, ws, rv.ID, person, cohort.Domain("CONDITION"), 0, 5)
		require.NoError(t, err)
		assert.NotEmpty(t, events.Events)
		require.NoError(t, r.DeleteAnnotationField(ctx, ws, cohortID, field.ID))
		require.NoError(t, r.DeleteReview(ctx, ws, rv.ID))
	})

	t.Run("deletions", func(t *testing.T) {
		require.NoError(t, r.DeleteDataset(ctx, ws, datasetID))
		require.NoError(t, r.DeleteConceptSet(ctx, ws, setID))
		require.NoError(t, r.DeleteCohort(ctx, ws, cohortID))
		_, err := r.Cohort(ctx, ws, cohortID)
		assert.Equal(t, fault.NotFound, fault.KindOf(err), "%v", err)
	})

	t.Run("admin", func(t *testing.T) {
		_, err := r.Users(ctx)
		assert.ErrorIs(t, err, access.ErrForbidden)
		users, err := admin.Users(ctx)
		require.NoError(t, err)
		assert.Len(t, users, 5, "the four of newLive and the one registered")
		_, err = admin.ApproveUser(ctx, l.pendingID)
		assert.ErrorIs(t, err, access.ErrInvalid, "steps are missing")
		require.NoError(t, admin.DisableUser(ctx, l.otherID, "a test of disabling"))
		_, err = l.other.Workspaces(ctx)
		assert.ErrorIs(t, err, access.ErrDisabled)
		assert.ErrorIs(t, r.EnableUser(ctx, l.otherID, ""), access.ErrForbidden)
		require.NoError(t, admin.EnableUser(ctx, l.otherID, "a test of enabling"))
		_, err = l.other.Workspaces(ctx)
		require.NoError(t, err)
		open, err := admin.HelpRequests(ctx, false)
		require.NoError(t, err)
		assert.Empty(t, open, "no one used the help form")
		_, err = admin.CloseHelpRequest(ctx, "h_nothing")
		assert.ErrorIs(t, err, workbench.ErrNotFound)
		_, err = r.HelpRequests(ctx, true)
		assert.ErrorIs(t, err, access.ErrForbidden)
		log, err := admin.Audit(ctx, workbench.AuditQuery{Since: time.Now().Add(-time.Hour)})
		require.NoError(t, err)
		assert.NotEmpty(t, log)
	})

	var missed []string
	served := testkit.Routes(t, l.router)
	for _, rt := range served {
		if !l.hit[rt] {
			missed = append(missed, rt)
		}
	}
	sort.Strings(missed)
	require.NotEmpty(t, served)
	assert.Empty(t, missed, "routes no client call reached: give each a method of notebook.Client and call it here")
}

// pathsOf is the paths of the problems fs.
func pathsOf(fs []fault.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}
