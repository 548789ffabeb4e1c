package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

// IdentityUser is the user bound to the subject of the OpenID provider
// issuer, or ErrNotFound.
func (s *Store) IdentityUser(ctx context.Context, issuer, subject string) (access.User, error) {
	var id string
	err := s.db.QueryRowContext(ctx, "SELECT user_id FROM oidc_identities WHERE issuer = ? AND subject = ?", issuer, subject).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return access.User{}, fmt.Errorf("%w: identity at %s", workbench.ErrNotFound, issuer)
	}
	if err != nil {
		return access.User{}, dbError(err)
	}
	return s.UserByID(ctx, id)
}

// BindIdentity binds the subject of the OpenID provider issuer to the
// user. It is ErrConflict when the user is already bound to another
// subject of that provider, or the subject to another user.
func (s *Store) BindIdentity(ctx context.Context, issuer, subject, userID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		var n int
		err := tx.QueryRowContext(ctx, "SELECT count(*) FROM oidc_identities WHERE issuer = ? AND (user_id = ? OR subject = ?)",
			issuer, userID, subject).Scan(&n)
		if err != nil {
			return dbError(err)
		}
		if n > 0 {
			return fmt.Errorf("%w: user %s or the subject is already bound to an identity at %s", workbench.ErrConflict, userID, issuer)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)",
			issuer, subject, userID, s.stamp())
		return dbErrorOrNil(err)
	})
}
