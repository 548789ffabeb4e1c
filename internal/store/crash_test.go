package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench"
	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/testkit"
)

// crashEnv names the data directory of the child process of TestCrash.
const crashEnv = "STORE_TEST_CRASH_DIR"

// TestCrash kills (SIGKILL) a process in the middle of a stream of
// writes, and checks that every write it acknowledged is in the reopened
// store, which stays usable. The child is this test binary run again, as
// os/exec's tests do.
func TestCrash(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	// Each line is an id whose write was committed before it was printed.
	var workspace string
	var cohorts, audits, copies []string
	lines := bufio.NewScanner(stdout)
	// Any moment will do; vary it so that runs kill in different writes.
	killAfter := 250 + rand.IntN(50)
	killed := false
	for lines.Scan() {
		kind, id, _ := strings.Cut(lines.Text(), " ")
		switch kind {
		case "w":
			workspace = id
		case "c":
			cohorts = append(cohorts, id)
		case "a":
			audits = append(audits, id)
		case "d":
			copies = append(copies, id)
		}
		if !killed && len(cohorts) == killAfter {
			require.NoError(t, cmd.Process.Kill())
			killed = true
		}
	}
	require.NoError(t, lines.Err())
	err = cmd.Wait()
	require.True(t, killed, "the child stopped by itself: %v", err)
	require.Error(t, err, "killed")
	require.NotEmpty(t, workspace)
	t.Logf("killed after %d cohorts; acknowledged %d cohorts, %d audit records and %d copies", killAfter, len(cohorts), len(audits), len(copies))

	ctx := context.Background()
	s := openAt(t, dir, &clock{now: t0})
	list, err := s.ListCohorts(ctx, workspace)
	require.NoError(t, err)
	have := map[string]bool{}
	for _, c := range list {
		have[c.ID] = true
		var def map[string]any
		require.NoError(t, json.Unmarshal(c.Definition, &def), "cohort %s is readable", c.ID)
	}
	for _, id := range cohorts {
		assert.True(t, have[id], "acknowledged cohort %s lost", id)
	}
	log, err := s.QueryAudit(ctx, AuditQuery{})
	require.NoError(t, err)
	logged := map[string]bool{}
	for _, r := range log {
		logged[r.Object] = true
	}
	for _, id := range audits {
		assert.True(t, logged[id], "acknowledged audit record %s lost", id)
	}

	// Every copy of the workspace is whole: as many cohorts as the source
	// had when it was copied (its description then), whether or not the
	// copy was acknowledged.
	u, err := s.UserByEmail(ctx, "crash@example.org")
	require.NoError(t, err)
	ws, err := s.ListWorkspaces(ctx, u.ID)
	require.NoError(t, err)
	found := map[string]bool{}
	for _, m := range ws {
		found[m.ID] = true
		if m.ID == workspace {
			continue
		}
		copied, err := s.ListCohorts(ctx, m.ID)
		require.NoError(t, err)
		assert.Equal(t, m.Description, fmt.Sprint(len(copied)), "copy %s is partial", m.ID)
	}
	for _, id := range copies {
		assert.True(t, found[id], "acknowledged copy %s lost", id)
	}

	// The store takes writes again.
	_, err = s.CreateCohort(ctx, u.ID, workbench.Cohort{WorkspaceID: workspace, Name: "after the crash", Definition: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.NoError(t, s.Close())
}

// crashChild writes cohorts and audit records until it is killed, printing
// each id once its write returned, checkpointing now and then and copying
// the workspace, so that the kill may come during a checkpoint or a large
// transaction too.
func crashChild(dir string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(3)
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		fail(err)
	}
	u, err := s.AddUser(ctx, access.User{Email: "crash@example.org"})
	if err != nil {
		fail(err)
	}
	w, err := s.CreateWorkspace(ctx, u.ID, workbench.Workspace{ResearchPurpose: testkit.Purpose(), Name: "crash"})
	if err != nil {
		fail(err)
	}
	fmt.Println("w", w.ID)
	def := json.RawMessage(fmt.Sprintf(`{"padding": %q}`, strings.Repeat("x", 4000)))
	deadline := time.Now().Add(time.Minute) // in case the parent never kills
	for i := 0; time.Now().Before(deadline); i++ {
		c, err := s.CreateCohort(ctx, u.ID, workbench.Cohort{WorkspaceID: w.ID, Name: fmt.Sprint("cohort ", i), Definition: def})
		if err != nil {
			fail(err)
		}
		fmt.Println("c", c.ID)
		obj := fmt.Sprint("object-", i)
		if err := s.AppendAudit(ctx, access.AuditRecord{Time: time.Now(), UserID: u.ID, Action: access.CreateCohort, Workspace: w.ID, Object: obj, Allowed: true}); err != nil {
			fail(err)
		}
		fmt.Println("a", obj)
		if i%40 == 39 {
			if _, err := s.db.ExecContext(ctx, "CHECKPOINT"); err != nil {
				fail(err)
			}
		}
		if i%25 == 24 {
			// A large transaction: the copy holds every cohort so far, as
			// many as the description says.
			w.Description = fmt.Sprint(i + 1)
			if w, err = s.UpdateWorkspace(ctx, u.ID, w); err != nil {
				fail(err)
			}
			copied, err := s.DuplicateWorkspace(ctx, u.ID, w.ID, fmt.Sprint("copy ", i))
			if err != nil {
				fail(err)
			}
			fmt.Println("d", copied.ID)
		}
	}
	os.Exit(4)
}

// lockEnv names the data directory a child of TestOpenInOtherProcess
// tries to open.
const lockEnv = "STORE_TEST_LOCK_DIR"

// TestOpenInOtherProcess: one process owns the file; another one's Open
// fails and says so.
func TestOpenInOtherProcess(t *testing.T) {
	if dir := os.Getenv(lockEnv); dir != "" {
		_, err := Open(context.Background(), dir, Options{})
		fmt.Println(err)
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	dir := t.TempDir()
	openAt(t, dir, &clock{now: t0})
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenInOtherProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockEnv+"="+dir)
	out, err := cmd.Output()
	require.NoError(t, err)
	assert.Contains(t, string(out), "store: ")
	assert.Contains(t, string(out), "lock")
	t.Log(string(out))
}
