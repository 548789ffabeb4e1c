package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/openworkbench/workbench/notebook"
	"github.com/openworkbench/workbench/server"
)

// jupyters are the programs that serve notebooks, in the order tried.
var jupyters = []string{"jupyter-notebook", "jupyter-lab"}

// installJupyter says how to get Jupyter with what generated code needs.
const installJupyter = `Jupyter is not installed: found none of jupyter-notebook, jupyter-lab on PATH. Install it with
  apt-get install jupyter-notebook python3-pandas python3-requests    (Debian, Ubuntu)
or
  pip install notebook pandas requests`

// jupyterRunner finds and runs Jupyter; tests replace it.
type jupyterRunner struct {
	lookPath func(file string) (string, error)
	run      func(cmd *exec.Cmd) error
	euid     func() int
}

var jupyter = jupyterRunner{lookPath: exec.LookPath, run: (*exec.Cmd).Run, euid: os.Geteuid}

// splitArgs splits a command's arguments at the first "--": the command's
// own before it, those passed on to another program after it.
func splitArgs(args []string) (own, passed []string) {
	if i := slices.Index(args, "--"); i >= 0 {
		return args[:i], args[i+1:]
	}
	return args, nil
}

func runNotebook(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "notebook", "notebook --workspace W --data DIR [--url URL] [--token T] [--port P] [--no-browser] [-- JUPYTER ARGS...]\n\n"+
		"Starts Jupyter (jupyter-notebook, else jupyter-lab) on the workspace's notebooks,\n"+
		"DIR/notebooks/W, the folder where the server keeps them, with WORKBENCH_URL,\n"+
		"WORKBENCH_TOKEN and WORKBENCH_WORKSPACE set for the notebook client and generated code.\n"+
		"The token is --token, else $WORKBENCH_TOKEN, else the demo researcher's of DIR/"+demoTokensFile+".\n"+
		"Arguments after -- go to Jupyter as they are. Run as root, Jupyter is given --allow-root.")
	ws := fs.String("workspace", "", "id of the workspace (required)")
	data := fs.String("data", "", "data directory of the server (required)")
	url := fs.String("url", "http://"+server.DefaultAddr, "address of the workbench server")
	token := fs.String("token", "", "bearer token")
	port := fs.Int("port", 0, "port of Jupyter (0: Jupyter's own choice)")
	noBrowser := fs.Bool("no-browser", false, "do not open a browser")
	args, passed := splitArgs(args)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *port < 0 || *port > 65535 {
		return usagef("notebook: --port %d: want 0 to 65535", *port)
	}
	if *ws == "" || *data == "" {
		return usagef("notebook: --workspace and --data are required")
	}
	if _, err := notebook.New(*url, ""); err != nil {
		return usagef("notebook: --url: %v", err)
	}
	dir, err := notebook.Files{Root: notebookDir(*data)}.Dir(*ws)
	if err != nil {
		return usagef("notebook: --workspace: %v", err)
	}
	if *token == "" {
		*token = os.Getenv(notebook.EnvToken)
	}
	if *token == "" {
		if *token, err = demoResearcherToken(*data); err != nil {
			return err
		}
	}
	if *token == "" {
		return usagef("notebook: no token: give --token or set %s", notebook.EnvToken)
	}
	path := ""
	for _, name := range jupyters {
		if p, err := jupyter.lookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		return errors.New(installJupyter)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	checkServer(ctx, e, *url, *token)

	var jargs []string
	if *port > 0 {
		jargs = append(jargs, fmt.Sprintf("--port=%d", *port))
	}
	if *noBrowser {
		jargs = append(jargs, "--no-browser")
	}
	// Jupyter refuses to run as root unless told so; a container's user
	// often is root.
	if jupyter.euid() == 0 {
		jargs = append(jargs, "--allow-root")
	}
	cmd := exec.CommandContext(ctx, path, append(jargs, passed...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), notebook.EnvURL+"="+*url, notebook.EnvToken+"="+*token, notebook.EnvWorkspace+"="+*ws)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = e.stdin, e.stdout, e.stderr
	// Jupyter shuts down cleanly on SIGTERM; a kill would leave its kernels.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	fmt.Fprintf(e.stderr, "workbench: starting %s in %s for workspace %s of %s\n", filepath.Base(path), dir, *ws, *url)
	if err := jupyter.run(cmd); err != nil && ctx.Err() == nil {
		return fmt.Errorf("notebook: %s: %w", filepath.Base(path), err)
	}
	return nil
}

// demoResearcherToken is the researcher's token of the demo's token file
// in the data directory, "" when there is none.
func demoResearcherToken(dataDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, demoTokensFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var t demoTokens
	if err := json.Unmarshal(b, &t); err != nil {
		return "", fmt.Errorf("notebook: %s: %w", demoTokensFile, err)
	}
	return t.Researcher, nil
}

// checkServer warns when no workbench answers at url: Jupyter still starts,
// the notebooks will reach the server once it runs.
func checkServer(ctx context.Context, e env, url, token string) {
	c, err := notebook.New(url, token)
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		_, err = c.Health(ctx)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "workbench: warning: no workbench answers at %s (start one with 'workbench serve' or 'workbench demo'): %v\n", url, err)
	}
}
