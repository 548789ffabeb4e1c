package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
)

// browser is a client with a cookie jar that does not follow redirects,
// so a test sees where each answer sends it.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	return &browser{t: t, base: base, c: &http.Client{Jar: newJar(), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches a page and returns it with the CSRF token of its forms.
func (b *browser) get(path string) (*http.Response, string, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	tok := ""
	if m := tokenField.FindStringSubmatch(string(body)); m != nil {
		tok = m[1]
	}
	return resp, string(body), tok
}

func (b *browser) post(path string, v url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, v)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var linkPath = regexp.MustCompile(`http://[^/\s]+(/signin/link/\S+)`)

// signUp makes the account of email with password through the pages and
// the link sent, and returns the browser signed in.
func signUp(t *testing.T, f *fixture, base, email, name, password string) *browser {
	t.Helper()
	b := newBrowser(t, base)
	_, _, tok := b.get("/signup")
	resp, body := b.post("/signup", url.Values{"csrf_token": {tok}, "email": {email}, "name": {name}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	m, ok := f.outbox.last(email)
	require.True(t, ok, "a message to %s", email)
	link := linkPath.FindStringSubmatch(m.Body)
	require.NotNil(t, link, "a link in %q", m.Body)
	_, page, tok := b.get(link[1])
	require.Contains(t, page, "Confirm and sign in")
	resp, body = b.post("/signin/link", url.Values{"csrf_token": {tok}, "secret": {strings.TrimPrefix(link[1], "/signin/link/")}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	return b
}

// approve records every step of the registered tier for the user of email.
func approve(t *testing.T, f *fixture, email string) {
	t.Helper()
	ctx := t.Context()
	u, err := f.store.UserByEmail(ctx, email)
	require.NoError(t, err)
	now := time.Now()
	for _, r := range []access.Record{
		{UserID: u.ID, Kind: access.Profile, CompletedAt: now},
		{UserID: u.ID, Kind: access.EthicsTraining, CompletedAt: now},
		{UserID: u.ID, Kind: access.CodeOfConduct, CompletedAt: now, Version: access.DefaultCodeOfConductVersion},
		{UserID: u.ID, Kind: access.Approval, CompletedAt: now, By: "test"},
	} {
		_, err := f.store.PutRecord(ctx, r)
		require.NoError(t, err)
	}
}

func TestSignUpSignInSignOut(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	b := signUp(t, f, base, "grace@example.org", "Grace Hopper", "a long enough password")
	resp, page, _ := b.get("/workspaces")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "no access before the steps")
	assert.Contains(t, page, "ethics training")
	approve(t, f, "grace@example.org")

	resp, page, tok := b.get("/workspaces")
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	assert.Contains(t, page, "grace@example.org")
	assert.Contains(t, page, "Sign out")

	t.Run("a form without the session's token is refused", func(t *testing.T) {
		resp, _ := b.post("/signout", url.Values{"csrf_token": {"forged.token"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		other := newBrowser(t, base)
		_, _, anonymous := other.get("/signin")
		resp, _ = b.post("/signout", url.Values{"csrf_token": {anonymous}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("sign out ends the session", func(t *testing.T) {
		resp, _ := b.post("/signout", url.Values{"csrf_token": {tok}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _, _ = b.get("/workspaces")
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/signin?next=%2Fworkspaces", resp.Header.Get("Location"))
	})
	t.Run("sign in with the password, back to the page asked for", func(t *testing.T) {
		_, _, tok := b.get("/signin")
		resp, body := b.post("/signin", url.Values{"csrf_token": {tok}, "email": {"grace@example.org"}, "password": {"a long enough password!"}, "next": {"/workspaces"}})
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Contains(t, body, "not right")
		resp, _ = b.post("/signin", url.Values{"csrf_token": {tok}, "email": {"Grace@example.org"}, "password": {"a long enough password"}, "next": {"https://evil.example/"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/workspaces", resp.Header.Get("Location"), "never to another site")
		cookie := resp.Header.Get("Set-Cookie")
		for _, attr := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
			assert.Contains(t, cookie, attr)
		}
		resp, _, _ = b.get("/workspaces")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Run("sign-up problems are shown at their fields", func(t *testing.T) {
		c := newBrowser(t, base)
		_, _, tok := c.get("/signup")
		resp, body := c.post("/signup", url.Values{"csrf_token": {tok}, "email": {"nope"}, "name": {""}, "password": {"short"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		for _, id := range []string{`id="email-error"`, `id="name-error"`, `id="password-error"`} {
			assert.Contains(t, body, id)
		}
	})
}
