package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/web"
)

// provider is a minimal OpenID provider: discovery, JWKS, an authorize
// endpoint that signs in at once and sends the browser back with a code,
// and a token endpoint that checks the client and the PKCE verifier and
// issues an RS256 ID token of the claims of the test's choosing.
type provider struct {
	t   *testing.T
	srv *httptest.Server
	// url is the provider's address: localhost, another site than the
	// workbench's 127.0.0.1 for a browser.
	url    string
	key    *rsa.PrivateKey
	client string
	secret string

	mu    sync.Mutex
	codes map[string]grant
	// claims changes the ID token's claims before it is signed.
	claims func(map[string]any)
}

// grant is what a code was issued for.
type grant struct {
	nonce, challenge, redirect string
}

func newProvider(t *testing.T) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	p := &provider{t: t, key: key, client: "workbench", secret: "s3cret", codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                p.url,
			"authorization_endpoint":                p.url + "/authorize",
			"token_endpoint":                        p.url + "/token",
			"jwks_uri":                              p.url + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"code_challenge_methods_supported":      []string{"S256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != p.client || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		code := randomID()
		p.mu.Lock()
		p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		p.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		bq := back.Query()
		bq.Set("code", code)
		bq.Set("state", q.Get("state"))
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		}
		p.mu.Lock()
		g, known := p.codes[r.PostFormValue("code")]
		delete(p.codes, r.PostFormValue("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		switch {
		case id != p.client || secret != p.secret:
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		case !known || r.PostFormValue("redirect_uri") != g.redirect || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		now := time.Now()
		claims := map[string]any{"iss": p.url, "sub": "248289761001", "aud": p.client, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
			"nonce": g.nonce, "email": "jane@uni.example.org", "email_verified": true, "name": "Jane Doe"}
		if p.claims != nil {
			p.claims(claims)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": p.sign(claims)})
	})
	p.srv = httptest.NewServer(mux)
	p.url = strings.Replace(p.srv.URL, "127.0.0.1", "localhost", 1)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) sign(claims map[string]any) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	require.NoError(p.t, err)
	b, err := json.Marshal(claims)
	require.NoError(p.t, err)
	jws, err := s.Sign(b)
	require.NoError(p.t, err)
	out, err := jws.CompactSerialize()
	require.NoError(p.t, err)
	return out
}

