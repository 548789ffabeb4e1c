package access

import (
	"container/list"
	"fmt"
	"math"
	"sync"
	"time"
)

// Limiter defaults.
const (
	DefaultRate       = 1.0 // requests per second per client
	DefaultBurst      = 10
	DefaultMaxClients = 10000
	maxBurst          = 1 << 30
)

// Limiter is a token bucket per client (an IP address, a token): each
// client may make Burst requests at once, then Rate per second. It is
// deterministic: the answer depends only on the client's earlier calls and
// the times passed in, never on a clock. Safe for concurrent use.
//
// Memory is bounded: a client whose bucket has refilled is forgotten
// (which changes no answer, since a new client starts full), and past
// MaxClients the least recently seen client is forgotten even if its
// bucket is not full.
//
// Configure the exported fields before the first call; the zero value
// uses the defaults. A Limiter must not be copied after first use.
type Limiter struct {
	// Rate is requests per second per client; 0 means DefaultRate.
	Rate float64
	// Burst is how many requests a client may make at once; 0 means
	// DefaultBurst. At most 2^30.
	Burst int
	// MaxClients bounds the clients remembered; 0 means DefaultMaxClients.
	MaxClients int

	mu      sync.Mutex
	clients map[string]*list.Element // of *bucket
	recent  list.List                // front: most recently seen
}

// bucket is one client's state as in GCRA: tat is the theoretical arrival
// time, when the bucket is full again.
type bucket struct {
	client string
	tat    time.Time
}

// Validate reports a negative setting.
func (l *Limiter) Validate() error {
	if l.Rate < 0 || l.Burst < 0 || l.MaxClients < 0 {
		return fmt.Errorf("%w: limiter: negative rate, burst or max clients", ErrInvalid)
	}
	return nil
}

func (l *Limiter) settings() (interval, tolerance time.Duration, limit int) {
	rate, burst, limit := l.Rate, l.Burst, l.MaxClients
	if rate <= 0 {
		rate = DefaultRate
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	if limit <= 0 {
		limit = DefaultMaxClients
	}
	burst = min(burst, maxBurst)
	// The interval is capped so that a full bucket's span, interval times
	// (burst+1), fits in a Duration.
	interval = time.Duration(math.MaxInt64 / int64(burst+1))
	if f := float64(time.Second) / rate; f < float64(interval) {
		interval = time.Duration(f)
	}
	tolerance = interval * time.Duration(burst-1)
	return interval, tolerance, limit
}

// Allow reports whether client may make a request at now, and if so counts
// it.
func (l *Limiter) Allow(client string, now time.Time) bool {
	interval, tolerance, limit := l.settings()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients == nil {
		l.clients = map[string]*list.Element{}
	}
	// Forget clients whose buckets are full: they answer as new ones would.
	for e := l.recent.Back(); e != nil && !e.Value.(*bucket).tat.After(now); e = l.recent.Back() {
		l.forget(e)
	}
	e, ok := l.clients[client]
	if !ok {
		if len(l.clients) >= limit {
			l.forget(l.recent.Back())
		}
		e = l.recent.PushFront(&bucket{client: client, tat: now})
		l.clients[client] = e
	}
	l.recent.MoveToFront(e)
	b := e.Value.(*bucket)
	tat := b.tat
	if tat.Before(now) {
		tat = now
	}
	if tat.Sub(now) > tolerance {
		return false
	}
	b.tat = tat.Add(interval)
	return true
}

func (l *Limiter) forget(e *list.Element) {
	delete(l.clients, e.Value.(*bucket).client)
	l.recent.Remove(e)
}
