package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
)

func TestUserUsage(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"without command", []string{"user"}, exitUsage, "a command is required"},
		{"help", []string{"user", "-h"}, exitOK, "approve"},
		{"unknown command", []string{"user", "zap"}, exitUsage, `unknown command "zap"`},
		{"add help", []string{"user", "add", "-h"}, exitOK, "Usage: workbench user add --data DIR --email E"},
		{"complete help", []string{"user", "complete", "-h"}, exitOK, "for\nadministrators and tests"},
		{"add without data", []string{"user", "add", "--email", "a@example.org"}, exitUsage, "--data is required"},
		{"add without email", []string{"user", "add", "--data", data}, exitUsage, "--email is required"},
		{"add bad email", []string{"user", "add", "--data", data, "--email", "nope"}, exitFailed, "not an address"},
		{"approve unknown", []string{"user", "approve", "--data", data, "--email", "who@example.org"}, exitFailed, "workbench: not found: user who@example.org"},
		{"bad ttl", []string{"user", "token", "--data", data, "--email", "x@example.org", "--ttl", "soon"}, exitUsage, "invalid value"},
		{"audit bad since", []string{"audit", "--data", data, "--since", "yesterday"}, exitUsage, `--since "yesterday"`},
		{"audit without data", []string{"audit"}, exitUsage, "--data is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

// TestUserLifecycle takes a user from registration to a working token, as
// an administrator would, and reads the audit log.
func TestUserLifecycle(t *testing.T) {
	data := filepath.Join(t.TempDir(), "state")
	user := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append(append([]string{"user"}, args...), "--data", data)...)
	}

	code, out, stderr := user("add", "--email", "Ann@Example.org", "--name", "Ann Lee")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "added Ann@Example.org (u_")
	code, _, stderr = user("add", "--email", "ann@example.org")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "conflict")
	code, _, stderr = user("add", "--email", "boss@example.org", "--admin")
	require.Equal(t, exitOK, code, stderr)

	// Approval is refused, naming every missing step, until they are done.
	code, out, stderr = user("approve", "--email", "ann@example.org")
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "cannot approve Ann@Example.org")
	for _, step := range []string{"profile", "ethics training", "code of conduct"} {
		assert.Contains(t, stderr, step)
	}
	code, _, stderr = user("complete", "--email", "ann@example.org", "--step", "approval")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "want profile, ethics_training, code_of_conduct")
	for _, step := range []string{"profile", "ethics_training"} {
		code, out, stderr = user("complete", "--email", "ann@example.org", "--step", step)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, out, "completed")
	}
	code, _, stderr = user("approve", "--email", "ann@example.org")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "code of conduct (not completed)")
	assert.NotContains(t, stderr, "profile")
	code, _, stderr = user("complete", "--email", "ann@example.org", "--step", "code_of_conduct")
	require.Equal(t, exitOK, code, stderr)
	code, out, stderr = user("approve", "--email", "ann@example.org")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "Ann@Example.org approved\n", out)
	code, out, _ = user("approve", "--email", "ann@example.org")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "already approved")

	code, out, stderr = user("list")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `Ann@Example.org\s+Ann Lee\s+u_\w+\s+registered`, out)
	assert.Regexp(t, `boss@example.org\s+u_\w+\s+admin\s+public\s+profile \(missing\)`, out)
	code, out, stderr = user("list", "--json")
	require.Equal(t, exitOK, code, stderr)
	var listed []struct {
		Email  string        `json:"email"`
		Admin  bool          `json:"admin"`
		Status access.Status `json:"status"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &listed))
	require.Len(t, listed, 2)
	assert.Equal(t, access.Registered, listed[0].Status.Tier)
	assert.True(t, listed[1].Admin)

	// The token is printed alone, and authenticates Ann.
	code, out, stderr = user("token", "--email", "ann@example.org", "--ttl", "1h")
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stderr)
	token := strings.TrimSuffix(out, "\n")
	assert.Regexp(t, `^`+store.TokenPrefix+`[A-Za-z0-9_-]{43}$`, token)
	assert.Equal(t, token+"\n", out, "nothing else on stdout")
	s, err := store.Open(context.Background(), data, store.Options{})
	require.NoError(t, err)
	u, err := s.Authenticate(context.Background(), token, time.Now())
	require.NoError(t, err)
	assert.Equal(t, "Ann@Example.org", u.Email)
	require.NoError(t, s.Close())

	// Tokens are listed without their secrets, and revoked.
	code, out, stderr = user("tokens", "--email", "ann@example.org")
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, out, strings.TrimPrefix(token, store.TokenPrefix))
	assert.Regexp(t, `\nt_\w+\s+\S+\s+\S+\s+valid\n`, out)
	code, _, stderr = user("revoke", "--email", "ann@example.org")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "want --token ID or --all")
	code, _, stderr = user("revoke", "--email", "ann@example.org", "--token", "t_nothing")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "no unrevoked token t_nothing")
	code, out, stderr = user("revoke", "--email", "ann@example.org", "--all")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "Ann@Example.org: 1 token(s) revoked\n", out)
	s, err = store.Open(context.Background(), data, store.Options{})
	require.NoError(t, err)
	_, err = s.Authenticate(context.Background(), token, time.Now())
	require.ErrorIs(t, err, store.ErrTokenRevoked)
	require.NoError(t, s.Close())

	code, out, stderr = user("disable", "--email", "ann@example.org")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "Ann@Example.org disabled\n", out)
	code, out, stderr = user("token", "--email", "ann@example.org")
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "disabled")
	code, out, stderr = user("enable", "--email", "ann@example.org", "--reason", "cleared by the board")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "Ann@Example.org enabled\n", out)
	code, out, stderr = user("token", "--email", "ann@example.org")
	require.Equal(t, exitOK, code, stderr)
	assert.NotEmpty(t, out)
	code, _, stderr = user("disable", "--email", "ann@example.org", "--reason", "\x07")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "user disable: ")
	assert.Contains(t, stderr, "reason")

	// The audit log holds the steps, both refusals, the approval, the
	// disabling and the enabling.
	code, out, stderr = runCLI(t, "audit", "--data", data, "--json")
	require.Equal(t, exitOK, code, stderr)
	var log []access.AuditRecord
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	var actions []string
	for _, r := range log {
		actions = append(actions, string(r.Action))
		assert.Equal(t, cliActor, r.UserID)
		assert.Equal(t, u.ID, r.Object)
	}
	assert.Equal(t, []string{"admin.approve_user", "account.complete_step", "account.complete_step", "admin.approve_user",
		"account.complete_step", "admin.approve_user", "admin.disable_user", "admin.enable_user"}, actions)
	assert.Equal(t, "cleared by the board", log[7].Reason)
	assert.False(t, log[0].Allowed)
	assert.Contains(t, log[0].Reason, "missing")
	assert.True(t, log[5].Allowed)

	code, out, stderr = runCLI(t, "audit", "--data", data, "--since", "1h", "--user", cliActor, "--limit", "2")
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, out)
	assert.Regexp(t, `^TIME\s+USER\s+ACTION`, lines[0])
	assert.Regexp(t, `cli\s+admin.approve_user\s+u_\w+\s+0\s+denied: access: invalid: cannot approve`, lines[1])

	code, out, stderr = runCLI(t, "audit", "--data", data, "--user", "ann@example.org", "--json")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "[]\n", out, "Ann did nothing herself")
	code, out, stderr = runCLI(t, "audit", "--data", data, "--since", "2999-01-01")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, 1, strings.Count(out, "\n"), "the header only")
}
