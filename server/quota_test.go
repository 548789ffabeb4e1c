package server_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/internal/store"
	"github.com/openworkbench/workbench/internal/testkit"
	"github.com/openworkbench/workbench/server"
)

// TestNotebookQuota fills a workspace up to a small quota: the save past
// it is a 413 problem naming the quota, and replacing a notebook by a
// smaller one frees room.
func TestNotebookQuota(t *testing.T) {
	f := newFixture(t, server.Config{NotebookQuota: 8000})
	nbs := "/v1/workspaces/" + f.ws + "/notebooks"
	create := func(name, doc string) string { return fmt.Sprintf(`{"name": %q, "notebook": %s}`, name, doc) }
	big := withPlot(3000)
	f.run(t, []step{
		{name: "first", method: "POST", path: nbs, token: f.researcher, body: create("A", big), want: 201},
		{name: "second", method: "POST", path: nbs, token: f.researcher, body: create("B", big), want: 201},
		{name: "third is past the quota", method: "POST", path: nbs, token: f.researcher, body: create("C", big), want: http.StatusRequestEntityTooLarge,
			check: func(t *testing.T, r response) {
				assert.Contains(t, r.json(t)["detail"], "over its quota of 8000 bytes")
			}},
		{name: "growing one past the quota", method: "PUT", path: nbs + "/B", token: f.researcher, body: withPlot(5000), want: http.StatusRequestEntityTooLarge},
		{name: "nothing was saved", method: "GET", path: nbs + "/C", token: f.researcher, want: 404},
		{name: "replacing one by a smaller one", method: "PUT", path: nbs + "/A", token: f.researcher, body: aNotebook, want: 200},
		{name: "makes room", method: "POST", path: nbs, token: f.researcher, body: create("C", big), want: 201},
	})
	_, err := server.New(server.Config{NotebookQuota: -1}, server.Deps{})
	assert.ErrorContains(t, err, "NotebookQuota")
}

// TestNotebookLeftoversRemovedAtStart starts a server over a folder in
// which a killed save left its temporary file.
func TestNotebookLeftoversRemovedAtStart(t *testing.T) {
	c, eng, info := openGiBleed(t)
	st, err := store.Open(context.Background(), testkit.StateDir(t), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	ws := filepath.Join(dir, "w_1")
	require.NoError(t, os.MkdirAll(ws, 0o700))
	left := filepath.Join(ws, ".saving-123456")
	kept := filepath.Join(ws, "Analysis.ipynb")
	for _, p := range []string{left, kept} {
		require.NoError(t, os.WriteFile(p, []byte(aNotebook), 0o600))
	}

	_, err = server.New(server.Config{}, server.Deps{Engine: eng, Store: st, Schema: c.Schema(), Index: info, NotebookDir: dir})
	require.NoError(t, err)
	assert.NoFileExists(t, left)
	assert.FileExists(t, kept)
}
