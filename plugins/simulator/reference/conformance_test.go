package reference_test

import (
	"context"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestConformance runs the suite every simulator must pass, including the
// property tests on random fleets, against the reference model in-process.
// The same suite runs over real gRPC in cmd/patchcheck.
func TestConformance(t *testing.T) {
	simulatortest.Run(t, reference.New())
}

// TestInvariantsOnManyRandomFleets widens the suite's property test to 300
// seeded random fleets, some with several trials.
func TestInvariantsOnManyRandomFleets(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 30
	}
	sim := reference.New()
	for seed := int64(100); seed < int64(100+n); seed++ {
		req := simulatortest.RandomFleet(seed)
		req.Trials = 1 + int(seed%3)
		f, err := sim.Simulate(context.Background(), req)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, e := range simulatortest.CheckInvariants(req, f) {
			t.Errorf("seed %d: %v", seed, e)
		}
	}
}
