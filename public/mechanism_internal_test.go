package public

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReleaseFloorWhateverTheNoise(t *testing.T) {
	key := []byte("sixteen bytes or more of key")
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"none", Config{}},
		{"keyed", Config{Noise: NoiseConfig{Mechanism: NoiseKeyed, Max: 30}}.WithKey(key)},
		{"laplace", Config{Noise: NoiseConfig{Mechanism: NoiseLaplace, Epsilon: 0.1}}.WithKey(key)},
		{"threshold 50", Config{Threshold: 50, Bin: 25}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.cfg.Validate())
			r := newReleaser(tc.cfg, "v1")
			th, bin := int64(tc.cfg.threshold()), int64(tc.cfg.bin())
			suppressed := 0
			for n := int64(0); n <= 2000; n++ {
				cell := fmt.Sprintf("concept %d", n)
				v := r.release(n, cell)
				require.Equal(t, v, r.release(n, cell), "count %d: one cell, one answer", n)
				if n <= th {
					require.True(t, v.AtMost(), "count %d", n)
					require.Equal(t, th, v.Value(), "count %d", n)
					continue
				}
				if v.AtMost() {
					suppressed++
					continue
				}
				require.Zero(t, v.Value()%bin, "count %d released as %d", n, v.Value())
				require.Greater(t, v.Value(), th, "count %d", n)
				if tc.cfg.Noise.Mechanism == NoiseNone {
					require.Equal(t, (n+bin-1)/bin*bin, v.Value(), "count %d", n)
				}
			}
			if tc.cfg.Noise.Mechanism == NoiseNone {
				assert.Zero(t, suppressed, "without noise only counts up to the threshold are <= threshold")
			} else {
				assert.Positive(t, suppressed, "the noise reaches the threshold decision")
			}
		})
	}
}

func TestDiscreteLaplace(t *testing.T) {
	const eps = 0.5
	r := newReleaser(Config{Noise: NoiseConfig{Mechanism: NoiseLaplace, Epsilon: eps}}.WithKey([]byte("sixteen bytes or more of key")), "v1")
	const n = 200000
	hist := map[int64]int{}
	var sum float64
	for i := range n {
		x := r.offset(fmt.Sprint("cell ", i))
		hist[x]++
		sum += float64(x)
	}
	assert.InDelta(t, 0, sum/n, 0.05, "mean")
	// P(k) / P(k+1) = exp(eps) for k >= 0: the mechanism's privacy.
	for k := int64(0); k < 4; k++ {
		ratio := float64(hist[k]) / float64(hist[k+1])
		assert.InDelta(t, math.Exp(eps), ratio, 0.1, "P(%d)/P(%d)", k, k+1)
		assert.InDelta(t, 1, float64(hist[k])/float64(hist[-k]), 0.05, "symmetric at %d", k)
	}
}

func TestNiceEdges(t *testing.T) {
	for _, tc := range []struct {
		name            string
		p5, p95         float64
		bins            int
		wantLo, wantStp float64
	}{
		{"blood pressure", 96.3, 161.2, 10, 90, 10},
		{"small values", 0.52, 4.1, 10, 0.5, 0.5},
		{"negative", -12, 7, 10, -12, 2},
		{"one value", 5, 5, 10, 5, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := niceEdges(tc.p5, tc.p95, tc.bins)
			assert.InDelta(t, tc.wantLo, e.lo, 1e-9)
			assert.InDelta(t, tc.wantStp, e.step, 1e-9)
			assert.LessOrEqual(t, e.lo, tc.p5)
		})
	}
}

func TestStableEdges(t *testing.T) {
	// Quantiles far from any edge: the edges hold for one person more or
	// fewer.
	e, ok := stableEdges([6]float64{101, 102, 103, 187, 188, 189}, 10)
	require.True(t, ok)
	assert.Equal(t, edges{lo: 100, step: 10}, e)
	// The 5th percentile on a multiple of the step: one person could move
	// the first edge, so the histogram is withheld.
	_, ok = stableEdges([6]float64{99.5, 100, 100.5, 187, 188, 189}, 10)
	assert.False(t, ok)
	// A width on the border of two steps: withheld too.
	_, ok = stableEdges([6]float64{0, 0, 0, 99, 100, 101}, 10)
	assert.False(t, ok)
}
