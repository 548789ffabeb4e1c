package workbench

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/circe"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/engine"
	"github.com/openworkbench/workbench/public"
)

// The services every front end calls. Package app implements them over
// the state store and the cohort engine, deciding and auditing each
// call; notebook.Client implements them over HTTP. The user is the one
// of the context (UserFrom).

// Authenticator knows the users of bearer tokens.
type Authenticator interface {
	// Authenticate is the user of token; access.ErrUnauthenticated when
	// the token is unknown, revoked or expired.
	Authenticate(ctx context.Context, token string) (access.User, error)
}

// AccountService is a user's own account: registration, access status
// and the self-service steps.
type AccountService interface {
	// Register asks for an account with no step done: its first bearer
	// token goes to the address only, and the answer is the same whether
	// the address had an account or not.
	Register(ctx context.Context, r Registration) error
	// Me is the user with their access status.
	Me(ctx context.Context) (UserStatus, error)
	// CompleteStep records a self-service step done now.
	CompleteStep(ctx context.Context, step access.Requirement) (access.Status, error)
}

// AdminService is what administrators do: approve and disable users and
// read the audit log.
type AdminService interface {
	Users(ctx context.Context) ([]UserStatus, error)
	ApproveUser(ctx context.Context, id string) (UserStatus, error)
	// DisableUser disables the user id; the reason, when given, goes to
	// the audit log with the act.
	DisableUser(ctx context.Context, id, reason string) error
	// EnableUser gives a disabled user id back what their records allow;
	// the reason, when given, goes to the audit log with the act.
	EnableUser(ctx context.Context, id, reason string) error
	// Audit is the lines of the audit log that q selects.
	Audit(ctx context.Context, q AuditQuery) ([]access.AuditRecord, error)
}

// DictionaryService is the data dictionary of the CDR.
type DictionaryService interface {
	Dictionary(ctx context.Context) (Dictionary, error)
	DictionaryTable(ctx context.Context, name string) (Table, error)
}

// WorkspaceService is workspaces and their collaborators.
type WorkspaceService interface {
	// Workspaces is those where the user holds a role.
	Workspaces(ctx context.Context) ([]Membership, error)
	// CreateWorkspace creates w with the user as its OWNER.
	CreateWorkspace(ctx context.Context, w Workspace) (Workspace, error)
	GetWorkspace(ctx context.Context, id string) (Workspace, error)
	// UpdateWorkspace changes the fields p gives of the workspace id.
	UpdateWorkspace(ctx context.Context, id string, p WorkspacePatch) (Workspace, error)
	DeleteWorkspace(ctx context.Context, id string) error
	Collaborators(ctx context.Context, ws string) ([]Collaborator, error)
	// Share gives the user of email the role in the workspace.
	Share(ctx context.Context, ws, email string, role access.Role) error
	// Unshare takes the role of the user of email in the workspace; the
	// last owner stays.
	Unshare(ctx context.Context, ws, email string) error
	// DuplicateWorkspace copies the workspace with everything in it, the
	// user as the copy's only OWNER.
	DuplicateWorkspace(ctx context.Context, ws, name string) (Workspace, error)
}

// PublicService is the public tier: the answers of the public release,
// open to anonymous callers. Nothing in it is computed from rows.
type PublicService interface {
	PublicManifest(ctx context.Context) (public.Manifest, error)
	PublicTotals(ctx context.Context) (public.Totals, error)
	// PublicDemographics is the breakdowns of a scope (public.Scopes).
	PublicDemographics(ctx context.Context, scope string) (public.Demographics, error)
	PublicSearch(ctx context.Context, q public.Query) (public.SearchResult, error)
	PublicDomains(ctx context.Context, text string) ([]public.DomainResult, error)
	PublicConcept(ctx context.Context, id int64) (public.ConceptPage, error)
	PublicHistograms(ctx context.Context, id int64) ([]public.Histogram, error)
	PublicTopConcepts(ctx context.Context, domain string, n int) ([]public.Concept, error)
	PublicSurveys(ctx context.Context) ([]public.SurveySummary, error)
	PublicSurvey(ctx context.Context, id int64) (public.Survey, error)
	PublicQuestion(ctx context.Context, id int64) (public.Question, error)
}

// HelpService is the help requests of the public pages, read and closed
// by administrators.
type HelpService interface {
	// HelpRequests is the open requests, or every request when all.
	HelpRequests(ctx context.Context, all bool) ([]HelpRequest, error)
	CloseHelpRequest(ctx context.Context, id string) (HelpRequest, error)
}

