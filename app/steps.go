package app

import (
	"context"

	"github.com/openworkbench/workbench/access"
)

// CompleteStep records that the user of ctx completed the self-service
// step now: its expiry from the policy, and for the code of conduct the
// policy's current version. It returns the user's status after.
func (a Accounts) CompleteStep(ctx context.Context, step access.Requirement) (access.Status, error) {
	g := a.gate
	req, err := g.checkStep(ctx, step)
	if err != nil {
		return access.Status{}, err
	}
	rec := access.Record{UserID: req.User.ID, Kind: step, CompletedAt: req.Now, ExpiresAt: g.policy.Expiry(step, req.Now)}
	if step == access.CodeOfConduct {
		rec.Version = g.policy.ConductVersion()
	}
	rec, err = g.store.PutRecord(ctx, rec)
	if err != nil {
		return access.Status{}, err
	}
	g.audit(ctx, req, allowed, "", string(step), 1)
	return g.policy.Status(req.User, append(req.Records, rec), req.Now), nil
}
