package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
)

// Sessions signs users in and out of the web pages: with an e-mail
// address and a password, or with a one-time link sent to the address.
//
// Signing up and choosing a new password are one act: the password is
// kept with a link sent to the address, and set only when the link is
// opened, so that no one sets the password of an address they cannot
// read, and the answer is the same whether the address had an account or
// not.
type Sessions struct {
	gate   *gate
	closed bool
	outbox Outbox
}

// Session is a signed-in browser: the secret of its cookie and its user.
type Session struct {
	Secret    string
	User      access.User
	ExpiresAt time.Time
}

// Lifetimes of a session and of a sign-in link.
const (
	SessionTTL = 12 * time.Hour
	LinkTTL    = 24 * time.Hour
)

// Bounds of a password, in characters.
const (
	MinPassword = 12
	maxPassword = 256
)

// ErrSignIn is a sign-in refused: the address or the password is not
// right. It does not say which.
var ErrSignIn = fault.New(fault.Unauthenticated, "sign_in_refused", "app: the e-mail address or the password is not right")

// SignUp is the sign-up form: the account of a new address, or a new
// password for an address that has one.
type SignUp struct {
	Email    string
	Name     string
	Password string
	// Reset asks for a new password only: no name, and no account is
	// made for an address that has none.
	Reset bool
}

// SignUp sends the address a link that sets the password and signs in: to
// a new address, with an account made now (no step done); to one that has
// an account, a link that sets the new password. link makes the link's
// URL of its secret.
func (s Sessions) SignUp(ctx context.Context, f SignUp, link func(secret string) string) error {
	g := s.gate
	switch {
	case s.closed:
		return errRegistrationClosed
	case s.outbox == nil:
		return errNoOutbox
	}
	req, err := g.check(ctx, access.Register, "")
	if err != nil {
		return err
	}
	name := f.Name
	if f.Reset {
		name = "-" // not asked, not used
	}
	reg, err := checkRegistration(workbench.Registration{Email: f.Email, Name: name})
	problems := fault.Fields{Of: workbench.ErrInvalid}
	if ff, ok := errors.AsType[*fault.Fields](err); ok {
		problems = *ff
	} else if err != nil {
		return err
	}
	if msg := checkPassword(f.Password); msg != "" {
		problems.Add("password", "%s", msg)
	}
	if err := problems.Err(); err != nil {
		return err
	}
	hash := hashPassword(f.Password)
	var u access.User
	known := true
	if f.Reset {
		u, err = g.store.UserByEmail(ctx, reg.Email)
		if errors.Is(err, workbench.ErrNotFound) {
			return nil // the same answer as for an address with an account
		}
	} else {
		u, err = g.store.AddUser(ctx, access.User{Email: reg.Email, Name: reg.Name})
		if known = errors.Is(err, workbench.ErrConflict); known {
			u, err = g.store.UserByEmail(ctx, reg.Email)
		}
	}
	if err != nil {
		return err
	}
	secret, err := g.store.CreateSignInLink(ctx, u.ID, hash, LinkTTL, req.Now)
	if err != nil {
		return err
	}
	if req.User == nil {
		req.User = &u
	}
	g.audit(ctx, req, allowed, "", u.ID, 1)
	body := `Welcome.

An account of the research workbench was made for this address. Open this
link, within a day, to confirm the address, set the password you chose and
sign in:

    %s

If you did not sign up, ignore this message: the account stays without a
password, and is never approved without its steps.`
	if known {
		body = `Someone asked to set a new password for this address's account of the
research workbench. If it was you, open this link, within a day, to set
the password you chose and sign in:

    %s

If it was not you, ignore this message: nothing changes.`
	}
	return s.outbox.Send(ctx, Message{To: u.Email, Subject: registrationSubject, Body: fmt.Sprintf(body, link(secret))})
}

// checkPassword is what is wrong with a password, or "".
func checkPassword(p string) string {
	switch n := utf8.RuneCountInString(p); {
	case n < MinPassword:
		return fmt.Sprintf("%d characters: want at least %d", n, MinPassword)
	case n > maxPassword:
		return fmt.Sprintf("%d characters: want at most %d", n, maxPassword)
	case strings.TrimSpace(p) == "":
		return "only spaces"
	}
	return ""
}

// UseLink opens a sign-in link: it sets the password the link carries and
// starts a session.
func (s Sessions) UseLink(ctx context.Context, secret string) (Session, error) {
	now := s.gate.now()
	u, session, err := s.gate.store.UseSignInLink(ctx, secret, SessionTTL, now)
	if err != nil {
		return Session{}, err
	}
	return Session{Secret: session, User: u, ExpiresAt: now.Add(SessionTTL)}, nil
}

// SignIn starts a session of the user of the address and password.
func (s Sessions) SignIn(ctx context.Context, email, password string) (Session, error) {
	u, hash, err := s.gate.store.PasswordHash(ctx, strings.TrimSpace(email))
	if errors.Is(err, workbench.ErrNotFound) || hash == "" {
		// The same work for an unknown address as for a known one, so
		// that the time of the answer does not tell them apart.
		checkPasswordHash(dummyHash, password)
		return Session{}, ErrSignIn
	}
	if err != nil {
		return Session{}, err
	}
	if !checkPasswordHash(hash, password) {
		return Session{}, ErrSignIn
	}
	return s.start(ctx, u)
}

// start starts a session of u, who has just proved who they are: with
// their password, or with an ID token their provider signed (OIDC).
func (s Sessions) start(ctx context.Context, u access.User) (Session, error) {
	now := s.gate.now()
	secret, err := s.gate.store.CreateSession(ctx, u.ID, SessionTTL, now)
	if err != nil {
		return Session{}, err
	}
	return Session{Secret: secret, User: u, ExpiresAt: now.Add(SessionTTL)}, nil
}

// User is the user of the session.
func (s Sessions) User(ctx context.Context, secret string) (access.User, error) {
	return s.gate.store.SessionUser(ctx, secret, s.gate.now())
}

// SignOut ends the session.
func (s Sessions) SignOut(ctx context.Context, secret string) error {
	return s.gate.store.DeleteSession(ctx, secret)
}

// SignInLink makes a link that signs the user of the address in once,
// for an operator at the command line to hand over (the first
// administrator of an install, say).
func (s Sessions) SignInLink(ctx context.Context, email string) (string, error) {
	u, err := s.gate.store.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	return s.gate.store.CreateSignInLink(ctx, u.ID, "", LinkTTL, s.gate.now())
}

// The parameters of argon2id: the second set of RFC 9106's
// recommendations scaled to a server that signs in a few users a second
// (19 MiB, 2 passes, as OWASP advises), 16-byte salt, 32-byte key.
const (
	argonMemory = 19 * 1024
	argonTime   = 2
	argonKey    = 32
)

// hashPassword is the argon2id hash of p in PHC string form.
func hashPassword(p string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(p), salt, argonTime, argonMemory, 1, argonKey)
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=1$%s$%s", argon2.Version, argonMemory, argonTime, b64(salt), b64(key))
}

// dummyHash is checked when there is no hash to check.
var dummyHash = hashPassword("no account has this password")

// checkPasswordHash reports whether p has the hash, of any parameters
// hashPassword wrote.
func checkPasswordHash(hash, p string) bool {
	var version, memory, passes, threads int
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(parts[2]+" "+parts[3], "v=%d m=%d,t=%d,p=%d", &version, &memory, &passes, &threads); err != nil || version != argon2.Version {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || memory <= 0 || passes <= 0 || threads <= 0 || threads > 255 || len(key) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(p), salt, uint32(passes), uint32(memory), uint8(threads), uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}
