// Package store is the workbench's persistent state: users, their
// requirement records and tokens, workspaces with their collaborators,
// cohorts and concept sets, cohort reviews with their annotations,
// datasets, and the audit log, in one embedded DuckDB file (state.duckdb)
// in the data directory.
//
// [Open] creates the file when absent and brings its schema up to date
// with numbered migrations (migrations/NNNN_*.sql, each applied in one
// transaction with its schema_version row); a file written by a newer
// program is refused. Every write is one transaction, committed before the
// method returns, so a killed process loses nothing a method acknowledged.
// Writes are serialized inside the process, and DuckDB's lock keeps other
// processes out of an open file; [Store.Close] checkpoints the log into
// the file.
//
// The store keeps the access package's plain types ([access.User],
// [access.Record], [access.AuditRecord], [access.Role], [access.Tier]) and
// decides nothing: a caller loads the user ([Store.Authenticate]), their
// records ([Store.Records]) and role ([Store.RoleOf]) and asks
// access.Decide, as [Store.RoleOf]'s example shows. Cohort and concept set
// definitions are kept as the caller's canonical JSON.
//
// By subject:
//
//	users        AddUser, AddUserWithToken, CheckEmail, UserByID, UserByEmail, ListUsers,
//	             SetDisabled, SetAdmin
//	identities   IdentityUser, BindIdentity (a user's subject at an OpenID provider)
//	records      PutRecord, Records (the whole history; access.Policy.Status counts it)
//	tokens       CreateToken, Authenticate, RevokeToken, ListTokens
//	workspaces   CreateWorkspace, Workspace, ListWorkspaces, UpdateWorkspace, DeleteWorkspace,
//	             DuplicateWorkspace, SetRole, RemoveCollaborator, RoleOf, Collaborators
//	cohorts      CreateCohort, Cohort, ListCohorts, UpdateCohort, DeleteCohort
//	concept sets CreateConceptSet, ConceptSet, ListConceptSets, UpdateConceptSet, DeleteConceptSet
//	reviews      CreateReview, Review, ListReviews, DeleteReview, Participants, SetStatus,
//	             CreateAnnotationField, AnnotationFields, DeleteAnnotationField, SetAnnotation
//	datasets     CreateDataset, Dataset, ListDatasets, UpdateDataset, DeleteDataset
//	audit        AppendAudit, QueryAudit
//
// Conventions: ids are generated, a short prefix that names the kind
// ("u_", "w_", "c_") and 80 random bits. Whatever lives in a workspace is
// looked up by (workspace, id), so that one of another workspace is
// ErrNotFound and a role in one workspace reaches nothing of another.
// Times are kept in UTC to the microsecond, and methods return what they
// kept. Names are trimmed and must not be empty.
//
// Errors wrap one of [ErrNotFound], [ErrConflict] or [ErrInvalid]
// (test with errors.Is), and a refused write changes nothing.
// Authentication failures wrap access.ErrUnauthenticated
// ([ErrTokenUnknown], [ErrTokenExpired], [ErrTokenRevoked]) or
// access.ErrDisabled.
package store