// CohortService is the cohorts of a workspace: definitions counted as
// they are built, saved ones, and what the engine answers of a saved one.
type CohortService interface {
	// Count is the number of persons of def, saved or not.
	Count(ctx context.Context, ws string, def *cohort.Definition) (int64, error)
	// DefinitionDemographics is the demographics of def, saved or not.
	DefinitionDemographics(ctx context.Context, ws string, def *cohort.Definition) (*engine.Demographics, error)
	Cohorts(ctx context.Context, ws string) ([]Cohort, error)
	Cohort(ctx context.Context, ws, id string) (Cohort, error)
	// SaveCohort creates c (ID empty) in the workspace c.WorkspaceID, or
	// changes the cohort c.ID, with the definition def.
	SaveCohort(ctx context.Context, c Cohort, def *cohort.Definition) (Cohort, error)
	DeleteCohort(ctx context.Context, ws, id string) error
	CohortCount(ctx context.Context, ws, id string) (int64, error)
	Demographics(ctx context.Context, ws, id string) (*engine.Demographics, error)
	// TopConcepts is the n concepts of a domain most persons of the
	// cohort have.
	TopConcepts(ctx context.Context, ws, id string, domain cohort.Domain, n int) ([]engine.ConceptCount, error)
	// Participants is a page (from 0) of the cohort's person ids.
	Participants(ctx context.Context, ws, id string, page, size int) (Page, error)
	// SQL is the compiled query of the cohort, with its arguments.
	SQL(ctx context.Context, ws, id string) (cohort.Query, error)
}

// ConceptService is the CDR's vocabulary with exact person counts: the
// Concept Set Selector's search and hierarchy.
type ConceptService interface {
	SearchConcepts(ctx context.Context, s engine.ConceptSearch) ([]engine.Concept, error)
	Concept(ctx context.Context, id int64) (engine.Concept, error)
	// Parents and Children are the direct neighbours of a concept in the
	// hierarchy.
	Parents(ctx context.Context, id int64) ([]engine.Concept, error)
	Children(ctx context.Context, id int64) ([]engine.Concept, error)
}

// ConceptSetService is the saved concept sets of a workspace.
type ConceptSetService interface {
	ConceptSets(ctx context.Context, ws string) ([]ConceptSet, error)
	ConceptSet(ctx context.Context, ws, id string) (ConceptSet, error)
	// SaveConceptSet creates c (ID empty) in the workspace c.WorkspaceID,
	// or changes the concept set c.ID, with the items of cs, named c.Name.
	SaveConceptSet(ctx context.Context, c ConceptSet, cs *cohort.ConceptSet) (ConceptSet, error)
	DeleteConceptSet(ctx context.Context, ws, id string) error
	// ExpandConceptSet is the concepts the set selects (descendants
	// included, exclusions removed), with names and person counts.
	ExpandConceptSet(ctx context.Context, ws, id string) ([]engine.Concept, error)
}

// DatasetService is the saved datasets of a workspace and their previews.
// Exports stream in a wire format, so each front end has its own.
type DatasetService interface {
	Datasets(ctx context.Context, ws string) ([]Dataset, error)
	Dataset(ctx context.Context, ws, id string) (Dataset, error)
	// SaveDataset creates d (ID empty) in the workspace d.WorkspaceID, or
	// changes the dataset d.ID.
	SaveDataset(ctx context.Context, d Dataset) (Dataset, error)
	DeleteDataset(ctx context.Context, ws, id string) error
	// PreviewDataset is the first rows (at most limit) of a domain of the
	// dataset.
	PreviewDataset(ctx context.Context, ws, id string, domain cohort.Domain, limit int) (*engine.DatasetPreview, error)
	// DatasetColumns is the columns a dataset of the workspace may choose,
	// per domain (the CDR's catalog).
	DatasetColumns(ctx context.Context, ws string) (cohort.DatasetCatalog, error)
	// PreviewSelection is PreviewDataset of d, a selection of the
	// workspace d.WorkspaceID not saved (the Dataset Builder's preview).
	PreviewSelection(ctx context.Context, d Dataset, domain cohort.Domain, limit int) (*engine.DatasetPreview, error)
}

