package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

func TestProfileAndSignatures(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u, err := s.AddUser(ctx, access.User{Email: "ada@example.org", Name: "Ada"})
	require.NoError(t, err)

	p, err := s.Profile(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, workbench.Profile{Name: "Ada"}, p, "no profile saved: the name only")

	want := workbench.Profile{Name: "Ada Lovelace", Institution: "Analytical Society", Role: "Fellow", Background: "Engines.", UpdatedAt: norm(t0)}
	rec, err := s.SaveProfile(ctx, u.ID, want, access.Record{UserID: u.ID, Kind: access.Profile, CompletedAt: t0})
	require.NoError(t, err)
	assert.Equal(t, access.Profile, rec.Kind)
	got, err := s.Profile(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	u2, err := s.UserByID(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, "Ada Lovelace", u2.Name, "the profile's name is the user's")
	recs, err := s.Records(ctx, u.ID)
	require.NoError(t, err)
	assert.Len(t, recs, 1)

	sig := workbench.Signature{UserID: u.ID, Version: "3", TypedName: " ada lovelace", SignedAt: norm(t0.Add(time.Hour))}
	_, err = s.SignConduct(ctx, sig, access.Record{UserID: u.ID, Kind: access.CodeOfConduct, CompletedAt: sig.SignedAt, Version: "3"})
	require.NoError(t, err)
	sigs, err := s.Signatures(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, []workbench.Signature{sig}, sigs, "what the user typed is kept as typed")
	recs, err = s.Records(ctx, u.ID)
	require.NoError(t, err)
	assert.Len(t, recs, 2)

	_, err = s.SignConduct(ctx, sig, access.Record{UserID: u.ID, Kind: access.EthicsTraining, CompletedAt: t0})
	assert.ErrorIs(t, err, workbench.ErrInvalid, "a signature records the code of conduct only")
	_, err = s.SaveProfile(ctx, "u_nobody", want, access.Record{UserID: "u_nobody", Kind: access.Profile, CompletedAt: t0})
	assert.ErrorIs(t, err, workbench.ErrNotFound)
}
