package store_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
)

func TestHelpRequests(t *testing.T) {
	s, err := store.Open(t.Context(), testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()

	_, err = s.AddHelpRequest(ctx, workbench.HelpRequest{Email: "a@example.org"})
	require.ErrorIs(t, err, workbench.ErrInvalid, "no message")
	a, err := s.AddHelpRequest(ctx, workbench.HelpRequest{Name: "A", Email: "a@example.org", Topic: "T", Message: "first"})
	require.NoError(t, err)
	assert.NotEmpty(t, a.ID)
	assert.False(t, a.CreatedAt.IsZero())
	b, err := s.AddHelpRequest(ctx, workbench.HelpRequest{Email: "b@example.org", Topic: "T", Message: "second"})
	require.NoError(t, err)

	open, err := s.HelpRequests(ctx, false)
	require.NoError(t, err)
	assert.Equal(t, []workbench.HelpRequest{a, b}, open, "what Add returned is what is read back, oldest first")

	closed, err := s.CloseHelpRequest(ctx, a.ID, "u_admin")
	require.NoError(t, err)
	assert.Equal(t, "u_admin", closed.ClosedBy)
	assert.False(t, closed.ClosedAt.IsZero())
	again, err := s.CloseHelpRequest(ctx, a.ID, "u_other")
	require.NoError(t, err)
	assert.Equal(t, closed, again, "the first closing stays")
	_, err = s.CloseHelpRequest(ctx, "h_nope", "u_admin")
	require.ErrorIs(t, err, workbench.ErrNotFound)

	open, err = s.HelpRequests(ctx, false)
	require.NoError(t, err)
	assert.Equal(t, []workbench.HelpRequest{b}, open)
	all, err := s.HelpRequests(ctx, true)
	require.NoError(t, err)
	assert.Equal(t, []workbench.HelpRequest{closed, b}, all)
}
