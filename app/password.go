package app

import (
	"context"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
)

// ChangePassword sets the signed-in user's password to next after
// checking current, reporting the problems at "current" and "password". A
// user without a password (one who signs in through their institution)
// chooses one with the link of SignUp's Reset instead.
func (s Sessions) ChangePassword(ctx context.Context, current, next string) error {
	g := s.gate
	req, err := g.check(ctx, access.ChangePassword, "")
	if err != nil {
		return err
	}
	problems := fault.Fields{Of: workbench.ErrInvalid}
	_, hash, err := g.store.PasswordHash(ctx, req.User.Email)
	if err != nil {
		return err
	}
	switch {
	case hash == "":
		problems.Add("current", "Your account has no password yet: choose one with a link sent to your address.")
	case !checkPasswordHash(hash, current):
		problems.Add("current", "This is not your current password.")
	}
	if msg := checkPassword(next); msg != "" {
		problems.Add("password", "%s", msg)
	}
	if err := problems.Err(); err != nil {
		return err
	}
	if err := g.store.SetPassword(ctx, req.User.ID, hashPassword(next), req.Now); err != nil {
		return err
	}
	g.audit(ctx, req, allowed, "", req.User.ID, 1)
	return nil
}
