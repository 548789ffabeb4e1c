package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
)

// startDemo runs 'workbench demo' on the data directory, on a free port,
// until the test calls stop, which returns its exit status. It returns
// once the demo serves, with its URL and output.
func startDemo(t *testing.T, data string) (url string, stdout *testkit.SyncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &testkit.SyncBuffer{}
	var stderr testkit.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data", data, "--addr", "127.0.0.1:0"}, stdout, &stderr)
	}()
	urlRE := regexp.MustCompile(`serving .* on (http://127\.0\.0\.1:\d+)`)
	require.Eventually(t, func() bool {
		// The last line the demo prints once it serves.
		if m := urlRE.FindStringSubmatch(stdout.String()); m != nil && strings.Contains(stdout.String(), "the workspace's notebooks in Jupyter") {
			url = m[1]
			return true
		}
		select {
		case code := <-done:
			done <- code
			return true
		default:
			return false
		}
	}, 5*time.Minute, 50*time.Millisecond)
	require.NotEmpty(t, url, "the demo stopped before serving\nstdout: %s\nstderr: %s", stdout.String(), stderr.String())
	stopped := false
	stop = func() int {
		if !stopped {
			stopped = true
			cancel()
		}
		code := <-done
		done <- code
		return code
	}
	t.Cleanup(func() { stop() })
	return url, stdout, stop
}

// call sends a request with the bearer token (none when empty), decodes
// a JSON answer into out when not nil, and returns the status.
func call(t *testing.T, method, url, token string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	if out != nil && res.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(res.Body).Decode(out))
	}
	return res.StatusCode
}

func readDemoTokens(t *testing.T, path string) demoTokens {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var toks demoTokens
	require.NoError(t, json.Unmarshal(b, &toks))
	return toks
}

// demoPaths finds, as the researcher, the demo workspace and its example
// cohort, and returns their URL paths.
func demoPaths(t *testing.T, url, token string) (workspace, cohort string) {
	t.Helper()
	var wss []workbench.Membership
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+"/v1/workspaces", token, &wss))
	require.Len(t, wss, 1, "one demo workspace, also after a second run")
	assert.Equal(t, demoWorkspace, wss[0].Name)
	var cohorts []workbench.Cohort
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+"/v1/workspaces/"+wss[0].ID+"/cohorts", token, &cohorts))
	require.Len(t, cohorts, 1)
	assert.Equal(t, demoCondition, cohorts[0].Name)
	workspace = "/v1/workspaces/" + wss[0].ID
	return workspace, workspace + "/cohorts/" + cohorts[0].ID
}

// demoTruth is what the example cohort and dataset must hold, found apart
// from the cohort compiler and the dataset builder: the persons with the
// demo condition or a descendant, from the index's concept counts, and
// their condition rows of those concepts, by plain SQL over the OMOP
// tables.
func demoTruth(t *testing.T, dir string) (persons, conditions int64) {
	t.Helper()
	ctx := context.Background()
	c, eng, err := openEngine(ctx, dir, cdr.Options{})
	require.NoError(t, err)
	defer c.Close()
	concept, err := demoConcept(ctx, eng)
	require.NoError(t, err)
	require.NoError(t, c.DB().QueryRowContext(ctx, `SELECT count(*) FROM condition_occurrence
		WHERE condition_concept_id = ? OR condition_concept_id IN
			(SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = ?)`,
		concept.ID, concept.ID).Scan(&conditions))
	return concept.RollupPersonCount, conditions
}

// csvRows is the number of rows of a CSV export, without its header.
func csvRows(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	rows, err := csv.NewReader(res.Body).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows, "a header")
	return len(rows) - 1
}

