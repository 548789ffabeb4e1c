package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

// Profile is the profile of the user; a user who saved none has one with
// only their name.
func (s *Store) Profile(ctx context.Context, userID string) (workbench.Profile, error) {
	var p workbench.Profile
	err := s.read(ctx, func(tx *sql.Tx) error {
		u, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID)
		if err != nil {
			return err
		}
		p.Name = u.Name
		var updated sql.NullTime
		err = tx.QueryRowContext(ctx, "SELECT institution, role, background, updated_at FROM profiles WHERE user_id = ?", userID).
			Scan(&p.Institution, &p.Role, &p.Background, &updated)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		p.UpdatedAt = fromNull(updated)
		return dbErrorOrNil(err)
	})
	return p, err
}

// SaveProfile keeps the profile p of the user, its name as the user's
// name, and the record rec (the step it completes), in one transaction.
func (s *Store) SaveProfile(ctx context.Context, userID string, p workbench.Profile, rec access.Record) (access.Record, error) {
	rec, err := s.checkRecord(rec)
	if err != nil {
		return access.Record{}, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", userID, "user "+userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET name = ? WHERE id = ?", p.Name, userID); err != nil {
			return dbError(err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO profiles (user_id, institution, role, background, updated_at) VALUES (?, ?, ?, ?, ?)",
			userID, p.Institution, p.Role, p.Background, norm(p.UpdatedAt)); err != nil {
			return dbError(err)
		}
		return insertRecord(ctx, tx, rec)
	})
	if err != nil {
		return access.Record{}, err
	}
	return rec, nil
}

// SignConduct keeps the signature sig and its record rec, in one
// transaction.
func (s *Store) SignConduct(ctx context.Context, sig workbench.Signature, rec access.Record) (access.Record, error) {
	rec, err := s.checkRecord(rec)
	if err != nil {
		return access.Record{}, err
	}
	if rec.Kind != access.CodeOfConduct || rec.UserID != sig.UserID || sig.SignedAt.IsZero() {
		return access.Record{}, fmt.Errorf("%w: signature: want a code of conduct record of the signer, and a time", workbench.ErrInvalid)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := userWhere(ctx, tx, "id = ?", sig.UserID, "user "+sig.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO conduct_signatures (user_id, version, typed_name, signed_at) VALUES (?, ?, ?, ?)",
			sig.UserID, sig.Version, sig.TypedName, norm(sig.SignedAt)); err != nil {
			return dbError(err)
		}
		return insertRecord(ctx, tx, rec)
	})
	if err != nil {
		return access.Record{}, err
	}
	return rec, nil
}

// Signatures is every signature of the user, oldest first.
func (s *Store) Signatures(ctx context.Context, userID string) ([]workbench.Signature, error) {
	var out []workbench.Signature
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT user_id, version, typed_name, signed_at FROM conduct_signatures WHERE user_id = ? ORDER BY signed_at", userID)
		if err != nil {
			return dbError(err)
		}
		defer rows.Close()
		for rows.Next() {
			var sig workbench.Signature
			if err := rows.Scan(&sig.UserID, &sig.Version, &sig.TypedName, &sig.SignedAt); err != nil {
				return dbError(err)
			}
			sig.SignedAt = sig.SignedAt.UTC()
			out = append(out, sig)
		}
		return dbErrorOrNil(rows.Err())
	})
	return out, err
}
