package access_test

import (
	"bufio"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
)

var (
	now    = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	policy = access.Policy{CodeOfConductVersion: "2"}
	day    = 24 * time.Hour
)

// record is a record of kind for user id completed ago before now, with
// the expiry of DESIGN.md (365 days for training and conduct) written out
// rather than asked of the package.
func record(id string, kind access.Requirement, ago time.Duration) access.Record {
	r := access.Record{UserID: id, Kind: kind, CompletedAt: now.Add(-ago)}
	switch kind {
	case access.EthicsTraining:
		r.ExpiresAt = r.CompletedAt.Add(365 * day)
	case access.CodeOfConduct:
		r.ExpiresAt = r.CompletedAt.Add(365 * day)
		r.Version = "2"
	case access.Approval, access.ControlledTier:
		r.By = "admin-1"
	}
	return r
}

// registered is every registered step of user id, done 30 days ago,
// except the kinds in but.
func registered(id string, but ...access.Requirement) []access.Record {
	var recs []access.Record
	for _, k := range []access.Requirement{access.Profile, access.EthicsTraining, access.CodeOfConduct, access.Approval} {
		if !slices.Contains(but, k) {
			recs = append(recs, record(id, k, 30*day))
		}
	}
	return recs
}

type userState struct {
	name    string
	user    *access.User
	records []access.Record
}

func user(id string) *access.User {
	return &access.User{ID: id, Email: id + "@example.org", CreatedAt: now.Add(-400 * day)}
}

// userStates are the columns of testdata/decide.txt, in order.
func userStates() []userState {
	trainexp := registered("trainexp", access.EthicsTraining)
	trainexp = append(trainexp, record("trainexp", access.EthicsTraining, 400*day))
	condexp := registered("condexp", access.CodeOfConduct)
	condexp = append(condexp, record("condexp", access.CodeOfConduct, 366*day))
	condold := registered("condold", access.CodeOfConduct)
	old := record("condold", access.CodeOfConduct, 30*day)
	old.Version = "1"
	condold = append(condold, old)
	ctrl := append(registered("ctrl"), record("ctrl", access.ControlledTier, 10*day))
	disabled := append(registered("disabled"), record("disabled", access.ControlledTier, 10*day))
	disabledUser := user("disabled")
	disabledUser.Disabled = true
	admin0, admin := user("admin0"), user("admin")
	admin0.Admin, admin.Admin = true, true
	return []userState{
		{"anon", nil, nil},
		{"noprof", user("noprof"), registered("noprof", access.Profile)},
		{"notrain", user("notrain"), registered("notrain", access.EthicsTraining)},
		{"nocond", user("nocond"), registered("nocond", access.CodeOfConduct)},
		{"noappr", user("noappr"), registered("noappr", access.Approval)},
		{"trainexp", user("trainexp"), trainexp},
		{"condexp", user("condexp"), condexp},
		{"condold", user("condold"), condold},
		{"approved", user("approved"), registered("approved")},
		{"ctrl", user("ctrl"), ctrl},
		{"disabled", disabledUser, disabled},
		{"admin0", admin0, nil},
		{"admin", admin, registered("admin")},
	}
}

var roles = []access.Role{access.None, access.Reader, access.Writer, access.Owner}

// outcome is the one-letter code of testdata/decide.txt for a decision.
func outcome(t *testing.T, d access.Decision) byte {
	t.Helper()
	if d.Allowed {
		require.NoError(t, d.Reason)
		return '+'
	}
	require.Error(t, d.Reason)
	codes := map[error]byte{
		access.ErrUnauthenticated: 'U',
		access.ErrForbidden:       'F',
		access.ErrNotFound:        'N',
		access.ErrDisabled:        'D',
	}
	var got []byte
	for err, c := range codes {
		if errors.Is(d.Reason, err) {
			got = append(got, c)
		}
	}
	require.Len(t, got, 1, "a refusal wraps exactly one sentinel: %v", d.Reason)
	return got[0]
}

