package main

import (
	"os"
	"runtime/debug"
)

// tuneGC trades memory the process does not need for CPU it does. Only lint
// calls it: simulate's forecasts for large fleets need far more than the
// soft limit, which would make the collector run without pause (the
// built-in plugin process keeps Go's default). A lint run's live heap is small (compiled
// policies plus findings) but it allocates fast, so at Go's default GOGC the
// collector runs every few megabytes and becomes a large share of the run.
// A higher GOGC under a soft memory limit collects far less often while
// peak memory stays within lint's budget; a lower limit held the heap goal
// so low that the time saved was lost again (docs/performance.md has the
// measurements). GOGC and GOMEMLIMIT set by the user win.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(72 << 20)
	}
}
