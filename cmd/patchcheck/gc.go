package main

import (
	"os"
	"runtime/debug"
)

// tuneGC trades memory the process does not need for CPU it does. Only lint
// calls it: simulate's forecasts for large fleets need far more than the
// soft limit, which would make the collector run without pause (and the
// built-in plugin process keeps Go's default, see newPluginCommand). A lint
// run's live heap is small (compiled policies plus findings, ~20-35 MB on
// 10,000 files) but it allocates fast, so Go's default GOGC=100 collects
// every few MB and GC becomes a fifth of the run. GOGC=400 under a soft
// limit of 72 MiB keeps peak RSS near 90 MB, below the 100 MB design
// target, while collecting far less often (64 MiB left the heap goal
// below 50 MB and cost 20% more time on scripts/bench.sh). GOGC and
// GOMEMLIMIT set by the user win.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(72 << 20)
	}
}
