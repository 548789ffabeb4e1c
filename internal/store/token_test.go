package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

func TestTokenStoredHashed(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u := addUser(t, s, "a@example.org")
	plain, tok, err := s.CreateToken(ctx, u.ID, time.Hour, t0)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(plain, TokenPrefix), plain)
	secret, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(plain, TokenPrefix))
	require.NoError(t, err)
	assert.Len(t, secret, 32)

	// Every column of every row of the table, as text: the hash is there,
	// the token and its secret part are not.
	rows, err := s.db.QueryContext(ctx, "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM tokens")
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var all []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		for _, v := range vals {
			if v != nil {
				all = append(all, v.(string))
			}
		}
	}
	require.NoError(t, rows.Err())
	text := strings.Join(all, " ")
	assert.Contains(t, text, tokenHash(plain))
	assert.NotContains(t, text, strings.TrimPrefix(plain, TokenPrefix))

	listed, err := s.ListTokens(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Token{tok}, listed)
	b, err := json.Marshal(listed)
	require.NoError(t, err)
	assert.NotContains(t, string(b), strings.TrimPrefix(plain, TokenPrefix))
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u := addUser(t, s, "a@example.org")
	other := addUser(t, s, "b@example.org")
	plain, tok, err := s.CreateToken(ctx, u.ID, time.Hour, t0)
	require.NoError(t, err)
	assert.Equal(t, norm(t0.Add(time.Hour)), tok.ExpiresAt)
	revoked, revokedTok, err := s.CreateToken(ctx, u.ID, time.Hour, t0)
	require.NoError(t, err)
	require.NoError(t, s.RevokeToken(ctx, revokedTok.ID, t0.Add(time.Minute)))
	require.NoError(t, s.RevokeToken(ctx, revokedTok.ID, t0.Add(2*time.Minute)), "revoking twice")
	disabled, _, err := s.CreateToken(ctx, other.ID, time.Hour, t0)
	require.NoError(t, err)
	require.NoError(t, s.SetDisabled(ctx, other.ID, true))

	got, err := s.Authenticate(ctx, plain, t0.Add(59*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, u, got)
	got, err = s.Authenticate(ctx, disabled, t0)
	require.NoError(t, err, "access.Decide, not the store, refuses a disabled user")
	assert.True(t, got.Disabled)
	assert.Equal(t, other.ID, got.ID)

	tests := []struct {
		name  string
		token string
		now   time.Time
		err   error
	}{
		{"unknown", TokenPrefix + "AAAA", t0, ErrTokenUnknown},
		{"no prefix", strings.TrimPrefix(plain, TokenPrefix), t0, ErrTokenUnknown},
		{"empty", "", t0, ErrTokenUnknown},
		{"expired", plain, t0.Add(time.Hour), ErrTokenExpired},
		{"revoked", revoked, t0, ErrTokenRevoked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Authenticate(ctx, tc.token, tc.now)
			require.ErrorIs(t, err, tc.err)
			assert.ErrorIs(t, err, access.ErrUnauthenticated)
			assert.Contains(t, err.Error(), "store: ")
		})
	}

	toks, err := s.ListTokens(ctx, u.ID)
	require.NoError(t, err)
	require.Len(t, toks, 2)
	for _, listed := range toks {
		if listed.ID == revokedTok.ID {
			assert.Equal(t, norm(t0.Add(time.Minute)), listed.RevokedAt, "the first revocation counts")
		} else {
			assert.Equal(t, tok, listed)
		}
	}
}

func TestTokenBadInput(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u := addUser(t, s, "a@example.org")
	_, _, err := s.CreateToken(ctx, u.ID, 0, t0)
	assert.ErrorIs(t, err, workbench.ErrInvalid)
	_, _, err = s.CreateToken(ctx, "u_nobody", time.Hour, t0)
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	assert.ErrorIs(t, s.RevokeToken(ctx, "t_nothing", t0), workbench.ErrNotFound)
	_, err = s.ListTokens(ctx, "u_nobody")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	toks, err := s.ListTokens(ctx, u.ID)
	require.NoError(t, err)
	assert.Empty(t, toks)
}
