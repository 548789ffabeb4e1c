package notebook_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/notebook"
)

func TestQuota(t *testing.T) {
	nb := notebook.Python3(notebook.Cell{Type: notebook.Markdown, Source: "# One"})
	b, err := nb.MarshalJSON()
	require.NoError(t, err)
	size := int64(len(b) + 1) // the file ends with a newline
	cases := []struct {
		name  string
		quota int64
		// other is the bytes of a file Jupyter wrote in the folder.
		other   int64
		created int // of three notebooks
	}{
		{"no quota", 0, 1 << 20, 3},
		{"room for all three", 3 * size, 0, 3},
		{"room for two", 3*size - 1, 0, 2},
		{"what Jupyter wrote counts", 3 * size, size, 2},
		{"no room at all", size - 1, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := notebook.Files{Root: t.TempDir(), Quota: c.quota}
			if c.other > 0 {
				dir := filepath.Join(f.Root, "w_1", ".ipynb_checkpoints")
				require.NoError(t, os.MkdirAll(dir, 0o700))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "x.ipynb"), make([]byte, c.other), 0o600))
			}
			created := 0
			for _, name := range []string{"A", "B", "C"} {
				_, err := f.Create("w_1", name, nb)
				if err != nil {
					require.ErrorIs(t, err, notebook.ErrQuota)
					assert.ErrorContains(t, err, "quota of")
					continue
				}
				created++
			}
			assert.Equal(t, c.created, created)
			used, err := f.Usage("w_1")
			require.NoError(t, err)
			assert.Equal(t, int64(created)*size+c.other, used)
			if created > 0 {
				_, err := f.Replace("w_1", "A", nb)
				assert.NoError(t, err, "replacing a notebook by one of its size fits")
			}
		})
	}
}

func TestRemoveLeftovers(t *testing.T) {
	root := t.TempDir()
	f := notebook.Files{Root: root}
	nb := notebook.Python3(notebook.Cell{Type: notebook.Markdown, Source: "# One"})
	_, err := f.Create("w_1", "Kept", nb)
	require.NoError(t, err)
	for _, p := range []string{"w_1/.saving-1", "w_1/.saving-2", "w_2/.saving-3"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(root, p), []byte("{"), 0o600))
	}
	n, err := f.RemoveLeftovers()
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for _, dir := range []string{"w_1", "w_2"} {
		left, err := filepath.Glob(filepath.Join(root, dir, ".saving-*"))
		require.NoError(t, err)
		assert.Empty(t, left)
	}
	list, err := f.List("w_1")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "Kept", list[0].Name)

	n, err = notebook.Files{Root: filepath.Join(root, "absent")}.RemoveLeftovers()
	require.NoError(t, err)
	assert.Zero(t, n, "no folder yet")
}
