package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// BenchmarkSimulateTransport compares the reference model in-process with
// the same model behind go-plugin's gRPC (the built-in plugin, this binary
// re-executed), so the cost of the hop is measured, not guessed.
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
	}
}
