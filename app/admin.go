package app

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
)

// Admin is the administration of users and the audit log, for
// administrators only.
type Admin struct {
	gate  *gate
	store *store.Store
	// labs of a user disabled stop.
	labs *Labs
}

// Users is every user with their access status.
func (a Admin) Users(ctx context.Context) ([]workbench.UserStatus, error) {
	req, err := a.gate.check(ctx, access.ListUsers, "")
	if err != nil {
		return nil, err
	}
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]workbench.UserStatus, len(users))
	for i, u := range users {
		recs, err := a.store.Records(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		out[i] = workbench.UserStatus{User: u, Status: a.gate.policy.Status(&u, recs, req.Now)}
	}
	a.gate.audit(ctx, req, allowed, "", "", int64(len(out)))
	return out, nil
}

// ApproveUser records the approval of the user id by the administrator of
// ctx; a user with a self-service step missing is refused, naming it.
func (a Admin) ApproveUser(ctx context.Context, id string) (workbench.UserStatus, error) {
	req, err := a.gate.check(ctx, access.ApproveUser, "")
	if err != nil {
		return workbench.UserStatus{}, err
	}
	u, err := a.store.UserByID(ctx, id)
	if err != nil {
		return workbench.UserStatus{}, err
	}
	recs, err := a.store.Records(ctx, id)
	if err != nil {
		return workbench.UserStatus{}, err
	}
	if err := a.gate.policy.CheckApproval(&u, recs, req.Now); err != nil {
		// A refused approval is an administrator's act too: it is audited.
		a.gate.audit(ctx, req, access.Decision{Reason: err}, "", id, 0)
		return workbench.UserStatus{}, err
	}
	if st := a.gate.policy.Status(&u, recs, req.Now); st.Done(access.Approval) {
		a.gate.audit(ctx, req, allowed, "", id, 0)
		return workbench.UserStatus{User: u, Status: st}, nil
	}
	rec, err := a.store.PutRecord(ctx, access.Record{UserID: id, Kind: access.Approval, CompletedAt: req.Now, By: req.User.ID})
	if err != nil {
		return workbench.UserStatus{}, err
	}
	a.gate.audit(ctx, req, allowed, "", id, 1)
	return workbench.UserStatus{User: u, Status: a.gate.policy.Status(&u, append(recs, rec), req.Now)}, nil
}

// maxReason bounds the reason of disabling a user, in characters.
const maxReason = 500

// DisableUser disables the user id: they are refused everything but their
// own status. The reason, trimmed, is the audit record's.
func (a Admin) DisableUser(ctx context.Context, id, reason string) error {
	return a.setDisabled(ctx, access.DisableUser, id, reason, true)
}

// EnableUser lifts the disabling of the user id: their steps, sessions
// and unexpired tokens count again as they did before. The reason,
// trimmed, is the audit record's.
func (a Admin) EnableUser(ctx context.Context, id, reason string) error {
	return a.setDisabled(ctx, access.EnableUser, id, reason, false)
}

func (a Admin) setDisabled(ctx context.Context, action access.Action, id, reason string, disabled bool) error {
	req, err := a.gate.check(ctx, action, "")
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n > maxReason:
		return workbench.InvalidAt("reason", "%d characters: want at most %d", n, maxReason)
	case strings.ContainsFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }):
		return workbench.InvalidAt("reason", "holds a control character")
	}
	if err := a.store.SetDisabled(ctx, id, disabled); err != nil {
		return err
	}
	a.gate.auditBecause(ctx, req, id, reason)
	if disabled {
		a.labs.userDisabled(ctx, id)
	}
	return nil
}

// Audit is the lines of the audit log q selects.
func (a Admin) Audit(ctx context.Context, q workbench.AuditQuery) ([]access.AuditRecord, error) {
	req, err := a.gate.check(ctx, access.ReadAuditLog, "")
	if err != nil {
		return nil, err
	}
	out, err := a.store.QueryAudit(ctx, q)
	if err != nil {
		return nil, err
	}
	a.gate.audit(ctx, req, allowed, "", q.UserID, int64(len(out)))
	return nonNil(out), nil
}
