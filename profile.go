package workbench

import "time"

// Profile is what a researcher tells of themselves in the data access
// steps: saving it completes the access.Profile step. Name is the user's
// name (access.User.Name).
type Profile struct {
	Name        string `json:"name"`
	Institution string `json:"institution"`
	// Role is the researcher's role or position at the institution.
	Role string `json:"role"`
	// Background is a short account of their research.
	Background string    `json:"background"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
}

// Signature is a signature of the data user code of conduct: the name the
// user typed, the version of the code signed and when.
type Signature struct {
	UserID    string    `json:"user_id"`
	Version   string    `json:"version"`
	TypedName string    `json:"typed_name"`
	SignedAt  time.Time `json:"signed_at"`
}

// AuditQuery selects lines of the audit log; the zero value selects
// every line. Lines come oldest first.
type AuditQuery struct {
	UserID    string `json:"user_id,omitempty"`
	Action    string `json:"action,omitempty"`
	Workspace string `json:"workspace,omitempty"`
	// Since keeps lines at or after it, Until lines before it; zero
	// bounds nothing.
	Since time.Time `json:"since,omitzero"`
	Until time.Time `json:"until,omitzero"`
	// Offset skips the first lines selected; Limit keeps at most Limit
	// lines after them, 0 meaning all.
	Offset int `json:"offset,omitempty"`
	Limit  int `json:"limit,omitempty"`
}
