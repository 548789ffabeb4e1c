package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/openworkbench/workbench/access"
)

// AppendAudit writes one record to the audit log. The record holds no
// rows by construction (access.AuditRecord has no field for them); a
// record without a time or an action is ErrInvalid. Like every time in
// the store, the record's is kept to the microsecond.
func (s *Store) AppendAudit(ctx context.Context, r access.AuditRecord) error {
	if r.Time.IsZero() || r.Action == "" {
		return fmt.Errorf("%w: audit record without a time or an action", ErrInvalid)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit (time, user_id, action, workspace_id, object, result_size, allowed, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			norm(r.Time), r.UserID, string(r.Action), r.Workspace, r.Object, r.ResultSize, r.Allowed, r.Reason)
		return dbErrorOrNil(err)
	})
}

// AuditQuery selects audit records. The zero value selects every record.
type AuditQuery struct {
	// Since keeps records at or after the time.
	Since time.Time
	// UserID keeps the records of one user.
	UserID string
	// Limit keeps the first Limit records; 0 means all.
	Limit int
}

// QueryAudit returns the audit records q selects, oldest first.
func (s *Store) QueryAudit(ctx context.Context, q AuditQuery) ([]access.AuditRecord, error) {
	if q.Limit < 0 {
		return nil, fmt.Errorf("%w: audit query: negative limit", ErrInvalid)
	}
	query := "SELECT time, user_id, action, workspace_id, object, result_size, allowed, reason FROM audit WHERE true"
	var args []any
	if !q.Since.IsZero() {
		query += " AND time >= ?"
		args = append(args, norm(q.Since))
	}
	if q.UserID != "" {
		query += " AND user_id = ?"
		args = append(args, q.UserID)
	}
	query += " ORDER BY time, seq"
	if q.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, q.Limit)
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
