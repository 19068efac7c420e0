package engine

import (
	"crypto/sha256"
	"sync"
)

// cacheEntries bounds the result cache: a 32-byte digest and a few findings
// per entry, so well under a few MB whatever the size of the run.
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
	entries map[[sha256.Size]byte][]rawFinding
}

// digest keys the cache by SHA-256 of model.VM.Key: collisions are not a
// practical concern, and a fixed-size key keeps memory flat.
func digest(key string) [sha256.Size]byte { return sha256.Sum256([]byte(key)) }

func newResultCache(limit int) *resultCache {
	return &resultCache{limit: limit, entries: make(map[[sha256.Size]byte][]rawFinding, limit)}
}

func (c *resultCache) get(key [sha256.Size]byte) ([]rawFinding, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.entries[key]
	return r, ok
}

// put stores a result; when full it starts over, which keeps memory bounded
// without bookkeeping per entry.
func (c *resultCache) put(key [sha256.Size]byte, r []rawFinding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.limit {
		clear(c.entries)
	}
	c.entries[key] = r
}
