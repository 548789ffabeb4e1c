package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
)

// Status is the access status and steps of the user of ctx.
func (g *gate) Status(ctx context.Context) (access.Status, error) {
	req, err := g.check(ctx, access.ViewStatus, "")
	if err != nil {
		return access.Status{}, err
	}
	return g.policy.Status(req.User, req.Records, req.Now), nil
}

// me is the current user and their access status.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	st, err := s.gate.Status(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.encode(w, r, http.StatusOK, map[string]any{"user": userFrom(r.Context()), "status": st})
}

// registerPath is the route of self-registration, rate limited per
// client like the public tier.
const registerPath = "/v1/register"

// maxNameLen bounds a registered name, in characters.
const maxNameLen = 200

// registration is what a visitor tells about themselves to register.
type registration struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// check reports every problem of r at once, each at its field, and
// returns r cleaned.
func (r registration) check() (registration, error) {
	var problems invalid
	var refused *access.EmailError
	email, err := access.NormalizeEmail(r.Email)
	if err == nil {
		email, err = store.CheckEmail(email)
	}
	switch {
	case errors.As(err, &refused):
		problems = append(problems, fieldError{Path: "email", Message: fmt.Sprintf("%q %s", r.Email, refused.Reason)})
	case err != nil:
		problems = append(problems, fieldError{Path: "email", Message: fmt.Sprintf("%q is not an email address", r.Email)})
	}
	name := strings.TrimSpace(r.Name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		problems = append(problems, fieldError{Path: "name", Message: "empty: give your name"})
	case n > maxNameLen:
		problems = append(problems, fieldError{Path: "name", Message: fmt.Sprintf("%d characters: want at most %d", n, maxNameLen)})
	case strings.ContainsFunc(name, unicode.IsControl):
		problems = append(problems, fieldError{Path: "name", Message: "holds a control character"})
	}
	if problems != nil {
		return r, problems
	}
	return registration{Email: email, Name: name}, nil
}

// accepted is the answer to every registration that passed its checks,
// whether it made an account or found one: the same status and body, so
// that the answer does not tell whether an address has an account. The
// address's owner learns which from the message sent to it.
type accepted struct {
	Status string `json:"status"`
	Detail string `json:"detail"`
}

var registrationAccepted = accepted{
	Status: "accepted",
	Detail: "a message was sent to the address: it holds the first bearer token of a new account, or says that the address already has one",
}

// errRegistrationClosed is the answer of a server whose operator closed
// registration.
var errRegistrationClosed = fmt.Errorf("%w: registration is closed on this server: ask its administrator for an account", access.ErrForbidden)

// errNoOutbox is the answer of a server that has no way to deliver a
// registration's token (Deps.Outbox is nil).
var errNoOutbox = fmt.Errorf("%w: this server cannot deliver the token of a registration: ask its administrator for an account", access.ErrForbidden)

// Register creates the account of reg, with no step done, and sends its
// first token, valid for store.DefaultTokenTTL like one of 'workbench user
// token', to the address through out. When the address (in NFKC form, in
// any case) already has an account, it creates nothing and sends the
// address a notice instead: the caller answers both alike. closed is the
// operator's switch (Config.CloseRegistration).
func (g *gate) Register(ctx context.Context, reg registration, closed bool, out Outbox) error {
	if closed {
		return errRegistrationClosed
	}
	if out == nil {
		return errNoOutbox
	}
	req, err := g.check(ctx, access.Register, "")
	if err != nil {
		return err
	}
	reg, err = reg.check()
	if err != nil {
		return err
	}
	u, token, t, err := g.store.AddUserWithToken(ctx, access.User{Email: reg.Email, Name: reg.Name}, store.DefaultTokenTTL, req.Now)
	if errors.Is(err, store.ErrConflict) {
		return g.registeredAlready(ctx, req, reg, out)
	}
	if err != nil {
		return err
	}
	// An anonymous registration is the new user's own act.
	if req.User == nil {
		req.User = &u
	}
	g.audit(ctx, req, allowed, "", u.ID, 1)
	return out.Send(ctx, Message{To: u.Email, Subject: registrationSubject, Body: fmt.Sprintf(`Welcome.

An account of the research workbench was made for this address. Its first
bearer token, valid until %s, is:

    %s

Send it as "Authorization: Bearer <token>". The account has no access yet:
complete your steps (POST /v1/me/steps/{step}) and wait for an
administrator's approval. If you did not register, ignore this message: an
account is never approved without its steps.`, t.ExpiresAt.UTC().Format(time.RFC3339), token)})
}

// registrationSubject is the subject of every message of registration, so
// that it does not tell either.
const registrationSubject = "Your research workbench account"

// registeredAlready sends the notice that reg's address has an account,
// and audits the attempt as the anonymous visitor's, on that account.
func (g *gate) registeredAlready(ctx context.Context, req access.Request, reg registration, out Outbox) error {
	u, err := g.store.UserByEmail(ctx, reg.Email)
	if err != nil {
		return err
	}
	g.audit(ctx, req, allowed, "", u.ID, 0)
	return out.Send(ctx, Message{To: u.Email, Subject: registrationSubject, Body: `Someone asked to register this address, which already has an account of
the research workbench. Nothing was changed and no token was made. If it
was you, use a token you have, or ask an administrator for a new one. If
it was not you, ignore this message.`})
}

// The messages hold nothing the visitor wrote (not the name), so that
// registration cannot carry someone's text to any address.

// register answers every registration that passed its checks with 202
// and the same body (see accepted).
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var b registration
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	err := s.gate.Register(r.Context(), b, s.cfg.CloseRegistration, s.deps.Outbox)
	s.reply(w, r, http.StatusAccepted, registrationAccepted, err)
}
