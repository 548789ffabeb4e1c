package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
)

// paths is the fields of the problems of err.
func paths(err error) []string {
	var out []string
	for _, f := range fault.FieldsOf(err) {
		out = append(out, f.Path)
	}
	return out
}

// rightAnswers answers every question of the quiz with the choice whose
// text the test knows to be right: the ones that name the rule.
var rightAnswers = map[string]string{"q1": "b", "q2": "b", "q3": "c", "q4": "a", "q5": "c"}

func TestAccessSteps(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	defer st.Close()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, err := app.New(app.Config{Store: st, Policy: access.Policy{CodeOfConductVersion: "2026-01"}, Now: clock})
	require.NoError(t, err)
	u, err := st.AddUser(ctx, access.User{Email: "ada@example.org"})
	require.NoError(t, err)
	as := workbench.NewContext(ctx, &u)

	t.Run("the code of conduct waits for the profile", func(t *testing.T) {
		_, err := a.Steps.SignConduct(as, "Ada Lovelace")
		assert.Equal(t, []string{"name"}, paths(err))
	})
	t.Run("a profile reports every problem at its field", func(t *testing.T) {
		_, err := a.Steps.SaveProfile(as, workbench.Profile{Name: " ", Institution: "x\x00", Background: "Engines."})
		assert.ErrorIs(t, err, workbench.ErrInvalid)
		assert.Equal(t, []string{"name", "institution", "role"}, paths(err))
	})
	t.Run("a profile completes its step", func(t *testing.T) {
		s, err := a.Steps.SaveProfile(as, workbench.Profile{Name: " Ada Lovelace ", Institution: "Analytical Society", Role: "Fellow", Background: "Engines.\nAnd numbers."})
		require.NoError(t, err)
		assert.True(t, s.Done(access.Profile))
		p, err := a.Steps.Profile(as)
		require.NoError(t, err)
		assert.Equal(t, "Ada Lovelace", p.Name)
		assert.Equal(t, now, p.UpdatedAt)
		u, err = st.UserByID(ctx, u.ID)
		require.NoError(t, err)
		as = workbench.NewContext(ctx, &u)
	})
	t.Run("the quiz: every answer must be right", func(t *testing.T) {
		wrong := map[string]string{"q1": "a", "q2": "b", "q3": "z", "q4": "a"}
		_, err := a.Steps.PassTraining(as, wrong)
		assert.Equal(t, []string{"q1", "q3", "q5"}, paths(err))
		me, err := a.Accounts.Me(as)
		require.NoError(t, err)
		assert.False(t, me.Status.Done(access.EthicsTraining), "nothing recorded")
		s, err := a.Steps.PassTraining(as, rightAnswers)
		require.NoError(t, err)
		assert.True(t, s.Done(access.EthicsTraining))
	})
	t.Run("the quiz defines its questions' answers", func(t *testing.T) {
		require.Len(t, app.Quiz, len(rightAnswers))
		assert.NoError(t, app.Grade(rightAnswers))
	})
	t.Run("the code of conduct is signed with the profile's name", func(t *testing.T) {
		_, err := a.Steps.SignConduct(as, "Ada Byron")
		assert.Equal(t, []string{"name"}, paths(err))
		assert.Contains(t, err.Error(), "Ada Lovelace")
		_, err = a.Steps.SignConduct(as, "   ")
		assert.Equal(t, []string{"name"}, paths(err))
		s, err := a.Steps.SignConduct(as, "  ada LOVELACE ")
		require.NoError(t, err)
		assert.True(t, s.Done(access.CodeOfConduct))
		assert.Equal(t, access.Public, s.Tier, "approval is missing")
		sigs, err := a.Steps.Signatures(as)
		require.NoError(t, err)
		assert.Equal(t, []workbench.Signature{{UserID: u.ID, Version: "2026-01", TypedName: "  ada LOVELACE ", SignedAt: now}}, sigs)
	})
	t.Run("each step is audited", func(t *testing.T) {
		log, err := st.QueryAudit(ctx, store.AuditQuery{UserID: u.ID, Action: string(access.CompleteStep)})
		require.NoError(t, err)
		var objects []string
		for _, r := range log {
			objects = append(objects, r.Object)
		}
		assert.Equal(t, []string{"profile", "ethics_training", "code_of_conduct"}, objects)
	})
	t.Run("a disabled user records no step", func(t *testing.T) {
		d := u
		d.Disabled = true
		_, err := a.Steps.PassTraining(workbench.NewContext(ctx, &d), rightAnswers)
		assert.ErrorIs(t, err, access.ErrDisabled)
	})
}

