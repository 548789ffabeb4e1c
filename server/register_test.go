package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/server"
)

// registerBody is the JSON of a registration.
func registerBody(t *testing.T, email, name string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]string{"email": email, "name": name})
	require.NoError(t, err)
	return b
}

// TestRegisterJourney registers over HTTP and follows the new user from
// no step done to a workspace of their own.
func TestRegisterJourney(t *testing.T) {
	f := newFixture(t, server.Config{})
	ctx := context.Background()
	admin, err := f.store.UserByEmail(ctx, "admin@example.org")
	require.NoError(t, err)
	adminToken, _, err := f.store.CreateToken(ctx, admin.ID, time.Hour, time.Now())
	require.NoError(t, err)

	token, id := f.register(t, " ada@Example.ORG ", " Ada Lovelace ")
	reg := struct{ Token string }{token}
	u, err := f.store.UserByID(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "ada@example.org", u.Email, "trimmed, the domain lower-cased")
	assert.Equal(t, "Ada Lovelace", u.Name)
	assert.False(t, u.Admin)
	require.True(t, strings.HasPrefix(token, store.TokenPrefix), token)

	t.Run("the token is the store's, with its usual lifetime", func(t *testing.T) {
		toks, err := f.store.ListTokens(ctx, id)
		require.NoError(t, err)
		require.Len(t, toks, 1)
		assert.Equal(t, store.DefaultTokenTTL, toks[0].ExpiresAt.Sub(toks[0].CreatedAt))
		msgs := f.outbox.to("ada@example.org")
		require.Len(t, msgs, 1)
		assert.Contains(t, msgs[0].Body, toks[0].ExpiresAt.UTC().Format(time.RFC3339), "the message says until when")
		assert.NotContains(t, msgs[0].Body, "Ada Lovelace", "nothing the visitor wrote travels in the message")
		u, err := f.store.Authenticate(ctx, reg.Token, time.Now())
		require.NoError(t, err)
		assert.Equal(t, id, u.ID)
	})

	status := func(t *testing.T) access.Status {
		t.Helper()
		r := f.do(t, "GET", "/v1/me", reg.Token, nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var me struct {
			User   access.User   `json:"user"`
			Status access.Status `json:"status"`
		}
		require.NoError(t, json.Unmarshal(r.body, &me))
		require.Equal(t, id, me.User.ID)
		return me.Status
	}
	t.Run("a new user has every step to do", func(t *testing.T) {
		st := status(t)
		assert.Equal(t, access.Public, st.Tier)
		var missing []access.Requirement
		for _, s := range st.Missing(access.Registered) {
			missing = append(missing, s.Kind)
		}
		assert.Equal(t, []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval}, missing)
		requireProblem(t, f.do(t, "POST", "/v1/workspaces", reg.Token, []byte(`{"name": "Too soon", "research_purpose": `+testkit.PurposeJSON+`}`), ""), http.StatusForbidden)
	})

	t.Run("steps, approval, then a workspace", func(t *testing.T) {
		requireProblem(t, f.do(t, "POST", "/v1/admin/users/"+id+"/approve", adminToken, nil, ""), http.StatusBadRequest)
		for _, step := range []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct} {
			r := f.do(t, "POST", "/v1/me/steps/"+string(step), reg.Token, nil, "")
			require.Equal(t, http.StatusOK, r.status, "%s: %s", step, r.body)
		}
		r := f.do(t, "POST", "/v1/admin/users/"+id+"/approve", adminToken, nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Equal(t, access.Registered, status(t).Tier)
		r = f.do(t, "POST", "/v1/workspaces", reg.Token, []byte(`{"name": "First study", "research_purpose": `+testkit.PurposeJSON+`}`), "")
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	})

	t.Run("audited with the new user's id, never the token", func(t *testing.T) {
		r := f.do(t, "GET", "/v1/admin/audit?user="+id, adminToken, nil, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var recs []access.AuditRecord
		require.NoError(t, json.Unmarshal(r.body, &recs))
		require.NotEmpty(t, recs)
		assert.Equal(t, access.Register, recs[0].Action)
		assert.Equal(t, id, recs[0].Object)
		assert.True(t, recs[0].Allowed)
		all := f.do(t, "GET", "/v1/admin/audit", adminToken, nil, "")
		require.Equal(t, http.StatusOK, all.status)
		assert.NotContains(t, string(all.body), reg.Token)
		assert.NotContains(t, string(all.body), strings.TrimPrefix(reg.Token, store.TokenPrefix))
	})
}

// TestRegisterRefusals sends registrations that must be refused, each
// with its status and, for bad input, the paths of its problems.
func TestRegisterRefusals(t *testing.T) {
	f := newFixture(t, server.Config{})
	ctx := context.Background()
	before, err := f.store.ListUsers(ctx)
	require.NoError(t, err)
	existing, err := f.store.UserByEmail(ctx, "r@example.org")
	require.NoError(t, err)
	cases := []struct {
		name   string
		body   string
		ctype  string
		status int
		paths  []string
	}{
		{"Cyrillic letter", `{"email": "r\u0430@example.org", "name": "X"}`, "", 400, []string{"email"}},
		{"zero-width space", `{"email": "r\u200b@example.org", "name": "X"}`, "", 400, []string{"email"}},
		{"right-to-left override", `{"email": "\u202egro.elpmaxe@r", "name": "X"}`, "", 400, []string{"email"}},
		{"lookalike and no name", `{"email": "r\u200b@example.org"}`, "", 400, []string{"email", "name"}},
		{"empty name", `{"email": "x@example.org", "name": "  "}`, "", 400, []string{"name"}},
		{"no name", `{"email": "x@example.org"}`, "", 400, []string{"name"}},
		{"malformed email", `{"email": "not an address", "name": "X"}`, "", 400, []string{"email"}},
		{"email with a display name", `{"email": "X <x@example.org>", "name": "X"}`, "", 400, []string{"email"}},
		{"both wrong", `{"email": "", "name": ""}`, "", 400, []string{"email", "name"}},
		{"empty object", `{}`, "", 400, []string{"email", "name"}},
		{"name too long", `{"email": "x@example.org", "name": "` + strings.Repeat("n", 201) + `"}`, "", 400, []string{"name"}},
		{"control character in the name", `{"email": "x@example.org", "name": "a\u0000b"}`, "", 400, []string{"name"}},
		{"unknown field", `{"email": "x@example.org", "name": "X", "admin": true}`, "", 400, nil},
		{"not an object", `[]`, "", 400, nil},
		{"malformed", `{"email": `, "", 400, nil},
		{"wrong content type", `{"email": "x@example.org", "name": "X"}`, "text/plain", 415, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := requireProblem(t, f.do(t, "POST", "/v1/register", "", []byte(c.body), c.ctype), c.status)
			var paths []string
			if list, ok := p["errors"].([]any); ok {
				for _, e := range list {
					paths = append(paths, e.(map[string]any)["path"].(string))
				}
			}
			assert.Equal(t, c.paths, paths)
			assert.NotContains(t, p["detail"], existing.ID, "a refusal names no account")
		})
	}
	after, err := f.store.ListUsers(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after, "no refused registration made a user")
	f.outbox.mu.Lock()
	defer f.outbox.mu.Unlock()
	assert.Empty(t, f.outbox.sent, "nor sent a message")
}

