package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

const userColumns = "id, email, name, admin, disabled, created_at"

func scanUser(row interface{ Scan(...any) error }) (access.User, error) {
	var u access.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Admin, &u.Disabled, &u.CreatedAt)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

// AddUser adds a user and returns it with its new ID and CreatedAt. The
// email must be an address and not taken, whatever its case
// (ErrConflict); it is kept as given. ID and CreatedAt of u are ignored.
func (s *Store) AddUser(ctx context.Context, u access.User) (access.User, error) {
	u, err := s.newUser(u)
	if err != nil {
		return access.User{}, err
	}
	if err := s.write(ctx, func(tx *sql.Tx) error { return insertUser(ctx, tx, u) }); err != nil {
		return access.User{}, err
	}
	return u, nil
}

// AddUserWithToken adds u as AddUser does and makes its first token as
// CreateToken does, in one transaction, so that no user is left without
// the token that was to be handed to them.
func (s *Store) AddUserWithToken(ctx context.Context, u access.User, ttl time.Duration, now time.Time) (access.User, string, workbench.Token, error) {
	u, err := s.newUser(u)
	if err != nil {
		return access.User{}, "", workbench.Token{}, err
	}
	plain, t, err := newToken(u.ID, ttl, now)
	if err != nil {
		return access.User{}, "", workbench.Token{}, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := insertUser(ctx, tx, u); err != nil {
			return err
		}
		return insertToken(ctx, tx, plain, t)
	})
	if err != nil {
		return access.User{}, "", workbench.Token{}, err
	}
	return u, plain, t, nil
}

// newUser is u checked and completed with its ID and CreatedAt.
func (s *Store) newUser(u access.User) (access.User, error) {
	email, err := CheckEmail(u.Email)
	if err != nil {
		return access.User{}, err
	}
	u.Email = email
	u.Name = strings.TrimSpace(u.Name)
	u.ID = newID("u_")
	u.CreatedAt = s.stamp()
	return u, nil
}

// insertUser adds u in tx unless its email is taken.
func insertUser(ctx context.Context, tx *sql.Tx, u access.User) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE email_key = ?", emailKey(u.Email)).Scan(&n); err != nil {
		return dbError(err)
	}
	if n > 0 {
		return fmt.Errorf("%w: user: email %s is taken", workbench.ErrConflict, u.Email)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO users (id, email, email_key, name, admin, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		u.ID, u.Email, emailKey(u.Email), u.Name, u.Admin, u.Disabled, u.CreatedAt)
	return dbErrorOrNil(err)
}

// CheckEmail is email without surrounding spaces, or ErrInvalid when that
// is not a bare address (no display name, no angle brackets): the rule of
// AddUser, for callers that report it with their other problems.
func CheckEmail(email string) (string, error) {
	e := strings.TrimSpace(email)
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
		return "", fmt.Errorf("%w: user: email %q is not an address", workbench.ErrInvalid, email)
	}
	return e, nil
}

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func dbErrorOrNil(err error) error {
	if err == nil {
		return nil
	}
	return dbError(err)
}

// UserByID returns the user with the id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id string) (access.User, error) {
	return userWhere(ctx, s.db, "id = ?", id, "user "+id)
}

// UserByEmail returns the user with the email in any case, or ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (access.User, error) {
	return userWhere(ctx, s.db, "email_key = ?", emailKey(email), "user "+email)
}

func userWhere(ctx context.Context, q queryer, cond string, arg any, what string) (access.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return access.User{}, fmt.Errorf("%w: %s", workbench.ErrNotFound, what)
	}
	if err != nil {
		return access.User{}, dbError(err)
	}
	return u, nil
}

// ListUsers returns every user by email.
func (s *Store) ListUsers(ctx context.Context) ([]access.User, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY email_key")
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []access.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, u)
	}
	return out, dbErrorOrNil(rows.Err())
}

