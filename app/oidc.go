package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/internal/store"
)

// OIDCConfig is an OpenID provider that signs users in: an institution's
// single sign-on. The zero value (no Issuer) is none.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL, where its discovery document
	// is (Issuer + "/.well-known/openid-configuration").
	Issuer string
	// ClientID and ClientSecret are the workbench's registration at the
	// provider; ID tokens must be issued to ClientID.
	ClientID     string
	ClientSecret string
	// RedirectURL is the workbench's callback, registered at the
	// provider: BaseURL + "/signin/oidc/callback".
	RedirectURL string
	// HTTPClient reaches the provider; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// Enabled reports whether c names a provider.
func (c OIDCConfig) Enabled() bool { return c.Issuer != "" }

// Validate reports a configuration that names a provider incompletely.
func (c OIDCConfig) Validate() error {
	if !c.Enabled() {
		return nil
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"client id", c.ClientID}, {"client secret", c.ClientSecret}, {"redirect URL", c.RedirectURL}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("app: OpenID Connect issuer %s without a %s", c.Issuer, strings.Join(missing, ", "))
	}
	return nil
}

// ErrOIDC is a sign-in through the provider refused: the ID token did not
// verify, was not for this workbench or this sign-in, or its e-mail
// address is not confirmed. The wrapped message says which.
var ErrOIDC = fault.New(fault.Unauthenticated, "oidc_refused", "app: the sign-in through your institution was refused")

// OIDC signs users in with the authorization code flow of an OpenID
// provider, with PKCE, state and nonce; the web pages keep the state,
// nonce and verifier of each sign-in in the browser and pass them here.
//
// The ID token is verified with go-oidc: the provider's keys from its
// JWKS (refreshed when an unknown key id appears), RS256 (or the
// algorithms the discovery document lists), the issuer, the audience
// (ClientID) and the expiry; the nonce is compared here.
type OIDC struct {
	cfg      OIDCConfig
	sessions Sessions

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	oauth    *oauth2.Config
}

// OIDC is the sign-in through the provider of cfg, or nil when cfg names
// none.
func (s Sessions) OIDC(cfg OIDCConfig) (*OIDC, error) {
	if !cfg.Enabled() {
		return nil, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &OIDC{cfg: cfg, sessions: s}, nil
}

// client is ctx with the configured HTTP client, for go-oidc and oauth2.
func (o *OIDC) client(ctx context.Context) context.Context {
	if o.cfg.HTTPClient != nil {
		return oidc.ClientContext(ctx, o.cfg.HTTPClient)
	}
	return ctx
}

// discover reads the provider's discovery document, once it answers: a
// provider down when the server starts does not keep it from starting.
func (o *OIDC) discover(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.oauth != nil {
		return o.oauth, o.verifier, nil
	}
	p, err := oidc.NewProvider(o.client(context.WithoutCancel(ctx)), o.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("app: OpenID provider %s: %w", o.cfg.Issuer, err)
	}
	o.verifier = p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID})
	o.oauth = &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	return o.oauth, o.verifier, nil
}

// AuthURL is the provider's page that signs the user in and sends them
// back to RedirectURL with a code and the state; the nonce goes into the
// ID token, and the verifier's S256 challenge binds the code to this
// browser (PKCE).
func (o *OIDC) AuthURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	oc, _, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	return oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// claims are the ID token's claims the workbench reads.
type claims struct {
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
}

// SignIn exchanges the code of the provider's answer for an ID token,
// verifies it, and starts a session of its user: the user bound to the
// token's subject at this provider; at the first sign-in, the user of its
// e-mail address, made now (no step done) when the address has no
// account, and bound to the subject from then on. The address must be
// confirmed by the provider (email_verified true).
func (o *OIDC) SignIn(ctx context.Context, code, verifier, nonce string) (Session, error) {
	oc, v, err := o.discover(ctx)
	if err != nil {
		return Session{}, err
	}
	tok, err := oc.Exchange(o.client(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Session{}, fmt.Errorf("%w: the code was not exchanged: %v", ErrOIDC, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Session{}, fmt.Errorf("%w: the provider sent no ID token", ErrOIDC)
	}
	idt, err := v.Verify(o.client(ctx), raw)
	if err != nil {
		return Session{}, fmt.Errorf("%w: %v", ErrOIDC, err)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return Session{}, fmt.Errorf("%w: the ID token is of another sign-in (nonce)", ErrOIDC)
	}
	var c claims
	if err := idt.Claims(&c); err != nil {
		return Session{}, fmt.Errorf("%w: claims: %v", ErrOIDC, err)
	}
	if !c.EmailVerified {
		return Session{}, fmt.Errorf("%w: your institution has not confirmed your e-mail address", ErrOIDC)
	}
	u, err := o.user(ctx, idt.Issuer, idt.Subject, c)
	if err != nil {
		return Session{}, err
	}
	return o.sessions.start(ctx, u)
}

// user is the user bound to the subject at the issuer. A subject signing
// in for the first time is bound to the user of the verified claims'
// address, made when none has it, unless that user is bound to another
// subject of the provider: an address that the institution gave to
// someone else never opens the account of its former holder.
func (o *OIDC) user(ctx context.Context, issuer, subject string, c claims) (access.User, error) {
	g := o.sessions.gate
	if subject == "" {
		return access.User{}, fmt.Errorf("%w: the ID token has no subject", ErrOIDC)
	}
	email, err := access.NormalizeEmail(c.Email)
	if err == nil {
		email, err = store.CheckEmail(email)
	}
	if err != nil {
		return access.User{}, fmt.Errorf("%w: the e-mail address %q: %v", ErrOIDC, c.Email, err)
	}
	u, err := g.store.IdentityUser(ctx, issuer, subject)
	if !errors.Is(err, workbench.ErrNotFound) {
		return u, err
	}
	u, err = o.userOf(ctx, email, c.Name)
	if err != nil {
		return access.User{}, err
	}
	if err := g.store.BindIdentity(ctx, issuer, subject, u.ID); errors.Is(err, workbench.ErrConflict) {
		return access.User{}, fmt.Errorf("%w: the account of %s belongs to another person of your institution", ErrOIDC, u.Email)
	} else if err != nil {
		return access.User{}, err
	}
	return u, nil
}

// userOf is the user of the verified address email, made with the name
// when none has it.
func (o *OIDC) userOf(ctx context.Context, email, name string) (access.User, error) {
	g := o.sessions.gate
	u, err := g.store.UserByEmail(ctx, email)
	if !errors.Is(err, workbench.ErrNotFound) {
		return u, err
	}
	if o.sessions.closed {
		return access.User{}, errRegistrationClosed
	}
	req, err := g.check(ctx, access.Register, "")
	if err != nil {
		return access.User{}, err
	}
	name = strings.TrimSpace(name)
	if _, err := checkRegistration(workbench.Registration{Email: email, Name: name}); err != nil {
		name = "" // the profile asks for it
	}
	u, err = g.store.AddUser(ctx, access.User{Email: email, Name: name})
	if err != nil {
		return access.User{}, err
	}
	req.User = &u
	g.audit(ctx, req, allowed, "", u.ID, 1)
	return u, nil
}
