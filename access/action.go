package access

// Action is everything a user can ask of the product, one constant per
// decision. The values are stable: the audit log stores them.
type Action string

// Public actions need nothing: anonymous visitors may do them.
const (
	// BrowsePublic reads the Data Browser's aggregates: totals, breakdowns
	// by demographics, a concept's counts, survey answer counts.
	BrowsePublic Action = "public.browse"
	// ViewDictionary reads the data dictionary of the CDR.
	ViewDictionary Action = "dictionary.view"
	// SearchConcepts searches the vocabulary, with released person counts.
	SearchConcepts Action = "concepts.search"
	// Register creates an account: a user with no step done yet, who then
	// completes the steps of the registered tier.
	Register Action = "account.register"
)

// Account actions need a logged-in user.
const (
	// ViewStatus reads the user's own access status and steps; the one
	// thing a disabled user may still do.
	ViewStatus Action = "account.status"
	// CompleteStep records a self-service step ([Request.Step]) of the user.
	CompleteStep Action = "account.complete_step"
	// ManageTokens lists, creates and revokes the user's own API tokens.
	ManageTokens Action = "account.tokens"
	// ChangePassword sets the user's own password.
	ChangePassword Action = "account.password"
	// ListWorkspaces lists the workspaces where the user holds a role.
	ListWorkspaces Action = "workspace.list"
	// CreateWorkspace creates a workspace of [Request.WorkspaceTier].
	CreateWorkspace Action = "workspace.create"
	// BrowseConcepts searches the vocabulary and walks its hierarchy with
	// exact person counts, which the public tier never sees.
	BrowseConcepts Action = "concepts.browse"
)

// Workspace actions concern one workspace, and need a role in it and the
// workspace's tier.
const (
	ViewWorkspace      Action = "workspace.view"
	UpdateWorkspace    Action = "workspace.update"
	DeleteWorkspace    Action = "workspace.delete"
	ShareWorkspace     Action = "workspace.share"
	DuplicateWorkspace Action = "workspace.duplicate"

	CohortCount        Action = "cohort.count"
	CohortDemographics Action = "cohort.demographics"
	CohortTopConcepts  Action = "cohort.top_concepts"
	CohortParticipants Action = "cohort.participants"
	CreateCohort       Action = "cohort.create"
	UpdateCohort       Action = "cohort.update"
	DeleteCohort       Action = "cohort.delete"

	CreateConceptSet Action = "concept_set.create"
	UpdateConceptSet Action = "concept_set.update"
	DeleteConceptSet Action = "concept_set.delete"

	ViewReview   Action = "review.view"
	CreateReview Action = "review.create"
	DeleteReview Action = "review.delete"
	// ViewParticipant reads one person's row-level data (their events)
	// through a review: only a participant of the review (see
	// Request.Participant).
	ViewParticipant Action = "review.participant"
	SetReviewStatus Action = "review.set_status"
	Annotate        Action = "review.annotate"

	CreateDataset  Action = "dataset.create"
	PreviewDataset Action = "dataset.preview"
	ExportDataset  Action = "dataset.export"

	CreateNotebook Action = "notebook.create"
	EditNotebook   Action = "notebook.edit"
	// OpenLab opens the workspace's JupyterLab, whose kernels act with a
	// token of the user and which saves notebooks: the role of editing
	// them.
	OpenLab Action = "lab.open"
)

// Administrator actions need the user's Admin flag, and nothing else.
const (
	ListUsers    Action = "admin.list_users"
	ApproveUser  Action = "admin.approve_user"
	DisableUser  Action = "admin.disable_user"
	EnableUser   Action = "admin.enable_user"
	ReadAuditLog Action = "admin.audit_log"
	// ReadHelpRequests and CloseHelpRequest are the help desk of the
	// public pages' help form.
	ReadHelpRequests Action = "admin.help_requests"
	CloseHelpRequest Action = "admin.close_help_request"
)

// scope is the kind of rule an action follows.
type scope int

const (
	scopeUnknown   scope = iota // not an action: refused
	scopePublic                 // nothing needed
	scopeSelf                   // a login, even of a disabled user
	scopeStep                   // a login and a self-service step
	scopeLogin                  // a login of a user not disabled
	scopeAccount                // a login and the registered tier
	scopeWorkspace              // a role and the workspace's tier
	scopeAdmin                  // a login and the Admin flag
)

type rule struct {
	scope scope
	role  Role // scopeWorkspace: the least role
	// tiered: the action needs Request.WorkspaceTier (else the registered
	// tier is enough).
	tiered bool
	rows   bool // the result holds rows of participants
	// person: the action reads one person's data, who must be a
	// participant of the review the request names.
	person bool
}

