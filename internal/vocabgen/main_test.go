package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The committed cdr/synth/realvocab.go must be what the generator makes from
// the samples, so that nobody edits it by hand.
func TestGeneratedFileIsCurrent(t *testing.T) {
	data := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(data, "synthea27nj", "csv")); err != nil {
		t.Skipf("no Eunomia sample CSVs: %v", err)
	}
	got, err := generate(data)
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("..", "..", "cdr", "synth", "realvocab.go"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "cdr/synth/realvocab.go is stale: run go generate ./cdr/synth")
}

func TestReduce(t *testing.T) {
	// a -> b -> c and a -> c given directly: only the direct edges stay.
	up := closure(map[edge]bool{{1, 2}: true, {2, 3}: true, {1, 3}: true, {4, 3}: true})
	assert.Equal(t, []edge{{1, 2}, {2, 3}, {4, 3}}, reduce(up))
}

func TestLinkIngredients(t *testing.T) {
	concepts := map[int64]*concept{
		1: {id: 1, name: "lisinopril", domain: "Drug", class: "Ingredient"},
		2: {id: 2, name: "Hydrochlorothiazide", domain: "Drug", class: "Ingredient"},
		3: {id: 3, name: "lisinopril 10 MG / hydrochlorothiazide 12.5 MG Oral Tablet", domain: "Drug", class: "Clinical Drug"},
		4: {id: 4, name: "nothing known 5 MG Oral Tablet", domain: "Drug", class: "Clinical Drug"},
		5: {id: 5, name: "24 HR nothing known 5 MG Extended Release Oral Tablet", domain: "Drug", class: "Quant Clinical Drug"},
	}
	ancestry := map[edge]bool{}
	linkIngredients(concepts, ancestry)
	assert.Equal(t, map[edge]bool{{3, 1}: true, {3, 2}: true}, ancestry)
	assert.NotContains(t, concepts, int64(4), "a clinical drug without an ingredient is dropped")
	assert.Contains(t, concepts, int64(5), "a quantified one stays")
}
