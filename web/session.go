package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/fault"
)

// The registered pages run in a browser session: its secret in an
// HttpOnly, SameSite=Strict cookie (Secure over TLS), kept by the store
// as a hash only; every POST carries a CSRF token bound to the session.

const sessionCookie = "workbench_session"

// maxForm bounds the body of a form of the registered pages, and
// maxUpload that of a form with a file.
const (
	maxForm   = 256 << 10
	maxUpload = 4 << 20
)

// errForm is a form body that cannot be read: too large, or malformed.
var errForm = fault.New(fault.TooLarge, "form_unreadable", "the form could not be read: it is larger than the pages take (a file at most 2 MiB), or malformed")

// visit is a request of a signed-in user.
type visit struct {
	User access.User
	// Token is the CSRF token of the session's forms.
	Token   string
	session string
}

// bindOf is what a session's CSRF tokens are bound to: a hash of its
// secret, so that the token never carries the secret itself.
func bindOf(session string) string {
	h := sha256.Sum256([]byte("csrf\x00" + session))
	return hex.EncodeToString(h[:])
}

// signedIn serves h to signed-in users: a visitor without a session is
// sent to the sign-in page (and back after); a POST must carry the
// session's CSRF token. The user travels in the context, so the services
// decide and audit as for the API.
func (s *Site) signedIn(h func(http.ResponseWriter, *http.Request, *visit)) http.HandlerFunc {
	return s.session(h, true)
}

// session serves h to signed-in users as signedIn says; with forms false
// it leaves the body of a POST unread and unchecked, for the lab, whose
// proxy refuses requests from other origins itself (see package jupyter)
// and whose scripts cannot send the pages' CSRF token.
func (s *Site) session(h func(http.ResponseWriter, *http.Request, *visit), forms bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.deps.App == nil {
			s.fail(w, r, errNotFound)
			return
		}
		var u access.User
		ck, err := r.Cookie(sessionCookie)
		if err == nil {
			u, err = s.deps.App.Sessions.User(r.Context(), ck.Value)
		}
		if err != nil {
			if !errors.Is(err, http.ErrNoCookie) && !errors.Is(err, access.ErrUnauthenticated) {
				s.fail(w, r, err)
				return
			}
			s.clearSession(w)
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				s.fail(w, r, errSignedOut)
				return
			}
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		bind := bindOf(ck.Value)
		if forms && r.Method == http.MethodPost {
			var err error
			if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
				// A form with a file (an imported definition).
				r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
				err = r.ParseMultipartForm(maxUpload)
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, maxForm)
				err = r.ParseForm()
			}
			if err != nil {
				s.fail(w, r, errForm)
				return
			}
			if err := s.csrf.Check(r, bind); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		v := &visit{User: u, Token: s.csrf.Token(w, r, bind), session: ck.Value}
		ctx := context.WithValue(workbench.NewContext(r.Context(), &u), visitKey{}, v)
		h(w, r.WithContext(ctx), v)
	}
}

type visitKey struct{}

// visitOf is the signed-in visit of r, nil on a public page: the error
// page keeps the registered pages' navigation.
func visitOf(r *http.Request) *visit {
	v, _ := r.Context().Value(visitKey{}).(*visit)
	return v
}

// errSignedOut is a form sent after its session ended.
var errSignedOut = errors.New("your session ended: sign in again, then send the form again")

func (s *Site) setSession(w http.ResponseWriter, sess app.Session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Secret, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode})
}

func (s *Site) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode})
}

// localPath is next when it is a path of this site, else home: a sign-in
// never sends its user to another site.
func localPath(next, home string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return home
	}
	return next
}
