package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
)

// CSRF protects forms with a signed double-submit token, which works for
// visitors without a session:
//
//   - A page with a form calls Token: it reuses the visitor's token from
//     the cookie when its signature holds, or makes one (16 random bytes
//     and their HMAC-SHA256 under Key), sets it in an HttpOnly,
//     SameSite=Strict cookie, and the page puts the same token in a hidden
//     field.
//   - A POST calls Check: the field must equal the cookie and the token's
//     signature must hold. Another site can make a browser send the cookie
//     but cannot read it to fill the field; the signature stops a token
//     planted in the cookie by someone who cannot sign (a sibling
//     subdomain, say). A request carrying an Origin header of another host
//     is refused too.
//
// The registered pages bind the token to their session by passing the
// session's id as bind: a token of one session fails in another.
type CSRF struct {
	// Key signs the tokens; at least 32 bytes. A server makes a random key
	// when it starts, so tokens do not outlive it.
	Key []byte
	// Secure sets the cookie's Secure flag (pages served over TLS).
	Secure bool
}

// csrfCookie and csrfField name the cookie and the form field.
const (
	csrfCookie = "workbench_csrf"
	csrfField  = "csrf_token"
)

// ErrCSRF is a POST whose token is missing, wrong or from another origin.
var ErrCSRF = errors.New("web: the form's security token is missing or does not match: reload the page and send it again")

func (c CSRF) sign(nonce, bind string) string {
	m := hmac.New(sha256.New, c.Key)
	m.Write([]byte(nonce))
	m.Write([]byte{0})
	m.Write([]byte(bind))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (c CSRF) valid(tok, bind string) bool {
	nonce, sig, ok := strings.Cut(tok, ".")
	return ok && nonce != "" && hmac.Equal([]byte(sig), []byte(c.sign(nonce, bind)))
}

// Token returns the form token of the visitor of r, setting its cookie on
// w when the visitor had none (or an invalid one).
func (c CSRF) Token(w http.ResponseWriter, r *http.Request, bind string) string {
	if ck, err := r.Cookie(csrfCookie); err == nil && c.valid(ck.Value, bind) {
		return ck.Value
	}
	b := make([]byte, 16)
	rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	tok := nonce + "." + c.sign(nonce, bind)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true, Secure: c.Secure, SameSite: http.SameSiteStrictMode})
	return tok
}

// Check reports ErrCSRF unless the POST r (whose form is parsed) carries
// the token of its cookie in its form field, signed for bind, from this
// origin.
func (c CSRF) Check(r *http.Request, bind string) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" && !sameHost(o, r.Host) {
		return ErrCSRF
	}
	ck, err := r.Cookie(csrfCookie)
	if err != nil {
		return ErrCSRF
	}
	field := r.PostFormValue(csrfField)
	if !hmac.Equal([]byte(field), []byte(ck.Value)) || !c.valid(field, bind) {
		return ErrCSRF
	}
	return nil
}

// sameHost reports whether the origin o (scheme://host[:port]) names host.
func sameHost(o, host string) bool {
	_, h, ok := strings.Cut(o, "://")
	return ok && strings.EqualFold(h, host)
}
