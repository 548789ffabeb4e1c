package notebook_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/notebook"
)

func TestCheckName(t *testing.T) {
	good := []string{"Analysis", "analysis 2", "a-b_c.d", "Étude (v2)", "w_ABC123", strings.Repeat("x", 100)}
	bad := []string{"", ".", "..", "../x", "a/b", `a\b`, ".hidden", " lead", "trail ", "end.", "x.ipynb", "X.IPYNB",
		"nul\x00", "semi;colon", "tab\tname", "new\nline", "star*", "colon:", strings.Repeat("x", 101), "\xff"}
	for _, name := range good {
		assert.NoError(t, notebook.CheckName("name", name), "%q", name)
	}
	for _, name := range bad {
		err := notebook.CheckName("name", name)
		assert.ErrorIs(t, err, notebook.ErrInvalid, "%q", name)
	}
}

func TestFiles(t *testing.T) {
	root := t.TempDir()
	f := notebook.Files{Root: root}
	nb := notebook.Python3(notebook.Cell{Type: notebook.Markdown, Source: "# One"})

	list, err := f.List("w_1")
	require.NoError(t, err)
	assert.Empty(t, list, "a workspace without notebooks has an empty list")

	info, err := f.Create("w_1", "One", nb)
	require.NoError(t, err)
	assert.Equal(t, "One", info.Name)
	for _, p := range []string{filepath.Join(root, "w_1"), filepath.Join(root, "w_1", "One.ipynb")} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Zero(t, fi.Mode().Perm()&0o077, "%s is the owner's only: %v", p, fi.Mode())
	}
	_, err = f.Create("w_1", "One", nb)
	assert.ErrorIs(t, err, notebook.ErrExists)
	_, err = f.Replace("w_1", "Two", nb)
	assert.ErrorIs(t, err, notebook.ErrNotFound)
	_, err = f.Create("w_1", "Bad", &notebook.Notebook{NBFormat: 4, NBFormatMinor: 2})
	assert.ErrorIs(t, err, notebook.ErrInvalid)
	_, err = f.Create("../w_2", "One", nb)
	assert.ErrorIs(t, err, notebook.ErrInvalid, "the workspace is a name too")

	// Jupyter's own files beside the notebooks are not listed.
	dir, err := f.Dir("w_1")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".ipynb_checkpoints"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".hidden.ipynb"), []byte("{}"), 0o644))

	nb.Cells[0].Source = "# One, again"
	_, err = f.Replace("w_1", "One", nb)
	require.NoError(t, err)
	back, err := f.Read("w_1", "One")
	require.NoError(t, err)
	assert.Equal(t, "# One, again", back.Cells[0].Source)

	list, err = f.List("w_1")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "One", list[0].Name)
	assert.Positive(t, list[0].Size)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "Broken.ipynb"), []byte("{"), 0o644))
	_, err = f.Read("w_1", "Broken")
	require.Error(t, err)
	assert.NotErrorIs(t, err, notebook.ErrInvalid, "a broken file is not the reader's fault")

	require.NoError(t, f.Delete("w_1", "One"))
	assert.ErrorIs(t, f.Delete("w_1", "One"), notebook.ErrNotFound)
	_, err = f.Read("w_1", "One")
	assert.ErrorIs(t, err, notebook.ErrNotFound)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), ".saving-"), "temporary file %s left behind", e.Name())
	}
}
