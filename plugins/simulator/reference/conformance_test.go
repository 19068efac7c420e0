package reference_test

import (
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