// ReviewService is cohort review: samples of a saved cohort's
// participants, their statuses, annotations and events.
type ReviewService interface {
	Reviews(ctx context.Context, ws, cohortID string) ([]Review, error)
	CreateReview(ctx context.Context, ws, cohortID string, n NewReview) (Review, error)
	Review(ctx context.Context, ws, id string) (Review, error)
	DeleteReview(ctx context.Context, ws, id string) error
	// ReviewParticipants is the page of the review's participants that q
	// selects, orders and pages, with their demographics.
	ReviewParticipants(ctx context.Context, ws, id string, q ParticipantQuery) (ParticipantPage, error)
	ReviewParticipant(ctx context.Context, ws, id string, person int64) (Participant, error)
	SetReviewStatus(ctx context.Context, ws, id string, person int64, status ReviewStatus) (Participant, error)
	// Annotate sets the participant's value of an annotation field; a
	// JSON null clears it.
	Annotate(ctx context.Context, ws, id string, person int64, field string, value json.RawMessage) (Participant, error)
	// ParticipantEvents is a page (from 0) of the participant's events of
	// a domain, of every domain when domain is empty.
	ParticipantEvents(ctx context.Context, ws, id string, person int64, domain cohort.Domain, page, size int) (EventPage, error)
	AnnotationFields(ctx context.Context, ws, cohortID string) ([]AnnotationField, error)
	CreateAnnotationField(ctx context.Context, ws string, f AnnotationField) (AnnotationField, error)
	DeleteAnnotationField(ctx context.Context, ws, cohortID, field string) error
}

// CirceService is the OHDSI Circe cohorts of a workspace (as ATLAS exports
// them), run with Circe's semantics.
type CirceService interface {
	CirceCohorts(ctx context.Context, ws string) ([]CirceCohort, error)
	CirceCohort(ctx context.Context, ws, id string) (CirceCohort, error)
	// SaveCirceCohort creates c (ID empty) in the workspace c.WorkspaceID,
	// or changes the cohort c.ID; c.Definition must compile.
	SaveCirceCohort(ctx context.Context, c CirceCohort) (CirceCohort, error)
	DeleteCirceCohort(ctx context.Context, ws, id string) error
	// CirceCount is the cohort's entries and distinct persons.
	CirceCount(ctx context.Context, ws, id string) (circe.Counts, error)
	// CirceAttrition is the events and persons passing each inclusion
	// rule.
	CirceAttrition(ctx context.Context, ws, id string) (*circe.Inclusion, error)
	// CirceRows is a page (from 0) of the cohort's rows.
	CirceRows(ctx context.Context, ws, id string, page, size int) (CircePage, error)
}

// Engine is what the services ask of a cohort engine over one indexed
// CDR: package engine's (DuckDB, in this process) and package spark's
// (a Spark cluster, over Spark Connect) both satisfy it, so the same
// services, HTTP API and pages run on either. What an engine cannot run
// answers an error matching engine.ErrUnsupported (a 503 that names it),
// never a wrong result.
type Engine interface {
	// Count, Demographics, TopConcepts and Participants are the results
	// of a cohort definition; SQL is the query that selects its persons.
	Count(ctx context.Context, def *cohort.Definition) (int64, error)
	Demographics(ctx context.Context, def *cohort.Definition) (*engine.Demographics, error)
	TopConcepts(ctx context.Context, def *cohort.Definition, d cohort.Domain, n int) ([]engine.ConceptCount, error)
	Participants(ctx context.Context, def *cohort.Definition, page, size int) (ids []int64, total int64, err error)
	SQL(def *cohort.Definition) (cohort.Query, error)

	// The vocabulary: search, concepts by id, their parents and children,
	// and the expansion of a concept set.
	SearchConcepts(ctx context.Context, s engine.ConceptSearch) ([]engine.Concept, error)
	Concept(ctx context.Context, id int64) (engine.Concept, error)
	Concepts(ctx context.Context, ids []int64) ([]engine.Concept, error)
	Parents(ctx context.Context, id int64) ([]engine.Concept, error)
	Children(ctx context.Context, id int64) ([]engine.Concept, error)
	ExpandConceptSet(ctx context.Context, cs *cohort.ConceptSet) ([]int64, error)

	// Datasets: the columns a dataset may choose, a preview, and the rows
	// of a domain's table, streamed to read.
	DatasetCatalog(ctx context.Context) (cohort.DatasetCatalog, error)
	PreviewDataset(ctx context.Context, d *cohort.Dataset, domain cohort.Domain, limit int) (*engine.DatasetPreview, error)
	DatasetRows(ctx context.Context, d *cohort.Dataset, domain cohort.Domain, read func(cols []cohort.DatasetColumn, rows engine.Rows) error) error

	// Reviews: a seeded sample of a cohort, a participant's events and
	// the demographics of persons.
	ReviewSample(ctx context.Context, def *cohort.Definition, seed int64, size int) ([]int64, error)
	ParticipantEvents(ctx context.Context, personID int64, d cohort.Domain, page, size int) ([]engine.Event, int64, error)
	Persons(ctx context.Context, ids []int64) (map[int64]engine.Person, error)

	// DB is the database/sql database the engine runs on, for queries
	// compiled elsewhere (Circe cohorts, whose SQL is DuckDB's); nil for
	// an engine that has none (Spark), where they are unsupported.
	DB() *sql.DB
}
