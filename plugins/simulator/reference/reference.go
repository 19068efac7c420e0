// Package reference is patchcheck's built-in rollout model: it predicts how
// Azure's availability-first orchestration patches a fleet this month. It is
// plain Go with no plugin machinery, so it can be tested and benchmarked
// directly; the main binary serves it through plugins/simulator.
//
// Hand-written because no library models this: the rules are SPEC §2
// (D2–D12) and §4, and the assumptions Microsoft does not publish (off-peak
// hours, phase plan, bake time, health gate, assessment cadence) are fleet
// settings with documented defaults.
package reference

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// Version of the model; bump it when forecasts change for the same input.
const Version = "1.0.0"

// Simulator is the reference model. It holds no state between calls.
type Simulator struct{}

// New returns the reference simulator.
func New() *Simulator { return &Simulator{} }

// Describe names the model.
func (*Simulator) Describe(ctx context.Context) (simulator.Description, error) {
	if err := ctx.Err(); err != nil {
		return simulator.Description{}, err
	}
	return simulator.Description{Name: "patchcheck-reference", Version: Version, ProtocolVersion: simulator.ProtocolVersion}, nil
}

// Simulate runs req.Trials independent months of the same fleet. Trial 0 is
// the reported forecast; all trials feed the curve's percentile bands.
func (s *Simulator) Simulate(ctx context.Context, req simulator.Request) (*simulator.Forecast, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m, err := prepare(req)
	if err != nil {
		return nil, err
	}
	desc, _ := s.Describe(ctx)
	trials := max(req.Trials, 1)
	f := &simulator.Forecast{
		Simulator: desc, Release: m.release, Deadline: m.deadline, Seed: req.Seed, Trials: trials,
	}
	days := req.Fleet.Settings.DeadlineDays
	perTrial := make([][]float64, trials)
	for t := range trials {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(uint64(req.Seed), uint64(t)))
		run := m.run(ctx, rng)
		if run == nil {
			return nil, ctx.Err()
		}
		perTrial[t] = run.curve(m, days)
		if t == 0 {
			run.fill(m, f)
		}
	}
	f.Curve = bands(perTrial, days)
	return f, nil
}

// inputError is a request the model cannot simulate.
func inputError(format string, args ...any) error {
	return fmt.Errorf("invalid simulation request: %s", fmt.Sprintf(format, args...))
}
