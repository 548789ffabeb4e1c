package cohort_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/cohort"
)

func TestReviewSample(t *testing.T) {
	ctx := context.Background()
	c := indexedGiBleed(t)
	info, _ := c.Index()
	e, err := cohort.NewEngine(c.DB(), info.VersionID, cohort.EngineOptions{})
	require.NoError(t, err)
	data, err := os.ReadFile("testdata/examples/wrist_fracture.json") // 442 persons
	require.NoError(t, err)
	def, err := cohort.Parse(data)
	require.NoError(t, err)
	all, _, err := e.Participants(ctx, def, 0, cohort.MaxPageSize)
	require.NoError(t, err)

	a, err := e.ReviewSample(ctx, def, 7, 100)
	require.NoError(t, err)
	assert.Len(t, a, 100)
	assert.True(t, slices.IsSorted(a))
	assert.Len(t, slices.Compact(slices.Clone(a)), 100, "no person twice")
	for _, id := range a {
		assert.Contains(t, all, id, "the sample is drawn from the cohort")
	}

	fresh, err := cohort.NewEngine(c.DB(), info.VersionID, cohort.EngineOptions{})
	require.NoError(t, err)
	again, err := fresh.ReviewSample(ctx, def, 7, 100)
	require.NoError(t, err)
	assert.Equal(t, a, again, "same seed, same sample, without the cache")

	other, err := e.ReviewSample(ctx, def, 8, 100)
	require.NoError(t, err)
	assert.NotEqual(t, a, other, "another seed, another sample")

	whole, err := e.ReviewSample(ctx, def, 7, cohort.MaxReviewSize)
	require.NoError(t, err)
	assert.Equal(t, all, whole, "a sample larger than the cohort is the cohort")

	for _, size := range []int{0, -1, cohort.MaxReviewSize + 1} {
		_, err := e.ReviewSample(ctx, def, 7, size)
		assert.True(t, errors.Is(err, cohort.ErrInvalid), "size %d: %v", size, err)
	}
}