// TestRegisterTellsNoOneButTheAddress registers new addresses and
// addresses that have an account, spelled as given and as lookalikes that
// normalise to them: every answer is the same 202 and body, and only the
// message to the address says which it was.
func TestRegisterTellsNoOneButTheAddress(t *testing.T) {
	f := newFixture(t, server.Config{})
	ctx := context.Background()
	existing, err := f.store.UserByEmail(ctx, "r@example.org")
	require.NoError(t, err)
	cases := []struct {
		name, email string
		// to is where the message goes; taken when it has an account.
		to    string
		taken bool
	}{
		{"new address", "new@example.org", "new@example.org", false},
		{"taken address", "r@example.org", "r@example.org", true},
		{"taken in another case", "R@Example.ORG", "r@example.org", true},
		{"taken in fullwidth letters", "ｒ@ｅｘａｍｐｌｅ.ｏｒｇ", "r@example.org", true},
		{"new in fullwidth letters", "ｎｅｗ２@example.org", "new2@example.org", false},
		{"registered twice", "new@example.org", "new@example.org", true},
	}
	var first []byte
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(f.outbox.to(c.to))
			res := f.do(t, "POST", "/v1/register", "", registerBody(t, c.email, "Someone"), "")
			require.Equal(t, http.StatusAccepted, res.status, "%s", res.body)
			require.Equal(t, "application/json", res.ctype)
			if first == nil {
				first = res.body
			}
			assert.Equal(t, string(first), string(res.body), "every answer is the same")
			assert.NotContains(t, string(res.body), store.TokenPrefix)

			msgs := f.outbox.to(c.to)
			require.Len(t, msgs, before+1, "one message to the address")
			m := msgs[len(msgs)-1]
			assert.Equal(t, "Your research workbench account", m.Subject, "the subject tells nothing either")
			if c.taken {
				assert.Contains(t, m.Body, "already has an account")
				assert.NotContains(t, m.Body, store.TokenPrefix, "no token for someone else's account")
			} else {
				assert.Contains(t, m.Body, store.TokenPrefix)
			}
		})
	}
	toks, err := f.store.ListTokens(ctx, existing.ID)
	require.NoError(t, err)
	assert.Len(t, toks, 1, "registering a taken address makes no token")
	users, err := f.store.ListUsers(ctx)
	require.NoError(t, err)
	assert.Len(t, users, 6, "the fixture's four, and two new")
}

