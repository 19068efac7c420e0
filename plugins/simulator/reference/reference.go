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

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// Version of the model; bump it when forecasts change for the same input.
const Version = "2.0.0"

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
	return s.simulate(ctx, m, nil)
}

var _ simulator.StreamingSimulator = (*Simulator)(nil)

// SimulateStream is Simulate for VMs that arrive while it runs: each VM is
// judged as it comes (time zone, schedule, eligibility, enablement), and
// trial 0's plan and results go to out while the other trials run.
func (s *Simulator) SimulateStream(ctx context.Context, req simulator.Request, count int, vms <-chan []simulator.VM, out simulator.ForecastSink) (*simulator.Forecast, error) {
	m, err := newModel(req, count)
	if err != nil {
		return nil, err
	}
	for batch := range vms {
		for i := range batch {
			if err := m.add(&batch[i]); err != nil {
				return nil, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err // the fleet did not arrive whole
	}
	if err := m.plan(); err != nil {
		return nil, err
	}
	return s.simulate(ctx, m, out)
}

// simulate runs the trials of a prepared model, trial 0's plan and results
// going to out when there is one.
func (s *Simulator) simulate(ctx context.Context, m *model, out simulator.ForecastSink) (*simulator.Forecast, error) {
	desc, _ := s.Describe(ctx)
	req := m.req
	trials := max(req.Trials, 1)
	f := &simulator.Forecast{
		Simulator: desc, Release: m.release, Deadline: m.deadline, Seed: req.Seed, Trials: trials,
		Assumptions: m.assumptions(),
	}
	days := req.Fleet.Settings.DeadlineDays
	perTrial := make([][]float64, trials)
	for t := range trials {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		run := m.run(ctx, t, t == 0)
		if run == nil {
			return nil, ctx.Err()
		}
		perTrial[t] = run.curve(m, days)
		if t == 0 {
			if err := run.fill(m, f, out); err != nil {
				return nil, err
			}
		}
	}
	f.Curve = bands(perTrial, days)
	return f, nil
}

// inputError is a request the model cannot simulate.
func inputError(format string, args ...any) error {
	return fmt.Errorf("invalid simulation request: %s", fmt.Sprintf(format, args...))
}
