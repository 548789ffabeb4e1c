package access_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
)

// states is the state of each step of a status, by kind.
func states(s access.Status) map[access.Requirement]access.State {
	m := map[access.Requirement]access.State{}
	for _, st := range s.Steps {
		m[st.Kind] = st.State
	}
	return m
}

func TestStatus(t *testing.T) {
	done, missing := access.StepDone, access.StepMissing
	tests := []struct {
		name    string
		user    *access.User
		records []access.Record
		tier    access.Tier
		states  map[access.Requirement]access.State
		missing []access.Requirement // for the registered tier
	}{
		{"anonymous", nil, registered(""), access.Public,
			map[access.Requirement]access.State{access.Profile: missing, access.EthicsTraining: missing,
				access.CodeOfConduct: missing, access.Approval: missing, access.ControlledTier: missing},
			[]access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval}},
		{"new user", user("u"), nil, access.Public,
			map[access.Requirement]access.State{access.Profile: missing, access.EthicsTraining: missing,
				access.CodeOfConduct: missing, access.Approval: missing, access.ControlledTier: missing},
			[]access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval}},
		{"approved", user("u"), registered("u"), access.Registered,
			map[access.Requirement]access.State{access.Profile: done, access.EthicsTraining: done,
				access.CodeOfConduct: done, access.Approval: done, access.ControlledTier: missing},
			nil},
		{"controlled", user("u"), append(registered("u"), record("u", access.ControlledTier, day)), access.Controlled,
			map[access.Requirement]access.State{access.Profile: done, access.EthicsTraining: done,
				access.CodeOfConduct: done, access.Approval: done, access.ControlledTier: done},
			nil},
		{"controlled grant without the registered steps", user("u"),
			[]access.Record{record("u", access.ControlledTier, day)}, access.Public,
			map[access.Requirement]access.State{access.Profile: missing, access.EthicsTraining: missing,
				access.CodeOfConduct: missing, access.Approval: missing, access.ControlledTier: done},
			[]access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval}},
		{"training expired", user("u"),
			append(registered("u", access.EthicsTraining), record("u", access.EthicsTraining, 366*day)), access.Public,
			map[access.Requirement]access.State{access.Profile: done, access.EthicsTraining: access.StepExpired,
				access.CodeOfConduct: done, access.Approval: done, access.ControlledTier: missing},
			[]access.Requirement{access.EthicsTraining}},
		{"training renewed", user("u"),
			append(registered("u"), record("u", access.EthicsTraining, 700*day)), access.Registered,
			map[access.Requirement]access.State{access.Profile: done, access.EthicsTraining: done,
				access.CodeOfConduct: done, access.Approval: done, access.ControlledTier: missing},
			nil},
		{"disabled", &access.User{ID: "u", Disabled: true}, registered("u"), access.Public,
			map[access.Requirement]access.State{access.Profile: done, access.EthicsTraining: done,
				access.CodeOfConduct: done, access.Approval: done, access.ControlledTier: missing},
			nil},
		{"records of another user", user("u"), registered("v"), access.Public,
			map[access.Requirement]access.State{access.Profile: missing, access.EthicsTraining: missing,
				access.CodeOfConduct: missing, access.Approval: missing, access.ControlledTier: missing},
			[]access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := policy.Status(tc.user, tc.records, now)
			assert.Equal(t, tc.tier, s.Tier)
			assert.Equal(t, tc.states, states(s))
			var got []access.Requirement
			for _, st := range s.Missing(access.Registered) {
				got = append(got, st.Kind)
				assert.NotEmpty(t, st.Reason, "%s", st.Kind)
			}
			assert.Equal(t, tc.missing, got)
			assert.Equal(t, []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct,
				access.Approval, access.ControlledTier}, kinds(s.Steps), "steps in order")
		})
	}
}

func kinds(steps []access.Step) []access.Requirement {
	var out []access.Requirement
	for _, st := range steps {
		out = append(out, st.Kind)
	}
	return out
}

// step is the step of kind in the status of u with records.
func step(t *testing.T, p access.Policy, records []access.Record, kind access.Requirement, at time.Time) access.Step {
	t.Helper()
	for _, st := range p.Status(user("u"), records, at).Steps {
		if st.Kind == kind {
			return st
		}
	}
	require.Fail(t, "no step", "%s", kind)
	return access.Step{}
}

