package public

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/openworkbench/workbench/access"
	"github.com/openworkbench/workbench/fault"
)

// Errors of the package. Every error wraps one of them, so a caller (the
// HTTP server) maps them to a status without reading messages.
var (
	// ErrInvalid is a configuration or a request the release cannot take.
	ErrInvalid = fault.New(fault.Invalid, "public.invalid", "public: invalid")
	// ErrNotFound is a concept, survey or question that is not released.
	ErrNotFound = fault.New(fault.NotFound, "public.not_found", "public: not found")
)

// Noise mechanisms of Config.Noise.Mechanism.
const (
	// NoiseNone releases the rounded counts without noise.
	NoiseNone = ""
	// NoiseKeyed adds to every count an offset drawn uniformly from
	// [-Max, Max] by HMAC-SHA256 of the key and the cell, before the
	// threshold decision and the rounding.
	NoiseKeyed = "keyed"
	// NoiseLaplace adds discrete Laplace (two-sided geometric) noise of
	// parameter exp(-Epsilon) to every count, drawn from the same HMAC, before
	// the threshold decision and the rounding: Epsilon-differential privacy
	// per cell, and the total budget in the manifest.
	NoiseLaplace = "laplace"
)

// DefaultMinBreakdownTotal is Config.MinBreakdownTotal when zero.
const DefaultMinBreakdownTotal = 100

// DefaultHistogramBins is Config.HistogramBins when zero.
const DefaultHistogramBins = 10

// Config is how a release is built; it is read from a JSON file by the
// CLI (--config). The zero value works: the All of Us rule (threshold 20,
// bin 20), no noise, breakdowns of fewer than 100 persons withheld.
type Config struct {
	// Threshold: counts from 0 to Threshold are released as "<= Threshold".
	// At least 20; 0 means 20.
	Threshold int `json:"threshold,omitempty"`
	// Bin: larger counts are rounded up to a multiple of Bin. At least 20;
	// 0 means 20.
	Bin int `json:"bin,omitempty"`
	// MinBreakdownTotal: a breakdown (by sex, age, answer, histogram bin)
	// whose total is under it is not released at all. At least the
	// threshold; 0 means DefaultMinBreakdownTotal.
	MinBreakdownTotal int `json:"min_breakdown_total,omitempty"`
	// HistogramBins is the number of bins between the edges of a
	// measurement's value histogram (plus one open bin at each end); 0
	// means DefaultHistogramBins, at most 50.
	HistogramBins int `json:"histogram_bins,omitempty"`
	// Noise is the optional noise of every released cell.
	Noise NoiseConfig `json:"noise,omitzero"`
}

// NoiseConfig chooses the noise mechanism.
type NoiseConfig struct {
	// Mechanism is NoiseNone, NoiseKeyed or NoiseLaplace.
	Mechanism string `json:"mechanism,omitempty"`
	// KeyFile is a file holding the secret key (at least 16 bytes) that
	// draws the noise; the same key and CDR version give the same release.
	// The key is never written to the release.
	KeyFile string `json:"key_file,omitempty"`
	// Max bounds the keyed noise: offsets in [-Max, Max].
	Max int `json:"max,omitempty"`
	// Epsilon is the privacy parameter of each cell under NoiseLaplace.
	Epsilon float64 `json:"epsilon,omitempty"`

	key []byte
}

// minKey is the shortest noise key accepted: a short key can be guessed
// from released cells whose true counts are known.
const minKey = 16

// LoadConfig reads a Config from a JSON file, refusing unknown fields, and
// reads the noise key file it names (relative to the config's folder when
// not absolute). The Config is validated.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("public: config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("%w: config %s: %v", ErrInvalid, path, err)
	}
	if c.Noise.KeyFile != "" {
		kf := c.Noise.KeyFile
		if !filepath.IsAbs(kf) {
			kf = filepath.Join(filepath.Dir(path), kf)
		}
		key, err := os.ReadFile(kf)
		if err != nil {
			return Config{}, fmt.Errorf("%w: config: noise.key_file: %v", ErrInvalid, err)
		}
		c.Noise.key = bytes.TrimSpace(key)
	}
	return c, c.Validate()
}

// WithKey returns c with the noise key set, for callers that hold the key
// in memory (tests, a demo) rather than in a file.
func (c Config) WithKey(key []byte) Config {
	c.Noise.key = key
	return c
}

// Validate reports every problem of c at once, each naming its field.
func (c Config) Validate() error {
	var problems []string
	add := func(field, format string, args ...any) {
		problems = append(problems, field+": "+fmt.Sprintf(format, args...))
	}
	if c.Threshold != 0 && c.Threshold < access.MinThreshold {
		add("threshold", "%d is below %d", c.Threshold, access.MinThreshold)
	}
	if c.Bin != 0 && c.Bin < access.MinThreshold {
		add("bin", "%d is below %d", c.Bin, access.MinThreshold)
	}
	if c.MinBreakdownTotal != 0 && c.MinBreakdownTotal < c.threshold() {
		add("min_breakdown_total", "%d is below the threshold %d", c.MinBreakdownTotal, c.threshold())
	}
	if c.HistogramBins < 0 || c.HistogramBins > 50 {
		add("histogram_bins", "%d is not from 1 to 50", c.HistogramBins)
	}
	n := c.Noise
	switch n.Mechanism {
	case NoiseNone:
		if n.KeyFile != "" || len(n.key) > 0 || n.Max != 0 || n.Epsilon != 0 {
			add("noise.mechanism", "empty, but other noise fields are set")
		}
	case NoiseKeyed, NoiseLaplace:
		if len(n.key) < minKey {
			add("noise.key_file", "a key of at least %d bytes is required", minKey)
		}
		if n.Mechanism == NoiseKeyed && n.Max <= 0 {
			add("noise.max", "must be positive for keyed noise")
		}
		if n.Mechanism == NoiseKeyed && n.Epsilon != 0 {
			add("noise.epsilon", "is for the laplace mechanism")
		}
		if n.Mechanism == NoiseLaplace && !(n.Epsilon > 0 && n.Epsilon <= 10) {
			add("noise.epsilon", "%g is not in (0, 10]", n.Epsilon)
		}
		if n.Mechanism == NoiseLaplace && n.Max != 0 {
			add("noise.max", "is for the keyed mechanism")
		}
	default:
		add("noise.mechanism", "%q is not %q, %q or empty", n.Mechanism, NoiseKeyed, NoiseLaplace)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: config: %s", ErrInvalid, strings.Join(problems, "; "))
	}
	return nil
}

func (c Config) threshold() int { return max(c.Threshold, access.MinThreshold) }
func (c Config) bin() int       { return max(c.Bin, access.MinThreshold) }

func (c Config) minBreakdownTotal() int64 {
	if c.MinBreakdownTotal == 0 {
		return max(DefaultMinBreakdownTotal, int64(c.threshold()))
	}
	return int64(c.MinBreakdownTotal)
}

func (c Config) histogramBins() int {
	if c.HistogramBins == 0 {
		return DefaultHistogramBins
	}
	return c.HistogramBins
}

// Errors lists the sentinels of this package, for a client that rebuilds
// them from their codes.
var Errors = []*fault.Error{ErrInvalid, ErrNotFound}
