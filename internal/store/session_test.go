package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
)

func TestSessionsAndLinks(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	defer st.Close()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	u, err := st.AddUser(ctx, access.User{Email: "Ada@Example.org"})
	require.NoError(t, err)

	t.Run("a session lasts its lifetime and ends when deleted", func(t *testing.T) {
		s, err := st.CreateSession(ctx, u.ID, time.Hour, now)
		require.NoError(t, err)
		got, err := st.SessionUser(ctx, s, now.Add(59*time.Minute))
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		_, err = st.SessionUser(ctx, s, now.Add(time.Hour))
		assert.ErrorIs(t, err, store.ErrSessionUnknown)
		assert.ErrorIs(t, err, access.ErrUnauthenticated)
		require.NoError(t, st.DeleteSession(ctx, s))
		_, err = st.SessionUser(ctx, s, now)
		assert.ErrorIs(t, err, store.ErrSessionUnknown)
		_, err = st.CreateSession(ctx, "u_nobody", time.Hour, now)
		assert.ErrorIs(t, err, workbench.ErrNotFound)
	})
	t.Run("a link sets its password and starts a session, once", func(t *testing.T) {
		_, hash, err := st.PasswordHash(ctx, "ada@example.org")
		require.NoError(t, err)
		assert.Empty(t, hash)
		link, err := st.CreateSignInLink(ctx, u.ID, "$argon2id$hash", time.Hour, now)
		require.NoError(t, err)
		got, s, err := st.UseSignInLink(ctx, link, time.Hour, now.Add(time.Minute))
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		_, err = st.SessionUser(ctx, s, now.Add(2*time.Minute))
		require.NoError(t, err)
		_, hash, err = st.PasswordHash(ctx, "ADA@example.org")
		require.NoError(t, err)
		assert.Equal(t, "$argon2id$hash", hash)
		_, _, err = st.UseSignInLink(ctx, link, time.Hour, now.Add(2*time.Minute))
		assert.ErrorIs(t, err, store.ErrLinkUnknown)
	})
	t.Run("an expired link is refused", func(t *testing.T) {
		link, err := st.CreateSignInLink(ctx, u.ID, "", time.Hour, now)
		require.NoError(t, err)
		_, _, err = st.UseSignInLink(ctx, link, time.Hour, now.Add(time.Hour))
		assert.ErrorIs(t, err, store.ErrLinkUnknown)
		_, _, err = st.UseSignInLink(ctx, "made-up", time.Hour, now)
		assert.ErrorIs(t, err, store.ErrLinkUnknown)
	})
}
