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

func TestAddUser(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u, err := s.AddUser(ctx, access.User{ID: "ignored", Email: " Ann@Example.org ", Name: " Ann ", Admin: true})
	require.NoError(t, err)
	assert.NotEqual(t, "ignored", u.ID)
	assert.Equal(t, access.User{ID: u.ID, Email: "Ann@Example.org", Name: "Ann", Admin: true, CreatedAt: norm(t0)}, u)

	for _, email := range []string{"ann@example.org", "ANN@EXAMPLE.ORG"} {
		got, err := s.UserByEmail(ctx, email)
		require.NoError(t, err)
		assert.Equal(t, u, got)
	}
	got, err := s.UserByID(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u, got)

	tests := []struct {
		name  string
		email string
		err   error
	}{
		{"same email", "Ann@Example.org", workbench.ErrConflict},
		{"other case", "aNN@example.ORG", workbench.ErrConflict},
		{"empty", "", workbench.ErrInvalid},
		{"not an address", "ann", workbench.ErrInvalid},
		{"display name", "Ann <ann2@example.org>", workbench.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.AddUser(ctx, access.User{Email: tc.email})
			require.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), "workbench: ")
			users, err := s.ListUsers(ctx)
			require.NoError(t, err)
			assert.Equal(t, []access.User{u}, users, "state unchanged")
		})
	}
}

func TestUserNotFound(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	_, err := s.UserByID(ctx, "u_nobody")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	_, err = s.UserByEmail(ctx, "nobody@example.org")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	assert.ErrorIs(t, s.SetDisabled(ctx, "u_nobody", true), workbench.ErrNotFound)
	assert.ErrorIs(t, s.SetAdmin(ctx, "u_nobody", true), workbench.ErrNotFound)
	_, err = s.Records(ctx, "u_nobody")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	_, err = s.PutRecord(ctx, access.Record{UserID: "u_nobody", Kind: access.Profile, CompletedAt: t0})
	assert.ErrorIs(t, err, workbench.ErrNotFound)
}

func TestSetFlags(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u := addUser(t, s, "a@example.org")
	require.NoError(t, s.SetDisabled(ctx, u.ID, true))
	require.NoError(t, s.SetAdmin(ctx, u.ID, true))
	got, err := s.UserByID(ctx, u.ID)
	require.NoError(t, err)
	assert.True(t, got.Disabled)
	assert.True(t, got.Admin)
	require.NoError(t, s.SetDisabled(ctx, u.ID, false))
	got, err = s.UserByID(ctx, u.ID)
	require.NoError(t, err)
	assert.False(t, got.Disabled)
}

func TestRecords(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	u := addUser(t, s, "a@example.org")
	other := addUser(t, s, "b@example.org")
	day := 24 * time.Hour

	put := func(r access.Record) access.Record {
		t.Helper()
		r.UserID = u.ID
		got, err := s.PutRecord(ctx, r)
		require.NoError(t, err)
		return got
	}
	profile := put(access.Record{Kind: access.Profile, CompletedAt: t0})
	oldTraining := put(access.Record{Kind: access.EthicsTraining, CompletedAt: t0.Add(-400 * day)})
	training := put(access.Record{Kind: access.EthicsTraining, CompletedAt: t0.Add(-day)})
	conduct := put(access.Record{Kind: access.CodeOfConduct, CompletedAt: t0, Version: "1", ExpiresAt: t0.Add(30 * day)})
	_, err := s.PutRecord(ctx, access.Record{UserID: other.ID, Kind: access.Profile, CompletedAt: t0})
	require.NoError(t, err)

	assert.True(t, profile.ExpiresAt.IsZero(), "a profile never expires")
	assert.Equal(t, norm(t0.Add(-day).Add(access.DefaultValidity)), training.ExpiresAt, "expiry from the policy")
	assert.Equal(t, norm(t0.Add(30*day)), conduct.ExpiresAt, "an expiry given is kept")

	recs, err := s.Records(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, []access.Record{profile, oldTraining, training, conduct}, recs, "history, in order")

	var p access.Policy
	status := p.Status(&u, recs, t0)
	assert.Equal(t, access.Public, status.Tier)
	require.NoError(t, p.CheckApproval(&u, recs, t0))
	put(access.Record{Kind: access.Approval, CompletedAt: t0, By: "cli"})
	recs, err = s.Records(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, access.Registered, p.Status(&u, recs, t0).Tier)

	tests := []struct {
		name string
		r    access.Record
	}{
		{"unknown kind", access.Record{UserID: u.ID, Kind: "karma", CompletedAt: t0}},
		{"no completion", access.Record{UserID: u.ID, Kind: access.Profile}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.PutRecord(ctx, tc.r)
			require.ErrorIs(t, err, workbench.ErrInvalid)
			got, err := s.Records(ctx, u.ID)
			require.NoError(t, err)
			assert.Len(t, got, 5, "state unchanged")
		})
	}
}
