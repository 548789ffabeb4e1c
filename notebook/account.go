package notebook

import (
	"context"
	"net/url"
	"time"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
)

// Register asks for an account with no access step done. The server
// answers every well-formed registration alike and sends the first bearer
// token to the address (or, when the address already has an account, a
// notice), so a nil error says only that the request was accepted; a
// client made with the token then completes the steps. A server that
// closed registration is access.ErrForbidden.
func (c *Client) Register(ctx context.Context, r workbench.Registration) error {
	return c.do(ctx, call{method: "POST", path: []string{"register"}, body: r})
}

// Me is the current user and their access status.
func (c *Client) Me(ctx context.Context) (workbench.UserStatus, error) {
	var out workbench.UserStatus
	err := c.do(ctx, call{method: "GET", path: []string{"me"}, out: &out})
	return out, err
}

// CompleteStep records that the current user completed a self-service
// step, and is their status after.
func (c *Client) CompleteStep(ctx context.Context, step access.Requirement) (access.Status, error) {
	var out access.Status
	err := c.do(ctx, call{method: "POST", path: []string{"me", "steps", string(step)}, out: &out})
	return out, err
}

// Users is every user with their access status (administrators only).
func (c *Client) Users(ctx context.Context) ([]workbench.UserStatus, error) {
	var out []workbench.UserStatus
	err := c.do(ctx, call{method: "GET", path: []string{"admin", "users"}, out: &out})
	return out, err
}

// ApproveUser approves the user id (administrators only); a user with a
// step missing is refused, naming it.
func (c *Client) ApproveUser(ctx context.Context, id string) (workbench.UserStatus, error) {
	var out workbench.UserStatus
	err := c.do(ctx, call{method: "POST", path: []string{"admin", "users", id, "approve"}, out: &out})
	return out, err
}

// DisableUser disables the user id (administrators only), the reason
// going to the audit log.
func (c *Client) DisableUser(ctx context.Context, id, reason string) error {
	q := map[string][]string{}
	set(q, "reason", reason)
	return c.do(ctx, call{method: "POST", path: []string{"admin", "users", id, "disable"}, query: q})
}

// EnableUser enables the disabled user id again (administrators only),
// the reason going to the audit log.
func (c *Client) EnableUser(ctx context.Context, id, reason string) error {
	q := map[string][]string{}
	set(q, "reason", reason)
	return c.do(ctx, call{method: "POST", path: []string{"admin", "users", id, "enable"}, query: q})
}

// Audit is the audit log from aq.Since (all of it when zero), of the user
// aq.UserID when not empty (administrators only). The server's API
// filters by these two only.
func (c *Client) Audit(ctx context.Context, aq workbench.AuditQuery) ([]access.AuditRecord, error) {
	q := map[string][]string{}
	if !aq.Since.IsZero() {
		q["since"] = []string{aq.Since.Format(time.RFC3339)}
	}
	set(q, "user", aq.UserID)
	var out []access.AuditRecord
	err := c.do(ctx, call{method: "GET", path: []string{"admin", "audit"}, query: q, out: &out})
	return out, err
}

// HelpRequests is the open requests of the public pages' help form, or
// every one when all (administrators).
func (c *Client) HelpRequests(ctx context.Context, all bool) ([]workbench.HelpRequest, error) {
	var q url.Values
	if all {
		q = url.Values{"all": {"true"}}
	}
	var out []workbench.HelpRequest
	err := c.do(ctx, call{method: "GET", path: []string{"admin", "help-requests"}, query: q, out: &out})
	return out, err
}

// CloseHelpRequest closes the help request id (administrators).
func (c *Client) CloseHelpRequest(ctx context.Context, id string) (workbench.HelpRequest, error) {
	var out workbench.HelpRequest
	err := c.do(ctx, call{method: "POST", path: []string{"admin", "help-requests", id, "close"}, out: &out})
	return out, err
}
