// Command example is a minimal third-party simulator plugin for patchcheck:
// the smallest program that `patchcheck simulate` accepts in place of its
// built-in model. Copy it to start your own.
//
// A simulator plugin implements simulator.Simulator (plugins/simulator/
// contract.go) and hands it to simulator.Serve, which performs the go-plugin
// handshake and serves it over gRPC. patchcheck starts the program, calls
// Describe and Simulate, and stops it. Requests and forecasts are the JSON
// contracts of SPEC §4.1 and §4.2, carried as JSON inside gRPC, so the Go
// types in contract.go are all a Go plugin needs. Rules:
//
//   - Be pure: the same Request must give the same Forecast; time and
//     randomness come in the request (Release.Date, Seed).
//   - Write nothing to stdout before Serve (stdout carries the handshake).
//     Log to stderr; patchcheck shows it.
//   - Return an error rather than a partial forecast; its message reaches the
//     user. Respect the context: patchcheck bounds each call and stops a
//     plugin that overruns.
//
// This one predicts that nothing gets patched: every VM is reported not
// compliant with the reason "example simulator: no model", and the
// compliance curve is all zeros, one point a day from release to the deadline
// (31 points with the default 30-day deadline).
//
// Build it and run it (patchcheck runs an external simulator only with the
// binary's SHA-256, so a swapped binary is refused):
//
//	go build -o example ./plugins/simulator/example
//	patchcheck simulate fleet.yaml --simulator ./example \
//	    --simulator-sha256 "$(sha256sum ./example | cut -d' ' -f1)"
//
// Run by hand, the program only says that it is a plugin and exits.
package main

import (
	"context"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// exampleSimulator is a Simulator without a model.
type exampleSimulator struct{}

func (exampleSimulator) Describe(context.Context) (simulator.Description, error) {
	return simulator.Description{
		Name:            "example",
		Version:         "0.1.0",
		ProtocolVersion: simulator.ProtocolVersion,
	}, nil
}

func (s exampleSimulator) Simulate(ctx context.Context, req simulator.Request) (*simulator.Forecast, error) {
	desc, err := s.Describe(ctx)
	if err != nil {
		return nil, err
	}
	trials := req.Trials
	if trials < 1 {
		trials = 1
	}
	days := req.Fleet.Settings.DeadlineDays
	if days <= 0 {
		days = 30
	}
	f := &simulator.Forecast{
		Simulator: desc,
		Release:   req.Fleet.Release.Date,
		Deadline:  req.Fleet.Release.Date.AddDate(0, 0, days),
		Seed:      req.Seed,
		Trials:    trials,
		Phases:    []simulator.Phase{},
		Plan:      []simulator.Step{},
		VMs:       make([]simulator.VMResult, 0, len(req.Fleet.VMs)),
		Curve:     make([]simulator.CurvePoint, 0, days+1),
		Regions:   []simulator.RegionSummary{},
	}
	regions := map[string]int{} // region -> index in f.Regions
	for _, vm := range req.Fleet.VMs {
		if err := ctx.Err(); err != nil {
			return nil, err // cancelled or timed out: no partial forecast
		}
		f.VMs = append(f.VMs, simulator.VMResult{
			Name:            vm.Name,
			Region:          vm.Region,
			Zone:            vm.Zone,
			AvailabilitySet: vm.AvailabilitySet,
			UpdateDomain:    vm.UpdateDomain,
			Phase:           -1,
			Compliant:       false,
			Reason:          "example simulator: no model",
		})
		i, ok := regions[vm.Region]
		if !ok {
			i = len(f.Regions)
			regions[vm.Region] = i
			f.Regions = append(f.Regions, simulator.RegionSummary{Region: vm.Region, Phase: -1})
		}
		f.Regions[i].VMs++
	}
	for day := 0; day <= days; day++ {
		f.Curve = append(f.Curve, simulator.CurvePoint{Day: day})
	}
	return f, nil
}

func main() {
	simulator.Serve(exampleSimulator{})
}
