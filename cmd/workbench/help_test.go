package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/app"
	"github.com/openworkbench/workbench/internal/store"
)

func TestHelpRequests(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, data, store.Options{})
	require.NoError(t, err)
	h, err := app.HelpDesk{Store: st}.Add(ctx, app.HelpForm{Name: "Ann", Email: "ann@example.org", Topic: app.HelpTopics[1], Message: "How do I register?"})
	require.NoError(t, err)
	require.NoError(t, st.Close())

	code, out, _ := runCLI(t, "help-requests", "list", "--data", data)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, h.ID)
	assert.Contains(t, out, "Ann <ann@example.org>")
	assert.Contains(t, out, "How do I register?")

	code, out, _ = runCLI(t, "help-requests", "close", "--data", data, h.ID)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "closed "+h.ID)
	code, out, _ = runCLI(t, "help-requests", "list", "--data", data)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "no help request")

	code, out, _ = runCLI(t, "help-requests", "list", "--data", data, "--all", "--json")
	require.Equal(t, exitOK, code)
	var all []workbench.HelpRequest
	require.NoError(t, json.Unmarshal([]byte(out), &all))
	require.Len(t, all, 1)
	assert.Equal(t, cliActor, all[0].ClosedBy)
	assert.False(t, all[0].ClosedAt.IsZero())

	code, _, stderr := runCLI(t, "help-requests", "close", "--data", data, "h_nope")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "not found")
	code, _, _ = runCLI(t, "help-requests")
	assert.NotEqual(t, exitOK, code)
}
