package notebook_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/fault"
	"github.com/openworkbench/workbench/notebook"
)

// jupyterFile is a notebook as Jupyter writes it: sources as lists of
// lines, outputs, attachments, metadata of every level.
const jupyterFile = `{
 "cells": [
  {"cell_type": "markdown", "id": "intro", "metadata": {"tags": ["x"]}, "source": ["# Title\n", "Some *text*."],
   "attachments": {"a.png": {"image/png": "iVBORw0KGgo="}}},
  {"cell_type": "code", "execution_count": 3, "id": "c-1", "metadata": {},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["42\n"]},
               {"data": {"text/plain": ["3"]}, "execution_count": 3, "metadata": {}, "output_type": "execute_result"}],
   "source": ["print(42)\n", "1 + 2"]},
  {"cell_type": "raw", "id": "r_1", "metadata": {}, "source": ["raw text"]}
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "big": 12345678901234567890},
 "nbformat": 4,
 "nbformat_minor": 5
}`

func TestParseRoundTrip(t *testing.T) {
	nb, err := notebook.Parse([]byte(jupyterFile))
	require.NoError(t, err)
	require.Len(t, nb.Cells, 3)
	assert.Equal(t, "# Title\nSome *text*.", nb.Cells[0].Source)
	assert.Equal(t, notebook.Code, nb.Cells[1].Type)
	require.NotNil(t, nb.Cells[1].ExecutionCount)
	assert.Equal(t, 3, *nb.Cells[1].ExecutionCount)
	assert.Len(t, nb.Cells[1].Outputs, 2)

	b, err := json.Marshal(nb)
	require.NoError(t, err)
	assert.JSONEq(t, jupyterFile, string(b), "Jupyter's own layout is kept, sources as lists of lines")
	again, err := notebook.Parse(b)
	require.NoError(t, err)
	assert.Equal(t, nb, again)
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		paths []string
	}{
		{"not JSON", `{"cells": [`, []string{""}},
		{"not an object", `[1]`, []string{""}},
		{"empty object", `{}`, []string{"nbformat", "nbformat_minor", "metadata", "cells"}},
		{"version 3", `{"cells": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 0}`, []string{"nbformat", "nbformat_minor"}},
		{"unknown top field", `{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 4, "worksheets": []}`, []string{"worksheets"}},
		{"cells not a list", `{"cells": {}, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`, []string{"cells"}},
		{"cell without type", `{"cells": [{"source": ""}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`, []string{"cells[0].cell_type"}},
		{"unknown cell type", `{"cells": [{"cell_type": "heading", "source": "", "metadata": {}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`,
			[]string{"cells[0].cell_type"}},
		{"code cell without outputs nor count", `{"cells": [{"cell_type": "code", "source": "", "metadata": {}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`,
			[]string{"cells[0].execution_count", "cells[0].outputs"}},
		{"markdown with outputs", `{"cells": [{"cell_type": "markdown", "source": "", "metadata": {}, "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`,
			[]string{"cells[0].outputs"}},
		{"bad source and output", `{"cells": [{"cell_type": "code", "source": [1], "metadata": {}, "execution_count": -1, "outputs": [{"output_type": "picture"}]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`,
			[]string{"cells[0].source", "cells[0].outputs[0].output_type"}},
		{"4.5 cell without id", `{"cells": [{"cell_type": "raw", "source": "", "metadata": {}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`,
			[]string{"cells[0].id"}},
		{"bad and duplicate ids", `{"cells": [{"cell_type": "raw", "id": "a b", "source": "", "metadata": {}}, {"cell_type": "raw", "id": "x", "source": "", "metadata": {}}, {"cell_type": "raw", "id": "x", "source": "", "metadata": {}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`,
			[]string{"cells[0].id", "cells[2].id"}},
		{"negative count", `{"cells": [{"cell_type": "code", "source": "", "metadata": {}, "execution_count": -1, "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`,
			[]string{"cells[0].execution_count"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := notebook.Parse([]byte(tc.doc))
			require.Error(t, err)
			assert.ErrorIs(t, err, notebook.ErrInvalid)
			var paths []string
			for _, e := range fault.FieldsOf(err) {
				paths = append(paths, e.Path)
			}
			assert.Equal(t, tc.paths, paths, "%v", err)
		})
	}
}

func TestPython3IsValid(t *testing.T) {
	nb := notebook.Python3(notebook.Cell{Type: notebook.Markdown, Source: "# x"}, notebook.Cell{Type: notebook.Code, Source: "1"})
	require.NoError(t, nb.Validate())
	b, err := json.Marshal(nb)
	require.NoError(t, err)
	back, err := notebook.Parse(b)
	require.NoError(t, err)
	assert.Equal(t, []string{"cell-1", "cell-2"}, []string{back.Cells[0].ID, back.Cells[1].ID})
}

// FuzzParse: no input panics, and what parses prints to a document that
// parses to the same notebook.
func FuzzParse(f *testing.F) {
	f.Add([]byte(jupyterFile))
	f.Add([]byte(`{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`))
	f.Add([]byte(`{"cells": [{"cell_type": "code", "source": "", "metadata": {}, "execution_count": null, "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		nb, err := notebook.Parse(b)
		if err != nil {
			return
		}
		out, err := json.Marshal(nb)
		require.NoError(t, err)
		again, err := notebook.Parse(out)
		require.NoError(t, err, "%s", out)
		assert.Equal(t, len(nb.Cells), len(again.Cells))
		for i := range nb.Cells {
			assert.Equal(t, nb.Cells[i].Source, again.Cells[i].Source)
		}
	})
}
