package access

import "time"

// AuditRecord is one line of the audit log: who did what, when, where, and
// how much came back. It never holds rows, values or participant ids.
type AuditRecord struct {
	Time time.Time `json:"time"`
	// UserID is empty for an anonymous visitor.
	UserID string `json:"user_id,omitempty"`
	Action Action `json:"action"`
	// Workspace is the workspace's id, when the action concerns one.
	Workspace string `json:"workspace,omitempty"`
	// Object is the id of what the action read or changed: a cohort, a
	// concept set, a review, a dataset, a notebook, a user.
	Object string `json:"object,omitempty"`
	// ResultSize is how many rows or numbers were returned (participants
	// listed, dataset rows exported, 1 for a count), never a count's value,
	// so that the log holds no small counts.
	ResultSize int64 `json:"result_size"`
	Allowed    bool  `json:"allowed"`
	// Reason is the refusal's message; for an allowed act that its user
	// gave a reason for (an administrator disabling a user), that reason;
	// empty otherwise.
	Reason string `json:"reason,omitempty"`
}

// Audit starts the audit record of a decision: time, user, action and
// outcome. The caller adds Workspace, Object and, once the action has run,
// ResultSize.
func Audit(req Request, d Decision) AuditRecord {
	rec := AuditRecord{Time: req.Now, Action: req.Action, Allowed: d.Allowed}
	if req.User != nil {
		rec.UserID = req.User.ID
	}
	if d.Reason != nil {
		rec.Reason = d.Reason.Error()
	}
	return rec
}