// config is the pages' configuration that signs in with p, for the
// server at base.
func (p *provider) config(base string) web.Config {
	cfg := web.Config{OIDC: app.OIDCConfig{Issuer: p.url, ClientID: p.client, ClientSecret: p.secret, RedirectURL: base + "/signin/oidc/callback"}}
	// Every sign-in of the tests comes from one address.
	cfg.RateLimit.Rate, cfg.RateLimit.Burst = 100, 100
	return cfg
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// oidcSignIn runs the flow in b: the workbench sends the browser to the
// provider, which sends it back; it returns the callback's answer.
func oidcSignIn(t *testing.T, b *browser, next string) (*http.Response, string) {
	t.Helper()
	resp, _, _ := b.get("/signin/oidc?next=" + url.QueryEscape(next))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	// The provider's answer, as the browser would follow it.
	pr, err := b.c.Get(resp.Header.Get("Location"))
	require.NoError(t, err)
	pr.Body.Close()
	require.Equal(t, http.StatusFound, pr.StatusCode)
	back, err := url.Parse(pr.Header.Get("Location"))
	require.NoError(t, err)
	resp, body, _ := b.get(back.RequestURI())
	return resp, body
}

func TestOIDCSignIn(t *testing.T) {
	f := newFixture(t)
	p := newProvider(t)
	base := f.serveConfig(t, p.config)
	newOIDCBrowser := func() *browser { return newBrowser(t, base) }

	t.Run("the sign-in page offers it", func(t *testing.T) {
		_, page, _ := newOIDCBrowser().get("/signin")
		assert.Contains(t, page, `href="/signin/oidc?next=%2fworkspaces"`)
	})
	t.Run("a verified address signs in, its account made on first use", func(t *testing.T) {
		b := newOIDCBrowser()
		resp, body := oidcSignIn(t, b, "/access")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Contains(t, body, `<meta http-equiv="refresh" content="0; url=/access">`)
		cookie := resp.Header.Values("Set-Cookie")
		assert.Contains(t, strings.Join(cookie, "\n"), "workbench_session=")
		resp, page, _ := b.get("/access")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, page, "jane@uni.example.org")
		u, err := f.store.UserByEmail(t.Context(), "jane@uni.example.org")
		require.NoError(t, err)
		assert.Equal(t, "Jane Doe", u.Name)

		again := newOIDCBrowser()
		resp, _ = oidcSignIn(t, again, "/access")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		users, err := f.store.ListUsers(t.Context())
		require.NoError(t, err)
		n := 0
		for _, x := range users {
			if x.Email == "jane@uni.example.org" {
				n++
			}
		}
		assert.Equal(t, 1, n, "the same account the second time")
	})
	t.Run("an existing account is found by its address", func(t *testing.T) {
		signUp(t, f, base, "Known@uni.example.org", "Kim", "a long enough password")
		p.claims = func(c map[string]any) { c["sub"], c["email"] = "kim-1", "known@UNI.example.org" }
		defer func() { p.claims = nil }()
		b := newOIDCBrowser()
		resp, _ := oidcSignIn(t, b, "/account")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		_, page, _ := b.get("/account")
		assert.Contains(t, page, "Known@uni.example.org")
	})
	t.Run("the subject keeps its account when its address changes", func(t *testing.T) {
		p.claims = func(c map[string]any) { c["email"] = "jane.doe@uni.example.org" }
		defer func() { p.claims = nil }()
		b := newOIDCBrowser()
		resp, _ := oidcSignIn(t, b, "/account")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		_, page, _ := b.get("/account")
		assert.Contains(t, page, "jane@uni.example.org")
		_, err := f.store.UserByEmail(t.Context(), "jane.doe@uni.example.org")
		assert.ErrorIs(t, err, workbench.ErrNotFound, "no second account")
	})
	t.Run("refused: an address given to another person of the institution", func(t *testing.T) {
		p.claims = func(c map[string]any) { c["sub"] = "someone-else" }
		defer func() { p.claims = nil }()
		b := newOIDCBrowser()
		resp, body := oidcSignIn(t, b, "/access")
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Contains(t, body, "belongs to another person of your institution")
		resp, _, _ = b.get("/access")
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "not signed in")
	})

	refused := []struct {
		name   string
		claims func(map[string]any)
		want   string
	}{
		{"a wrong nonce", func(c map[string]any) { c["nonce"] = "another sign-in" }, "nonce"},
		{"a wrong audience", func(c map[string]any) { c["aud"] = "another-client" }, "audience"},
		{"an unverified address", func(c map[string]any) { c["email_verified"] = false }, "not confirmed"},
		{"an expired token", func(c map[string]any) {
			c["iat"] = time.Now().Add(-2 * time.Hour).Unix()
			c["exp"] = time.Now().Add(-time.Hour).Unix()
		}, "expired"},
		{"another issuer", func(c map[string]any) { c["iss"] = "https://evil.example" }, "different provider"},
		{"no address", func(c map[string]any) { delete(c, "email") }, "e-mail address"},
	}
	for _, tc := range refused {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			p.claims = tc.claims
			defer func() { p.claims = nil }()
			b := newOIDCBrowser()
			resp, body := oidcSignIn(t, b, "/access")
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Contains(t, body, "Signing in through your institution failed")
			assert.Contains(t, body, tc.want)
			assert.NotContains(t, strings.Join(resp.Header.Values("Set-Cookie"), "\n"), "workbench_session=")
			resp, _, _ = b.get("/access")
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "not signed in")
		})
	}
	t.Run("refused: a token signed by another key", func(t *testing.T) {
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		key := p.key
		p.key = other
		defer func() { p.key = key }()
		resp, body := oidcSignIn(t, newOIDCBrowser(), "/access")
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Contains(t, body, "signature")
	})
	t.Run("refused: a callback of another sign-in (state)", func(t *testing.T) {
		b := newOIDCBrowser()
		resp, _, _ := b.get("/signin/oidc")
		pr, err := b.c.Get(resp.Header.Get("Location"))
		require.NoError(t, err)
		pr.Body.Close()
		back, err := url.Parse(pr.Header.Get("Location"))
		require.NoError(t, err)
		q := back.Query()
		q.Set("state", "forged")
		resp, body, _ := b.get("/signin/oidc/callback?" + q.Encode())
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, "belongs to no sign-in started here")
		// Nor in a browser that started none: the code is bound to the
		// cookie of the browser that started it.
		resp, _, _ = newOIDCBrowser().get(back.RequestURI())
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("refused: the provider's own refusal", func(t *testing.T) {
		b := newOIDCBrowser()
		resp, _, _ := b.get("/signin/oidc")
		loc, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		state := loc.Query().Get("state")
		resp, body, _ := b.get("/signin/oidc/callback?error=access_denied&error_description=user+cancelled&state=" + url.QueryEscape(state))
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Contains(t, body, "access_denied")
	})
	t.Run("without a provider configured, there is no such page", func(t *testing.T) {
		plain := f.serve(t)
		resp := get(t, plain+"/signin/oidc")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}