func TestTokensAndPassword(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	defer st.Close()
	a, err := app.New(app.Config{Store: st})
	require.NoError(t, err)
	u, err := st.AddUser(ctx, access.User{Email: "ada@example.org"})
	require.NoError(t, err)
	other, err := st.AddUser(ctx, access.User{Email: "bob@example.org"})
	require.NoError(t, err)
	as, asOther := workbench.NewContext(ctx, &u), workbench.NewContext(ctx, &other)

	t.Run("tokens", func(t *testing.T) {
		_, _, err := a.Tokens.CreateToken(as, 400*24*time.Hour)
		assert.Equal(t, []string{"ttl"}, paths(err))
		secret, tok, err := a.Tokens.CreateToken(as, 24*time.Hour)
		require.NoError(t, err)
		got, err := a.Auth.Authenticate(ctx, secret)
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		list, err := a.Tokens.Tokens(as)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, tok.ID, list[0].ID)
		none, err := a.Tokens.Tokens(asOther)
		require.NoError(t, err)
		assert.Empty(t, none)

		assert.ErrorIs(t, a.Tokens.RevokeToken(asOther, tok.ID), workbench.ErrNotFound, "another user's token")
		require.NoError(t, a.Tokens.RevokeToken(as, tok.ID))
		_, err = a.Auth.Authenticate(ctx, secret)
		assert.ErrorIs(t, err, access.ErrUnauthenticated)
		list, err = a.Tokens.Tokens(as)
		require.NoError(t, err)
		assert.False(t, list[0].RevokedAt.IsZero())
		_, err = a.Tokens.Tokens(ctx)
		assert.ErrorIs(t, err, access.ErrUnauthenticated)
	})
	t.Run("password", func(t *testing.T) {
		err := a.Sessions.ChangePassword(as, "", "a new long password")
		assert.Equal(t, []string{"current"}, paths(err), "no password yet: the link sets one")
		_, err = st.CreateSession(ctx, u.ID, time.Hour, time.Now())
		require.NoError(t, err)
		require.NoError(t, st.SetPassword(ctx, u.ID, app.HashPasswordForTest("the first password"), time.Now()))
		err = a.Sessions.ChangePassword(as, "not it", "short")
		assert.Equal(t, []string{"current", "password"}, paths(err))
		require.NoError(t, a.Sessions.ChangePassword(as, "the first password", "the second password"))
		_, err = a.Sessions.SignIn(ctx, "ada@example.org", "the first password")
		assert.ErrorIs(t, err, app.ErrSignIn)
		_, err = a.Sessions.SignIn(ctx, "ada@example.org", "the second password")
		assert.NoError(t, err)
	})
	t.Run("disabling records its reason", func(t *testing.T) {
		admin := access.User{ID: "u_admin", Email: "admin@example.org", Admin: true}
		aa := workbench.NewContext(ctx, &admin)
		assert.ErrorIs(t, a.Admin.DisableUser(as, other.ID, "no"), access.ErrForbidden)
		require.NoError(t, a.Admin.DisableUser(aa, other.ID, "  left the institution "))
		log, err := a.Admin.Audit(aa, workbench.AuditQuery{Action: string(access.DisableUser)})
		require.NoError(t, err)
		require.Len(t, log, 1)
		assert.Equal(t, other.ID, log[0].Object)
		assert.Equal(t, "left the institution", log[0].Reason)
		assert.True(t, log[0].Allowed)
	})
}
