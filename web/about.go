package web

import (
	"errors"
	"net/http"

	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/fault"
)

// about is how counts are protected, with the release's own parameters,
// and how to get registered access.
func (s *Site) about(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "about", "About the data", "about", nil)
}

// helpData is the help form, with what was sent and its problems when it
// is shown again.
type helpData struct {
	Token  string
	Topics []string
	Form   app.HelpForm
	Errors *fault.Fields
	Sent   bool
	Off    bool
}

func (s *Site) helpForm(w http.ResponseWriter, r *http.Request) {
	d := helpData{Token: s.csrf.Token(w, r, ""), Topics: app.HelpTopics, Sent: r.URL.Query().Get("sent") == "1", Off: s.deps.Help == nil}
	s.render(w, r, http.StatusOK, "help", "Help", "help", d)
}

// helpSubmit stores a help request: after the CSRF check and the rate
// limit, a form with problems comes back with a message at each field; a
// request stored redirects to the form saying so (so that reloading does
// not send it twice).
func (s *Site) helpSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.limiter.Allow(clientOf(r), s.cfg.Now()) {
		s.fail(w, r, errLimited)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, ErrCSRF)
		return
	}
	if err := s.csrf.Check(r, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.deps.Help == nil {
		s.helpForm(w, r)
		return
	}
	f := app.HelpForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Topic: r.PostFormValue("topic"), Message: r.PostFormValue("message")}
	err := s.deps.Help.Submit(r.Context(), f)
	fe, invalid := errors.AsType[*fault.Fields](err)
	switch {
	case invalid:
		d := helpData{Token: s.csrf.Token(w, r, ""), Topics: app.HelpTopics, Form: f, Errors: fe}
		s.render(w, r, http.StatusUnprocessableEntity, "help", "Help: check the form", "help", d)
	case err != nil:
		s.fail(w, r, err)
	default:
		http.Redirect(w, r, "/help?sent=1", http.StatusSeeOther)
	}
}
