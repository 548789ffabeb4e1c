package synth

import (
	"math"
	"sort"
	"time"
)

// Streams name the independent random sequences of one person, so that
// adding draws to one part of the model leaves the others unchanged.
const (
	streamDemographics uint64 = iota + 1
	streamHealth
	streamVisits
	streamSurveys
	streamPhysical
)

// mix is the splitmix64 finalizer: a cheap, well-spread 64-bit hash.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// rng is a splitmix64 generator. Each (seed, person, stream) has its own,
// so persons can be generated in any order by any goroutine.
type rng struct{ s uint64 }

func newRNG(seed, person int64, stream uint64) rng {
	return rng{s: mix(mix(mix(uint64(seed))^uint64(person)) ^ stream*0x9e3779b97f4a7c15)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int((r.next() >> 32) * uint64(n) >> 32) }

// between returns a number in [lo, hi]; lo <= hi.
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

func (r *rng) chance(p float64) bool { return r.float() < p }

// normal returns a standard normal draw (Box-Muller).
func (r *rng) normal() float64 {
	u := 1 - r.float()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}

// poisson returns a Poisson draw with mean lambda.
func (r *rng) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.normal())))
	}
	l, k, p := math.Exp(-lambda), 0, r.float()
	for p > l {
		k++
		p *= r.float()
	}
	return k
}

// picker draws an index with probability proportional to fixed weights.
type picker struct{ cum []float64 }

func newPicker(weights []float64) picker {
	cum := make([]float64, len(weights))
	var s float64
	for i, w := range weights {
		s += w
		cum[i] = s
	}
	return picker{cum}
}

// zipf weights rank i (from 0) by 1/(i+1)^s: a few items are very common,
// most are rare, as concept prevalence is in real records.
func zipf(n int, s float64) picker {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1), s)
	}
	return newPicker(w)
}

func (p picker) pick(r *rng) int {
	u := r.float() * p.cum[len(p.cum)-1]
	i := sort.SearchFloat64s(p.cum, u)
	if i < len(p.cum) && p.cum[i] == u {
		i++ // SearchFloat64s finds cum[i] >= u; the draw belongs to the next item
	}
	return min(i, len(p.cum)-1)
}

// Days count from 1970-01-01 (the Unix epoch), so a day converts to a time
// by multiplying.
type day int32

func dayOf(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// at is the moment sec seconds into the day.
func (d day) at(sec int32) time.Time { return time.Unix(int64(d)*86400+int64(sec), 0).UTC() }

func (d day) date() (int, time.Month, int) { return d.time().Date() }

// yearsBetween is the age in completed years at day to of someone born at from.
func yearsBetween(from, to day) int {
	fy, fm, fd := from.date()
	ty, tm, td := to.date()
	age := ty - fy
	if tm < fm || (tm == fm && td < fd) {
		age--
	}
	return age
}
