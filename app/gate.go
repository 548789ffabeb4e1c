package app

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
)

// gate loads what a decision needs from the store, asks access.Decide,
// and writes the audit log. The services wrap the library with it, so
// handlers hold no policy.
type gate struct {
	store  *store.Store
	policy access.Policy
	now    func() time.Time
	log    *slog.Logger
	queue  auditQueue
}

// check decides whether the user of ctx may do action, in the workspace
// workspaceID when the action concerns one. A refusal of a workspace
// action is audited; the caller audits what it then does.
func (g *gate) check(ctx context.Context, action access.Action, workspaceID string) (access.Request, error) {
	return g.decide(ctx, access.Request{User: workbench.UserFrom(ctx), Action: action, Now: g.now(), Policy: g.policy}, workspaceID)
}

// checkTier decides an action that concerns a workspace not yet created,
// of the tier.
func (g *gate) checkTier(ctx context.Context, action access.Action, tier access.Tier) (access.Request, error) {
	return g.decide(ctx, access.Request{User: workbench.UserFrom(ctx), Action: action, Now: g.now(), Policy: g.policy, WorkspaceTier: tier}, "")
}

// checkParticipant decides whether the user of ctx may read the data of
// the person through the review of the workspace: the store says whether
// the person is one of its participants, access.Decide what follows.
func (g *gate) checkParticipant(ctx context.Context, workspaceID, reviewID string, person int64) (access.Request, error) {
	_, err := g.store.Participant(ctx, workspaceID, reviewID, person)
	if err != nil && !errors.Is(err, workbench.ErrNotFound) {
		return access.Request{}, err
	}
	return g.decide(ctx, access.Request{User: workbench.UserFrom(ctx), Action: access.ViewParticipant, Participant: err == nil, Now: g.now(), Policy: g.policy}, workspaceID)
}

// checkStep decides whether the user of ctx may record the step.
func (g *gate) checkStep(ctx context.Context, step access.Requirement) (access.Request, error) {
	return g.decide(ctx, access.Request{User: workbench.UserFrom(ctx), Action: access.CompleteStep, Step: step, Now: g.now(), Policy: g.policy}, "")
}

// decide completes req from the store and asks access.Decide.
func (g *gate) decide(ctx context.Context, req access.Request, workspaceID string) (access.Request, error) {
	action := req.Action
	if req.User != nil && !action.Public() {
		recs, err := g.store.Records(ctx, req.User.ID)
		// The operator at the command line is no user of the store: they
		// have no records, and act by the administrator flag alone.
		if err != nil && !errors.Is(err, workbench.ErrNotFound) {
			return req, err
		}
		req.Records = recs
		if action.Workspace() {
			// RoleOf is None for a workspace that does not exist too, so the
			// two refusals are the same 404.
			if req.Role, err = g.store.RoleOf(ctx, workspaceID, req.User.ID); err != nil {
				return req, err
			}
			if req.Role != access.None {
				ws, err := g.store.Workspace(ctx, workspaceID)
				if err != nil {
					return req, err
				}
				req.WorkspaceTier = ws.Tier
			}
		}
	}
	d := access.Decide(req)
	if !d.Allowed {
		if req.User != nil && action.Workspace() {
			g.audit(ctx, req, d, workspaceID, "", 0)
		}
		return req, d.Reason
	}
	return req, nil
}

// audit writes one record of the audit log. A failure to write is logged:
// the data already went out.
func (g *gate) audit(ctx context.Context, req access.Request, d access.Decision, workspaceID, object string, size int64) {
	rec := access.Audit(req, d)
	rec.Workspace, rec.Object, rec.ResultSize = workspaceID, object, size
	g.write(ctx, rec)
}

// auditBecause writes the record of an allowed act on object that its
// user gave a reason for.
func (g *gate) auditBecause(ctx context.Context, req access.Request, object, reason string) {
	rec := access.Audit(req, allowed)
	rec.Object, rec.ResultSize, rec.Reason = object, 1, reason
	g.write(ctx, rec)
}

// write writes rec; a failure to write is logged.
func (g *gate) write(ctx context.Context, rec access.AuditRecord) {
	if g.store == nil {
		return // a public server: anonymous answers of aggregates only
	}
	// The record is written even when the request's context has ended.
	if err := g.queue.append(context.WithoutCancel(ctx), g.store, rec); err != nil {
		g.log.ErrorContext(ctx, "audit record not written", "action", rec.Action, "err", err)
	}
}

// auditQueue writes the audit records of concurrent requests together, in
// one transaction: a commit per request would bound the server to the
// commits per second of the state file. A request whose record finds no
// write running writes it with those queued meanwhile; the others wait,
// and when a write ends with records queued, the first of their requests
// writes next. Every request returns after its own record is committed.
type auditQueue struct {
	mu      sync.Mutex
	writing bool
	queued  []queuedRecord
}

type queuedRecord struct {
	rec access.AuditRecord
	// done gets the result of the write that held rec, or nil with lead
	// set when its request is to write next.
	done chan auditResult
}

type auditResult struct {
	err  error
	lead bool
}

func (q *auditQueue) append(ctx context.Context, st *store.Store, rec access.AuditRecord) error {
	mine := queuedRecord{rec: rec, done: make(chan auditResult, 1)}
	q.mu.Lock()
	q.queued = append(q.queued, mine)
	if q.writing {
		q.mu.Unlock()
		if r := <-mine.done; !r.lead {
			return r.err
		}
		q.mu.Lock()
	}
	q.writing = true
	batch := q.queued
	q.queued = nil
	q.mu.Unlock()

	recs := make([]access.AuditRecord, len(batch))
	for i, b := range batch {
		recs[i] = b.rec
	}
	err := st.AppendAudit(ctx, recs...)
	for _, b := range batch[1:] {
		b.done <- auditResult{err: err}
	}

	q.mu.Lock()
	if len(q.queued) > 0 {
		q.queued[0].done <- auditResult{lead: true}
	} else {
		q.writing = false
	}
	q.mu.Unlock()
	return err
}

// guarded checks action in the workspace ws, runs do, and audits the
// access it allowed with the object and result size do reports. A refusal
// is audited by check; a failure of do is not an access.
func guarded[T any](ctx context.Context, g *gate, action access.Action, ws string, do func(req access.Request) (out T, object string, size int64, err error)) (T, error) {
	req, err := g.check(ctx, action, ws)
	if err != nil {
		var zero T
		return zero, err
	}
	out, object, size, err := do(req)
	if err != nil {
		var zero T
		return zero, err
	}
	g.audit(ctx, req, allowed, ws, object, size)
	return out, nil
}

// nonNil is l, or an empty list for nil: a list answers [] in JSON, never
// null.
func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