// TestDemo runs the README's first command on a fresh data directory:
// a served workbench whose three users get what their access allows, and
// a second run that reuses the CDR, the state and the tokens.
func TestDemo(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates a 10,000-person CDR")
	}
	data := filepath.Join(t.TempDir(), "demo")
	tokensPath := filepath.Join(data, demoTokensFile)

	url, stdout, stop := startDemo(t, data)
	out := stdout.String()
	assert.Contains(t, out, "generating a 10000-person synthetic CDR")
	assert.Contains(t, out, "10000 persons")
	assert.Contains(t, out, "PHYSICAL_MEASUREMENT")
	assert.Contains(t, out, "new tokens of the demo users (admin, researcher, pending) written to "+tokensPath)

	fi, err := os.Stat(tokensPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the tokens are secrets")
	first, err := os.ReadFile(tokensPath)
	require.NoError(t, err)
	toks := readDemoTokens(t, tokensPath)
	for name, tok := range map[string]string{"admin": toks.Admin, "researcher": toks.Researcher, "pending": toks.Pending} {
		assert.Regexp(t, "^"+store.TokenPrefix, tok, name)
	}

	wsPath, cohortPath := demoPaths(t, url, toks.Researcher)
	assert.Contains(t, out, "curl -H \"Authorization: Bearer $TOKEN\" "+url+cohortPath+"/count")
	want, conditions := demoTruth(t, filepath.Join(data, "cdr"))
	require.Greater(t, want, int64(500), "the example cohort is sizable")

	var count struct{ Count int64 }
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+cohortPath+"/count", toks.Researcher, &count))
	assert.Equal(t, want, count.Count)
	var users []struct{ User struct{ Email string } }
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+"/v1/admin/users", toks.Admin, &users))
	var emails []string
	for _, u := range users {
		emails = append(emails, u.User.Email)
	}
	assert.ElementsMatch(t, []string{demoUsers.admin.email, demoUsers.researcher.email, demoUsers.pending.email}, emails)
	var datasets []workbench.Dataset
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+wsPath+"/datasets", toks.Researcher, &datasets))
	require.Len(t, datasets, 1)
	assert.Equal(t, demoDataset, datasets[0].Name)
	export := url + wsPath + "/datasets/" + datasets[0].ID + "/export?format=csv&domain="
	assert.Equal(t, int(want), csvRows(t, export+"PERSON", toks.Researcher), "a person row per member of the cohort")
	assert.Equal(t, int(conditions), csvRows(t, export+"CONDITION", toks.Researcher), "their conditions of the concept set")
	var notebooks []struct{ Name string }
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+wsPath+"/notebooks", toks.Researcher, &notebooks))
	assert.Equal(t, []struct{ Name string }{{demoDataset}}, notebooks, "the dataset's starter notebook")
	var totals struct {
		Participants struct{ Count int64 }
	}
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+"/v1/public/totals", "", &totals))
	// The demo's release has keyed noise of at most 15 before the rounding up to 20.
	assert.Contains(t, []int64{demoPersons - 20, demoPersons, demoPersons + 20}, totals.Participants.Count)
	var manifest struct {
		Disclosure struct{ Noise string }
	}
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+"/v1/public/manifest", "", &manifest))
	assert.Equal(t, "keyed", manifest.Disclosure.Noise, "the demo's release has noise on")
	assert.Contains(t, out, "built "+releaseDir(data), "the first run builds the public release")
	assert.Contains(t, out, "keyed, at most 15", "with noise")
	res, err := http.Get(url + "/")
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, string(page), "Data Snapshots", "the public pages at /")
	link := regexp.MustCompile(`as the researcher \(\S+\), a one-time sign-in link: (\S+)`).FindStringSubmatch(out)
	require.NotNil(t, link, "the demo prints the researcher's sign-in link: %s", out)
	res, err = http.Get(link[1])
	require.NoError(t, err)
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, string(page), "Confirm and sign in")

	tests := []struct {
		name, token, path string
		status            int
	}{
		{"researcher demographics", toks.Researcher, cohortPath + "/demographics", http.StatusOK},
		{"pending reader refused by the access steps", toks.Pending, cohortPath + "/count", http.StatusForbidden},
		{"pending sees own status", toks.Pending, "/v1/me", http.StatusOK},
		{"admin without the steps sees no rows", toks.Admin, cohortPath + "/count", http.StatusNotFound},
		{"researcher is no administrator", toks.Researcher, "/v1/admin/users", http.StatusForbidden},
		{"no token", "", cohortPath + "/count", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.status, call(t, http.MethodGet, url+tt.path, tt.token, nil))
		})
	}
	require.Equal(t, exitOK, stop())

	url, stdout, stop = startDemo(t, data)
	out = stdout.String()
	assert.NotContains(t, out, "generating", "the second run reuses the CDR")
	assert.NotContains(t, out, "indexed "+data, "and its index")
	assert.NotContains(t, out, "built "+releaseDir(data), "and its public release")
	assert.Contains(t, out, "tokens of the demo users (admin, researcher, pending): "+tokensPath)
	again, err := os.ReadFile(tokensPath)
	require.NoError(t, err)
	assert.Equal(t, string(first), string(again), "and the tokens")
	wsAgain, cohortAgain := demoPaths(t, url, toks.Researcher)
	assert.Equal(t, []string{wsPath, cohortPath}, []string{wsAgain, cohortAgain}, "and the state")
	require.Equal(t, http.StatusOK, call(t, http.MethodGet, url+cohortPath+"/count", toks.Researcher, &count))
	assert.Equal(t, want, count.Count)
	require.Equal(t, exitOK, stop())

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	code, _, stderr := runCLI(t, "demo", "--data", data, "--addr", busy.Addr().String())
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "--addr chooses another address", "a busy port")
}

