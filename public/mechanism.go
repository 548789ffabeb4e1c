package public

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math"

	"github.com/openworkbench/workbench/access"
)

// releaser releases the cells of one build. Every cell has a name (its
// subject, dimension and label, see cellName) and is released exactly
// once; its noise is drawn from the key, the CDR version and that name
// alone, so a rebuild of the same CDR version with the same key gives the
// same release, and no two routes to one number can disagree.
type releaser struct {
	rounding  access.Disclosure // threshold and bin, no key: rounding only
	threshold int64
	noise     NoiseConfig
	version   string
}

func newReleaser(c Config, version string) releaser {
	return releaser{
		rounding:  access.Disclosure{Threshold: c.threshold(), Bin: c.bin()},
		threshold: int64(c.threshold()),
		noise:     c.Noise,
		version:   version,
	}
}

// release is the public form of the true count of the cell named cell:
//
//   - a count from 0 to the threshold is "<= threshold" whatever the
//     noise, so that 0 and 1-19 look the same everywhere, and two CDRs
//     that differ by one person release the same value for every cell
//     that is small in both;
//   - a larger count gets the noise; a noisy count at or under the
//     threshold is "<= threshold" too (the noise reaches the threshold
//     decision, so "<= 20" does not prove a count under 21);
//   - the noisy count is rounded up to the bin.
func (r releaser) release(count int64, cell string) access.Released {
	if count <= r.threshold {
		return r.rounding.Small()
	}
	noisy := count + r.offset(cell)
	if noisy <= r.threshold {
		return r.rounding.Small()
	}
	return r.rounding.Release(noisy, "")
}

// offset is the cell's noise: 0 without a mechanism.
func (r releaser) offset(cell string) int64 {
	switch r.noise.Mechanism {
	case NoiseKeyed:
		u := r.uniform(cell)
		n := uint64(r.noise.Max)*2 + 1
		return int64(u[0]%n) - int64(r.noise.Max)
	case NoiseLaplace:
		u := r.uniform(cell)
		return discreteLaplace(r.noise.Epsilon, u[0], u[1])
	}
	return 0
}

// uniform returns two independent uniform 64-bit numbers drawn by
// HMAC-SHA256 of the key over the version and the cell name.
func (r releaser) uniform(cell string) [2]uint64 {
	mac := hmac.New(sha256.New, r.noise.key)
	mac.Write([]byte(r.version))
	mac.Write([]byte{0})
	mac.Write([]byte(cell))
	sum := mac.Sum(nil)
	return [2]uint64{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])}
}

// discreteLaplace draws from the discrete Laplace distribution of
// parameter p = exp(-epsilon), P(k) proportional to p^|k|, as the
// difference of two geometric draws from the uniform numbers u1 and u2.
// A count with this noise added is epsilon-differentially private for a
// change of one person, which changes the count by at most one.
func discreteLaplace(epsilon float64, u1, u2 uint64) int64 {
	return geometric(epsilon, u1) - geometric(epsilon, u2)
}

// geometric draws the number of failures before a success of probability
// 1-exp(-epsilon), by inversion of a uniform number in (0, 1].
func geometric(epsilon float64, u uint64) int64 {
	// 53 bits make an exact float64; +1 keeps it above 0, so the log is
	// finite.
	f := float64(u>>11+1) / (1 << 53)
	g := math.Floor(math.Log(f) / -epsilon)
	return int64(min(g, 1<<40))
}
