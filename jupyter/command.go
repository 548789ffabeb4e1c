package jupyter

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
)

// commandEnv names the jupyter-lab to run, as .ci/run sets it.
const commandEnv = "WORKBENCH_JUPYTERLAB"

// venvDir is the virtual environment of JupyterLab version v under the
// user's cache folder, where .ci/run and the install hint make it.
func venvDir(cache, v string) string {
	return filepath.Join(cache, "workbench", "jupyterlab-"+v)
}

// findCommand answers configured with its program found, or the first
// jupyter-lab of the places Config.Command lists.
func findCommand(configured []string) ([]string, error) {
	if configured != nil {
		path, err := exec.LookPath(configured[0])
		if err != nil {
			return nil, fmt.Errorf("%w: the configured command %q: %w; %s", ErrNotInstalled, configured[0], err, installHint())
		}
		return append([]string{path}, configured[1:]...), nil
	}
	if name := os.Getenv(commandEnv); name != "" {
		path, err := exec.LookPath(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %s=%s: %w; %s", ErrNotInstalled, commandEnv, name, err, installHint())
		}
		return []string{path}, nil
	}
	if path, err := exec.LookPath("jupyter-lab"); err == nil {
		return []string{path}, nil
	}
	if cache, err := os.UserCacheDir(); err == nil {
		// The venvs are named by version: the last by name first, which
		// is the newest while the versions' parts have as many digits.
		found, _ := filepath.Glob(filepath.Join(venvDir(cache, "*"), "bin", "jupyter-lab"))
		slices.Reverse(found)
		for _, path := range found {
			if executable(path) {
				return []string{path}, nil
			}
		}
	}
	// "jupyter lab" runs the jupyter-lab beside the real jupyter, which
	// may be a link from a folder on PATH into a virtual environment.
	if jupyter, err := exec.LookPath("jupyter"); err == nil {
		if real, err := filepath.EvalSymlinks(jupyter); err == nil {
			if path := filepath.Join(filepath.Dir(real), "jupyter-lab"); executable(path) {
				return []string{path}, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrNotInstalled, installHint())
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// installHint says how to install JupyterLab where findCommand looks.
func installHint() string {
	dir := venvDir("~/.cache", Version)
	if cache, err := os.UserCacheDir(); err == nil {
		dir = venvDir(cache, Version)
	}
	return fmt.Sprintf("install it with python3 -m venv %[1]s && %[1]s/bin/pip install 'jupyterlab==%[2]s' ipykernel pandas requests "+
		"(the workbench looks there), or put jupyter-lab on PATH, or set %[3]s to its path", dir, Version, commandEnv)
}
