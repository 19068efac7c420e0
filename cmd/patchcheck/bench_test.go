package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// BenchmarkSimulateTransport compares the reference model in-process with
// the same model behind go-plugin's gRPC (the built-in plugin, this binary
// re-executed), so the cost of the hop is measured, not guessed; the hop
// sub-benchmark reports its share of the call over gRPC (median and
// largest over the pairs of runs).
// 1M VMs: go test -run '^$' -bench Transport -benchtime 1x ./cmd/patchcheck
func BenchmarkSimulateTransport(b *testing.B) {
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	remote, closeRemote, err := simulator.Open(simulator.HostConfig{Path: self, Args: simulator.BuiltinArgs(), StartTimeout: time.Minute, Stderr: os.Stderr})
	if err != nil {
		b.Fatal(err)
	}
	defer closeRemote()
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		if testing.Short() && n > 100_000 {
			continue
		}
		req := simulatortest.LargeFleet(n)
		for _, tc := range []struct {
			name string
			sim  simulator.Simulator
		}{{"in-process", reference.New()}, {"grpc", remote}} {
			b.Run(fmt.Sprintf("vms=%d/%s", n, tc.name), func(b *testing.B) {
				for b.Loop() {
					f, err := tc.sim.Simulate(context.Background(), req)
					if err != nil || len(f.VMs) != n {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "VMs/s")
			})
		}
		// The hop's share measured in pairs, each in-process run next to a
		// run over gRPC: on a shared machine the speed drifts between the
		// blocks of runs above by as much as the hop itself.
		b.Run(fmt.Sprintf("vms=%d/hop", n), func(b *testing.B) {
			var shares []float64
			for b.Loop() {
				var took [2]time.Duration
				for i, sim := range []simulator.Simulator{reference.New(), remote} {
					start := time.Now()
					if f, err := sim.Simulate(context.Background(), req); err != nil || len(f.VMs) != n {
						b.Fatal(err)
					}
					took[i] = time.Since(start)
				}
				shares = append(shares, 100*(took[1]-took[0]).Seconds()/took[1].Seconds())
			}
			slices.Sort(shares)
			b.ReportMetric(shares[len(shares)/2], "hop-%-median")
			b.ReportMetric(shares[len(shares)-1], "hop-%-max")
		})
	}
}
