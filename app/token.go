package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
)

// Tokens is the signed-in user's own API tokens, for programs and
// notebooks: listed, made and revoked; never another user's.
type Tokens struct {
	gate  *gate
	store *store.Store
}

// MaxTokenTTL bounds the lifetime of a token made by its user.
const MaxTokenTTL = 365 * 24 * time.Hour

// Tokens is the user's tokens, revoked and expired ones included, newest
// first.
func (t Tokens) Tokens(ctx context.Context) ([]workbench.Token, error) {
	req, err := t.gate.check(ctx, access.ManageTokens, "")
	if err != nil {
		return nil, err
	}
	out, err := t.store.ListTokens(ctx, req.User.ID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return nonNil(out), nil
}

// CreateToken makes a token of the user valid for ttl (at most
// MaxTokenTTL) and returns its secret, which is never shown again.
func (t Tokens) CreateToken(ctx context.Context, ttl time.Duration) (string, workbench.Token, error) {
	req, err := t.gate.check(ctx, access.ManageTokens, "")
	if err != nil {
		return "", workbench.Token{}, err
	}
	if ttl <= 0 || ttl > MaxTokenTTL {
		return "", workbench.Token{}, workbench.InvalidAt("ttl", "Choose a lifetime from one day to %d days.", int(MaxTokenTTL/(24*time.Hour)))
	}
	secret, tok, err := t.store.CreateToken(ctx, req.User.ID, ttl, req.Now)
	if err != nil {
		return "", workbench.Token{}, err
	}
	t.gate.audit(ctx, req, allowed, "", tok.ID, 1)
	return secret, tok, nil
}

// RevokeToken revokes the user's token id; another user's token is not
// found.
func (t Tokens) RevokeToken(ctx context.Context, id string) error {
	req, err := t.gate.check(ctx, access.ManageTokens, "")
	if err != nil {
		return err
	}
	mine, err := t.store.ListTokens(ctx, req.User.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(mine, func(tok workbench.Token) bool { return tok.ID == id }) {
		return fmt.Errorf("%w: token %s", workbench.ErrNotFound, id)
	}
	if err := t.store.RevokeToken(ctx, id, req.Now); err != nil {
		return err
	}
	t.gate.audit(ctx, req, allowed, "", id, 1)
	return nil
}
