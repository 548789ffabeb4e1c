package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
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
	problems := fault.Fields{Of: workbench.ErrInvalid}
	email, err := store.CheckEmail(r.Email)
	if err != nil {
		problems.Add("email", "%q is not an email address", r.Email)
	}
	name := strings.TrimSpace(r.Name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		problems.Add("name", "empty: give your name")
	case n > maxNameLen:
		problems.Add("name", "%d characters: want at most %d", n, maxNameLen)
	case strings.ContainsFunc(name, unicode.IsControl):
		problems.Add("name", "holds a control character")
	}
	if err := problems.Err(); err != nil {
		return r, err
	}
	return registration{Email: email, Name: name}, nil
}

// registered is the answer to a registration: the new user and their
// first bearer token, which is shown this once (the store keeps its hash).
type registered struct {
	User      access.User `json:"user"`
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expires_at"`
}

// errRegistrationClosed is the answer of a server whose operator closed
// registration.
var errRegistrationClosed = fmt.Errorf("%w: registration is closed on this server: ask its administrator for an account", access.ErrForbidden)

// Register creates the account of reg, with no step done, and its first
// token, valid for store.DefaultTokenTTL like one of 'workbench user
// token'. closed is the operator's switch (Config.CloseRegistration). An
// email already registered, in any case, is store.ErrConflict.
func (g *gate) Register(ctx context.Context, reg registration, closed bool) (registered, error) {
	if closed {
		return registered{}, errRegistrationClosed
	}
	req, err := g.check(ctx, access.Register, "")
	if err != nil {
		return registered{}, err
	}
	reg, err = reg.check()
	if err != nil {
		return registered{}, err
	}
	u, token, t, err := g.store.AddUserWithToken(ctx, access.User{Email: reg.Email, Name: reg.Name}, store.DefaultTokenTTL, req.Now)
	if err != nil {
		return registered{}, err
	}
	// An anonymous registration is the new user's own act.
	if req.User == nil {
		req.User = &u
	}
	g.audit(ctx, req, allowed, "", u.ID, 1)
	return registered{User: u, Token: token, ExpiresAt: t.ExpiresAt}, nil
}

// register creates an account and answers it with its token.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var b registration
	if err := s.decode(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.gate.Register(r.Context(), b, s.cfg.CloseRegistration)
	s.reply(w, r, http.StatusCreated, out, err)
}