// rules is the policy: one line per action. doc.go shows it as a table.
var rules = map[Action]rule{
	BrowsePublic:   {scope: scopePublic},
	ViewDictionary: {scope: scopePublic},
	SearchConcepts: {scope: scopePublic},
	Register:       {scope: scopePublic},

	ViewStatus:      {scope: scopeSelf},
	CompleteStep:    {scope: scopeStep},
	ManageTokens:    {scope: scopeLogin},
	ChangePassword:  {scope: scopeLogin},
	ListWorkspaces:  {scope: scopeAccount},
	CreateWorkspace: {scope: scopeAccount, tiered: true},
	BrowseConcepts:  {scope: scopeAccount},

	ViewWorkspace:      {scope: scopeWorkspace, tiered: true, role: Reader},
	DuplicateWorkspace: {scope: scopeWorkspace, tiered: true, role: Reader},
	UpdateWorkspace:    {scope: scopeWorkspace, tiered: true, role: Owner},
	ShareWorkspace:     {scope: scopeWorkspace, tiered: true, role: Owner},
	DeleteWorkspace:    {scope: scopeWorkspace, tiered: true, role: Owner},

	CohortCount:        {scope: scopeWorkspace, tiered: true, role: Reader},
	CohortDemographics: {scope: scopeWorkspace, tiered: true, role: Reader},
	CohortTopConcepts:  {scope: scopeWorkspace, tiered: true, role: Reader},
	CohortParticipants: {scope: scopeWorkspace, tiered: true, role: Reader, rows: true},
	CreateCohort:       {scope: scopeWorkspace, tiered: true, role: Writer},
	UpdateCohort:       {scope: scopeWorkspace, tiered: true, role: Writer},
	DeleteCohort:       {scope: scopeWorkspace, tiered: true, role: Writer},

	CreateConceptSet: {scope: scopeWorkspace, tiered: true, role: Writer},
	UpdateConceptSet: {scope: scopeWorkspace, tiered: true, role: Writer},
	DeleteConceptSet: {scope: scopeWorkspace, tiered: true, role: Writer},

	ViewReview:      {scope: scopeWorkspace, tiered: true, role: Reader, rows: true},
	CreateReview:    {scope: scopeWorkspace, tiered: true, role: Writer},
	DeleteReview:    {scope: scopeWorkspace, tiered: true, role: Writer},
	ViewParticipant: {scope: scopeWorkspace, tiered: true, role: Reader, rows: true, person: true},
	SetReviewStatus: {scope: scopeWorkspace, tiered: true, role: Writer},
	Annotate:        {scope: scopeWorkspace, tiered: true, role: Writer},

	CreateDataset:  {scope: scopeWorkspace, tiered: true, role: Writer},
	PreviewDataset: {scope: scopeWorkspace, tiered: true, role: Reader, rows: true},
	ExportDataset:  {scope: scopeWorkspace, tiered: true, role: Writer, rows: true},

	CreateNotebook: {scope: scopeWorkspace, tiered: true, role: Writer},
	EditNotebook:   {scope: scopeWorkspace, tiered: true, role: Writer},
	OpenLab:        {scope: scopeWorkspace, tiered: true, role: Writer},

	ListUsers:    {scope: scopeAdmin},
	ApproveUser:  {scope: scopeAdmin},
	DisableUser:  {scope: scopeAdmin},
	EnableUser:   {scope: scopeAdmin},
	ReadAuditLog: {scope: scopeAdmin},

	ReadHelpRequests: {scope: scopeAdmin},
	CloseHelpRequest: {scope: scopeAdmin},
}

// actions is every action in the order of the constants above.
var actions = []Action{
	BrowsePublic, ViewDictionary, SearchConcepts, Register,
	ViewStatus, CompleteStep, ManageTokens, ChangePassword, ListWorkspaces, CreateWorkspace, BrowseConcepts,
	ViewWorkspace, UpdateWorkspace, DeleteWorkspace, ShareWorkspace, DuplicateWorkspace,
	CohortCount, CohortDemographics, CohortTopConcepts, CohortParticipants,
	CreateCohort, UpdateCohort, DeleteCohort,
	CreateConceptSet, UpdateConceptSet, DeleteConceptSet,
	ViewReview, CreateReview, DeleteReview, ViewParticipant, SetReviewStatus, Annotate,
	CreateDataset, PreviewDataset, ExportDataset,
	CreateNotebook, EditNotebook, OpenLab,
	ListUsers, ApproveUser, DisableUser, EnableUser, ReadAuditLog,
	ReadHelpRequests, CloseHelpRequest,
}

// Actions lists every action of the product.
func Actions() []Action { return append([]Action(nil), actions...) }

// Valid reports whether a is one of [Actions].
func (a Action) Valid() bool {
	_, ok := rules[a]
	return ok
}

// RowLevel reports whether the action's result holds rows about
// participants (ids, events, dataset rows) rather than aggregates.
func (a Action) RowLevel() bool { return rules[a].rows }

// Public reports whether anonymous visitors may do the action.
func (a Action) Public() bool {
	r, ok := rules[a]
	return ok && r.scope == scopePublic
}

// Workspace reports whether the action concerns one workspace, so that the
// caller must pass the user's role in it.
func (a Action) Workspace() bool { return rules[a].scope == scopeWorkspace }

// Role is the least workspace role the action needs (None for actions
// outside workspaces).
func (a Action) Role() Role { return rules[a].role }
