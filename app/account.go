package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
)

// Accounts is the signed-in user's own account: registration, access
// status and steps.
type Accounts struct {
	gate *gate
	// closed refuses registration (Config.CloseRegistration).
	closed bool
	// outbox delivers the messages of registration (Config.Outbox).
	outbox Outbox
}

// Me is the user of ctx with their access status and steps.
func (a Accounts) Me(ctx context.Context) (workbench.UserStatus, error) {
	req, err := a.gate.check(ctx, access.ViewStatus, "")
	if err != nil {
		return workbench.UserStatus{}, err
	}
	return workbench.UserStatus{User: *req.User, Status: a.gate.policy.Status(req.User, req.Records, req.Now)}, nil
}

// maxNameLen bounds a registered name, in characters.
const maxNameLen = 200

// errRegistrationClosed is the answer of a server whose operator closed
// registration.
var errRegistrationClosed = fmt.Errorf("%w: registration is closed on this server: ask its administrator for an account", access.ErrForbidden)

// errNoOutbox is the answer of a deployment that has no way to deliver a
// registration's token (Config.Outbox is nil).
var errNoOutbox = fmt.Errorf("%w: this server cannot deliver the token of a registration: ask its administrator for an account", access.ErrForbidden)

// Register creates the account of reg, with no step done, and sends its
// first token, valid for store.DefaultTokenTTL like one of 'workbench user
// token', to the address through the outbox. When the address (in NFKC
// form, in any case) already has an account, it creates nothing and sends
// the address a notice instead: the caller answers both alike, so that
// registration tells no one but the address's owner whether it has an
// account.
func (a Accounts) Register(ctx context.Context, reg workbench.Registration) error {
	g := a.gate
	if a.closed {
		return errRegistrationClosed
	}
	if a.outbox == nil {
		return errNoOutbox
	}
	req, err := g.check(ctx, access.Register, "")
	if err != nil {
		return err
	}
	reg, err = checkRegistration(reg)
	if err != nil {
		return err
	}
	u, token, t, err := g.store.AddUserWithToken(ctx, access.User{Email: reg.Email, Name: reg.Name}, store.DefaultTokenTTL, req.Now)
	if errors.Is(err, workbench.ErrConflict) {
		return a.registeredAlready(ctx, req, reg)
	}
	if err != nil {
		return err
	}
	// An anonymous registration is the new user's own act.
	if req.User == nil {
		req.User = &u
	}
	g.audit(ctx, req, allowed, "", u.ID, 1)
	return a.outbox.Send(ctx, Message{To: u.Email, Subject: registrationSubject, Body: fmt.Sprintf(`Welcome.

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
// and audits the attempt as the anonymous visitor's, on that account. The
// messages hold nothing the visitor wrote (not the name), so that
// registration cannot carry someone's text to any address.
func (a Accounts) registeredAlready(ctx context.Context, req access.Request, reg workbench.Registration) error {
	u, err := a.gate.store.UserByEmail(ctx, reg.Email)
	if err != nil {
		return err
	}
	a.gate.audit(ctx, req, allowed, "", u.ID, 0)
	return a.outbox.Send(ctx, Message{To: u.Email, Subject: registrationSubject, Body: `Someone asked to register this address, which already has an account of
the research workbench. Nothing was changed and no token was made. If it
was you, use a token you have, or ask an administrator for a new one. If
it was not you, ignore this message.`})
}

// checkRegistration reports every problem of r at once, each at its field, and
// returns r cleaned.
func checkRegistration(r workbench.Registration) (workbench.Registration, error) {
	problems := fault.Fields{Of: workbench.ErrInvalid}
	var refused *access.EmailError
	email, err := access.NormalizeEmail(r.Email)
	if err == nil {
		email, err = store.CheckEmail(email)
	}
	switch {
	case errors.As(err, &refused):
		problems.Add("email", "%q %s", r.Email, refused.Reason)
	case err != nil:
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
	return workbench.Registration{Email: email, Name: name}, nil
}

// Auth authenticates bearer tokens against the store.
type Auth struct {
	store *store.Store
	now   func() time.Time
}

// Authenticate is the user of token.
func (a Auth) Authenticate(ctx context.Context, token string) (access.User, error) {
	return a.store.Authenticate(ctx, token, a.now())
}
