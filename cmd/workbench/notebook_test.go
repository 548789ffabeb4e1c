package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeJupyter makes lookPath find only the programs names, scripts that
// write their name, folder, the workbench environment and their arguments
// to a file, and returns that file.
func fakeJupyter(t *testing.T, names ...string) string {
	t.Helper()
	bin := t.TempDir()
	out := filepath.Join(bin, "ran")
	for _, name := range names {
		script := "#!/bin/sh\nprintf '%s\\n' " + name + " \"$PWD\" \"$WORKBENCH_URL\" \"$WORKBENCH_TOKEN\" \"$WORKBENCH_WORKSPACE\" \"$*\" > " + out + "\n"
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755))
	}
	saved := jupyter
	t.Cleanup(func() { jupyter = saved })
	jupyter.euid = func() int { return 1000 }
	jupyter.lookPath = func(file string) (string, error) {
		if slices.Contains(names, file) {
			return filepath.Join(bin, file), nil
		}
		return "", exec.ErrNotFound
	}
	return out
}

func TestNotebookCommand(t *testing.T) {
	// No server listens on port 1: the command warns and starts Jupyter.
	const url = "http://127.0.0.1:1"
	tests := []struct {
		name     string
		programs []string
		token    []string
		// demo is the content of the data directory's demo token file.
		demo      string
		wantToken string
		root      bool
		wantArgs  string
	}{
		{"jupyter-notebook with --token", []string{"jupyter-notebook"}, []string{"--token", "wb_flag"}, "", "wb_flag", false, ""},
		{"only jupyter-lab", []string{"jupyter-lab"}, []string{"--token", "wb_flag"}, "", "wb_flag", false, ""},
		{"both: jupyter-notebook first", []string{"jupyter-lab", "jupyter-notebook"}, []string{"--token", "wb_flag"}, "", "wb_flag", false, ""},
		{"token of the demo researcher", []string{"jupyter-notebook"}, nil, `{"admin": "wb_a", "researcher": "wb_r", "pending": "wb_p"}`, "wb_r", false, ""},
		{"port, no browser and arguments after --, as root", []string{"jupyter-lab"},
			[]string{"--token", "wb_flag", "--port", "8899", "--no-browser", "--", "--ServerApp.ip=127.0.0.1", "--debug"}, "", "wb_flag", true,
			"--port=8899 --no-browser --allow-root --ServerApp.ip=127.0.0.1 --debug"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("WORKBENCH_TOKEN", "")
			ran := fakeJupyter(t, tc.programs...)
			if tc.root {
				jupyter.euid = func() int { return 0 }
			}
			data := t.TempDir()
			if tc.demo != "" {
				require.NoError(t, os.WriteFile(filepath.Join(data, demoTokensFile), []byte(tc.demo), 0o600))
			}
			args := append([]string{"notebook", "--workspace", "w_ABC", "--data", data, "--url", url}, tc.token...)
			code, _, stderr := runCLI(t, args...)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stderr, "warning: no workbench answers at "+url)
			b, err := os.ReadFile(ran)
			require.NoError(t, err, "the program did not run")
			dir, err := filepath.EvalSymlinks(filepath.Join(data, "notebooks", "w_ABC"))
			require.NoError(t, err)
			wantProgram := "jupyter-notebook"
			if !slices.Contains(tc.programs, wantProgram) {
				wantProgram = "jupyter-lab"
			}
			assert.Equal(t, []string{wantProgram, dir, url, tc.wantToken, "w_ABC", tc.wantArgs}, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"))
		})
	}
}

func TestNotebookCommandErrors(t *testing.T) {
	t.Setenv("WORKBENCH_TOKEN", "")
	data := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no workspace", []string{"--data", data, "--token", "t"}, exitUsage, "--workspace and --data are required"},
		{"no data", []string{"--workspace", "w", "--token", "t"}, exitUsage, "--workspace and --data are required"},
		{"workspace outside the folder", []string{"--workspace", "../w", "--data", data, "--token", "t"}, exitUsage, `"../w"`},
		{"bad url", []string{"--workspace", "w", "--data", data, "--token", "t", "--url", "localhost:8080"}, exitUsage, "--url"},
		{"no token", []string{"--workspace", "w", "--data", data}, exitUsage, "no token"},
		{"bad port", []string{"--workspace", "w", "--data", data, "--token", "t", "--port", "70000"}, exitUsage, "--port 70000"},
		{"not installed", []string{"--workspace", "w", "--data", data, "--token", "t"}, exitFailed,
			"apt-get install jupyter-notebook python3-pandas python3-requests"},
	}
	saved := jupyter
	t.Cleanup(func() { jupyter = saved })
	jupyter.lookPath = func(string) (string, error) { return "", exec.ErrNotFound }
	jupyter.run = func(*exec.Cmd) error { return errors.New("must not run") }
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"notebook"}, tc.args...)...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
	assert.NoDirExists(t, filepath.Join(data, "notebooks"), "nothing is made before Jupyter is found")
}
