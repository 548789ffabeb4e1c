package app_test

import (
	"context"
	"regexp"
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

// outbox keeps the messages sent.
type outbox struct{ sent []app.Message }

func (o *outbox) Send(_ context.Context, m app.Message) error {
	o.sent = append(o.sent, m)
	return nil
}

var linkRE = regexp.MustCompile(`https://wb\.example/link/(\S+)`)

func TestSignUpAndSignIn(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	defer st.Close()
	out := &outbox{}
	a, err := app.New(app.Config{Store: st, Outbox: out})
	require.NoError(t, err)
	link := func(secret string) string { return "https://wb.example/link/" + secret }
	lastLink := func(t *testing.T) string {
		t.Helper()
		require.NotEmpty(t, out.sent)
		m := linkRE.FindStringSubmatch(out.sent[len(out.sent)-1].Body)
		require.NotNil(t, m, "no link in %q", out.sent[len(out.sent)-1].Body)
		return m[1]
	}

	t.Run("bad input names every field", func(t *testing.T) {
		err := a.Sessions.SignUp(ctx, app.SignUp{Email: "nope", Name: " ", Password: "short"}, link)
		assert.ErrorIs(t, err, workbench.ErrInvalid)
		paths := []string{}
		for _, f := range fault.FieldsOf(err) {
			paths = append(paths, f.Path)
		}
		assert.Equal(t, []string{"email", "name", "password"}, paths)
		assert.Empty(t, out.sent)
	})
	t.Run("the password is set only when the link is opened", func(t *testing.T) {
		require.NoError(t, a.Sessions.SignUp(ctx, app.SignUp{Email: "ada@example.org", Name: "Ada", Password: "correct horse battery"}, link))
		secret := lastLink(t)
		_, err := a.Sessions.SignIn(ctx, "ada@example.org", "correct horse battery")
		assert.ErrorIs(t, err, app.ErrSignIn)
		s, err := a.Sessions.UseLink(ctx, secret)
		require.NoError(t, err)
		u, err := a.Sessions.User(ctx, s.Secret)
		require.NoError(t, err)
		assert.Equal(t, "Ada", u.Name)
		_, err = a.Sessions.UseLink(ctx, secret)
		assert.ErrorIs(t, err, access.ErrUnauthenticated)
	})
	t.Run("sign in, wrong password, unknown address, sign out", func(t *testing.T) {
		s, err := a.Sessions.SignIn(ctx, " ADA@example.org ", "correct horse battery")
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now().Add(app.SessionTTL), s.ExpiresAt, time.Minute)
		_, err = a.Sessions.SignIn(ctx, "ada@example.org", "correct horse batterY")
		assert.ErrorIs(t, err, app.ErrSignIn)
		_, err = a.Sessions.SignIn(ctx, "bob@example.org", "correct horse battery")
		assert.ErrorIs(t, err, app.ErrSignIn)
		require.NoError(t, a.Sessions.SignOut(ctx, s.Secret))
		_, err = a.Sessions.User(ctx, s.Secret)
		assert.ErrorIs(t, err, access.ErrUnauthenticated)
	})
	t.Run("signing up a known address changes nothing until its link is opened", func(t *testing.T) {
		n := len(out.sent)
		require.NoError(t, a.Sessions.SignUp(ctx, app.SignUp{Email: "Ada@example.org", Name: "Mallory", Password: "another long password"}, link))
		require.Len(t, out.sent, n+1)
		assert.Contains(t, out.sent[n].Body, "new password")
		assert.NotContains(t, out.sent[n].Body, "Mallory")
		_, err := a.Sessions.SignIn(ctx, "ada@example.org", "correct horse battery")
		require.NoError(t, err, "the old password still works")
		_, err = a.Sessions.UseLink(ctx, lastLink(t))
		require.NoError(t, err)
		_, err = a.Sessions.SignIn(ctx, "ada@example.org", "another long password")
		require.NoError(t, err)
		users, err := st.ListUsers(ctx)
		require.NoError(t, err)
		assert.Len(t, users, 1)
	})
}
