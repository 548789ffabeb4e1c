package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

// TokenPrefix starts every token, so that a token pasted in the wrong
// place is recognizable (and findable by secret scanners).
const TokenPrefix = "wb_"

// DefaultTokenTTL is how long a token is valid unless its maker chooses
// otherwise: a month of work before asking for a new one.
const DefaultTokenTTL = 720 * time.Hour

// authError is a refused token. Each is its own sentinel and all wrap
// access.ErrUnauthenticated, which the server answers with 401.
type authError string

func (e authError) Error() string { return string(e) }
func (e authError) Unwrap() error { return access.ErrUnauthenticated }

// Why Authenticate refuses a token. A disabled user's token is refused
// with access.ErrDisabled instead.
var (
	ErrTokenUnknown error = authError("store: unknown token")
	ErrTokenExpired error = authError("store: token expired")
	ErrTokenRevoked error = authError("store: token revoked")
)

// CreateToken makes a bearer token for the user, valid for ttl from now,
// and returns it: the only time the secret is seen, since the store keeps
// only its SHA-256. A token is TokenPrefix and 32 random bytes in
// unpadded base64url.
func (s *Store) CreateToken(ctx context.Context, userID string, ttl time.Duration, now time.Time) (string, workbench.Token, error) {
	plain, t, err := newToken(userID, ttl, now)
	if err != nil {
		return "", workbench.Token{}, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		return insertToken(ctx, tx, plain, t)
	})
	if err != nil {
		return "", workbench.Token{}, err
	}
	return plain, t, nil
}

// newToken makes the secret and the record of a token of the user.
func newToken(userID string, ttl time.Duration, now time.Time) (string, workbench.Token, error) {
	if ttl <= 0 {
		return "", workbench.Token{}, fmt.Errorf("%w: token: lifetime %s: want a positive duration", workbench.ErrInvalid, ttl)
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	plain := TokenPrefix + base64.RawURLEncoding.EncodeToString(secret)
	return plain, workbench.Token{ID: newID("t_"), UserID: userID, CreatedAt: norm(now), ExpiresAt: norm(now.Add(ttl))}, nil
}

// insertToken keeps the hash of plain with the record t in tx.
func insertToken(ctx context.Context, tx *sql.Tx, plain string, t workbench.Token) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO tokens (id, hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		t.ID, tokenHash(plain), t.UserID, t.CreatedAt, t.ExpiresAt)
	return dbErrorOrNil(err)
}

func tokenHash(plain string) string {
	h := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(h[:])
}

// Authenticate returns the user of the token at now. It refuses an unknown
// token (ErrTokenUnknown), one that was revoked (ErrTokenRevoked) or
// expired (ErrTokenExpired). A disabled user is returned with Disabled
// set: what they may still do (their own status) is access.Decide's to
// say.
func (s *Store) Authenticate(ctx context.Context, token string, now time.Time) (access.User, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return access.User{}, ErrTokenUnknown
	}
	hash := tokenHash(token)
	a, err := cached(s, &s.tokens, hash, func() (authenticated, error) { return s.authenticate(ctx, hash) })
	switch {
	case err != nil:
		return access.User{}, err
	case !now.Before(a.expires):
		return access.User{}, ErrTokenExpired
	}
	return a.user, nil
}

// authenticated is a token that is not revoked: its user, and when it
// expires, which Authenticate compares with the time of each request.
type authenticated struct {
	user    access.User
	expires time.Time
}

func (s *Store) authenticate(ctx context.Context, hash string) (authenticated, error) {
	var a authenticated
	err := s.read(ctx, func(tx *sql.Tx) error {
		var userID string
		var revoked sql.NullTime
		err := tx.QueryRowContext(ctx, "SELECT user_id, expires_at, revoked_at FROM tokens WHERE hash = ?", hash).
			Scan(&userID, &a.expires, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTokenUnknown
		}
		if err != nil {
			return dbError(err)
		}
		if revoked.Valid {
			return ErrTokenRevoked
		}
		a.user, err = userWhere(ctx, tx, "id = ?", userID, "user "+userID)
		return err
	})
	return a, err
}

// RevokeToken revokes the token with the id (Token.ID, not the secret) at
// now. Revoking a revoked token keeps the first time.
func (s *Store) RevokeToken(ctx context.Context, id string, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", norm(now), id)
		return mustAffect(res, err, "token "+id)
	})
}

// ListTokens returns the user's tokens, revoked and expired ones
// included, oldest first.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]workbench.Token, error) {
	var out []workbench.Token
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT id, user_id, created_at, expires_at, revoked_at FROM tokens WHERE user_id = ? ORDER BY created_at, id", userID)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var t workbench.Token
			var revoked sql.NullTime
			if err := rows.Scan(&t.ID, &t.UserID, &t.CreatedAt, &t.ExpiresAt, &revoked); err != nil {
				return dbError(err)
			}
			t.CreatedAt, t.ExpiresAt, t.RevokedAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC(), fromNull(revoked)
			out = append(out, t)
		}
		return dbErrorOrNil(rows.Err())
	})
	return out, err
}
