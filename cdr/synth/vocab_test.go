package synth

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The hand-written tables name categories and real concepts that exist.
func TestVocabularyTables(t *testing.T) {
	categories := map[string]bool{}
	for _, sys := range conditionSystems {
		for _, c := range sys.categories {
			categories[c] = true
		}
	}
	for name := range conditionKeywords {
		assert.True(t, categories[name], "conditionKeywords names no category %q", name)
	}
	for name := range indications {
		assert.True(t, categories[name], "indications names no category %q", name)
	}
	x := reals()
	for _, a := range atcClasses {
		for _, name := range a.ingredients {
			c := x.named("Drug", name)
			if assert.NotNil(t, c, name) {
				assert.Equal(t, "Ingredient", c.class, name)
			}
		}
		for _, name := range a.drugs {
			assert.NotNil(t, x.named("Drug", name), name)
		}
	}
	for _, t2 := range vitalSigns {
		c := x.byID[t2.id]
		if assert.NotNil(t, c, t2.name) {
			assert.Equal(t, t2.name, c.name)
		}
	}

	// Every real condition that a category claims is a condition persons
	// can have, once.
	v := vocab()
	seen := map[int64]int{}
	for _, c := range v.conditions {
		seen[c.id]++
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, "condition %d", id)
	}
	assert.Greater(t, len(seen), 500)
}