func TestDecideMatrix(t *testing.T) {
	f, err := os.Open("testdata/decide.txt")
	require.NoError(t, err)
	defer f.Close()
	states := userStates()
	tiers := map[string]access.Tier{"registered": access.Registered, "controlled": access.Controlled}
	seen := map[access.Tier][]access.Action{}
	var tier access.Tier
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if strings.HasPrefix(fields[0], "#") {
			continue
		}
		if fields[0] == "users" {
			var names []string
			for _, s := range states {
				names = append(names, s.name)
			}
			require.Equal(t, names, fields[1:], "line %d: the columns are the test's user states", line)
			continue
		}
		if fields[0] == "tier" {
			var ok bool
			tier, ok = tiers[fields[1]]
			require.True(t, ok, "line %d: tier %q", line, fields[1])
			continue
		}
		action := access.Action(fields[0])
		require.True(t, action.Valid(), "line %d: unknown action %q", line, action)
		require.Len(t, fields, 1+len(states), "line %d", line)
		seen[tier] = append(seen[tier], action)
		for i, st := range states {
			cell := fields[1+i]
			require.Len(t, cell, len(roles), "line %d: cell %q", line, cell)
			for j, role := range roles {
				d := access.Decide(access.Request{
					User: st.user, Records: st.records, Role: role, WorkspaceTier: tier,
					Action: action, Step: access.EthicsTraining, Participant: true, Now: now, Policy: policy,
				})
				assert.Equalf(t, string(cell[j]), string(outcome(t, d)),
					"line %d: %s tier, %s by %s with role %s: %v", line, tier, action, st.name, role, d)
			}
		}
	}
	require.NoError(t, sc.Err())
	for _, tier := range []access.Tier{access.Registered, access.Controlled} {
		assert.ElementsMatch(t, access.Actions(), seen[tier], "every action once in the %s section", tier)
	}
}

func TestDecideReasons(t *testing.T) {
	states := map[string]userState{}
	for _, s := range userStates() {
		states[s.name] = s
	}
	tests := []struct {
		name   string
		user   string
		action access.Action
		role   access.Role
		tier   access.Tier
		want   []string
	}{
		{"missing training", "notrain", access.CohortCount, access.Reader, access.Registered,
			[]string{"registered tier needs", "ethics training (not completed)"}},
		{"expired training", "trainexp", access.CohortCount, access.Reader, access.Registered,
			[]string{"ethics training (expired on 2026-04-27)"}},
		{"expired conduct", "condexp", access.ListWorkspaces, access.None, access.Registered,
			[]string{"code of conduct (expired on 2026-05-31)"}},
		{"old conduct", "condold", access.CohortCount, access.Owner, access.Registered,
			[]string{`code of conduct (signed version "1", current is "2")`}},
		{"no approval", "noappr", access.CreateWorkspace, access.None, access.Registered,
			[]string{"administrator approval (not completed)"}},
		{"admin without steps", "admin0", access.CohortParticipants, access.Owner, access.Registered,
			[]string{"profile (not completed)", "ethics training", "code of conduct", "administrator approval"}},
		{"role too low", "approved", access.CreateCohort, access.Reader, access.Registered,
			[]string{"cohort.create needs role WRITER, have READER"}},
		{"owner only", "approved", access.ShareWorkspace, access.Writer, access.Registered,
			[]string{"workspace.share needs role OWNER, have WRITER"}},
		{"controlled", "approved", access.CohortCount, access.Owner, access.Controlled,
			[]string{"controlled tier needs controlled tier grant (not completed)"}},
		{"not an admin", "approved", access.ReadAuditLog, access.None, access.Registered,
			[]string{"admin.audit_log is for administrators"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := states[tc.user]
			d := access.Decide(access.Request{User: s.user, Records: s.records, Role: tc.role,
				WorkspaceTier: tc.tier, Action: tc.action, Now: now, Policy: policy})
			require.False(t, d.Allowed)
			require.ErrorIs(t, d.Reason, access.ErrForbidden)
			for _, w := range tc.want {
				assert.Contains(t, d.Reason.Error(), w)
			}
		})
	}
}

func TestDecideCompleteStep(t *testing.T) {
	u := user("u")
	for _, step := range access.Requirements() {
		d := access.Decide(access.Request{User: u, Action: access.CompleteStep, Step: step, Now: now})
		if step == access.Approval || step == access.ControlledTier {
			require.ErrorIs(t, d.Reason, access.ErrForbidden, "%s", step)
			assert.Contains(t, d.Reason.Error(), "not a step users complete themselves")
		} else {
			assert.True(t, d.Allowed, "%s: %v", step, d)
		}
	}
	for _, step := range []access.Requirement{"", "bogus", "PROFILE"} {
		d := access.Decide(access.Request{User: u, Action: access.CompleteStep, Step: step, Now: now})
		assert.ErrorIs(t, d.Reason, access.ErrNotFound, "no step %q", step)
	}
}

