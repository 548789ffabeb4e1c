package app

import (
	"context"
	"fmt"
	"strings"
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

// Register creates the account of reg, with no step done, and its first
// token, valid for store.DefaultTokenTTL like one of 'workbench user
// token'. An email already registered, in any case, is
// workbench.ErrConflict.
func (a Accounts) Register(ctx context.Context, reg workbench.Registration) (workbench.Registered, error) {
	g := a.gate
	if a.closed {
		return workbench.Registered{}, errRegistrationClosed
	}
	req, err := g.check(ctx, access.Register, "")
	if err != nil {
		return workbench.Registered{}, err
	}
	reg, err = checkRegistration(reg)
	if err != nil {
		return workbench.Registered{}, err
	}
	u, token, t, err := g.store.AddUserWithToken(ctx, access.User{Email: reg.Email, Name: reg.Name}, store.DefaultTokenTTL, req.Now)
	if err != nil {
		return workbench.Registered{}, err
	}
	// An anonymous registration is the new user's own act.
	if req.User == nil {
		req.User = &u
	}
	g.audit(ctx, req, allowed, "", u.ID, 1)
	return workbench.Registered{User: u, Token: token, ExpiresAt: t.ExpiresAt}, nil
}

// checkRegistration reports every problem of r at once, each at its field, and
// returns r cleaned.
func checkRegistration(r workbench.Registration) (workbench.Registration, error) {
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
	return workbench.Registration{Email: email, Name: name}, nil
}
