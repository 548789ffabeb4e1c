package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openworkbench/workbench"
)

// helpPrefix begins the ids of help requests.
const helpPrefix = "h_"

// AddHelpRequest stores a new open request, giving it an id and the time;
// the caller validated its fields (app.HelpForm).
func (s *Store) AddHelpRequest(ctx context.Context, h workbench.HelpRequest) (workbench.HelpRequest, error) {
	if h.Email == "" || h.Message == "" {
		return workbench.HelpRequest{}, fmt.Errorf("%w: help request without an email or a message", workbench.ErrInvalid)
	}
	h.ID, h.CreatedAt, h.ClosedAt, h.ClosedBy = newID(helpPrefix), s.stamp(), time.Time{}, ""
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO help_requests (id, name, email, topic, message, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			h.ID, h.Name, h.Email, h.Topic, h.Message, h.CreatedAt)
		return dbErrorOrNil(err)
	})
	if err != nil {
		return workbench.HelpRequest{}, err
	}
	return h, nil
}

const helpColumns = "id, name, email, topic, message, created_at, closed_at, closed_by"

func scanHelp(row interface{ Scan(...any) error }) (workbench.HelpRequest, error) {
	var h workbench.HelpRequest
	var closed sql.NullTime
	if err := row.Scan(&h.ID, &h.Name, &h.Email, &h.Topic, &h.Message, &h.CreatedAt, &closed, &h.ClosedBy); err != nil {
		return h, err
	}
	h.CreatedAt, h.ClosedAt = h.CreatedAt.UTC(), fromNull(closed)
	return h, nil
}

// HelpRequests returns the requests, oldest first: only the open ones
// unless all.
func (s *Store) HelpRequests(ctx context.Context, all bool) ([]workbench.HelpRequest, error) {
	q := "SELECT " + helpColumns + " FROM help_requests"
	if !all {
		q += " WHERE closed_at IS NULL"
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY created_at, id")
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	out := []workbench.HelpRequest{}
	for rows.Next() {
		h, err := scanHelp(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, h)
	}
	return out, dbErrorOrNil(rows.Err())
}

// CloseHelpRequest closes the request id, recording who closed it and
// when: workbench.ErrNotFound for an unknown id; closing a closed request keeps its
// first closing.
func (s *Store) CloseHelpRequest(ctx context.Context, id, by string) (workbench.HelpRequest, error) {
	var h workbench.HelpRequest
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE help_requests SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL`,
			s.stamp(), by, id); err != nil {
			return dbError(err)
		}
		var err error
		h, err = scanHelp(tx.QueryRowContext(ctx, "SELECT "+helpColumns+" FROM help_requests WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: help request %s", workbench.ErrNotFound, id)
		}
		return dbErrorOrNil(err)
	})
	return h, err
}
