package access_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openworkbench/workbench/access"
)

// roundUp is count rounded up to a multiple of bin, written out here rather
// than asked of the package.
func roundUp(count, bin int64) int64 { return (count + bin - 1) / bin * bin }

func TestReleaseEveryCount(t *testing.T) {
	configs := []access.Disclosure{
		{},
		{Threshold: 20, Bin: 20},
		{Threshold: 50, Bin: 20},
		{Threshold: 20, Bin: 100},
		{Threshold: 5, Bin: 3}, // invalid, and still never below the floor
	}
	for _, d := range configs {
		t.Run(fmt.Sprintf("threshold %d bin %d", d.Threshold, d.Bin), func(t *testing.T) {
			threshold, bin := int64(max(d.Threshold, 20)), int64(max(d.Bin, 20))
			prev := int64(0)
			for n := int64(0); n <= 10000; n++ {
				r := d.Release(n, "q")
				v := r.Value()
				switch {
				case n == 0:
					require.Equal(t, int64(0), v)
					require.False(t, r.AtMost())
				case n <= threshold:
					require.Equal(t, threshold, v, "count %d", n)
					require.True(t, r.AtMost(), "count %d", n)
				default:
					require.False(t, r.AtMost(), "count %d", n)
					require.Equal(t, roundUp(n, bin), v, "count %d", n)
					require.Zero(t, v%bin, "count %d: a multiple of the bin", n)
					require.GreaterOrEqual(t, v, n, "count %d: rounded up", n)
				}
				require.True(t, v == 0 || v >= 20, "count %d released as %d", n, v)
				require.GreaterOrEqual(t, v, prev, "count %d: monotone", n)
				prev = v
			}
		})
	}
}

func TestReleaseDefault(t *testing.T) {
	d := access.Disclosure{}
	for _, tc := range []struct {
		count int64
		want  string
	}{{-3, "0"}, {0, "0"}, {1, "<= 20"}, {19, "<= 20"}, {20, "<= 20"}, {21, "40"}, {40, "40"}, {41, "60"}, {1234, "1240"}} {
		assert.Equal(t, tc.want, d.Release(tc.count, "q").String(), "count %d", tc.count)
	}
}

func TestReleaseNoise(t *testing.T) {
	const noiseMax = 30
	key1 := access.Disclosure{NoiseKey: []byte("secret one"), NoiseMax: noiseMax}
	key2 := access.Disclosure{NoiseKey: []byte("secret two"), NoiseMax: noiseMax}
	require.NoError(t, key1.Validate())
	differs := 0
	for n := int64(0); n <= 10000; n++ {
		q := fmt.Sprintf("cdr v1; concept %d", n%97)
		r := key1.Release(n, q)
		v := r.Value()
		require.Equal(t, r, key1.Release(n, q), "count %d: the same query gets the same answer", n)
		switch {
		case n == 0:
			require.Equal(t, int64(0), v)
		case n <= 20:
			require.Equal(t, "<= 20", r.String(), "count %d: noise never moves a small count", n)
		default:
			require.False(t, r.AtMost(), "count %d: noise never makes a count look small", n)
			require.Greater(t, v, int64(20), "count %d", n)
			require.Zero(t, v%20, "count %d", n)
			require.GreaterOrEqual(t, v, roundUp(max(n-noiseMax, 21), 20), "count %d", n)
			require.LessOrEqual(t, v, roundUp(n+noiseMax, 20), "count %d", n)
		}
		if key2.Release(n, q) != r {
			differs++
		}
	}
	assert.Greater(t, differs, 1000, "another key gives other answers")

	// The offsets cover the range: over many queries the released value of
	// one count takes several values, and the same query always one.
	seen := map[int64]bool{}
	for i := range 200 {
		seen[key1.Release(500, fmt.Sprint("query ", i)).Value()] = true
	}
	assert.Equal(t, map[int64]bool{480: true, 500: true, 520: true, 540: true}, seen)
}

func TestDisclosureValidate(t *testing.T) {
	assert.NoError(t, access.Disclosure{}.Validate())
	assert.NoError(t, access.Disclosure{Threshold: 20, Bin: 50}.Validate())
	for _, d := range []access.Disclosure{
		{Threshold: 19},
		{Threshold: -1},
		{Bin: 10},
		{NoiseMax: -1, NoiseKey: []byte("k")},
		{NoiseMax: 5},
		{NoiseKey: []byte("k")},
	} {
		assert.ErrorIs(t, d.Validate(), access.ErrInvalid, "%+v", d)
	}
	err := access.Disclosure{Threshold: 10, Bin: 5}.Validate()
	assert.EqualError(t, err, "access: invalid: disclosure: threshold 10 is below 20; bin 5 is below 20")
}

