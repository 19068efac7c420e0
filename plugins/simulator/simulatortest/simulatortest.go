// Package simulatortest is the conformance suite for forecast simulators
// (plugins/simulator.Simulator). A simulator's own test calls
//
//	simulatortest.Run(t, impl)
//
// which runs hand-written fleets, random fleets, a multi-trial run and a
// cancelled call through impl and checks every forecast with
// CheckInvariants, an oracle that recomputes the rules of Azure's
// availability-first rollout from the request instead of trusting the
// forecast's plan. The package imports only the standard library and the
// contract package.
package simulatortest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// maxReported caps how many invariant violations one forecast reports.
const maxReported = 25

// Run runs the conformance suite against impl as subtests of t.
func Run(t *testing.T, impl simulator.Simulator) {
	t.Helper()
	var desc *simulator.Description
	t.Run("Describe", func(t *testing.T) {
		d, err := impl.Describe(t.Context())
		if err != nil {
			t.Fatalf("Describe: %v", err)
		}
		if d.Name == "" || d.Version == "" {
			t.Errorf("Describe = %+v: name and version must not be empty", d)
		}
		if d.ProtocolVersion != simulator.ProtocolVersion {
			t.Errorf("Describe: protocol version %d, want %d", d.ProtocolVersion, simulator.ProtocolVersion)
		}
		desc = &d
	})

	t.Run("Fixtures", func(t *testing.T) {
		for _, fx := range Fixtures() {
			t.Run(fx.Name, func(t *testing.T) {
				f := simulate(t, impl, fx.Request)
				if desc != nil && (f.Simulator.Name != desc.Name || f.Simulator.Version != desc.Version) {
					t.Errorf("forecast names simulator %+v, Describe says %+v", f.Simulator, *desc)
				}
				if !report(t, fx.Request, f) {
					t.Logf("fixture: %s", fx.Description)
				}
				if fx.Check != nil {
					fx.Check(t, fx.Request, f)
				}
			})
		}
	})

	t.Run("RandomFleets", func(t *testing.T) {
		n := 30
		if testing.Short() {
			n = 5
		}
		for seed := int64(1); seed <= int64(n); seed++ {
			t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
				req := RandomFleet(seed)
				before := marshal(t, req)
				f := simulate(t, impl, req)
				if !bytes.Equal(before, marshal(t, req)) {
					t.Errorf("Simulate modified its request")
				}
				report(t, req, f)
				// Determinism: the same request gives the same bytes.
				first := marshal(t, f)
				again := marshal(t, simulate(t, impl, RandomFleet(seed)))
				if !bytes.Equal(first, again) {
					t.Errorf("the same request gave different forecasts (%d and %d bytes of JSON)\n%s", len(first), len(again), firstDiff(first, again))
				}
			})
		}
	})

	t.Run("Trials", func(t *testing.T) {
		req := RandomFleet(7)
		req.Trials = 20
		for i := range req.Fleet.VMs { // make the trials disagree
			if req.Fleet.VMs[i].FailureProbability < 0.1 {
				req.Fleet.VMs[i].FailureProbability = 0.1
			}
		}
		f := simulate(t, impl, req)
		report(t, req, f)
		days := req.Fleet.Settings.DeadlineDays
		if len(f.Curve) != days+1 || days != 30 {
			t.Fatalf("curve has %d points, want %d", len(f.Curve), 31)
		}
		for d, p := range f.Curve {
			if !(p.P10 <= p.P50+Tolerance && p.P50 <= p.P90+Tolerance) {
				t.Errorf("day %d: p10 %v, p50 %v, p90 %v not ordered", d, p.P10, p.P50, p.P90)
			}
			for _, v := range []float64{p.Compliant, p.P10, p.P50, p.P90} {
				if v < 0 || v > 1 {
					t.Errorf("day %d: value %v outside [0, 1]", d, v)
				}
			}
			if d == 0 {
				continue
			}
			q := f.Curve[d-1]
			if p.Compliant < q.Compliant-Tolerance || p.P10 < q.P10-Tolerance || p.P50 < q.P50-Tolerance || p.P90 < q.P90-Tolerance {
				t.Errorf("day %d: curve %+v decreases from day %d %+v", d, p, d-1, q)
			}
		}
		if f.Trials != 20 {
			t.Errorf("forecast trials %d, want 20", f.Trials)
		}
		if !bytes.Equal(marshal(t, f), marshal(t, simulate(t, impl, req))) {
			t.Errorf("the same 20-trial request gave different forecasts")
		}
	})

	t.Run("Cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		f, err := impl.Simulate(ctx, Fixtures()[0].Request)
		if err == nil {
			t.Errorf("Simulate with a cancelled context returned no error")
		}
		if f != nil {
			t.Errorf("Simulate with a cancelled context returned a forecast")
		}
	})
}

// simulate calls impl and fails the test on an error or a nil forecast.
func simulate(t *testing.T, impl simulator.Simulator, req simulator.Request) *simulator.Forecast {
	t.Helper()
	f, err := impl.Simulate(t.Context(), req)
	if err != nil {
		t.Fatalf("Simulate: %v", err)
	}
	if f == nil {
		t.Fatalf("Simulate returned neither a forecast nor an error")
	}
	return f
}

// report runs CheckInvariants and reports what it finds; it returns whether
// the forecast was clean.
func report(t *testing.T, req simulator.Request, f *simulator.Forecast) bool {
	t.Helper()
	errs := CheckInvariants(req, f)
	for i, err := range errs {
		if i == maxReported {
			t.Errorf("... and %d more invariant violations", len(errs)-maxReported)
			break
		}
		t.Errorf("invariant: %v", err)
	}
	return len(errs) == 0
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return b
}

// firstDiff shows where two JSON documents first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("first difference at byte %d:\n  %s\n  %s", i, a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}
