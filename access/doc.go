// Package access decides who may do what, and controls what the public
// sees. It is pure: no I/O, no clock (now is a parameter), no cgo, no
// net/http. The types it decides on ([User], [Record], [Tier], [Role],
// [AuditRecord]) are plain data that the state store loads and saves;
// loading is the caller's job, in the manner of upspin's access.Can.
//
// # Tiers and requirement steps
//
// The [Public] tier is everyone. A user reaches the [Registered] tier when
// each of these has a [Record] that counts now ([Policy.Status] reports
// every step, its state and why):
//
//	step             counts when
//	profile          completed
//	ethics training  completed less than Policy.TrainingValidity ago (365 days)
//	code of conduct  the current Policy.CodeOfConductVersion, signed less than
//	                 Policy.ConductValidity ago (365 days)
//	approval         granted by an administrator (the record's By)
//
// and the user is not disabled. A record also stops counting at its own
// ExpiresAt, if earlier; a record completed in the future does not count.
// The [Controlled] tier is the registered tier plus a [ControlledTier]
// record, which only an administrator creates: no step leads to it.
//
// # Decisions
//
// [Decide] answers every [Action] of the product. Its checks, in order:
// an unknown action is forbidden; public actions are allowed to everyone;
// otherwise an anonymous user is [ErrUnauthenticated]; viewing one's own
// status is allowed (even when disabled); a disabled user is [ErrDisabled];
// then by kind of action:
//
//	action                                  needs                               refused with
//	public.browse, dictionary.view,         nothing (anonymous, disabled too)   -
//	concepts.search, account.register
//	account.status                          a login                             Unauthenticated
//	account.complete_step                   a login; a self-service Step        Forbidden
//	                                        (profile, training, conduct)
//	account.tokens, account.password        a login                             Unauthenticated
//	workspace.list, workspace.create,       registered tier (create: the new    Forbidden, naming the steps
//	concepts.browse                         workspace's tier)
//	admin.list_users, admin.approve_user,   the Admin flag                      Forbidden
//	admin.disable_user, admin.enable_user,
//	admin.audit_log,
//	admin.help_requests,
//	admin.close_help_request
//	workspace actions                       1. a role in the workspace          NotFound (the workspace looks absent)
//	                                        2. the workspace's tier             Forbidden, naming the steps
//	                                           (at least registered)
//	                                        3. the action's least role          Forbidden, naming the roles
//
// The least role of each workspace action:
//
//	READER  workspace.view, workspace.duplicate,
//	        cohort.count, cohort.demographics, cohort.top_concepts,
//	        cohort.participants*, review.view*, review.participant*,
//	        dataset.preview*
//	WRITER  cohort.create|update|delete, concept_set.create|update|delete,
//	        review.create, review.delete, review.set_status, review.annotate,
//	        dataset.create, dataset.export*, notebook.create, notebook.edit,
//	        lab.open
//	OWNER   workspace.update, workspace.share, workspace.delete
//
// (* row-level: [Action.RowLevel].) Row-level data thus always needs the
// registered tier (controlled in a controlled workspace) and a role.
// review.participant reads one person's events, and only when the person
// is a participant of the review ([Request.Participant]); any other
// person is not found, so a review opens the rows of its sample and of no
// one else.
//
// Administrators are users with a flag that lets them do the admin actions
// and nothing more: an administrator still needs every access step and a
// workspace role to see row-level data or anything inside a workspace.
// [Policy.CheckApproval] says whether a user may be approved (every
// self-service step done).
//
// # Registration
//
// Anyone may ask for an account ([Register]); an account has no access
// until its steps are done and an administrator approves it. The address
// is the account's identity, so [NormalizeEmail] gives it one spelling
// (NFKC, a lower-case domain) and refuses addresses that print like
// another (invisible characters, letters of mixed scripts). The server
// answers every well-formed registration with the same 202 and body and
// tells the outcome only to the address, through its outbox: the first
// bearer token of a new account, or a notice that the address already has
// one (no token is made then). So the answer does not reveal who has an
// account, and an account's token reaches only the owner of its address.
// Registration is rate limited per client and for all clients together.
//
// # Duplicating a workspace
//
// A READER may duplicate a workspace ([DuplicateWorkspace]) and, as the
// copy's only OWNER, export its datasets, which the READER may not do in
// the source. This is intended, as in All of Us, where readers duplicate:
// a READER already sees every definition in the workspace (cohorts,
// concept sets, datasets) and, being in the registered tier, may build
// the same ones in a workspace of their own and export them, so the copy
// grants no data that the tier does not. What READER withholds is the
// right to change or export inside the shared workspace, not the data.
// The copy keeps the source's tier, so exporting from a controlled copy
// still needs the controlled tier; its collaborators are not copied; and
// the audit record of the duplication names the source (Workspace) and
// the copy (Object), so an export from the copy traces back to it.
//
// A caller passes Role [None] both for a workspace the user has no role in
// and for one that does not exist, so the two answers are the same
// [ErrNotFound]. The role is checked before the tier, so that the answer
// about a workspace never depends on whether it exists.
//
// # Public tier
//
// Every public number passes through a [Disclosure]: 0 stays 0, 1 to 20 is
// released as "<= 20", larger counts are rounded up to the next multiple
// of 20, optionally after a keyed noise that gives a repeated query the
// same answer. The result is a [Released], which only Disclosure.Release
// makes; [PublicCount] and [PublicBreakdown] hold nothing else, so no
// number in a public result can be a raw count or a person id. Shares come from
// released numbers only ([Share]).
//
// The public tier answers from the public release alone (package public):
// every aggregate is computed once per CDR version, each cell released
// once, and the public server runs no query over rows at request time.
// There is no anonymous cohort count, ad hoc or by combining released
// cells: a count of any definition is a new cell about the rows, and a
// tracker (a certified set of 20 persons OR a rare concept) made such
// counts give away exact counts from 1 to 19 and the profile of a single
// person. Combining released cells would only release what is already
// released, and a sum of "<= 20" cells is no count. Registered users count
// cohorts exactly, inside their workspaces, audited. Public requests are
// rate limited per client by a [Limiter].
//
// Every data access is written to the audit log as an [AuditRecord]
// ([Audit] starts one from a decision): who, when, what, where and how
// much, never the rows.
package access
