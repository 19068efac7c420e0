package main

import (
	"os"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestConformanceOverGRPC runs the simulator conformance suite against the
// built-in simulator exactly as simulate uses it: this binary re-executed as
// a go-plugin process, every call crossing real gRPC.
func TestConformanceOverGRPC(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sim, closeSim, err := simulator.Open(simulator.HostConfig{
		Path: self, Args: simulator.BuiltinArgs(), StartTimeout: time.Minute, CallTimeout: time.Minute, Stderr: os.Stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeSim()
	simulatortest.Run(t, sim)
}
