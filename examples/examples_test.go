// Package examples_test builds the example programs and the workbench
// command, and runs them, and the example notebook, against the GiBleed
// test CDR and a live server on 127.0.0.1:0.
package examples_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/testcache"
	"github.com/openworkbench/workbench/internal/testcdr"
	"github.com/openworkbench/workbench/internal/testkit"
)

// programs are the paths of the built programs by name, and builtErr why
// they could not be built.
var (
	buildOnce sync.Once
	programs  = map[string]string{}
	builtErr  error
)

// program returns the path of the built program name (workbench, library,
// client), building them all on first use with the go command, which
// links one again only after a change (testcache.Programs). The client is
// built without cgo, as a notebook user without a C compiler would.
func program(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and links the programs")
	}
	buildOnce.Do(func() {
		for _, b := range []struct {
			env        []string
			names, pkg []string
		}{
			{nil, []string{"workbench", "library"}, []string{"./cmd/workbench", "./examples/library"}},
			{[]string{"CGO_ENABLED=0"}, []string{"client"}, []string{"./examples/client"}},
		} {
			dir, err := testcache.Programs(b.env, b.pkg...)
			if err != nil {
				builtErr = err
				return
			}
			for _, n := range b.names {
				programs[n] = filepath.Join(dir, n)
			}
		}
	})
	require.NoError(t, builtErr)
	return programs[name]
}

