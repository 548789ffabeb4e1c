package jupyter_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/jupyter"
)

// paths are the paths of the problems err lists.
func paths(t *testing.T, err error) []string {
	t.Helper()
	require.ErrorIs(t, err, jupyter.ErrInvalid)
	f, ok := errors.AsType[*fault.Fields](err)
	require.True(t, ok, "%T", err)
	var out []string
	for _, p := range f.List {
		out = append(out, p.Path)
	}
	return out
}

func TestNewRefusesABadConfig(t *testing.T) {
	_, err := jupyter.New(jupyter.Config{Command: []string{}, IdleTimeout: -1, StartTimeout: -1})
	assert.Equal(t, []string{"command", "idle_timeout", "start_timeout"}, paths(t, err))
}

func TestHandlerRefusesABadKeyOrSpec(t *testing.T) {
	m, err := jupyter.New(jupyter.Config{Command: []string{"/nonexistent/jupyter-lab"}})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, m.Close()) })
	good := jupyter.Spec{BasePath: "/workspaces/ws1/lab/", Dir: t.TempDir()}
	for _, tc := range []struct {
		name string
		key  jupyter.Key
		spec jupyter.Spec
		want []string
	}{
		{"no key", jupyter.Key{}, good, []string{"user_id", "workspace_id"}},
		{"empty spec", jupyter.Key{UserID: "u", WorkspaceID: "w"}, jupyter.Spec{}, []string{"base_path", "dir"}},
		{"base path without the final slash", jupyter.Key{UserID: "u", WorkspaceID: "w"}, jupyter.Spec{BasePath: "/lab", Dir: good.Dir}, []string{"base_path"}},
		{"base path with ..", jupyter.Key{UserID: "u", WorkspaceID: "w"}, jupyter.Spec{BasePath: "/a/../lab/", Dir: good.Dir}, []string{"base_path"}},
		{"base path to escape", jupyter.Key{UserID: "u", WorkspaceID: "w"}, jupyter.Spec{BasePath: "/a b/lab/", Dir: good.Dir}, []string{"base_path"}},
		{"relative dir", jupyter.Key{UserID: "u", WorkspaceID: "w"}, jupyter.Spec{BasePath: good.BasePath, Dir: "notebooks"}, []string{"dir"}},
		{"bad env", jupyter.Key{UserID: "u", WorkspaceID: "w"}, jupyter.Spec{BasePath: good.BasePath, Dir: good.Dir, Env: map[string]string{
			"A-B": "x", "JUPYTER_TOKEN": "mine", "NUL": "a\x00b",
		}}, []string{"env.A-B", "env.JUPYTER_TOKEN", "env.NUL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Handler(context.Background(), tc.key, tc.spec)
			assert.ElementsMatch(t, tc.want, paths(t, err))
		})
	}
}

func TestAvailableSaysHowToInstall(t *testing.T) {
	t.Run("configured command missing", func(t *testing.T) {
		m, err := jupyter.New(jupyter.Config{Command: []string{"/nonexistent/jupyter-lab"}})
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, m.Close()) })
		err = m.Available()
		require.ErrorIs(t, err, jupyter.ErrNotInstalled)
		assert.Equal(t, fault.Unavailable, fault.KindOf(err))
		assert.Contains(t, err.Error(), "/nonexistent/jupyter-lab")
		assert.Contains(t, err.Error(), "pip install 'jupyterlab=="+jupyter.Version+"' ipykernel")
		// Handler says the same.
		_, err = m.Handler(context.Background(), jupyter.Key{UserID: "u", WorkspaceID: "w"}, jupyter.Spec{BasePath: "/w/lab/", Dir: t.TempDir()})
		require.ErrorIs(t, err, jupyter.ErrNotInstalled)
	})
	t.Run("variable naming a missing file", func(t *testing.T) {
		t.Setenv("WORKBENCH_JUPYTERLAB", filepath.Join(t.TempDir(), "jupyter-lab"))
		m, err := jupyter.New(jupyter.Config{})
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, m.Close()) })
		err = m.Available()
		require.ErrorIs(t, err, jupyter.ErrNotInstalled)
		assert.Contains(t, err.Error(), "WORKBENCH_JUPYTERLAB=")
		assert.Contains(t, err.Error(), "python3 -m venv")
	})
}
