package reference_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// BenchmarkSimulate reports VMs/s and peak heap for fleets of 10k to 1M VMs,
// one trial and 100. 1M VMs take a few seconds per op, a minute or two with
// 100 trials; run with -benchtime 1x for those.
func BenchmarkSimulate(b *testing.B) {
	for _, tc := range []struct{ vms, trials int }{{10_000, 1}, {100_000, 1}, {1_000_000, 1}, {10_000, 100}, {100_000, 100}, {1_000_000, 100}} {
		if testing.Short() && tc.vms > 100_000 {
			continue
		}
		req := simulatortest.LargeFleet(tc.vms)
		req.Trials = tc.trials
		b.Run(fmt.Sprintf("vms=%d/trials=%d", tc.vms, tc.trials), func(b *testing.B) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				f, err := reference.New().Simulate(context.Background(), req)
				if err != nil || len(f.VMs) != tc.vms {
					b.Fatal(err)
				}
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(b.N*tc.vms*tc.trials)/b.Elapsed().Seconds(), "VM-trials/s")
			b.ReportMetric(float64(after.HeapSys)/(1<<20), "heapMB")
		})
	}
}
