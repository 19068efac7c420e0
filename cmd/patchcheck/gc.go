package main

import (
	"os"
	"runtime/debug"
)

// tuneGC trades memory the process does not need for CPU it does. Only lint
// calls it: simulate's forecasts for large fleets need far more than the
// soft limit, which would make the collector run without pause. A lint
// run's live heap is small (compiled policies plus findings, ~10-20 MB) but
// it allocates fast, so Go's default GOGC=100 collects every few MB and GC
// becomes a fifth of the run. GOGC=400 under a soft limit of 64 MiB keeps
// peak memory below the 100 MB design target while collecting far less
// often. GOGC and GOMEMLIMIT set by the user win.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(64 << 20)
	}
}
