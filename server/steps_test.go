package server_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/server"
)

// newUser registers a user with no step done and returns their token and
// id.
func (f *fixture) newUser(t *testing.T, email string) (token, id string) {
	t.Helper()
	ctx := context.Background()
	u, err := f.store.AddUser(ctx, access.User{Email: email})
	require.NoError(t, err)
	token, _, err = f.store.CreateToken(ctx, u.ID, time.Hour, time.Now())
	require.NoError(t, err)
	return token, u.ID
}

// stepStates is the state of every step of a status response.
func stepStates(t *testing.T, r response) map[string]string {
	t.Helper()
	var st access.Status
	require.NoError(t, json.Unmarshal(r.body, &st), "%s", r.body)
	out := map[string]string{}
	for _, s := range st.Steps {
		out[string(s.Kind)] = string(s.State)
	}
	return out
}

func TestSteps(t *testing.T) {
	policy := access.Policy{CodeOfConductVersion: "3"}
	f := newFixture(t, server.Config{Policy: policy})
	token, id := f.newUser(t, "new@example.org")
	f.run(t, []step{
		{name: "anonymous", method: "POST", path: "/v1/me/steps/profile", want: 401},
		{name: "profile", method: "POST", path: "/v1/me/steps/profile", token: token, want: 200,
			check: func(t *testing.T, r response) { assert.Equal(t, "done", stepStates(t, r)["profile"]) }},
		{name: "ethics training", method: "POST", path: "/v1/me/steps/ethics_training", token: token, want: 200},
		{name: "code of conduct", method: "POST", path: "/v1/me/steps/code_of_conduct", token: token, want: 200,
			check: func(t *testing.T, r response) {
				states := stepStates(t, r)
				assert.Equal(t, "done", states["code_of_conduct"])
				assert.Equal(t, "missing", states["approval"])
			}},
		{name: "approval is not self-service", method: "POST", path: "/v1/me/steps/approval", token: token, want: 403},
		{name: "an unknown step is not found", method: "POST", path: "/v1/me/steps/bogus", token: token, want: 404},
	})
	recs, err := f.store.Records(context.Background(), id)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	for _, r := range recs {
		switch r.Kind {
		case access.Profile:
			assert.True(t, r.ExpiresAt.IsZero())
		case access.EthicsTraining:
			assert.Equal(t, policy.Expiry(r.Kind, r.CompletedAt), r.ExpiresAt)
		case access.CodeOfConduct:
			assert.Equal(t, "3", r.Version)
			assert.Equal(t, policy.Expiry(r.Kind, r.CompletedAt), r.ExpiresAt)
		}
	}
}
