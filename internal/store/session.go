package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"github.com/openworkbench/workbench/access"
)

// Why a session or a sign-in link is refused. Each wraps
// access.ErrUnauthenticated.
var (
	ErrSessionUnknown error = authError("store: unknown or expired session")
	ErrLinkUnknown    error = authError("store: the sign-in link is unknown, used or expired")
)

// secret is 32 random bytes in unpadded base64url.
func secret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateSession starts a browser session of the user, valid for ttl from
// now, and returns its secret, which the store keeps as its SHA-256 only.
func (s *Store) CreateSession(ctx context.Context, userID string, ttl time.Duration, now time.Time) (string, error) {
	plain := secret()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		// Expired sessions go as new ones come, so the table stays small.
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", norm(now)); err != nil {
			return dbError(err)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			tokenHash(plain), userID, norm(now), norm(now.Add(ttl)))
		return dbErrorOrNil(err)
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}

// SessionUser is the user of the session at now. A disabled user is
// returned with Disabled set, as Authenticate does.
func (s *Store) SessionUser(ctx context.Context, session string, now time.Time) (access.User, error) {
	var u access.User
	err := s.read(ctx, func(tx *sql.Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, "SELECT user_id FROM sessions WHERE hash = ? AND expires_at > ?", tokenHash(session), norm(now)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSessionUnknown
		}
		if err != nil {
			return dbError(err)
		}
		u, err = userWhere(ctx, tx, "id = ?", userID, "user "+userID)
		return err
	})
	return u, err
}

// DeleteSession ends the session; ending an unknown one does nothing.
func (s *Store) DeleteSession(ctx context.Context, session string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE hash = ?", tokenHash(session))
		return dbErrorOrNil(err)
	})
}

// PasswordHash is the user of the e-mail address (in any case) and the
// hash of their password; empty when they have none.
func (s *Store) PasswordHash(ctx context.Context, email string) (access.User, string, error) {
	var u access.User
	var hash sql.NullString
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = userWhere(ctx, tx, "email_key = ?", emailKey(email), "user "+email)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, "SELECT hash FROM passwords WHERE user_id = ?", u.ID).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return dbErrorOrNil(err)
	})
	return u, hash.String, err
}

// CreateSignInLink makes a one-time sign-in link of the user, valid for
// ttl from now, which sets the password hash when used (none when empty),
// and returns its secret.
func (s *Store) CreateSignInLink(ctx context.Context, userID, password string, ttl time.Duration, now time.Time) (string, error) {
	plain := secret()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sign_in_links WHERE expires_at <= ?", norm(now)); err != nil {
			return dbError(err)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sign_in_links (hash, user_id, password, expires_at) VALUES (?, ?, ?, ?)",
			tokenHash(plain), userID, password, norm(now.Add(ttl)))
		return dbErrorOrNil(err)
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}

// UseSignInLink uses the link at now, once: it sets the password the link
// carries, starts a session of ttl and returns its user and secret.
func (s *Store) UseSignInLink(ctx context.Context, link string, ttl time.Duration, now time.Time) (access.User, string, error) {
	var u access.User
	session := secret()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var userID, password string
		err := tx.QueryRowContext(ctx, "SELECT user_id, password FROM sign_in_links WHERE hash = ? AND used_at IS NULL AND expires_at > ?",
			tokenHash(link), norm(now)).Scan(&userID, &password)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLinkUnknown
		}
		if err != nil {
			return dbError(err)
		}
		if u, err = userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE sign_in_links SET used_at = ? WHERE hash = ?", norm(now), tokenHash(link)); err != nil {
			return dbError(err)
		}
		if password != "" {
			if err := setPassword(ctx, tx, userID, password, now); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			tokenHash(session), userID, norm(now), norm(now.Add(ttl)))
		return dbErrorOrNil(err)
	})
	if err != nil {
		return access.User{}, "", err
	}
	return u, session, nil
}

// SetPassword sets the hash of the user's password.
func (s *Store) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		return setPassword(ctx, tx, userID, hash, now)
	})
}

func setPassword(ctx context.Context, tx *sql.Tx, userID, hash string, now time.Time) error {
	_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO passwords (user_id, hash, updated_at) VALUES (?, ?, ?)", userID, hash, norm(now))
	return dbErrorOrNil(err)
}