func TestDecideUnknownAction(t *testing.T) {
	admin := user("admin")
	admin.Admin = true
	for _, a := range []access.Action{"", "cohort.drop", "PUBLIC.BROWSE"} {
		d := access.Decide(access.Request{User: admin, Records: registered("admin"), Role: access.Owner, Action: a, Now: now})
		require.ErrorIs(t, d.Reason, access.ErrForbidden, "%q", a)
		assert.False(t, a.Valid())
	}
}

// Out-of-range roles and tiers, which only a bug could pass, are refused.
func TestDecideOutOfRange(t *testing.T) {
	admin := user("admin")
	admin.Admin = true
	recs := append(registered("admin"), record("admin", access.ControlledTier, day))
	d := access.Decide(access.Request{User: admin, Records: recs, Role: access.Role(9), Action: access.DeleteWorkspace, Now: now, Policy: policy})
	assert.Equal(t, access.ErrNotFound, d.Reason)
	d = access.Decide(access.Request{User: admin, Records: recs, Role: access.Owner, WorkspaceTier: access.Tier(3),
		Action: access.DeleteWorkspace, Now: now, Policy: policy})
	assert.ErrorIs(t, d.Reason, access.ErrForbidden)
	d = access.Decide(access.Request{User: admin, Records: recs, Role: access.Owner, WorkspaceTier: access.Controlled,
		Action: access.DeleteWorkspace, Now: now, Policy: policy})
	assert.True(t, d.Allowed, "%v", d)
}

// Records are matched to the user by id: another user's records give
// nothing, whatever the store passes by mistake.
func TestDecideOtherUsersRecords(t *testing.T) {
	d := access.Decide(access.Request{User: user("mallory"), Records: registered("alice"),
		Role: access.Owner, Action: access.CohortParticipants, Now: now, Policy: policy})
	require.ErrorIs(t, d.Reason, access.ErrForbidden)
}

// The decision for a workspace the user has no role in is the same error
// value whatever the user's tier, so no answer reveals that it exists.
func TestDecideNoRoleLooksAbsent(t *testing.T) {
	for _, s := range userStates()[1:] {
		if s.user.Disabled {
			continue
		}
		for _, a := range access.Actions() {
			if !a.Workspace() {
				continue
			}
			d := access.Decide(access.Request{User: s.user, Records: s.records, Action: a, Now: now, Policy: policy})
			assert.Equal(t, access.ErrNotFound, d.Reason, "%s %s", s.name, a)
		}
	}
}

func TestActions(t *testing.T) {
	var rows []access.Action
	for _, a := range access.Actions() {
		require.True(t, a.Valid())
		if a.RowLevel() {
			rows = append(rows, a)
		}
		if a.Workspace() {
			assert.GreaterOrEqual(t, a.Role(), access.Reader, "%s", a)
		} else {
			assert.Equal(t, access.None, a.Role(), "%s", a)
		}
	}
	assert.ElementsMatch(t, []access.Action{access.CohortParticipants, access.ViewReview, access.ViewParticipant,
		access.PreviewDataset, access.ExportDataset}, rows)
	assert.True(t, access.BrowsePublic.Public())
	assert.False(t, access.CohortCount.Public())
}

func TestAudit(t *testing.T) {
	u := user("alice")
	req := access.Request{User: u, Action: access.CohortParticipants, Role: access.None, Now: now}
	rec := access.Audit(req, access.Decide(req))
	assert.Equal(t, access.AuditRecord{Time: now, UserID: "alice", Action: access.CohortParticipants,
		Reason: "access: not found"}, rec)
	rec = access.Audit(access.Request{Action: access.BrowsePublic, Now: now}, access.Decision{Allowed: true})
	assert.Equal(t, access.AuditRecord{Time: now, Action: access.BrowsePublic, Allowed: true}, rec)
}

// TestDecideParticipant: one person's data is read through a review only
// for a participant of it; anyone else looks absent.
func TestDecideParticipant(t *testing.T) {
	u := user("u")
	req := access.Request{User: u, Records: registered("u"), Role: access.Reader, Action: access.ViewParticipant, Participant: true, Now: now, Policy: policy}
	assert.True(t, access.Decide(req).Allowed)
	req.Participant = false
	assert.ErrorIs(t, access.Decide(req).Reason, access.ErrNotFound)
	req.Role = access.None
	assert.ErrorIs(t, access.Decide(req).Reason, access.ErrNotFound, "no role: absent whatever the person")
}
