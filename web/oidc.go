package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
)

// Sign-in through an institution (OpenID Connect, authorization code flow
// with PKCE). /signin/oidc keeps the sign-in's state, nonce and PKCE
// verifier in a short-lived cookie signed with the CSRF key and sends the
// browser to the provider; the provider sends it back to
// /signin/oidc/callback with a code and the state, which must be the
// cookie's; app.OIDC exchanges the code, verifies the ID token and its
// nonce, and starts the session.

const oidcCookie = "workbench_oidc"

// oidcFlow is one sign-in through the provider, kept in the browser.
type oidcFlow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"next"`
}

func (s *Site) oidcSign(payload string) string {
	m := hmac.New(sha256.New, s.cfg.CSRFKey)
	m.Write([]byte("oidc\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Site) oidcStart(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.fail(w, r, errNotFound)
		return
	}
	if !s.limiter.Allow(clientOf(r), s.cfg.Now()) {
		s.fail(w, r, errLimited)
		return
	}
	f := oidcFlow{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(), Next: localPath(r.URL.Query().Get("next"), home)}
	to, err := s.oidc.AuthURL(r.Context(), f.State, f.Nonce, f.Verifier)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, _ := json.Marshal(f)
	payload := base64.RawURLEncoding.EncodeToString(b)
	// Lax, not Strict: the provider's redirect back is a navigation from
	// another site, which must carry the cookie.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: payload + "." + s.oidcSign(payload), Path: "/signin/oidc", MaxAge: 600,
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// errOIDCFlow is a callback without the sign-in that sent the browser
// away: no cookie, a forged one, or another state.
var errOIDCFlow = errors.New("web: this answer of your institution belongs to no sign-in started here")

// oidcFlowOf is the sign-in of r's cookie, if its signature holds.
func (s *Site) oidcFlowOf(r *http.Request) (oidcFlow, bool) {
	var f oidcFlow
	ck, err := r.Cookie(oidcCookie)
	if err != nil {
		return f, false
	}
	payload, sig, ok := strings.Cut(ck.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.oidcSign(payload))) {
		return f, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(b, &f) != nil {
		return f, false
	}
	return f, true
}

// oidcDoneData is the page after a sign-in through the provider.
type oidcDoneData struct{ Next string }

func (s *Site) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.fail(w, r, errNotFound)
		return
	}
	f, ok := s.oidcFlowOf(r)
	// The cookie serves one answer, whatever it is.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/signin/oidc", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		s.fail(w, r, errOIDCFlow)
		return
	}
	if e := q.Get("error"); e != "" {
		s.fail(w, r, &oidcRefused{code: e, desc: q.Get("error_description")})
		return
	}
	sess, err := s.oidc.SignIn(r.Context(), q.Get("code"), f.Verifier, f.Nonce)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSession(w, sess)
	// A page rather than a redirect: whether a SameSite=Strict cookie is
	// sent on a redirect in a chain that another site started differs
	// between browsers (Chromium sends it), and a navigation this page
	// starts is same-site in all of them.
	s.render(w, r, http.StatusOK, "signin_done", "Signed in", "signin", oidcDoneData{Next: f.Next})
}

// oidcRefused is the provider's own refusal, sent back in the redirect.
type oidcRefused struct{ code, desc string }

func (e *oidcRefused) Error() string {
	msg := "your institution did not sign you in (" + e.code + ")"
	if e.desc != "" {
		msg += ": " + e.desc
	}
	return msg
}
