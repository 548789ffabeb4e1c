package app

import (
	"context"
	"sync"
	"time"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
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
// at every request the pages proxy to it, so that a role taken away
// closes the lab at once) and makes the token its kernels call the API
// with: a bearer token of the user, stored hashed as every token, reused
// while it has more than labTokenRenew to live so that the requests of
// one lab do not each make one. The running lab keeps the token it
// started with (see package jupyter): a lab kept open longer than
// labTokenRenew past its start needs a restart for a fresh one.
type Labs struct {
	gate  *gate
	store *store.Store
	files notebook.Files

	mu     sync.Mutex
	tokens map[labKey]labToken
}

type labKey struct{ user, workspace string }

type labToken struct {
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
	if !ok || tok.expires.Sub(req.Now) < labTokenRenew {
		secret, t, err := l.store.CreateToken(ctx, req.User.ID, LabTokenTTL, req.Now)
		if err != nil {
			return Lab{}, err
		}
		l.gate.audit(ctx, req, allowed, ws, t.ID, 1)
		tok = labToken{secret: secret, expires: t.ExpiresAt}
		if l.tokens == nil {
			l.tokens = map[labKey]labToken{}
		}
		l.tokens[key] = tok
	}
	return Lab{UserID: req.User.ID, WorkspaceID: ws, Dir: dir, Token: tok.secret}, nil
}
