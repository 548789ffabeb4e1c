package access

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a fake clock: the limiter never reads one, so tests pass times.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// remembered is how many clients l holds state for.
func (l *Limiter) remembered() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// allowN makes n requests of client at one instant and counts the allowed.
func allowN(l *Limiter, client string, n int, at time.Time) (allowed int) {
	for range n {
		if l.Allow(client, at) {
			allowed++
		}
	}
	return allowed
}

func TestLimiterBurstAndRate(t *testing.T) {
	c := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := &Limiter{Rate: 2, Burst: 5}
	assert.Equal(t, 5, allowN(l, "a", 10, c.now()), "a burst, then no")
	assert.Equal(t, 5, allowN(l, "b", 10, c.now()), "clients have their own buckets")

	c.advance(499 * time.Millisecond)
	assert.False(t, l.Allow("a", c.now()), "less than one interval later")
	c.advance(time.Millisecond)
	assert.True(t, l.Allow("a", c.now()), "one interval (1/Rate) later, one request")
	assert.False(t, l.Allow("a", c.now()))

	c.advance(time.Second)
	assert.Equal(t, 2, allowN(l, "a", 10, c.now()), "Rate per second")

	c.advance(time.Hour)
	assert.Equal(t, 5, allowN(l, "a", 10, c.now()), "refills to Burst, not beyond")
}

func TestLimiterExtremes(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	slow := &Limiter{Rate: 1e-9, Burst: 1 << 40}
	assert.True(t, slow.Allow("a", at), "a huge burst of a slow rate is capped, not overflowed")
	slowest := &Limiter{Rate: 1e-15, Burst: 2}
	assert.Equal(t, 2, allowN(slowest, "a", 3, at), "an interval too long for a Duration is capped: still Burst at once")
	fast := &Limiter{Rate: 1e12, Burst: 1}
	assert.Equal(t, 100, allowN(fast, "a", 100, at), "faster than the clock's resolution: no limit")
}

func TestLimiterDefaults(t *testing.T) {
	var l Limiter
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, DefaultBurst, allowN(&l, "a", 100, at))
	assert.True(t, l.Allow("a", at.Add(time.Second)), "DefaultRate is 1 per second")
	assert.NoError(t, l.Validate())
	assert.ErrorIs(t, (&Limiter{Rate: -1}).Validate(), ErrInvalid)
}

// A clock that goes backwards (callers racing) refills nothing and
// breaks nothing.
func TestLimiterTimeBackwards(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &Limiter{Rate: 1, Burst: 2}
	assert.Equal(t, 2, allowN(l, "a", 5, at))
	assert.False(t, l.Allow("a", at.Add(-time.Hour)))
	assert.True(t, l.Allow("a", at.Add(time.Second)))
}

func TestLimiterDeterministic(t *testing.T) {
	run := func() []bool {
		l := &Limiter{Rate: 3, Burst: 4, MaxClients: 5}
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var out []bool
		for i := range 2000 {
			at = at.Add(time.Duration(i%7) * 37 * time.Millisecond)
			out = append(out, l.Allow(fmt.Sprint("client", i*i%11), at))
		}
		return out
	}
	assert.Equal(t, run(), run())
}

func TestLimiterForgetsIdleClients(t *testing.T) {
	c := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := &Limiter{Rate: 1, Burst: 3}
	for i := range 1000 {
		require.Equal(t, 3, allowN(l, fmt.Sprint("ip", i), 3, c.now()))
	}
	assert.Equal(t, 1000, l.remembered())
	c.advance(2 * time.Second)
	l.Allow("ip0", c.now())
	assert.Equal(t, 1000, l.remembered(), "buckets not yet full are kept")
	c.advance(time.Second)
	l.Allow("late", c.now())
	assert.Equal(t, 2, l.remembered(), "full buckets are forgotten: ip0 (used again later) and late remain")
}

func TestLimiterMaxClients(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &Limiter{Rate: 1, Burst: 2, MaxClients: 3}
	for i := range 100 {
		l.Allow(fmt.Sprint("ip", i), at)
		require.LessOrEqual(t, l.remembered(), 3)
	}
	// The most recent clients are the ones remembered.
	assert.Equal(t, 1, allowN(l, "ip99", 5, at))
	assert.Equal(t, 2, allowN(l, "ip0", 5, at), "forgotten under pressure: a fresh bucket")
}

func TestLimiterConcurrent(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &Limiter{Rate: 1, Burst: 50}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 8 {
		wg.Go(func() {
			n := allowN(l, "shared", 100, at)
			mu.Lock()
			allowed += n
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, 50, allowed, "exactly Burst of 800 concurrent requests")
}