func TestStatusExpiry(t *testing.T) {
	completed := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	training := access.Record{UserID: "u", Kind: access.EthicsTraining, CompletedAt: completed}
	expires := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) // 365 days later

	t.Run("policy validity applies without a stored expiry", func(t *testing.T) {
		st := step(t, access.Policy{}, []access.Record{training}, access.EthicsTraining, expires.Add(-time.Nanosecond))
		assert.Equal(t, access.StepDone, st.State)
		assert.Equal(t, expires, st.ExpiresAt)
		st = step(t, access.Policy{}, []access.Record{training}, access.EthicsTraining, expires)
		assert.Equal(t, access.StepExpired, st.State)
		assert.Equal(t, "expired on 2026-03-01", st.Reason)
	})
	t.Run("an earlier stored expiry applies", func(t *testing.T) {
		r := training
		r.ExpiresAt = completed.Add(10 * day)
		st := step(t, access.Policy{}, []access.Record{r}, access.EthicsTraining, completed.Add(11*day))
		assert.Equal(t, access.StepExpired, st.State)
	})
	t.Run("a later stored expiry does not extend the policy", func(t *testing.T) {
		r := training
		r.ExpiresAt = completed.Add(1000 * day)
		st := step(t, access.Policy{}, []access.Record{r}, access.EthicsTraining, expires)
		assert.Equal(t, access.StepExpired, st.State)
	})
	t.Run("configured validity", func(t *testing.T) {
		p := access.Policy{TrainingValidity: 30 * day}
		assert.Equal(t, access.StepExpired, step(t, p, []access.Record{training}, access.EthicsTraining, completed.Add(30*day)).State)
		assert.Equal(t, access.StepDone, step(t, p, []access.Record{training}, access.EthicsTraining, completed.Add(29*day)).State)
	})
	t.Run("approval and profile do not expire", func(t *testing.T) {
		recs := []access.Record{
			{UserID: "u", Kind: access.Profile, CompletedAt: completed},
			{UserID: "u", Kind: access.Approval, CompletedAt: completed, By: "admin"},
		}
		later := completed.Add(3650 * day)
		assert.Equal(t, access.StepDone, step(t, access.Policy{}, recs, access.Profile, later).State)
		assert.Equal(t, access.StepDone, step(t, access.Policy{}, recs, access.Approval, later).State)
	})
	t.Run("completed in the future", func(t *testing.T) {
		st := step(t, access.Policy{}, []access.Record{training}, access.EthicsTraining, completed.Add(-time.Hour))
		assert.Equal(t, access.StepMissing, st.State)
		assert.Equal(t, "completion time is in the future", st.Reason)
	})
	t.Run("approval names no administrator", func(t *testing.T) {
		r := access.Record{UserID: "u", Kind: access.Approval, CompletedAt: completed}
		st := step(t, access.Policy{}, []access.Record{r}, access.Approval, now)
		assert.Equal(t, access.StepMissing, st.State)
		assert.Equal(t, "names no administrator", st.Reason)
	})
}

func TestStatusCodeOfConduct(t *testing.T) {
	signed := func(version string) access.Record {
		return access.Record{UserID: "u", Kind: access.CodeOfConduct, CompletedAt: now.Add(-day), Version: version}
	}
	st := step(t, access.Policy{}, []access.Record{signed("1")}, access.CodeOfConduct, now)
	assert.Equal(t, access.StepDone, st.State, "version 1 is the default current version")
	assert.Equal(t, access.DefaultCodeOfConductVersion, access.Policy{}.ConductVersion())

	p := access.Policy{CodeOfConductVersion: "2026-01"}
	st = step(t, p, []access.Record{signed("1")}, access.CodeOfConduct, now)
	assert.Equal(t, access.StepOutdated, st.State, "a new version sends users back to sign")
	assert.Equal(t, `signed version "1", current is "2026-01"`, st.Reason)

	st = step(t, p, []access.Record{signed("1"), signed("2026-01")}, access.CodeOfConduct, now)
	assert.Equal(t, access.StepDone, st.State)
	assert.Equal(t, "2026-01", st.Version)
}

