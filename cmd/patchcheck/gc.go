package main

import (
	"os"
	"runtime/debug"
)

// tuneGC trades memory the process does not need for CPU it does. Only lint
// calls it (the built-in plugin has tunePluginGC): simulate's forecasts for
// large fleets need far more than the soft limit, which would make the
// collector run without pause. A lint run's live heap is small (compiled
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

// tunePluginGC sets the collector of the built-in plugin process. The
// process lives for one forecast, and its heap goes from nothing to a whole
// fleet in one request, nearly all of it live until the call ends: at
// GOGC=100 the collector would run again and again over a heap that only
// grows, finding little to free. GOGC set by the user wins.
func tunePluginGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
	}
}
