package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/fault"
)

// accountData is the account page: name, address, API tokens and the
// password form.
type accountData struct {
	Token  string
	Tokens []workbench.Token
	// Secret is a token just made, shown this once.
	Secret string
	// TTLDays is the lifetime chosen in the token form.
	TTLDays     string
	Now         time.Time
	Notice      string
	TokenErrors *fault.Fields
	PassErrors  *fault.Fields
}

// tokenLifetimes are the lifetimes the token form offers, in days.
var tokenLifetimes = []int{7, 30, 90, 365}

func (d accountData) Lifetimes() []int { return tokenLifetimes }

var accountNotices = map[string]string{
	"revoked":  "The token was revoked: programs using it are refused from now on.",
	"password": "Your password was changed.",
}

func (s *Site) accountPage(w http.ResponseWriter, r *http.Request, v *visit, status int, d accountData) {
	toks, err := s.deps.App.Tokens.Tokens(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Token, d.Tokens, d.Now = v.Token, toks, time.Now()
	if d.TTLDays == "" {
		d.TTLDays = "30"
	}
	s.show(w, r, v, status, "account", "Your account", "account", d)
}

func (s *Site) account(w http.ResponseWriter, r *http.Request, v *visit) {
	s.accountPage(w, r, v, http.StatusOK, accountData{Notice: accountNotices[r.URL.Query().Get("done")]})
}

func (s *Site) createToken(w http.ResponseWriter, r *http.Request, v *visit) {
	days := r.PostFormValue("ttl")
	n, err := strconv.Atoi(days)
	if err != nil {
		n = 0 // refused by the service, at its field
	}
	secret, _, err := s.deps.App.Tokens.CreateToken(r.Context(), time.Duration(n)*24*time.Hour)
	if fe, ok := errors.AsType[*fault.Fields](err); ok {
		s.accountPage(w, r, v, http.StatusUnprocessableEntity, accountData{TTLDays: days, TokenErrors: fe})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The secret is shown in the answer to the POST itself, never in a
	// URL, and this page is not kept by caches.
	w.Header().Set("Cache-Control", "no-store")
	s.accountPage(w, r, v, http.StatusOK, accountData{Secret: secret, TTLDays: days})
}

func (s *Site) revokeToken(w http.ResponseWriter, r *http.Request, v *visit) {
	if err := s.deps.App.Tokens.RevokeToken(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=revoked", http.StatusSeeOther)
}

func (s *Site) changePassword(w http.ResponseWriter, r *http.Request, v *visit) {
	err := s.deps.App.Sessions.ChangePassword(r.Context(), r.PostFormValue("current"), r.PostFormValue("password"))
	if fe, ok := errors.AsType[*fault.Fields](err); ok {
		s.accountPage(w, r, v, http.StatusUnprocessableEntity, accountData{PassErrors: fe})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
}
