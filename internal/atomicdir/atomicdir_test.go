package atomicdir_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/atomicdir"
)

func TestReplace(t *testing.T) {
	root := t.TempDir()
	dst, src := filepath.Join(root, "index"), filepath.Join(root, ".index-new")
	for _, content := range []string{"first", "second"} {
		require.NoError(t, os.MkdirAll(src, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(src, "f"), []byte(content), 0o644))
		require.NoError(t, atomicdir.Replace(src, dst))
		b, err := os.ReadFile(filepath.Join(dst, "f"))
		require.NoError(t, err)
		assert.Equal(t, content, string(b))
		assert.NoDirExists(t, src)
		assert.NoDirExists(t, dst+".old")
	}
	assert.Error(t, atomicdir.Replace(filepath.Join(root, "absent"), dst))
	b, err := os.ReadFile(filepath.Join(dst, "f"))
	require.NoError(t, err)
	assert.Equal(t, "second", string(b), "a failed replacement keeps the old folder")
}
