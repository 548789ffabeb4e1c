package app

import (
	"context"
	"sync"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/jupyter"
	"github.com/openworkbench/workbench/notebook"
)

// LabTokenTTL is the lifetime of the token a workspace's JupyterLab gives
// its kernels; a lab opened when its token has less than labTokenRenew
// left gets a new one.
const (
	LabTokenTTL   = 24 * time.Hour
	labTokenRenew = 12 * time.Hour
)

// Labs decides who opens a workspace's JupyterLab (access.OpenLab, asked
// at every request the pages proxy to it) and makes the token its kernels
// call the API with: a bearer token of the user, stored hashed as every
// token, reused while it has more than labTokenRenew to live and is not
// revoked, so that the requests of one lab do not each make one. The
// running lab keeps the token it started with (see package jupyter): a
// lab kept open longer than labTokenRenew past its start needs a restart
// for a fresh one.
//
// A user who loses the lab loses it at once, open kernels included: the
// services that take a role away (Workspaces.Share, to READER or none),
// delete a workspace or disable a user tell Labs, which stops the
// servers concerned (LabServers), and with them their kernels'
// WebSockets.
type Labs struct {
	gate    *gate
	store   *store.Store
	files   notebook.Files
	servers LabServers

	mu     sync.Mutex
	tokens map[labKey]labToken
}

// LabServers are the running JupyterLab servers, one per user and
// workspace: *jupyter.Manager.
type LabServers interface {
	// Stop stops the server of a user and a workspace.
	Stop(jupyter.Key) error
	// StopWorkspace stops the servers of every user of a workspace.
	StopWorkspace(workspaceID string) error
	// StopUser stops the servers of a user in every workspace.
	StopUser(userID string) error
}

type labKey struct{ user, workspace string }

type labToken struct {
	id      string
	secret  string
	expires time.Time
}

// Lab is what the JupyterLab of a user and a workspace starts with.
type Lab struct {
	UserID      string
	WorkspaceID string
	// Dir is the workspace's notebook folder.
	Dir string
	// Token is the user's bearer token for the lab's kernels
	// (WORKBENCH_TOKEN).
	Token string
}

// OpenLab decides whether the user of ctx may open the workspace's lab,
// and answers what it starts with. Only the issue of a token is audited:
// a lab makes hundreds of requests, the refusals are audited by the gate.
func (l *Labs) OpenLab(ctx context.Context, ws string) (Lab, error) {
	req, err := l.gate.check(ctx, access.OpenLab, ws)
	if err != nil {
		return Lab{}, err
	}
	if l.files.Root == "" {
		return Lab{}, errNotebooksOff
	}
	dir, err := l.files.Dir(ws)
	if err != nil {
		return Lab{}, err
	}
	key := labKey{req.User.ID, ws}
	l.mu.Lock()
	defer l.mu.Unlock()
	tok, ok := l.tokens[key]
	if ok && tok.expires.Sub(req.Now) >= labTokenRenew && l.valid(ctx, tok, req.User.ID, req.Now) {
		return Lab{UserID: req.User.ID, WorkspaceID: ws, Dir: dir, Token: tok.secret}, nil
	}
	secret, t, err := l.store.CreateToken(ctx, req.User.ID, LabTokenTTL, req.Now)
	if err != nil {
		return Lab{}, err
	}
	l.gate.audit(ctx, req, allowed, ws, t.ID, 1)
	tok = labToken{id: t.ID, secret: secret, expires: t.ExpiresAt}
	if l.tokens == nil {
		l.tokens = map[labKey]labToken{}
	}
	l.tokens[key] = tok
	return Lab{UserID: req.User.ID, WorkspaceID: ws, Dir: dir, Token: tok.secret}, nil
}

// valid reports whether the store still takes the remembered token as
// the user's: one revoked on the account page, or gone, is never handed
// out again. (The store remembers what it authenticated until its next
// write, so this costs no query at most of a lab's requests.)
func (l *Labs) valid(ctx context.Context, tok labToken, userID string, now time.Time) bool {
	u, err := l.store.Authenticate(ctx, tok.secret, now)
	return err == nil && u.ID == userID
}

// roleChanged stops the lab of the user in the workspace when their role
// there no longer opens it.
func (l *Labs) roleChanged(ctx context.Context, ws, userID string, role access.Role) {
	if role < access.OpenLab.Role() {
		l.stop(ctx, "the user's role no longer opens the lab", func(s LabServers) error {
			return s.Stop(jupyter.Key{UserID: userID, WorkspaceID: ws})
		}, "workspace", ws, "user", userID)
	}
}

// workspaceDeleted stops the labs of every user of the workspace.
func (l *Labs) workspaceDeleted(ctx context.Context, ws string) {
	l.stop(ctx, "the workspace is deleted", func(s LabServers) error { return s.StopWorkspace(ws) }, "workspace", ws)
}

// userDisabled stops the labs of the user in every workspace.
func (l *Labs) userDisabled(ctx context.Context, userID string) {
	l.stop(ctx, "the user is disabled", func(s LabServers) error { return s.StopUser(userID) }, "user", userID)
}

// stop runs stop on the servers, if any. The change that called for it
// is done whatever happens: a server that did not stop cleanly is
// logged, not the caller's failure. A lab's next request is refused by
// the decision anyway.
func (l *Labs) stop(ctx context.Context, why string, stop func(LabServers) error, attrs ...any) {
	if l == nil || l.servers == nil {
		return
	}
	if err := stop(l.servers); err != nil {
		l.gate.log.ErrorContext(ctx, "app: labs not stopped cleanly: "+why, append(attrs, "err", err)...)
	}
}
