package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
)

// form is the values of a form with the CSRF token and pairs of name and
// value.
func form(tok string, kv ...string) url.Values {
	v := url.Values{"csrf_token": {tok}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// quizAnswers are the right answers of app.Quiz, as a form's pairs.
var quizAnswers = []string{"q1", "b", "q2", "b", "q3", "c", "q4", "a", "q5", "c"}

// completeSteps does the three self-service steps of b's user through the
// pages, with the name given.
func completeSteps(t *testing.T, b *browser, name string) {
	t.Helper()
	_, _, tok := b.get("/access/profile")
	resp, body := b.post("/access/profile", form(tok, "name", name, "institution", "Analytical Society", "role", "Fellow", "background", "Engines and numbers."))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	resp, body = b.post("/access/training/quiz", form(tok, quizAnswers...))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	resp, body = b.post("/access/conduct", form(tok, "name", name))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
}

func TestAccessPages(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	b := signUp(t, f, base, "ada@example.org", "Ada", "a long enough password")

	resp, page, tok := b.get("/access")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 4, strings.Count(page, `class="step step-missing"`), "every step to do")
	for _, h := range []string{`href="/access/profile"`, `href="/access/training"`, `href="/access/conduct"`} {
		assert.Contains(t, page, h)
	}

	t.Run("a page that needs the registered tier shows the steps", func(t *testing.T) {
		resp, page, _ := b.get("/workspaces")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Contains(t, page, "Complete your data access steps")
		assert.Contains(t, page, `href="/access"`)
		assert.Contains(t, page, "ethics training")
		assert.Contains(t, page, `href="/account"`, "with the registered pages' navigation")
	})
	t.Run("a form without the CSRF token is refused", func(t *testing.T) {
		resp, _ := b.post("/access/profile", url.Values{"name": {"Ada"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("the code of conduct waits for the profile", func(t *testing.T) {
		resp, body := b.post("/access/conduct", form(tok, "name", "Ada"))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="name-error"`)
		assert.Contains(t, body, "Complete your profile first")
	})
	t.Run("profile problems are shown at their fields", func(t *testing.T) {
		resp, body := b.post("/access/profile", form(tok, "name", " ", "institution", "", "role", "Fellow", "background", strings.Repeat("x", 2001)))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		for _, id := range []string{`id="name-error"`, `id="institution-error"`, `id="background-error"`} {
			assert.Contains(t, body, id)
		}
		assert.NotContains(t, body, `id="role-error"`)
		assert.Contains(t, body, `value="Fellow"`, "what was typed stays")
	})
	t.Run("the profile completes its step", func(t *testing.T) {
		resp, _ := b.post("/access/profile", form(tok, "name", "Ada Lovelace", "institution", "Analytical Society", "role", "Fellow", "background", "Engines and numbers."))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/access?saved=profile", resp.Header.Get("Location"))
		_, page, _ := b.get("/access?saved=profile")
		assert.Contains(t, page, "Your profile was saved.")
		assert.Equal(t, 1, strings.Count(page, `class="step step-done"`))
		_, page, _ = b.get("/access/profile")
		assert.Contains(t, page, `value="Analytical Society"`)
	})
	t.Run("the training has three pages, then the quiz", func(t *testing.T) {
		for n, title := range []string{"Participants and their privacy", "Re-identification", "The data use rules"} {
			resp, page, _ := b.get(fmt.Sprintf("/access/training?page=%d", n+1))
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, page, "<h2>"+title+"</h2>")
		}
		resp, _, _ := b.get("/access/training?page=4")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		_, page, _ := b.get("/access/training/quiz")
		assert.Equal(t, len(app.Quiz), strings.Count(page, "<fieldset"))
	})
	t.Run("a wrong answer is shown at its question and records nothing", func(t *testing.T) {
		answers := append([]string{}, quizAnswers...)
		answers[1] = "a" // q1
		resp, body := b.post("/access/training/quiz", form(tok, answers[:8]...))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="q1-error"`)
		assert.Contains(t, body, `id="q5-error"`, "an unanswered question")
		assert.NotContains(t, body, `id="q2-error"`)
		assert.Contains(t, body, `id="q2-b" name="q2" value="b" checked`, "the answers given stay")
		resp, body = b.post("/access/training/quiz", form(tok, "q1", "b", "q2", "b", "q3", "c", "q4", "a", "q5", "not a choice"))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="q5-error"`)
		_, page, _ := b.get("/access")
		assert.Equal(t, 1, strings.Count(page, `class="step step-done"`))
	})
	t.Run("the right answers complete the training", func(t *testing.T) {
		resp, _ := b.post("/access/training/quiz", form(tok, quizAnswers...))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/access?saved=training", resp.Header.Get("Location"))
	})
	t.Run("the code of conduct is signed with the profile's name", func(t *testing.T) {
		_, page, _ := b.get("/access/conduct")
		assert.Contains(t, page, `Version <strong class="version">`+access.DefaultCodeOfConductVersion+`</strong>`)
		resp, body := b.post("/access/conduct", form(tok, "name", "Ada Byron"))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="name-error"`)
		assert.Contains(t, body, "as in your profile: Ada Lovelace")
		resp, _ = b.post("/access/conduct", form(tok, "name", "  ada LOVELACE "))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		u, err := f.store.UserByEmail(t.Context(), "ada@example.org")
		require.NoError(t, err)
		sigs, err := f.store.Signatures(t.Context(), u.ID)
		require.NoError(t, err)
		require.Len(t, sigs, 1)
		assert.Equal(t, "  ada LOVELACE ", sigs[0].TypedName)
		assert.Equal(t, access.DefaultCodeOfConductVersion, sigs[0].Version)
		assert.WithinDuration(t, time.Now(), sigs[0].SignedAt, time.Minute)
	})
	t.Run("then the status waits for approval", func(t *testing.T) {
		_, page, _ := b.get("/access")
		assert.Contains(t, page, "waiting for an administrator's approval")
		assert.Equal(t, 3, strings.Count(page, `class="step step-done"`))
	})
	t.Run("an expired step is to renew", func(t *testing.T) {
		u, err := f.store.UserByEmail(t.Context(), "ada@example.org")
		require.NoError(t, err)
		c := signUp(t, f, base, "old@example.org", "Old", "a long enough password")
		old, err := f.store.UserByEmail(t.Context(), "old@example.org")
		require.NoError(t, err)
		long := time.Now().Add(-400 * 24 * time.Hour)
		for _, r := range []access.Record{
			{UserID: old.ID, Kind: access.Profile, CompletedAt: long},
			{UserID: old.ID, Kind: access.EthicsTraining, CompletedAt: long},
			{UserID: old.ID, Kind: access.CodeOfConduct, CompletedAt: long, Version: access.DefaultCodeOfConductVersion},
			{UserID: old.ID, Kind: access.Approval, CompletedAt: long, By: u.ID},
		} {
			_, err := f.store.PutRecord(t.Context(), r)
			require.NoError(t, err)
		}
		_, page, _ := c.get("/access")
		assert.Equal(t, 2, strings.Count(page, `class="step step-expired"`))
		assert.Equal(t, 2, strings.Count(page, ">Renew<"))
		resp, _, _ := c.get("/workspaces")
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		_, _, ctok := c.get("/access")
		resp, _ = c.post("/access/training/quiz", form(ctok, quizAnswers...))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, body := c.post("/access/conduct", form(ctok, "name", "Old"))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
		resp, _, _ = c.get("/workspaces")
		assert.Equal(t, http.StatusOK, resp.StatusCode, "renewed")
	})
}

var secretShown = regexp.MustCompile(`id="new-token" class="token" type="text" readonly value="(wb_[^"]+)"`)

func TestAccountPage(t *testing.T) {
	f := newFixture(t)
	base := f.serve(t)
	b := signUp(t, f, base, "tokens@example.org", "Tom", "a long enough password")
	other := signUp(t, f, base, "other-tokens@example.org", "Otto", "a long enough password")

	resp, page, tok := b.get("/account")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "tokens@example.org")
	assert.Contains(t, page, "You have no token.")

	api := func(secret string) int {
		req, err := http.NewRequest("GET", base+"/v1/me", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}

	var secret string
	t.Run("a token is shown once and works", func(t *testing.T) {
		resp, body := b.post("/account/tokens", form(tok, "ttl", "30"))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		m := secretShown.FindStringSubmatch(body)
		require.NotNil(t, m, body)
		secret = m[1]
		assert.Equal(t, http.StatusOK, api(secret))
		_, page, _ := b.get("/account")
		assert.NotContains(t, page, secret, "never shown again")
		assert.Contains(t, page, "Active")
		assert.Contains(t, page, time.Now().UTC().Add(30*24*time.Hour).Format("2006-01-02"))
	})
	t.Run("a lifetime out of range is refused at its field", func(t *testing.T) {
		resp, body := b.post("/account/tokens", form(tok, "ttl", "9999"))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="ttl-error"`)
	})
	id := regexp.MustCompile(`action="/account/tokens/(t_[^/]+)/revoke"`)
	t.Run("another user cannot revoke it", func(t *testing.T) {
		_, page, _ := b.get("/account")
		m := id.FindStringSubmatch(page)
		require.NotNil(t, m)
		_, _, otok := other.get("/account")
		resp, _ := other.post("/account/tokens/"+m[1]+"/revoke", form(otok))
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Equal(t, http.StatusOK, api(secret))
	})
	t.Run("revoked, the token is refused", func(t *testing.T) {
		_, page, _ := b.get("/account")
		m := id.FindStringSubmatch(page)
		require.NotNil(t, m)
		resp, _ := b.post("/account/tokens/"+m[1]+"/revoke", form(tok))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, http.StatusUnauthorized, api(secret))
		_, page, _ = b.get("/account?done=revoked")
		assert.Contains(t, page, "Revoked "+time.Now().UTC().Format("2006-01-02"))
		assert.NotContains(t, page, "/revoke", "nothing left to revoke")
	})
	t.Run("the password: the current one first", func(t *testing.T) {
		resp, body := b.post("/account/password", form(tok, "current", "not the password", "password", "short"))
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, body, `id="current-error"`)
		assert.Contains(t, body, `id="password-error"`)
		resp, _ = b.post("/account/password", form(tok, "current", "a long enough password", "password", "another long password"))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		c := newBrowser(t, base)
		_, _, ctok := c.get("/signin")
		resp, _ = c.post("/signin", form(ctok, "email", "tokens@example.org", "password", "a long enough password"))
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		resp, _ = c.post("/signin", form(ctok, "email", "tokens@example.org", "password", "another long password"))
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	})
}
