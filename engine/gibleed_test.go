//go:build cgo

package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cdr"
	"github.com/openworkbench/workbench/cohort"
	"github.com/openworkbench/workbench/internal/testcdr"
)

// conceptCohort is the definition "any event of concept c or a
// descendant" in domain d.
func conceptCohort(d cohort.Domain, c int64) *cohort.Definition {
	return &cohort.Definition{Includes: []cohort.Group{{Items: []cohort.Item{{
		Type:       d,
		Parameters: []cohort.Parameter{{ConceptID: c, Group: true, Standard: true}},
	}}}}}
}

// TestGiBleed runs compiled definitions on the indexed Eunomia GiBleed CDR
// and compares the counts with published OHDSI results (GROUND_TRUTH.md)
// and with the expected counts of the shared examples (cohort/testdata/examples).
func TestGiBleed(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes GiBleed")
	}
	ctx := context.Background()
	c, err := cdr.Open(ctx, testcdr.GiBleed(t), cdr.Options{Threads: 2})
	require.NoError(t, err)
	defer c.Close()

	count := func(t *testing.T, def *cohort.Definition) int64 {
		q, err := cohort.Compile(def, cohort.Options{})
		require.NoError(t, err)
		var n int64
		require.NoError(t, c.DB().QueryRowContext(ctx, "SELECT count(*) FROM ("+q.SQL+")", q.Args...).Scan(&n), q.SQL)
		return n
	}
	truth := []struct {
		domain  cohort.Domain
		concept int64
		persons int64
	}{
		{cohort.DomainCondition, 40480160, 56},
		{cohort.DomainCondition, 4134304, 442},
		{cohort.DomainCondition, 4048695, 23},
		{cohort.DomainCondition, 4142905, 249},
		{cohort.DomainDrug, 1118084, 1844},
	}
	for _, tt := range truth {
		t.Run(fmt.Sprintf("%s %d", tt.domain, tt.concept), func(t *testing.T) {
			assert.Equal(t, tt.persons, count(t, conceptCohort(tt.domain, tt.concept)))
		})
	}
	examples := map[string]int64{
		"osteoporotic_fracture.json":    56,
		"wrist_fracture.json":           442,
		"celecoxib_users.json":          1844,
		"wrist_fracture_female.json":    243,
		"wrist_fracture_two_dates.json": 48,
	}
	for name, want := range examples {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("../cohort/testdata/examples", name))
			require.NoError(t, err)
			def, err := cohort.Parse(data)
			require.NoError(t, err)
			assert.Equal(t, want, count(t, def))
		})
	}
	t.Run("everyone", func(t *testing.T) {
		everyone := &cohort.Definition{Excludes: []cohort.Group{{Items: []cohort.Item{{
			Type: cohort.DomainPerson, Parameters: []cohort.Parameter{{Type: cohort.TypeDeceased}},
		}}}}}
		assert.Equal(t, int64(2694), count(t, everyone), "GiBleed has no deaths")
	})
}
