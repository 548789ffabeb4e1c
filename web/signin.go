package web

import (
	"errors"
	"net/http"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/fault"
)

// home is where a sign-in lands unless it was sent from another page.
const home = "/workspaces"

// signInData is the sign-in form, again with its problem when it failed.
type signInData struct {
	Token, Email, Next string
	Failed             bool
	// Sent says that a sign-up or new-password link was sent.
	Sent bool
	// OIDC offers the sign-in through the institution.
	OIDC bool
}

func (s *Site) signInForm(w http.ResponseWriter, r *http.Request) {
	if s.deps.App == nil {
		s.fail(w, r, errNotFound)
		return
	}
	q := r.URL.Query()
	d := signInData{Token: s.csrf.Token(w, r, ""), Next: localPath(q.Get("next"), home), Sent: q.Get("sent") == "1", OIDC: s.oidc != nil}
	s.render(w, r, http.StatusOK, "signin", "Sign in", "signin", d)
}

// anonymousForm checks what every form of a visitor without a session
// passes first: the service exists, the rate limit, the body's size and
// the CSRF token of the visitor's cookie.
func (s *Site) anonymousForm(w http.ResponseWriter, r *http.Request) bool {
	var err error
	switch {
	case s.deps.App == nil:
		err = errNotFound
	case !s.limiter.Allow(clientOf(r), s.cfg.Now()):
		err = errLimited
	default:
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if r.ParseForm() != nil {
			err = ErrCSRF
		} else {
			err = s.csrf.Check(r, "")
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

func (s *Site) signIn(w http.ResponseWriter, r *http.Request) {
	if !s.anonymousForm(w, r) {
		return
	}
	email, next := r.PostFormValue("email"), localPath(r.PostFormValue("next"), home)
	sess, err := s.deps.App.Sessions.SignIn(r.Context(), email, r.PostFormValue("password"))
	switch {
	case errors.Is(err, app.ErrSignIn):
		d := signInData{Token: s.csrf.Token(w, r, ""), Email: email, Next: next, Failed: true, OIDC: s.oidc != nil}
		s.render(w, r, http.StatusUnauthorized, "signin", "Sign in: try again", "signin", d)
	case err != nil:
		s.fail(w, r, err)
	default:
		s.setSession(w, sess)
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// signUpData is the sign-up (or new password) form.
type signUpData struct {
	Token  string
	Reset  bool
	Form   app.SignUp
	Errors *fault.Fields
}

func (s *Site) signUpForm(w http.ResponseWriter, r *http.Request) {
	if s.deps.App == nil {
		s.fail(w, r, errNotFound)
		return
	}
	d := signUpData{Token: s.csrf.Token(w, r, ""), Reset: r.URL.Query().Get("reset") == "1"}
	s.render(w, r, http.StatusOK, "signup", signUpTitle(d.Reset), "signup", d)
}

func signUpTitle(reset bool) string {
	if reset {
		return "Choose a new password"
	}
	return "Create an account"
}

// signUp sends the link of a sign-up or a new password; both answer the
// same, whether the address has an account or not.
func (s *Site) signUp(w http.ResponseWriter, r *http.Request) {
	if !s.anonymousForm(w, r) {
		return
	}
	f := app.SignUp{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Password: r.PostFormValue("password"), Reset: r.PostFormValue("reset") == "1"}
	err := s.deps.App.Sessions.SignUp(r.Context(), f, func(secret string) string { return s.origin(r) + "/signin/link/" + secret })
	if fe, ok := errors.AsType[*fault.Fields](err); ok {
		f.Password = ""
		d := signUpData{Token: s.csrf.Token(w, r, ""), Reset: f.Reset, Form: f, Errors: fe}
		s.render(w, r, http.StatusUnprocessableEntity, "signup", signUpTitle(f.Reset)+": check the form", "signup", d)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/signin?sent=1", http.StatusSeeOther)
}

// origin is the scheme and host the visitor reached the site at, for the
// links sent by e-mail.
func (s *Site) origin(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// linkData is the page of a sign-in link: opening it is a GET, which mail
// scanners and previews also do, so the link is used only by the POST of
// its button.
type linkData struct{ Token, Secret string }

func (s *Site) linkPage(w http.ResponseWriter, r *http.Request) {
	if s.deps.App == nil {
		s.fail(w, r, errNotFound)
		return
	}
	d := linkData{Token: s.csrf.Token(w, r, ""), Secret: r.PathValue("secret")}
	s.render(w, r, http.StatusOK, "link", "Confirm and sign in", "signin", d)
}

func (s *Site) useLink(w http.ResponseWriter, r *http.Request) {
	if !s.anonymousForm(w, r) {
		return
	}
	sess, err := s.deps.App.Sessions.UseLink(r.Context(), r.PostFormValue("secret"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSession(w, sess)
	// A link is how an account starts: its steps come first.
	http.Redirect(w, r, "/access", http.StatusSeeOther)
}

func (s *Site) signOut(w http.ResponseWriter, r *http.Request, v *visit) {
	if err := s.deps.App.Sessions.SignOut(r.Context(), v.session); err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearSession(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