// TestDemoTokenExpiry checks that tokens about to expire are issued anew,
// the file rewritten, and valid ones kept.
func TestDemoTokenExpiry(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	st, err := store.Open(ctx, data, store.Options{})
	require.NoError(t, err)
	defer st.Close()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var ds demoState
	for _, u := range []struct {
		spec demoUser
		out  *access.User
	}{{demoUsers.admin, &ds.admin}, {demoUsers.researcher, &ds.researcher}, {demoUsers.pending, &ds.pending}} {
		*u.out, err = u.spec.make(ctx, st, now)
		require.NoError(t, err)
	}
	path := filepath.Join(data, demoTokensFile)

	tests := []struct {
		name    string
		now     time.Time
		change  func(t *testing.T) // before the call
		renewed bool
	}{
		{"first issue", now, nil, true},
		{"still valid", now.Add(demoTokenTTL - demoTokenMargin - time.Minute), nil, false},
		{"about to expire", now.Add(demoTokenTTL - demoTokenMargin + time.Minute), nil, true},
		{"renewed ones kept", now.Add(demoTokenTTL), nil, false},
		{"a disabled user's kept", now.Add(demoTokenTTL), func(t *testing.T) {
			require.NoError(t, st.SetDisabled(ctx, ds.pending.ID, true))
		}, false},
		{"a revoked token replaced", now.Add(demoTokenTTL), func(t *testing.T) {
			require.NoError(t, st.SetDisabled(ctx, ds.pending.ID, false))
			toks, err := st.ListTokens(ctx, ds.admin.ID)
			require.NoError(t, err)
			for _, tok := range toks {
				require.NoError(t, st.RevokeToken(ctx, tok.ID, now))
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.change != nil {
				tt.change(t)
			}
			before, _ := os.ReadFile(path)
			renewed, err := demoTokenFile(ctx, st, path, ds, tt.now)
			require.NoError(t, err)
			assert.Equal(t, tt.renewed, renewed)
			after := readDemoTokens(t, path)
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, !tt.renewed, string(before) == string(raw))
			for tok, user := range map[string]string{after.Admin: ds.admin.ID, after.Researcher: ds.researcher.ID, after.Pending: ds.pending.ID} {
				u, err := st.Authenticate(ctx, tok, tt.now)
				require.NoError(t, err)
				assert.Equal(t, user, u.ID)
			}
		})
	}
}

// TestDemoSteps checks the access the demo users get: the researcher is
// registered, the pending user and the administrator are not.
func TestDemoSteps(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	require.NoError(t, err)
	defer st.Close()
	now := time.Now()
	tests := []struct {
		name string
		user demoUser
		tier access.Tier
	}{
		{"admin", demoUsers.admin, access.Public},
		{"researcher", demoUsers.researcher, access.Registered},
		{"pending", demoUsers.pending, access.Public},
	}
	var policy access.Policy
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.user.make(ctx, st, now)
			require.NoError(t, err)
			again, err := tt.user.make(ctx, st, now)
			require.NoError(t, err)
			assert.Equal(t, u.ID, again.ID, "a second run finds the user")
			recs, err := st.Records(ctx, u.ID)
			require.NoError(t, err)
			assert.Len(t, recs, len(tt.user.steps), "a second run records nothing new")
			assert.Equal(t, tt.tier, policy.Status(&u, recs, now).Tier)
			assert.Equal(t, tt.user.admin, u.Admin)
		})
	}
	t.Run("a year later", func(t *testing.T) {
		later := now.Add(400 * 24 * time.Hour)
		u, err := demoUsers.researcher.make(ctx, st, later)
		require.NoError(t, err)
		recs, err := st.Records(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, access.Registered, policy.Status(&u, recs, later).Tier, "expired steps are recorded again")
	})
}

func TestDemoUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"timeout not positive", []string{"--timeout", "0s"}, "demo: --timeout 0s: want a positive duration"},
		{"export timeout not positive", []string{"--export-timeout", "-1s"}, "demo: --export-timeout -1s: want a positive duration"},
		{"an argument", []string{"extra"}, "demo: want 0 argument(s), got 1"},
		{"unknown flag", []string{"--cdr", "x"}, "flag provided but not defined: -cdr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"demo", "--data", t.TempDir()}, tt.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}
