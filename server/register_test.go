package server_test

import (
	"context"
	"encoding/json"
	"net/http"
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

	res := f.do(t, "POST", "/v1/register", "", registerBody(t, " ada@example.org ", " Ada Lovelace "), "")
	require.Equal(t, http.StatusCreated, res.status, "%s", res.body)
	var reg struct {
		User      access.User `json:"user"`
		Token     string      `json:"token"`
		ExpiresAt time.Time   `json:"expires_at"`
	}
	require.NoError(t, json.Unmarshal(res.body, &reg))
	assert.Equal(t, "ada@example.org", reg.User.Email)
	assert.Equal(t, "Ada Lovelace", reg.User.Name)
	assert.False(t, reg.User.Admin)
	require.True(t, strings.HasPrefix(reg.Token, store.TokenPrefix), reg.Token)
	id := reg.User.ID

	t.Run("the token is the store's, with its usual lifetime", func(t *testing.T) {
		toks, err := f.store.ListTokens(ctx, id)
		require.NoError(t, err)
		require.Len(t, toks, 1)
		assert.Equal(t, store.DefaultTokenTTL, toks[0].ExpiresAt.Sub(toks[0].CreatedAt))
		assert.True(t, reg.ExpiresAt.Equal(toks[0].ExpiresAt), "answered %s, stored %s", reg.ExpiresAt, toks[0].ExpiresAt)
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
		{"email taken", `{"email": "r@example.org", "name": "Someone"}`, "", 409, nil},
		{"email taken in another case", `{"email": "R@Example.ORG", "name": "Someone"}`, "", 409, nil},
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
			assert.NotContains(t, p["detail"], existing.ID, "a conflict names no account")
		})
	}
	after, err := f.store.ListUsers(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after, "no refused registration made a user")
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
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	}
	requireProblem(t, f.do(t, "POST", "/v1/register", "", registerBody(t, "c@example.org", "C"), ""), http.StatusTooManyRequests)
	_, err := f.store.UserByEmail(context.Background(), "c@example.org")
	assert.ErrorIs(t, err, workbench.ErrNotFound, "a limited registration makes no user")
}
