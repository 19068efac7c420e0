package engine

import "sync"

// cacheEntries bounds the result cache: about 1 KB of key per entry, so a
// few MB at most, whatever the size of the run.
const cacheEntries = 4096

// resultCache remembers rule results per distinct VM input. Templates in a
// repository repeat the same VM settings over and over (copied modules,
// environments, regions), and OPA evaluation is the costliest step of a
// lint, so equal inputs are evaluated once. This is exact because inputs
// carry no positions and the pinned capabilities leave out every
// non-deterministic built-in.
type resultCache struct {
	mu      sync.Mutex
	limit   int
	entries map[string][]rawFinding
}

func newResultCache(limit int) *resultCache {
	return &resultCache{limit: limit, entries: make(map[string][]rawFinding, limit)}
}

func (c *resultCache) get(key string) ([]rawFinding, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.entries[key]
	return r, ok
}

// put stores a result; when full it starts over, which keeps memory bounded
// without bookkeeping per entry.
func (c *resultCache) put(key string, r []rawFinding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.limit {
		clear(c.entries)
	}
	c.entries[key] = r
}