// runProgram runs a built program with env added to the environment and
// returns its exit status and output.
func runProgram(t *testing.T, env []string, name string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(program(t, name), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if exit := (*exec.ExitError)(nil); err != nil && !errors.As(err, &exit) {
		require.NoError(t, err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

func TestLibrary(t *testing.T) {
	dir := testcdr.GiBleed(t)
	// Counts from shared/data/eunomia-gibleed/GROUND_TRUTH.md.
	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string // regular expressions the output must match
	}{
		{"wrist fracture", []string{"--cdr", dir, "--condition", "4134304"}, 0,
			[]string{`cohort: Fracture subluxation of wrist \(4134304\) or a descendant\n`, `\ncount: 442\n`, `\n +all +442 `}},
		{"osteoporotic fracture", []string{"--cdr", dir, "--condition", "40480160"}, 0,
			[]string{`\ncount: 56\n`, `\n +all +56 `}},
		{"every age at the event", []string{"--cdr", dir, "--condition", "4134304", "--min-age", "0"}, 0,
			[]string{`, at age 0 or older\ncount: 442\n`}},
		{"no CDR", []string{"--condition", "4134304"}, 1, []string{`--cdr and --condition are required`}},
		{"unknown concept", []string{"--cdr", dir, "--condition", "1"}, 1, []string{`not found: concept 1\n`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runProgram(t, nil, "library", tt.args...)
			require.Equal(t, tt.code, code, "stderr: %s", stderr)
			for _, w := range tt.wants {
				assert.Regexp(t, w, stdout+stderr)
			}
		})
	}
}

func TestClient(t *testing.T) {
	s := startServer(t)
	env := []string{"WORKBENCH_URL=" + s.url, "WORKBENCH_TOKEN=" + s.token, "WORKBENCH_WORKSPACE=" + s.workspace}
	// Counts from GiBleed (GROUND_TRUTH.md); the public total is 2694 rounded up to a multiple of 20.
	saved := []string{`workspace: Examples \(` + s.workspace + `\)\n`, `\ncount: 442\n`,
		`\nsaved as "Wrist \(client\)" \(c_\w+\): 442 persons\n  FEMALE: 243\n  MALE: 199\n`, `\npublic participants: 2700\n`}
	tests := []struct {
		name  string
		env   []string
		code  int
		wants []string // regular expressions the output must match
	}{
		{"count, save, break down", env, 0, saved},
		{"the saved cohort is reused", env, 0, saved},
		{"unknown token", append(env, "WORKBENCH_TOKEN=wb_unknown"), 1, []string{`401`, `does not know WORKBENCH_TOKEN`}},
		{"no workspace", append(env, "WORKBENCH_WORKSPACE="), 1, []string{`WORKBENCH_WORKSPACE is not set`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runProgram(t, tt.env, "client", "--condition", "4134304", "--name", "Wrist (client)")
			require.Equal(t, tt.code, code, "stderr: %s", stderr)
			for _, w := range tt.wants {
				assert.Regexp(t, w, stdout+stderr)
			}
		})
	}
	var cohorts []struct{ Name string }
	s.get(t, "/v1/workspaces/"+s.workspace+"/cohorts", &cohorts)
	assert.ElementsMatch(t, []struct{ Name string }{{"Wrist fracture"}, {"Wrist (client)"}}, cohorts, "saved once")
}

// TestClientNeedsNoCgo builds the client as a notebook user without a C
// compiler would: with CGO_ENABLED=0 (program does, and TestClient runs
// that build).
func TestClientNeedsNoCgo(t *testing.T) {
	require.FileExists(t, program(t, "client"))
}

// server is a live 'workbench serve' over GiBleed with an approved
// researcher who owns a workspace holding the wrist fracture cohort, and a
// dataset of its persons and their wrist fractures.
type server struct {
	url, token, workspace, cohort string
}

// startServer makes the researcher with the workbench command as an
// administrator would, serves, and saves the workspace, cohort, concept
// set and dataset over HTTP as the researcher would. The server stops when
// the test ends.
func startServer(t *testing.T) server {
	t.Helper()
	wb := program(t, "workbench")
	gibleed := testcdr.GiBleed(t)
	data := t.TempDir()
	const email = "researcher@workbench.test"
	var token string
	for _, args := range [][]string{
		{"user", "add", "--email", email, "--name", "Example Researcher"},
		{"user", "complete", "--email", email, "--step", "profile"},
		{"user", "complete", "--email", email, "--step", "ethics_training"},
		{"user", "complete", "--email", email, "--step", "code_of_conduct"},
		{"user", "approve", "--email", email},
		{"user", "token", "--email", email},
	} {
		code, stdout, stderr := runProgram(t, nil, "workbench", append(args, "--data", data)...)
		require.Equal(t, 0, code, "%v: %s", args, stderr)
		token = strings.TrimSpace(stdout)
	}

	cmd := exec.Command(wb, "serve", "--data", data, "--cdr", gibleed, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		assert.NoError(t, cmd.Wait(), "serve ends cleanly on SIGINT: %s", stderr.String())
	})
	lines := bufio.NewScanner(out)
	urlRE := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)$`)
	s := server{token: token}
	for s.url == "" && lines.Scan() {
		if m := urlRE.FindStringSubmatch(lines.Text()); m != nil {
			s.url = m[1]
		}
	}
	require.NotEmpty(t, s.url, "serve printed no URL: %s", stderr.String())
	go io.Copy(io.Discard, out)

	var ws struct{ ID string }
	s.post(t, "/v1/workspaces", `{"name": "Examples", "research_purpose": `+testkit.PurposeJSON+`}`, &ws)
	def, err := os.ReadFile(filepath.Join(testcdr.Root, "cohort", "testdata", "examples", "wrist_fracture.json"))
	require.NoError(t, err)
	var c struct{ ID string }
	s.post(t, "/v1/workspaces/"+ws.ID+"/cohorts", `{"name": "Wrist fracture", "definition": `+string(def)+`}`, &c)
	s.workspace, s.cohort = ws.ID, c.ID
	var cs struct{ ID string }
	s.post(t, "/v1/workspaces/"+ws.ID+"/concept-sets",
		`{"name": "Wrist fracture", "definition": {"items": [{"concept_id": 4134304, "include_descendants": true}]}}`, &cs)
	var ds struct{ ID string }
	s.post(t, "/v1/workspaces/"+ws.ID+"/datasets", `{"name": "Wrist fractures", "cohort_ids": ["`+c.ID+`"],
		"concept_set_ids": ["`+cs.ID+`"], "columns": {"PERSON": ["person_id", "year_of_birth", "gender_concept_name"],
		"CONDITION": ["person_id", "condition_concept_name", "condition_start_date"]}}`, &ds)
	return s
}

// post sends a JSON body as the researcher and decodes the answer, which
// must be 201 Created.
func (s server) post(t *testing.T, path, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, res.StatusCode, "POST %s: %s", path, b)
	require.NoError(t, json.Unmarshal(b, out))
}

// get sends a GET as the researcher and decodes the answer, which must be
// 200 OK.
func (s server) get(t *testing.T, path string, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, "GET %s: %s", path, b)
	require.NoError(t, json.Unmarshal(b, out))
}

// cellOutputs is what the executed notebook printed and displayed.
type cellOutputs struct {
	text  string   // every stream output, in order
	kinds []string // the MIME types of rich outputs, in order
}

// executeNotebook runs the notebook with nbconvert in the environment
// env and returns its outputs.
func executeNotebook(t *testing.T, py, path string, env ...string) cellOutputs {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(py, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.timeout=600", "--output-dir", dir, "--output", "executed.ipynb", path)
	// The kernel's debugger warns about frozen modules on stderr otherwise.
	cmd.Env = append(os.Environ(), append(env, "PYDEVD_DISABLE_FILE_VALIDATION=1")...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "nbconvert: %s", out)
	b, err := os.ReadFile(filepath.Join(dir, "executed.ipynb"))
	require.NoError(t, err)
	var nb struct {
		Cells []struct {
			Outputs []struct {
				OutputType string                     `json:"output_type"`
				Text       json.RawMessage            `json:"text"`
				Data       map[string]json.RawMessage `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	require.NoError(t, json.Unmarshal(b, &nb))
	var res cellOutputs
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.OutputType == "stream" {
				res.text += multiline(t, o.Text)
			}
			for kind := range o.Data {
				res.kinds = append(res.kinds, kind)
			}
		}
	}
	return res
}