func TestReleaseLarge(t *testing.T) {
	d := access.Disclosure{NoiseKey: []byte("k"), NoiseMax: 1000}
	for _, n := range []int64{math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64 / 2} {
		r := d.Release(n, "q")
		assert.Positive(t, r.Value())
		assert.Zero(t, r.Value()%20)
	}
}

func TestReleasedJSON(t *testing.T) {
	d := access.Disclosure{}
	for _, tc := range []struct {
		count int64
		json  string
	}{{0, `{"count":0}`}, {7, `{"count":20,"at_most":true}`}, {33, `{"count":40}`}} {
		r := d.Release(tc.count, "q")
		b, err := json.Marshal(r)
		require.NoError(t, err)
		assert.Equal(t, tc.json, string(b))
		var back access.Released
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, r, back)
	}
	for _, bad := range []string{`{"count":7}`, `{"count":-20}`, `{"count":0,"at_most":true}`, `{"count":"x"}`} {
		var r access.Released
		assert.Error(t, json.Unmarshal([]byte(bad), &r), bad)
	}
}

func TestReleaseBreakdown(t *testing.T) {
	d := access.Disclosure{}
	got := d.ReleaseBreakdown(map[string]int64{"Female": 512, "Male": 480, "Other": 3, "Unknown": 0}, "sex")
	want := map[string]string{"Female": "520", "Male": "480", "Other": "<= 20", "Unknown": "0"}
	require.Len(t, got, len(want))
	for k, v := range want {
		assert.Equal(t, v, got[k].String(), k)
	}

	noisy := access.Disclosure{NoiseKey: []byte("k"), NoiseMax: 40}
	a := noisy.ReleaseBreakdown(map[string]int64{"A": 1000, "B": 1000, "C": 1000, "D": 1000}, "q")
	distinct := map[int64]bool{}
	for _, r := range a {
		distinct[r.Value()] = true
	}
	assert.Greater(t, len(distinct), 1, "each label draws its own noise: %v", a)
	assert.Equal(t, a, noisy.ReleaseBreakdown(map[string]int64{"A": 1000, "B": 1000, "C": 1000, "D": 1000}, "q"))
}

func TestShare(t *testing.T) {
	d := access.Disclosure{}
	assert.Equal(t, 0.5, access.Share(d.Release(39, "a"), d.Release(80, "b")))
	assert.Equal(t, 0.25, access.Share(d.Release(3, "a"), d.Release(75, "b")), "an at-most part counts as its bound")
	assert.Equal(t, 0.0, access.Share(d.Release(3, "a"), d.Release(0, "b")))
	assert.Equal(t, 1.0, access.Share(d.Release(61, "a"), d.Release(59, "b")), "never above 1")
}

func TestBreakdown(t *testing.T) {
	d := access.Disclosure{}
	b := d.Breakdown("sex at birth", "cdr v1; sex", 1003, map[string]int64{"Male": 480, "Female": 512, "Intersex": 11})
	out, err := json.Marshal(b)
	require.NoError(t, err)
	assert.JSONEq(t, `{"label":"sex at birth","total":{"count":1020},"groups":[
		{"label":"Female","count":520,"share":0.5098039215686274},
		{"label":"Intersex","count":20,"at_most":true,"share":0.0196078431372549},
		{"label":"Male","count":480,"share":0.47058823529411764}]}`, string(out))
	var back access.PublicBreakdown
	require.NoError(t, json.Unmarshal(out, &back))
	assert.Equal(t, b, back)
	assert.Error(t, json.Unmarshal([]byte(`{"label":"x","count":3}`), &access.PublicCount{}))
}

func TestSmall(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    access.Disclosure
		want string
	}{
		{"zero value", access.Disclosure{}, "<= 20"},
		{"threshold 50", access.Disclosure{Threshold: 50}, "<= 50"},
		{"below the floor", access.Disclosure{Threshold: 5}, "<= 20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.d.Small()
			assert.Equal(t, tc.want, s.String())
			assert.True(t, s.AtMost())
			assert.Equal(t, tc.d.Release(1, "q"), s, "the same as a released 1")
		})
	}
}

func TestParseReleased(t *testing.T) {
	for _, tc := range []struct {
		name   string
		count  int64
		atMost bool
		want   string
		ok     bool
	}{
		{"zero", 0, false, "0", true},
		{"at most", 20, true, "<= 20", true},
		{"a bin", 60, false, "60", true},
		{"a small count", 7, false, "", false},
		{"negative", -20, false, "", false},
		{"zero at most", 0, true, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := access.ParseReleased(tc.count, tc.atMost)
			if !tc.ok {
				require.ErrorIs(t, err, access.ErrInvalid)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.String())
		})
	}
}