func TestRegisterWithoutOutbox(t *testing.T) {
	c, eng, info := openGiBleed(t)
	st, err := store.Open(context.Background(), testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	srv, err := server.New(server.Config{}, server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info})
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	f := &fixture{url: hs.URL}
	p := requireProblem(t, f.do(t, "POST", "/v1/register", "", registerBody(t, "ada@example.org", "Ada"), ""), http.StatusForbidden)
	assert.Contains(t, p["detail"], "cannot deliver the token")
	_, err = st.UserByEmail(context.Background(), "ada@example.org")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
}

func TestRegisterClosed(t *testing.T) {
	f := newFixture(t, server.Config{CloseRegistration: true})
	p := requireProblem(t, f.do(t, "POST", "/v1/register", "", registerBody(t, "ada@example.org", "Ada"), ""), http.StatusForbidden)
	assert.Contains(t, p["detail"], "registration is closed")
	_, err := f.store.UserByEmail(context.Background(), "ada@example.org")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
}

// TestRegisterRateLimit checks that registration takes from the public
// tier's bucket of the client.
func TestRegisterRateLimit(t *testing.T) {
	f := newFixture(t, server.Config{RateLimit: server.RateLimit{Rate: 0.001, Burst: 3}})
	require.Equal(t, http.StatusOK, f.do(t, "GET", "/v1/public/totals", "", nil, "").status)
	for _, email := range []string{"a@example.org", "b@example.org"} {
		r := f.do(t, "POST", "/v1/register", "", registerBody(t, email, "A"), "")
		require.Equal(t, http.StatusAccepted, r.status, "%s", r.body)
	}
	requireProblem(t, f.do(t, "POST", "/v1/register", "", registerBody(t, "c@example.org", "C"), ""), http.StatusTooManyRequests)
	_, err := f.store.UserByEmail(context.Background(), "c@example.org")
	assert.ErrorIs(t, err, workbench.ErrNotFound, "a limited registration makes no user")
}

// TestRegisterGlobalLimit registers from many clients (behind a trusted
// proxy): the global limit stops them together where each client's own
// limit would not.
func TestRegisterGlobalLimit(t *testing.T) {
	f := newFixture(t, server.Config{
		RegistrationLimit: server.RateLimit{Rate: 0.001, Burst: 3},
		TrustedProxies:    []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
	})
	send := func(i int) response {
		req, err := http.NewRequest("POST", f.url+"/v1/register", bytes.NewReader(registerBody(t, fmt.Sprintf("u%d@example.org", i), "U")))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return response{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: b}
	}
	for range 5 {
		requireProblem(t, f.do(t, "GET", "/v1/register", "", nil, ""), http.StatusMethodNotAllowed)
	}
	for i := range 3 {
		require.Equal(t, http.StatusAccepted, send(i).status, "other methods spent nothing")
	}
	p := requireProblem(t, send(3), http.StatusTooManyRequests)
	assert.Contains(t, p["detail"], "registrations of all clients")
	_, err := f.store.UserByEmail(context.Background(), "u3@example.org")
	assert.ErrorIs(t, err, workbench.ErrNotFound)
	require.Equal(t, http.StatusOK, f.do(t, "GET", "/v1/public/totals", "", nil, "").status, "the public tier has its own limits")
}
