package notebook_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/internal/store"
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

// TestTypesMirrorTheStore decodes the store's records, every field set,
// into the client's types, refusing unknown fields, and back: the client
// neither drops nor invents a field.
func TestTypesMirrorTheStore(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w := store.Workspace{ID: "w", Name: "n", Description: "d", ResearchPurpose: "p", Tier: access.Registered, CreatedBy: "u", CreatedAt: now, UpdatedBy: "u", UpdatedAt: now}
	def := json.RawMessage(`{"includes":[]}`)
	tests := []struct {
		name       string
		from, into any
	}{
		{"workspace", w, &notebook.Workspace{}},
		{"membership", store.Membership{Workspace: w, Role: access.Writer}, &notebook.Membership{}},
		{"collaborator", store.Collaborator{UserID: "u", Email: "e", Role: access.Owner}, &notebook.Collaborator{}},
		{"cohort", store.Cohort{ID: "c", WorkspaceID: "w", Name: "n", Description: "d", Definition: def, CreatedBy: "u", CreatedAt: now, UpdatedBy: "u", UpdatedAt: now}, &notebook.Cohort{}},
		{"concept set", store.ConceptSet{ID: "c", WorkspaceID: "w", Name: "n", Description: "d", Definition: def, CreatedBy: "u", CreatedAt: now, UpdatedBy: "u", UpdatedAt: now}, &notebook.ConceptSet{}},
		{"dataset", store.Dataset{ID: "d", WorkspaceID: "w", Name: "n", Description: "d", CohortIDs: []string{"c"}, ConceptSetIDs: []string{"s"},
			Columns: map[string][]string{"person": {"person_id"}}, CreatedBy: "u", CreatedAt: now, UpdatedBy: "u", UpdatedAt: now}, &notebook.Dataset{}},
		{"review", store.Review{ID: "r", WorkspaceID: "w", CohortID: "c", Name: "n", Seed: 7, CDRVersion: "v", Size: 10, CreatedBy: "u", CreatedAt: now}, &notebook.Review{}},
		{"participant", store.Participant{PersonID: 1, Status: store.Included, Annotations: map[string]json.RawMessage{"f": json.RawMessage(`true`)}, UpdatedBy: "u", UpdatedAt: now}, &notebook.Participant{}},
		{"annotation field", store.AnnotationField{ID: "f", CohortID: "c", Name: "n", Type: store.EnumField, EnumValues: []string{"a"}}, &notebook.AnnotationField{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Every field of the store's record is set, so none is omitted.
			v := reflect.ValueOf(tc.from)
			for i := range v.NumField() {
				assert.False(t, v.Field(i).IsZero(), "set %s in the test", v.Type().Field(i).Name)
			}
			b, err := json.Marshal(tc.from)
			require.NoError(t, err)
			d := json.NewDecoder(bytes.NewReader(b))
			d.DisallowUnknownFields()
			require.NoError(t, d.Decode(tc.into))
			back, err := json.Marshal(tc.into)
			require.NoError(t, err)
			assert.JSONEq(t, string(b), string(back))
		})
	}
}