// SetDisabled disables or enables the user with the id.
func (s *Store) SetDisabled(ctx context.Context, id string, disabled bool) error {
	return s.setUserFlag(ctx, id, "disabled", disabled)
}

// SetAdmin gives or takes the administrator flag of the user with the id.
func (s *Store) SetAdmin(ctx context.Context, id string, admin bool) error {
	return s.setUserFlag(ctx, id, "admin", admin)
}

// setUserFlag sets the column (a constant of the callers, never input).
func (s *Store) setUserFlag(ctx context.Context, id, column string, v bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET "+column+" = ? WHERE id = ?", v, id)
		return mustAffect(res, err, "user "+id)
	})
}

// mustAffect turns an update or delete that changed no row into
// ErrNotFound naming what.
func mustAffect(res sql.Result, err error, what string) error {
	if err != nil {
		return dbError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbError(err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", workbench.ErrNotFound, what)
	}
	return nil
}

// PutRecord adds a requirement record to its user's history; earlier
// records of the kind stay (access.Policy.Status picks the one that
// counts). A record without ExpiresAt gets the expiry of the store's
// policy for its kind. It returns the record as kept.
func (s *Store) PutRecord(ctx context.Context, r access.Record) (access.Record, error) {
	r, err := s.checkRecord(r)
	if err != nil {
		return access.Record{}, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", r.UserID, "user "+r.UserID); err != nil {
			return err
		}
		return insertRecord(ctx, tx, r)
	})
	if err != nil {
		return access.Record{}, err
	}
	return r, nil
}

// checkRecord is r checked and completed as PutRecord keeps it.
func (s *Store) checkRecord(r access.Record) (access.Record, error) {
	if !validKind(r.Kind) {
		return access.Record{}, fmt.Errorf("%w: record: unknown requirement %q", workbench.ErrInvalid, r.Kind)
	}
	if r.CompletedAt.IsZero() {
		return access.Record{}, fmt.Errorf("%w: record: no completion time", workbench.ErrInvalid)
	}
	r.CompletedAt = norm(r.CompletedAt)
	if r.ExpiresAt.IsZero() {
		r.ExpiresAt = s.policy.Expiry(r.Kind, r.CompletedAt)
	}
	r.ExpiresAt = fromNull(nullTime(r.ExpiresAt))
	return r, nil
}

func insertRecord(ctx context.Context, tx *sql.Tx, r access.Record) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO records (user_id, kind, completed_at, expires_at, version, granted_by) VALUES (?, ?, ?, ?, ?, ?)",
		r.UserID, string(r.Kind), r.CompletedAt, nullTime(r.ExpiresAt), r.Version, r.By)
	return dbErrorOrNil(err)
}

func validKind(k access.Requirement) bool {
	for _, known := range access.Requirements() {
		if k == known {
			return true
		}
	}
	return false
}

// Records returns every record of the user, in the order they were put:
// the history of each step, of which access.Policy.Status counts the best.
// An unknown user is ErrNotFound.
func (s *Store) Records(ctx context.Context, userID string) ([]access.Record, error) {
	recs, err := cached(s, &s.records, userID, func() ([]access.Record, error) { return s.loadRecords(ctx, userID) })
	// A copy: the memo's slice is shared.
	return slices.Clone(recs), err
}

func (s *Store) loadRecords(ctx context.Context, userID string) ([]access.Record, error) {
	var out []access.Record
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT user_id, kind, completed_at, expires_at, version, granted_by
			FROM records WHERE user_id = ? ORDER BY seq`, userID)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var r access.Record
			var kind string
			var expires sql.NullTime
			if err := rows.Scan(&r.UserID, &kind, &r.CompletedAt, &expires, &r.Version, &r.By); err != nil {
				return dbError(err)
			}
			r.Kind = access.Requirement(kind)
			r.CompletedAt = r.CompletedAt.UTC()
			r.ExpiresAt = fromNull(expires)
			out = append(out, r)
		}
		return dbErrorOrNil(rows.Err())
	})
	return out, err
}
