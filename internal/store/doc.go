// Package store is the workbench's persistent state: users, their
// requirement records and tokens, workspaces with their collaborators,
// cohorts and concept sets, cohort reviews with their annotations,
// datasets, and the audit log, in one embedded DuckDB file (state.duckdb)
// in the data directory.
//
// [Open] creates the file when absent and brings its schema up to date
// with numbered migrations; a file written by a newer program is refused.
// Every write is one transaction, committed before the method returns, so
// a killed process loses nothing a method acknowledged. Writes are
// serialized inside the process, and DuckDB's lock keeps other processes
// out of an open file; [Store.Close] checkpoints the log into the file.
//
// The store keeps the access package's plain types ([access.User],
// [access.Record], [access.AuditRecord], [access.Role], [access.Tier]) and
// decides nothing: callers ask access.Decide. Cohort and concept set
// definitions are kept as the caller's canonical JSON.
//
// Errors wrap one of [ErrNotFound], [ErrConflict] or [ErrInvalid]
// (test with errors.Is); authentication failures wrap
// access.ErrUnauthenticated or access.ErrDisabled.
package store