// multiline reads nbformat's multiline string: a string or a list of them.
func multiline(t *testing.T, raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []string
	require.NoError(t, json.Unmarshal(raw, &parts))
	return strings.Join(parts, "")
}

func TestNotebook(t *testing.T) {
	py := testkit.Python(t, "nbconvert", "ipykernel", "pandas", "requests", "matplotlib")
	s := startServer(t)
	var count struct{ Count int64 }
	s.get(t, "/v1/workspaces/"+s.workspace+"/cohorts/"+s.cohort+"/count", &count)
	require.Equal(t, int64(442), count.Count)

	out := executeNotebook(t, py, filepath.Join(testcdr.Root, "examples", "notebooks", "cohort_analysis.ipynb"),
		"WORKBENCH_URL="+s.url, "WORKBENCH_TOKEN="+s.token, "WORKBENCH_WORKSPACE="+s.workspace)
	assert.Contains(t, out.text, "cohort: Wrist fracture\n")
	assert.Contains(t, out.text, fmt.Sprintf("count: %d\n", count.Count), "the server's count")
	assert.Contains(t, out.text, fmt.Sprintf("by sex at birth: %d\n", count.Count), "the breakdown adds up")
	assert.Contains(t, out.kinds, "image/png", "the demographics chart")
	assert.Contains(t, out.kinds, "text/html", "the demographics table")
	// GROUND_TRUTH.md: 442 persons with 493 condition rows of 4134304 or a descendant.
	assert.Contains(t, out.text, "dataset: Wrist fractures\n")
	assert.Contains(t, out.text, fmt.Sprintf("person rows: %d\n", count.Count), "a row per member of the cohort")
	assert.Contains(t, out.text, "condition rows: 493\n")
}