func TestStatusErr(t *testing.T) {
	s := policy.Status(user("u"), registered("u"), now)
	assert.NoError(t, s.Err(access.Public))
	assert.NoError(t, s.Err(access.Registered))
	assert.ErrorIs(t, s.Err(access.Controlled), access.ErrForbidden)
	missing, ok := errors.AsType[*access.StepsError](policy.Status(user("u"), registered("u", access.EthicsTraining), now).Err(access.Registered))
	require.True(t, ok, "a refusal for steps says which")
	assert.Equal(t, access.Registered, missing.Tier)
	require.Len(t, missing.Missing, 1)
	assert.Equal(t, access.EthicsTraining, missing.Missing[0].Kind)
	assert.Equal(t, "access: forbidden: registered tier needs ethics training (not completed)", missing.Error())

	d := &access.User{ID: "u", Disabled: true}
	s = policy.Status(d, registered("u"), now)
	assert.NoError(t, s.Err(access.Public))
	assert.ErrorIs(t, s.Err(access.Registered), access.ErrDisabled)
}

func TestStatusJSON(t *testing.T) {
	s := policy.Status(user("u"), registered("u", access.Approval), now)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back access.Status
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, back)
	assert.Contains(t, string(b), `"tier":"public"`)
	assert.Contains(t, string(b), `{"kind":"approval","tier":"registered","state":"missing","reason":"not completed"}`)
}

func TestPolicyExpiry(t *testing.T) {
	c := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	p := access.Policy{}
	assert.Equal(t, time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC), p.Expiry(access.EthicsTraining, c))
	assert.Equal(t, time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC), p.Expiry(access.CodeOfConduct, c))
	for _, k := range []access.Requirement{access.Profile, access.Approval, access.ControlledTier} {
		assert.True(t, p.Expiry(k, c).IsZero(), "%s never expires", k)
	}
	p = access.Policy{ConductValidity: 90 * day}
	assert.Equal(t, c.Add(90*day), p.Expiry(access.CodeOfConduct, c))
	assert.NoError(t, p.Validate())
	assert.ErrorIs(t, access.Policy{TrainingValidity: -1}.Validate(), access.ErrInvalid)
}

func TestCheckApproval(t *testing.T) {
	u := user("u")
	assert.NoError(t, policy.CheckApproval(u, registered("u", access.Approval), now))
	assert.NoError(t, policy.CheckApproval(u, registered("u"), now), "approving again is allowed")

	err := policy.CheckApproval(u, registered("u", access.Approval, access.EthicsTraining), now)
	require.ErrorIs(t, err, access.ErrInvalid)
	assert.Equal(t, "access: invalid: cannot approve u@example.org: missing ethics training (not completed)", err.Error())

	err = policy.CheckApproval(u, nil, now)
	assert.Contains(t, err.Error(), "missing profile (not completed), ethics training (not completed), code of conduct (not completed)")

	d := user("u")
	d.Disabled = true
	assert.ErrorIs(t, policy.CheckApproval(d, registered("u"), now), access.ErrDisabled)
	assert.ErrorIs(t, policy.CheckApproval(nil, nil, now), access.ErrInvalid)
}

func TestTierRoleText(t *testing.T) {
	for _, tier := range []access.Tier{access.Public, access.Registered, access.Controlled} {
		b, err := tier.MarshalText()
		require.NoError(t, err)
		back, err := access.ParseTier(string(b))
		require.NoError(t, err)
		assert.Equal(t, tier, back)
	}
	for _, r := range roles {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		var back access.Role
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, r, back)
	}
	assert.True(t, access.None < access.Reader && access.Reader < access.Writer && access.Writer < access.Owner)
	assert.True(t, access.Public < access.Registered && access.Registered < access.Controlled)
	_, err := access.ParseRole("ADMIN")
	assert.ErrorIs(t, err, access.ErrInvalid)
	_, err = json.Marshal(access.Tier(7))
	assert.Error(t, err)
	assert.Equal(t, "Role(9)", access.Role(9).String())
}

func TestUserJSON(t *testing.T) {
	u := access.User{ID: "42", Email: "a@example.org", Name: "A", Admin: true, CreatedAt: now}
	b, err := json.Marshal(u)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"42","email":"a@example.org","name":"A","admin":true,"created_at":"2026-06-01T12:00:00Z"}`, string(b))
	r := access.Record{UserID: "42", Kind: access.Approval, CompletedAt: now, By: "7"}
	b, err = json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"user_id":"42","kind":"approval","completed_at":"2026-06-01T12:00:00Z","by":"7"}`, string(b))
}
