package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

func TestIdentities(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	ann, err := s.AddUser(ctx, access.User{Email: "ann@example.org"})
	require.NoError(t, err)
	bob, err := s.AddUser(ctx, access.User{Email: "bob@example.org"})
	require.NoError(t, err)
	const idp, other = "https://idp.example.org", "https://other.example.org"

	_, err = s.IdentityUser(ctx, idp, "a-1")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	require.NoError(t, s.BindIdentity(ctx, idp, "a-1", ann.ID))
	got, err := s.IdentityUser(ctx, idp, "a-1")
	require.NoError(t, err)
	assert.Equal(t, ann, got)

	assert.ErrorIs(t, s.BindIdentity(ctx, idp, "a-2", ann.ID), workbench.ErrConflict, "a second subject of the same provider")
	assert.ErrorIs(t, s.BindIdentity(ctx, idp, "a-1", bob.ID), workbench.ErrConflict, "the subject of another user")
	assert.ErrorIs(t, s.BindIdentity(ctx, idp, "b-1", "u_nobody"), workbench.ErrNotFound)
	require.NoError(t, s.BindIdentity(ctx, other, "a-1", bob.ID), "subjects are the provider's own")
	got, err = s.IdentityUser(ctx, other, "a-1")
	require.NoError(t, err)
	assert.Equal(t, bob, got)
}
