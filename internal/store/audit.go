package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

// AppendAudit writes records to the audit log, in one transaction (up to
// 204,800 records, the flush size of DuckDB's appender). A record holds no
// rows by construction (access.AuditRecord has no field for them); one
// without a time or an action is ErrInvalid, and then nothing is written.
// Like every time in the store, a record's is kept to the microsecond.
func (s *Store) AppendAudit(ctx context.Context, recs ...access.AuditRecord) error {
	for _, r := range recs {
		if r.Time.IsZero() || r.Action == "" {
			return fmt.Errorf("%w: audit record without a time or an action", workbench.ErrInvalid)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return dbError(err)
	}
	defer conn.Close()
	// DuckDB's appender rather than INSERT: a server writes a record per
	// request, and binding an INSERT costs a hundred times more per row.
	// The appender's rows go in at its close, in one transaction of their
	// own, which costs half the CPU of a BEGIN and COMMIT around them. The
	// log is no change of what the lookups read, so the generation stays.
	err = conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderWithColumns(dc.(driver.Conn), "", "", "audit",
			[]string{"time", "user_id", "action", "workspace_id", "object", "result_size", "allowed", "reason"})
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := a.AppendRow(norm(r.Time), r.UserID, string(r.Action), r.Workspace, r.Object, r.ResultSize, r.Allowed, r.Reason); err != nil {
				// Nothing of the batch is written.
				return errors.Join(err, a.Clear(), a.Close())
			}
		}
		return a.Close()
	})
	return dbErrorOrNil(err)
}

// AuditQuery selects audit records: the domain's query, under the name
// the store's callers know.
type AuditQuery = workbench.AuditQuery

// QueryAudit returns the audit records q selects, oldest first.
func (s *Store) QueryAudit(ctx context.Context, q AuditQuery) ([]access.AuditRecord, error) {
	if q.Limit < 0 || q.Offset < 0 {
		return nil, fmt.Errorf("%w: audit query: negative limit or offset", workbench.ErrInvalid)
	}
	query := "SELECT time, user_id, action, workspace_id, object, result_size, allowed, reason FROM audit WHERE true"
	var args []any
	if !q.Since.IsZero() {
		query += " AND time >= ?"
		args = append(args, norm(q.Since))
	}
	if !q.Until.IsZero() {
		query += " AND time < ?"
		args = append(args, norm(q.Until))
	}
	for _, f := range []struct{ column, value string }{{"user_id", q.UserID}, {"action", q.Action}, {"workspace_id", q.Workspace}} {
		if f.value != "" {
			query += " AND " + f.column + " = ?"
			args = append(args, f.value)
		}
	}
	query += " ORDER BY time, seq"
	if q.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, q.Limit)
	}
	if q.Offset > 0 {
		query += " OFFSET ?"
		args = append(args, q.Offset)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []access.AuditRecord
	for rows.Next() {
		var r access.AuditRecord
		var action string
		if err := rows.Scan(&r.Time, &r.UserID, &action, &r.Workspace, &r.Object, &r.ResultSize, &r.Allowed, &r.Reason); err != nil {
			return nil, dbError(err)
		}
		r.Time, r.Action = r.Time.UTC(), access.Action(action)
		out = append(out, r)
	}
	return out, dbErrorOrNil(rows.Err())
}
