package workbench

import (
	"context"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/public"
)

// The services every front end calls. Package app implements them over
// the state store and the cohort engine, deciding and auditing each
// call; notebook.Client implements them over HTTP. The user is the one
// of the context (UserFrom).

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
	DisableUser(ctx context.Context, id string) error
	// Audit is the audit log from since, of one user when userID is not
	// empty.
	Audit(ctx context.Context, since time.Time, userID string) ([]access.AuditRecord, error)
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
