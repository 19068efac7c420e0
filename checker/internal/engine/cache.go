package engine

import "sync"

// cacheEntries bounds the result cache: a key of a few hundred bytes and a
// few findings per entry, so a few MB whatever the size of the run.
const cacheEntries = 8192

// resultCache remembers a group's results per distinct input. Templates in
// a repository repeat the same VM settings over and over (copied modules,
// environments, regions), each group reads only a few members of a VM, and
// OPA evaluation is the costliest step of a lint, so equal inputs are
// evaluated once. This is exact because a key encodes everything the
// group's input holds (see inputField), inputs carry no positions, and the
// pinned capabilities leave out every non-deterministic built-in.
type resultCache struct {
	mu      sync.Mutex
	limit   int
	entries map[string][]rawFinding
}

func newResultCache(limit int) *resultCache {
	return &resultCache{limit: limit, entries: make(map[string][]rawFinding, limit)}
}

func (c *resultCache) get(key []byte) ([]rawFinding, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.entries[string(key)] // no allocation: the compiler looks up without converting
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
