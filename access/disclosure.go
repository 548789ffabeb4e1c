package access

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MinThreshold is the floor of both the threshold and the bin of a
// [Disclosure]: no count from 1 to 20 is ever shown (the All of Us rule).
const MinThreshold = 20

// Disclosure is the control every public number passes through. The zero
// value is the All of Us rule without noise: 0 stays 0, 1 to 20 is
// released as "<= 20", and larger counts are rounded up to the next
// multiple of 20.
type Disclosure struct {
	// Threshold: counts from 1 to Threshold are released as "<= Threshold".
	// At least MinThreshold; 0 means MinThreshold.
	Threshold int `json:"threshold,omitempty"`
	// Bin: counts above the threshold are rounded up to a multiple of Bin.
	// At least MinThreshold; 0 means MinThreshold.
	Bin int `json:"bin,omitempty"`
	// NoiseKey is the secret of the keyed noise; nil means no noise. It is
	// never serialized.
	NoiseKey []byte `json:"-"`
	// NoiseMax bounds the noise: an offset in [-NoiseMax, NoiseMax] added
	// to counts above the threshold before rounding.
	NoiseMax int `json:"noise_max,omitempty"`
}

// Validate reports a configuration below the floor or with half of the
// noise configured. Release applies the floor whatever the configuration,
// so an unvalidated Disclosure is never weaker than the zero value.
func (d Disclosure) Validate() error {
	var problems []string
	if d.Threshold != 0 && d.Threshold < MinThreshold {
		problems = append(problems, fmt.Sprintf("threshold %d is below %d", d.Threshold, MinThreshold))
	}
	if d.Bin != 0 && d.Bin < MinThreshold {
		problems = append(problems, fmt.Sprintf("bin %d is below %d", d.Bin, MinThreshold))
	}
	if d.NoiseMax < 0 {
		problems = append(problems, fmt.Sprintf("noise_max %d is negative", d.NoiseMax))
	}
	if d.NoiseMax > 0 && len(d.NoiseKey) == 0 {
		problems = append(problems, "noise_max without a noise key")
	}
	if d.NoiseMax == 0 && len(d.NoiseKey) > 0 {
		problems = append(problems, "a noise key without noise_max")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: disclosure: %s", ErrInvalid, strings.Join(problems, "; "))
	}
	return nil
}

func (d Disclosure) threshold() int64 { return int64(max(d.Threshold, MinThreshold)) }
func (d Disclosure) bin() int64       { return int64(max(d.Bin, MinThreshold)) }

// Release is the public form of count, the result of an aggregate query
// whose canonical text (with the CDR version in it, so that a new release
// draws new noise) is canonicalQuery:
//
//   - 0 (or less) is released as 0;
//   - 1 to the threshold is released as the threshold with AtMost;
//   - a larger count gets the keyed noise, if configured: an offset in
//     [-NoiseMax, NoiseMax] drawn from HMAC-SHA256(NoiseKey,
//     canonicalQuery), so the same query always gets the same answer; the
//     noisy count is kept above the threshold (noise never turns a count
//     into "<= 20" or 0). Then it is rounded up to the next multiple of
//     the bin.
func (d Disclosure) Release(count int64, canonicalQuery string) Released {
	t, b := d.threshold(), d.bin()
	if count <= 0 {
		return Released{}
	}
	if count <= t {
		return Released{value: t, atMost: true}
	}
	v := count
	if off := d.offset(canonicalQuery); off > 0 && v > math.MaxInt64-off {
		v = math.MaxInt64
	} else {
		v += off
	}
	v = max(v, t+1)
	q := v / b
	if v%b != 0 {
		q++
	}
	if q > math.MaxInt64/b {
		q = math.MaxInt64 / b
	}
	return Released{value: q * b}
}

// Small is the released form of a count from 0 to the threshold where 0
// must not be told apart from 1 (inside a breakdown, or anywhere in a
// release that lists a cell whatever its count): "<= threshold".
func (d Disclosure) Small() Released { return Released{value: d.threshold(), atMost: true} }

// offset is the keyed noise of a query: 0 without a key.
func (d Disclosure) offset(canonicalQuery string) int64 {
	if len(d.NoiseKey) == 0 || d.NoiseMax <= 0 {
		return 0
	}
	mac := hmac.New(sha256.New, d.NoiseKey)
	mac.Write([]byte(canonicalQuery))
	sum := mac.Sum(nil)
	n := uint64(d.NoiseMax)*2 + 1
	return int64(binary.BigEndian.Uint64(sum[:8])%n) - int64(d.NoiseMax)
}

// ReleaseBreakdown releases every count of a breakdown (counts by label);
// each label's noise is drawn from canonicalQuery and the label.
func (d Disclosure) ReleaseBreakdown(counts map[string]int64, canonicalQuery string) map[string]Released {
	out := make(map[string]Released, len(counts))
	for label, n := range counts {
		out[label] = d.Release(n, labelQuery(canonicalQuery, label))
	}
	return out
}

func labelQuery(canonicalQuery, label string) string { return canonicalQuery + "\x00" + label }

// Share is part's fraction of whole, from released numbers only (an AtMost
// part counts as its bound), in [0, 1]; 0 when whole is 0.
func Share(part, whole Released) float64 {
	if whole.value <= 0 {
		return 0
	}
	return min(float64(part.value)/float64(whole.value), 1)
}

// Released is a number that passed disclosure control. Its fields are
// unexported so that only [Disclosure.Release] (or decoding JSON, which
// checks the floor) can make one: a raw count cannot become a Released by
// accident. The zero value is 0.
type Released struct {
	value  int64
	atMost bool
}

// Value is the number released: 0, the threshold (when AtMost), or a
// multiple of the bin.
func (r Released) Value() int64 { return r.value }

// AtMost reports that the true count is somewhere from 1 to Value.
func (r Released) AtMost() bool { return r.atMost }

// String is how the number is shown: "<= 20" or "40".
func (r Released) String() string {
	if r.atMost {
		return "<= " + strconv.FormatInt(r.value, 10)
	}
	return strconv.FormatInt(r.value, 10)
}

type releasedJSON struct {
	Count  int64 `json:"count"`
	AtMost bool  `json:"at_most,omitempty"`
}

// MarshalJSON writes {"count": 40} or {"count": 20, "at_most": true}.
func (r Released) MarshalJSON() ([]byte, error) {
	return json.Marshal(releasedJSON{Count: r.value, AtMost: r.atMost})
}

// UnmarshalJSON reads what MarshalJSON writes, and refuses a number that
// no Disclosure could have released (1 to 19, negative, or 0 "at most").
func (r *Released) UnmarshalJSON(b []byte) error {
	var j releasedJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	v, err := checkReleased(j.Count, j.AtMost)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// ParseReleased rebuilds a number that was released and stored, such as a
// cell of the public release read back from its file, refusing what no
// Disclosure could have released, as UnmarshalJSON does.
func ParseReleased(count int64, atMost bool) (Released, error) { return checkReleased(count, atMost) }

func checkReleased(count int64, atMost bool) (Released, error) {
	if count < 0 || count > 0 && count < MinThreshold || count == 0 && atMost {
		return Released{}, fmt.Errorf("%w: %d is not a released count", ErrInvalid, count)
	}
	return Released{value: count, atMost: atMost}, nil
}
