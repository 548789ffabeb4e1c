package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
)

// adminService is the administration of users and the audit log, for
// administrators only.
type adminService struct {
	gate  *gate
	store *store.Store
}

// Users is every user with their access status.
func (a adminService) Users(ctx context.Context) ([]workbench.UserStatus, error) {
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

// Approve records the approval of the user id by the administrator of
// ctx; a user with a self-service step missing is refused, naming it.
func (a adminService) Approve(ctx context.Context, id string) (workbench.UserStatus, error) {
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
		return workbench.UserStatus{}, err
	}
	rec, err := a.store.PutRecord(ctx, access.Record{UserID: id, Kind: access.Approval, CompletedAt: req.Now, By: req.User.ID})
	if err != nil {
		return workbench.UserStatus{}, err
	}
	a.gate.audit(ctx, req, allowed, "", id, 1)
	return workbench.UserStatus{User: u, Status: a.gate.policy.Status(&u, append(recs, rec), req.Now)}, nil
}

// Disable disables the user id: they are refused everything but their
// own status.
func (a adminService) Disable(ctx context.Context, id string) error {
	req, err := a.gate.check(ctx, access.DisableUser, "")
	if err != nil {
		return err
	}
	if err := a.store.SetDisabled(ctx, id, true); err != nil {
		return err
	}
	a.gate.audit(ctx, req, allowed, "", id, 1)
	return nil
}

// Audit is the audit log from since, of one user when userID is not
// empty.
func (a adminService) Audit(ctx context.Context, since time.Time, userID string) ([]access.AuditRecord, error) {
	req, err := a.gate.check(ctx, access.ReadAuditLog, "")
	if err != nil {
		return nil, err
	}
	out, err := a.store.QueryAudit(ctx, store.AuditQuery{Since: since, UserID: userID})
	if err != nil {
		return nil, err
	}
	a.gate.audit(ctx, req, allowed, "", userID, int64(len(out)))
	return nonNil(out), nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	out, err := s.admin.Users(r.Context())
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) approveUser(w http.ResponseWriter, r *http.Request) {
	out, err := s.admin.Approve(r.Context(), mux.Vars(r)["id"])
	s.reply(w, r, http.StatusOK, out, err)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	err := s.admin.Disable(r.Context(), mux.Vars(r)["id"])
	s.reply(w, r, http.StatusNoContent, nil, err)
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			s.fail(w, r, fmt.Errorf("%w: since %q: want an RFC 3339 time", workbench.ErrInvalid, v))
			return
		}
		since = t
	}
	out, err := s.admin.Audit(r.Context(), since, r.URL.Query().Get("user"))
	s.reply(w, r, http.StatusOK, out, err)
}
