package simulator

import (
	"runtime/debug"
	"sync"
)

// pauseGC stops the garbage collector until the returned function is
// called. The bulk decoders use it: everything they allocate is the fleet
// or forecast being received, live until the call ends, so a collection
// meanwhile frees nothing, yet at a million VMs the collections a fresh
// plugin process runs while its heap grows tripled the decoding time (write
// barriers, assists and rescans of the half-built fleet). Allocation during
// a pause is bounded by the message, which is already in memory.
//
// The collector's setting belongs to the whole process, so the pause is
// counted process-wide: overlapping calls (a host and a plugin in one test
// process, or concurrent Simulate calls) restore it once, when the last ends.
func pauseGC() (resume func()) {
	gcPause.mu.Lock()
	defer gcPause.mu.Unlock()
	if gcPause.depth == 0 {
		gcPause.saved = debug.SetGCPercent(-1)
	}
	gcPause.depth++
	return func() {
		gcPause.mu.Lock()
		defer gcPause.mu.Unlock()
		if gcPause.depth--; gcPause.depth == 0 {
			debug.SetGCPercent(gcPause.saved)
		}
	}
}

var gcPause struct {
	mu    sync.Mutex
	depth int
	saved int
}
