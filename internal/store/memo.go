package store

import "sync"

// memoMax bounds a memo: past it, the memo starts over.
const memoMax = 10_000

// memo keeps what the lookups of every request read (a token's user, a
// user's records, a role, a workspace) until the next change of the
// store: each committed write moves the store's generation, and a memo of
// an older generation is empty. A server answering the same users again
// and again then reads the state file only after something changed.
type memo[K comparable, V any] struct {
	mu  sync.Mutex
	gen uint64
	m   map[K]V
}

// cached is the value of k in m, loaded by load when m lacks it. The
// generation is read before load runs, so a value that a concurrent write
// may have changed is kept under the generation before that write, which
// the write's end empties.
func cached[K comparable, V any](s *Store, m *memo[K, V], k K, load func() (V, error)) (V, error) {
	gen := s.gen.Load()
	m.mu.Lock()
	if gen > m.gen {
		m.gen = gen
		clear(m.m)
	}
	v, ok := m.m[k]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen == m.gen {
		if m.m == nil || len(m.m) >= memoMax {
			m.m = make(map[K]V)
		}
		m.m[k] = v
	}
	return v, nil
}
