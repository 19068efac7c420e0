package simulator_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// validForecast is a small forecast that passes CheckForecast: two VMs, one
// patched on day 3, and a curve that says so.
func validForecast() (simulator.Request, *simulator.Forecast) {
	req := request(2)
	req.Fleet.Settings.DeadlineDays = 5
	start := req.Fleet.Release.Date.Add(72 * time.Hour)
	end := start.Add(time.Hour)
	days := 3.04
	fc := &simulator.Forecast{
		Seed: req.Seed, Trials: req.Trials,
		Phases: []simulator.Phase{{Index: 0, Regions: []string{"eastus", "westus"}, Status: simulator.PhaseSucceeded, VMs: 2, Patched: 1}},
		VMs: []simulator.VMResult{
			{Name: "vm-000000", Region: "eastus", Phase: 0, Eligible: true, InstallStart: &start, InstallEnd: &end,
				InstallWindows: 1, Attempts: 1, DaysAfterRelease: &days, Compliant: true},
			{Name: "vm-000001", Region: "westus", Phase: -1, Reason: "unsupported image"},
		},
		Regions: []simulator.RegionSummary{{Region: "eastus", VMs: 1, Eligible: 1, Compliant: 1}, {Region: "westus", Phase: -1, VMs: 1}},
	}
	for d := 0; d <= 5; d++ {
		share := 0.0
		if d >= 4 {
			share = 0.5
		}
		fc.Curve = append(fc.Curve, simulator.CurvePoint{Day: d, Compliant: share, P10: share, P50: share, P90: share})
	}
	return req, fc
}

func TestCheckForecast(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	neg := -1.5
	tests := []struct {
		name   string
		change func(*simulator.Forecast)
		want   string // "" = accepted
	}{
		{"valid", func(*simulator.Forecast) {}, ""},
		{"NaN compliance", func(f *simulator.Forecast) { f.Curve[5].Compliant = nan }, "curve[5].compliant is NaN"},
		{"infinite compliance", func(f *simulator.Forecast) { f.Curve[5].Compliant = inf }, "curve[5].compliant is +Inf"},
		{"NaN p50", func(f *simulator.Forecast) { f.Curve[2].P50 = nan }, "curve[2].p50 is NaN"},
		{"share above 1", func(f *simulator.Forecast) { f.Curve[5].P90 = 1.5 }, "curve[5].p90 is 1.5, want a share between 0 and 1"},
		{"negative share", func(f *simulator.Forecast) { f.Curve[0].Compliant = -0.1 }, "curve[0].compliant is -0.1, want a share between 0 and 1"},
		{"p10 above p90", func(f *simulator.Forecast) { f.Curve[4].P10 = 0.9 }, "curve[4]: p10 0.9 > p50 0.5"},
		{"p50 above p90", func(f *simulator.Forecast) { f.Curve[4].P50 = 0.8 }, "curve[4]: p50 0.8 > p90 0.5"},
		{"curve falls", func(f *simulator.Forecast) { f.Curve[5].Compliant = 0.25 }, "curve[5].compliant 0.25 is below the day before's 0.5"},
		{"curve disagrees with VMs", func(f *simulator.Forecast) {
			for i := range f.Curve {
				f.Curve[i].Compliant = 1
			}
		}, "curve[5].compliant 1 does not match the VM results (1 of 2 compliant)"},
		{"NaN days", func(f *simulator.Forecast) { f.VMs[0].DaysAfterRelease = &nan }, "vms[0] (vm-000000).daysAfterRelease is NaN"},
		{"negative days", func(f *simulator.Forecast) { f.VMs[0].DaysAfterRelease = &neg }, "vms[0] (vm-000000).daysAfterRelease is -1.5, want 0 or more"},
		{"negative attempts", func(f *simulator.Forecast) { f.VMs[0].Attempts = -1 }, "vms[0] (vm-000000).attempts is -1"},
		{"negative windows", func(f *simulator.Forecast) { f.VMs[0].InstallWindows = -2 }, "vms[0] (vm-000000).installWindows is -2"},
		{"negative update domain", func(f *simulator.Forecast) { f.VMs[1].UpdateDomain = -1 }, "vms[1] (vm-000001).updateDomain is -1"},
		{"phase below -1", func(f *simulator.Forecast) { f.VMs[1].Phase = -2 }, "vms[1] (vm-000001).phase is -2"},
		{"install ends before it starts", func(f *simulator.Forecast) {
			before := f.VMs[0].InstallStart.Add(-time.Minute)
			f.VMs[0].InstallEnd = &before
		}, "vms[0] (vm-000000).installEnd is before its installStart"},
		{"negative phase count", func(f *simulator.Forecast) { f.Phases[0].Unhealthy = -3 }, "phases[0].unhealthy is -3"},
		{"more patched than VMs", func(f *simulator.Forecast) { f.Phases[0].Patched = 3 }, "phases[0].patched is 3, more than its 2 VMs"},
		{"region compliant above VMs", func(f *simulator.Forecast) { f.Regions[0].Compliant = 2 }, "regions[0] (eastus).compliant is 2, more than its 1 VMs"},
		{"negative region count", func(f *simulator.Forecast) { f.Regions[1].VMs = -1 }, "regions[1] (westus).vms is -1"},
		{"no trials", func(f *simulator.Forecast) { f.Trials = 0 }, "trials is 0, want 1 or more"},
		{"missing VM", func(f *simulator.Forecast) { f.VMs = f.VMs[:1] }, "1 VM results for 2 VMs"},
		{"short curve", func(f *simulator.Forecast) { f.Curve = f.Curve[:3] }, "curve has 3 points, want 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, fc := validForecast()
			tt.change(fc)
			err := simulator.CheckForecast(req, fc)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("CheckForecast = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("CheckForecast = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestReferenceForecastsPass: the checks refuse nothing the reference model
// produces, on the conformance fixtures and random fleets, with one trial
// and with several.
func TestReferenceForecastsPass(t *testing.T) {
	var reqs []simulator.Request
	for _, f := range simulatortest.Fixtures() {
		reqs = append(reqs, f.Request)
	}
	for seed := int64(1); seed <= 40; seed++ {
		reqs = append(reqs, simulatortest.RandomFleet(seed))
	}
	sim := reference.New()
	for i, req := range reqs {
		for _, trials := range []int{1, 7} {
			req.Trials = trials
			fc, err := sim.Simulate(context.Background(), req)
			if err != nil {
				t.Fatalf("request %d: Simulate: %v", i, err)
			}
			if err := simulator.CheckForecast(req, fc); err != nil {
				t.Errorf("request %d, %d trials: CheckForecast refused the reference forecast: %v", i, trials, err)
			}
		}
	}
}
