package simulatortest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/policies"
)

// TestRunToy runs the whole suite against a simple simulator that obeys the
// rules: the fixtures' expectations must be reachable and the oracle must
// not reject a lawful forecast.
func TestRunToy(t *testing.T) {
	Run(t, toySim{})
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// validCase is a small fleet and a hand-written forecast that obeys every
// invariant. Release Tue 2026-12-08 18:00Z, deadline 2027-01-07 18:00Z;
// every VM is in UTC with off-peak 00:00–06:00.
//
//	phase 0 eastus:  e1 zone 1 Wed 09 00:00–01:00, e2 zone 2 01:00–02:00
//	phase 1 westus (starts 24h after phase 0 ends):
//	                 w1 set as1 UD 0 Fri 11 00:00–01:00, w2 UD 1 01:00–02:00,
//	                 p1 on Mon–Fri 00:00–03:00, off 2026-12-10, Fri 11 02:00–03:00
//	northeurope:     n1 Manual, not eligible
func validCase() (simulator.Request, *simulator.Forecast) {
	vm := func(name, region string) simulator.VM {
		return linuxVM(name, "sub-a", region, "UTC", "00:00", "06:00")
	}
	e1, e2 := vm("e1", "eastus"), vm("e2", "eastus")
	e1.Zone, e2.Zone = "1", "2"
	w1, w2 := vm("w1", "westus"), vm("w2", "westus")
	w1.AvailabilitySet, w2.AvailabilitySet = "as1", "as1"
	w1.UpdateDomain, w2.UpdateDomain = 0, 1
	p1 := vm("p1", "westus")
	p1.PowerSchedule = []simulator.PowerWindow{{Days: []string{"Mon", "Tue", "Wed", "Thu", "Fri"}, Start: "00:00", End: "03:00"}}
	p1.PowerOff = []simulator.Outage{{From: "2026-12-10", To: "2026-12-10"}}
	n1 := vm("n1", "northeurope")
	n1.PatchMode = "Manual"
	req := request(simulator.Fleet{
		Release: decemberRelease, Settings: DefaultSettings(),
		VMs: []simulator.VM{e1, e2, w1, w2, p1, n1},
	})
	req.DefaultPhases = [][]string{{"eastus"}, {"westus"}}

	release := decemberRelease.Date
	res := func(v simulator.VM, phase int, start, end string) simulator.VMResult {
		s, e := utc(start), utc(end)
		return simulator.VMResult{
			Name: v.Name, Region: v.Region, Zone: v.Zone, AvailabilitySet: v.AvailabilitySet, UpdateDomain: v.UpdateDomain,
			Phase: phase, Eligible: true, InstallStart: &s, InstallEnd: &e, LocalInstall: s.Format(time.RFC3339),
			Attempts: 1, InstallWindows: 1, DaysAfterRelease: ptr(e.Sub(release).Hours() / 24), Compliant: true,
		}
	}
	curve := make([]simulator.CurvePoint, 31)
	for d := range curve {
		v := 0.0
		switch {
		case d >= 3:
			v = 5.0 / 6
		case d >= 1:
			v = 2.0 / 6
		}
		curve[d] = simulator.CurvePoint{Day: d, Compliant: v, P10: v, P50: v, P90: v}
	}
	f := &simulator.Forecast{
		Simulator: simulator.Description{Name: "hand", Version: "1", ProtocolVersion: simulator.ProtocolVersion},
		Release:   release,
		Deadline:  utc("2027-01-07T18:00:00Z"),
		Seed:      1,
		Trials:    1,
		Phases: []simulator.Phase{
			{Index: 0, Regions: []string{"eastus"}, Start: ptr(release), End: ptr(utc("2026-12-09T02:00:00Z")),
				Status: simulator.PhaseSucceeded, VMs: 2, Patched: 2},
			{Index: 1, Regions: []string{"westus"}, Start: ptr(utc("2026-12-10T02:00:00Z")), End: ptr(utc("2026-12-11T03:00:00Z")),
				Status: simulator.PhaseSucceeded, VMs: 3, Patched: 3},
		},
		VMs: []simulator.VMResult{
			res(e1, 0, "2026-12-09T00:00:00Z", "2026-12-09T01:00:00Z"),
			res(e2, 0, "2026-12-09T01:00:00Z", "2026-12-09T02:00:00Z"),
			res(w1, 1, "2026-12-11T00:00:00Z", "2026-12-11T01:00:00Z"),
			res(w2, 1, "2026-12-11T01:00:00Z", "2026-12-11T02:00:00Z"),
			res(p1, 1, "2026-12-11T02:00:00Z", "2026-12-11T03:00:00Z"),
			{Name: "n1", Region: "northeurope", Phase: -1, Reason: "patchMode Manual is not platform-orchestrated"},
		},
		Curve: curve,
		Regions: []simulator.RegionSummary{
			{Region: "eastus", Phase: 0, VMs: 2, Eligible: 2, Compliant: 2},
			{Region: "northeurope", Phase: -1, VMs: 1},
			{Region: "westus", Phase: 1, VMs: 3, Eligible: 3, Compliant: 3},
		},
	}
	return req, f
}

func vmRes(f *simulator.Forecast, name string) *simulator.VMResult {
	for i := range f.VMs {
		if f.VMs[i].Name == name {
			return &f.VMs[i]
		}
	}
	panic("no VM " + name)
}

func setInstall(r *simulator.VMResult, start, end string) {
	s, e := utc(start), utc(end)
	r.InstallStart, r.InstallEnd = &s, &e
	r.LocalInstall = s.Format(time.RFC3339)
}

func TestOracleAcceptsValidForecast(t *testing.T) {
	req, f := validCase()
	for _, err := range CheckInvariants(req, f) {
		t.Error(err)
	}
	// JSON round trip (as over the plugin wire) changes nothing.
	var back simulator.Forecast
	b, _ := json.Marshal(f)
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, err := range CheckInvariants(req, &back) {
		t.Errorf("after a JSON round trip: %v", err)
	}
}

func TestOracleCatchesViolations(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(req *simulator.Request, f *simulator.Forecast)
		want   string
	}{
		{"install outside off-peak", func(_ *simulator.Request, f *simulator.Forecast) {
			setInstall(vmRes(f, "e1"), "2026-12-09T07:00:00Z", "2026-12-09T08:00:00Z")
		}, `"e1": install [2026-12-09T07:00:00Z, 2026-12-09T08:00:00Z) (local 2026-12-09 07:00 UTC – 2026-12-09 08:00 UTC) is outside every off-peak window occurrence`},
		{"install straddling the window end", func(_ *simulator.Request, f *simulator.Forecast) {
			setInstall(vmRes(f, "e1"), "2026-12-09T05:30:00Z", "2026-12-09T06:30:00Z")
		}, `"e1": install [2026-12-09T05:30:00Z, 2026-12-09T06:30:00Z) (local 2026-12-09 05:30 UTC – 2026-12-09 06:30 UTC) is outside every off-peak window`},
		{"install in its turn before its phase", func(_ *simulator.Request, f *simulator.Forecast) {
			setInstall(vmRes(f, "w1"), "2026-12-09T00:30:00Z", "2026-12-09T01:30:00Z")
		}, `VM "w1": install [2026-12-09T00:30:00Z, 2026-12-09T01:30:00Z) starts before its phase 1 starts`},
		{"catch-up installs are not ordered", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Phases[0].End = ptr(utc("2026-12-09T01:00:00Z"))
			f.Phases[1].Start = ptr(utc("2026-12-10T01:00:00Z"))
			vmRes(f, "e2").CatchUp = true
			setInstall(vmRes(f, "e2"), "2026-12-09T00:30:00Z", "2026-12-09T01:30:00Z")
			setInstall(vmRes(f, "w2"), "2026-12-11T00:30:00Z", "2026-12-11T01:30:00Z")
		}, `VMs "w1" (UD 0) and "w2" (UD 1) in different update domains`},
		{"installWindows missing", func(_ *simulator.Request, f *simulator.Forecast) {
			vmRes(f, "e1").InstallWindows = 0
		}, `VM "e1": installed but installWindows is 0`},
		{"carried-over install ends outside a window", func(_ *simulator.Request, f *simulator.Forecast) {
			vmRes(f, "e1").InstallWindows = 2
			setInstall(vmRes(f, "e1"), "2026-12-09T05:30:00Z", "2026-12-10T07:30:00Z")
		}, `VM "e1": install over 2 windows`},
		{"halted rollout resumes too early", func(req *simulator.Request, f *simulator.Forecast) {
			req.Fleet.Settings.HaltHours = ptr(48.0)
			f.Phases[0].Status, f.Phases[0].Unhealthy = simulator.PhaseHalted, 1
		}, "phase 1 starts 2026-12-10T02:00:00Z, before halted phase 0's end 2026-12-09T02:00:00Z plus haltHours 48"},
		{"paired regions in one phase", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Phases[1].Regions = []string{"westus", "eastus"}
		}, "phase 1 contains paired regions westus and eastus"},
		{"two zones at the same time", func(_ *simulator.Request, f *simulator.Forecast) {
			setInstall(vmRes(f, "e2"), "2026-12-09T00:30:00Z", "2026-12-09T01:30:00Z")
		}, `VMs "e1" (zone 1) and "e2" (zone 2) in different zones of region eastus install at the same time`},
		{"two update domains at the same time", func(_ *simulator.Request, f *simulator.Forecast) {
			setInstall(vmRes(f, "w2"), "2026-12-11T00:30:00Z", "2026-12-11T01:30:00Z")
		}, `VMs "w1" (UD 0) and "w2" (UD 1) in different update domains of availability set as1 install at the same time`},
		{"set concurrency above 20%", func(req *simulator.Request, f *simulator.Forecast) {
			req.Fleet.VMs[3].UpdateDomain = 0
			vmRes(f, "w2").UpdateDomain = 0
			setInstall(vmRes(f, "w2"), "2026-12-11T00:30:00Z", "2026-12-11T01:30:00Z")
		}, "availability set as1 (subscription sub-a, region westus, 2 VMs): 2 concurrent installs at 2026-12-11T00:30:00Z, cap is 1"},
		{"phase runs after a halted one", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Phases[0].Status, f.Phases[0].Unhealthy = simulator.PhaseHalted, 1
		}, "phase 1 is succeeded after halted phase 0; every phase after a halted one must be not-started"},
		{"VM installs in a not-started phase", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Phases[0].Status, f.Phases[0].Unhealthy = simulator.PhaseHalted, 1
			f.Phases[1].Status, f.Phases[1].Start, f.Phases[1].End = simulator.PhaseNotStarted, nil, nil
		}, `"w1": installs or is compliant in not-started (an earlier phase halted) phase 1`},
		{"curve not monotone", func(_ *simulator.Request, f *simulator.Forecast) {
			p := &f.Curve[5]
			p.Compliant, p.P10, p.P50, p.P90 = 0.1, 0.1, 0.1, 0.1
		}, "curve compliant decreases from 0.8333333333333334 on day 4 to 0.1 on day 5"},
		{"curve percentiles out of order", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Curve[30].P10 = 0.9
		}, "curve day 30: want p10 ≤ p50 ≤ p90"},
		{"curve disagrees with the VMs", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Curve[1].Compliant, f.Curve[2].Compliant = 0.5, 0.5
		}, "curve day 1: compliant 0.5, but 2 of 6 fleet VMs are compliant with installEnd ≤ 2026-12-09T18:00:00Z"},
		{"curve too short", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Curve = f.Curve[:30]
		}, "curve has 30 points, want days 0..30 (31 points)"},
		{"missing reason", func(_ *simulator.Request, f *simulator.Forecast) {
			vmRes(f, "n1").Reason = " "
		}, `VM "n1": not compliant and no reason given`},
		{"install outside power schedule", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Phases[1].End = ptr(utc("2026-12-12T03:00:00Z"))
			setInstall(vmRes(f, "p1"), "2026-12-12T02:00:00Z", "2026-12-12T03:00:00Z") // Saturday
		}, `"p1": install [2026-12-12T02:00:00Z, 2026-12-12T03:00:00Z) (local 2026-12-12 02:00 UTC – 2026-12-12 03:00 UTC) is outside its power schedule`},
		{"install during an outage", func(_ *simulator.Request, f *simulator.Forecast) {
			setInstall(vmRes(f, "p1"), "2026-12-10T02:00:00Z", "2026-12-10T03:00:00Z")
		}, `"p1": install [2026-12-10T02:00:00Z, 2026-12-10T03:00:00Z) (local 2026-12-10 02:00 UTC – 2026-12-10 03:00 UTC) runs while powered off (outage [2026-12-10T00:00:00Z, 2026-12-11T00:00:00Z))`},
		{"ineligible VM installs", func(_ *simulator.Request, f *simulator.Forecast) {
			setInstall(vmRes(f, "n1"), "2026-12-09T03:00:00Z", "2026-12-09T04:00:00Z")
		}, `VM "n1": not eligible but has install times`},
		{"ineligible VM in a phase", func(_ *simulator.Request, f *simulator.Forecast) {
			vmRes(f, "n1").Phase = 0
		}, `VM "n1": not eligible but in phase 0, want -1`},
		{"eligibility misjudged", func(_ *simulator.Request, f *simulator.Forecast) {
			vmRes(f, "n1").Eligible = true
		}, `VM "n1": reported eligible, but it is not: patchMode Manual is not AutomaticByPlatform`},
		{"missing VM result", func(_ *simulator.Request, f *simulator.Forecast) {
			f.VMs = f.VMs[:5]
		}, `VM "n1" has no result`},
		{"compliant after the deadline", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Phases[1].End = ptr(utc("2027-01-08T03:00:00Z"))
			setInstall(vmRes(f, "w1"), "2027-01-08T00:00:00Z", "2027-01-08T01:00:00Z")
		}, `VM "w1": compliant but its install ends 2027-01-08T01:00:00Z, after the deadline 2027-01-07T18:00:00Z`},
		{"wrong deadline", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Deadline = f.Deadline.Add(time.Hour)
		}, "forecast deadline 2027-01-07T19:00:00Z, want release + 30×24h = 2027-01-07T18:00:00Z"},
		{"wrong release", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Release = f.Release.Add(time.Minute)
		}, "forecast release 2026-12-08T18:01:00Z, want the fleet's release 2026-12-08T18:00:00Z"},
		{"phase starts before the previous ends", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Phases[1].Start = ptr(utc("2026-12-09T01:00:00Z"))
		}, "phase 1 starts 2026-12-09T01:00:00Z, before phase 0 ends 2026-12-09T02:00:00Z"},
		{"VM's phase lacks its region", func(_ *simulator.Request, f *simulator.Forecast) {
			vmRes(f, "e1").Phase = 1
		}, `VM "e1": its phase 1 has regions [westus], not its region eastus`},
		{"install in its turn after its phase", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Phases[0].End = ptr(utc("2026-12-09T01:00:00Z"))
		}, `VM "e2": install [2026-12-09T01:00:00Z, 2026-12-09T02:00:00Z) in its turn starts after its phase 0 ends 2026-12-09T01:00:00Z`},
		{"local install offset", func(_ *simulator.Request, f *simulator.Forecast) {
			vmRes(f, "e1").LocalInstall = "2026-12-09T01:00:00+01:00"
		}, `VM "e1": localInstall "2026-12-09T01:00:00+01:00" has UTC offset 3600s, UTC is at 0s then`},
		{"region summary wrong", func(_ *simulator.Request, f *simulator.Forecast) {
			f.Regions[2].Compliant = 2
		}, "region westus summary vms/eligible/compliant 3/3/2, want 3/3/3"},
		{"explicit plan ignored", func(req *simulator.Request, f *simulator.Forecast) {
			req.Fleet.Phases = [][]string{{"westus"}, {"eastus"}}
		}, "phase 0 has regions [eastus], the fleet's explicit plan says [westus]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, f := validCase()
			tc.mutate(&req, f)
			errs := CheckInvariants(req, f)
			for _, err := range errs {
				if strings.Contains(err.Error(), tc.want) {
					return
				}
			}
			t.Errorf("no error contains %q; got %d:", tc.want, len(errs))
			for _, err := range errs {
				t.Errorf("  %v", err)
			}
		})
	}
}

func TestOracleNilForecast(t *testing.T) {
	req, _ := validCase()
	if errs := CheckInvariants(req, nil); len(errs) != 1 {
		t.Errorf("nil forecast: %v", errs)
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := loadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestWindowOccurrencesFollowDST pins the local-time rules: occurrences are
// built from the local date, crossing midnight when end ≤ start, and are
// shorter or longer on a DST night.
func TestWindowOccurrencesFollowDST(t *testing.T) {
	cases := []struct {
		tz, start, end string
		y              int
		m              time.Month
		d              int
		want           time.Duration
		wantStart      string
	}{
		{"Europe/Berlin", "23:00", "04:00", 2026, 3, 28, 4 * time.Hour, "2026-03-28T22:00:00Z"},  // spring forward
		{"Europe/Berlin", "23:00", "04:00", 2026, 10, 24, 6 * time.Hour, "2026-10-24T21:00:00Z"}, // fall back
		{"Europe/Berlin", "23:00", "04:00", 2026, 6, 1, 5 * time.Hour, "2026-06-01T21:00:00Z"},
		{"Australia/Lord_Howe", "01:00", "03:00", 2026, 4, 5, 150 * time.Minute, "2026-04-04T14:00:00Z"}, // half-hour fall back
		{"America/Los_Angeles", "01:00", "03:00", 2026, 11, 1, 3 * time.Hour, "2026-11-01T08:00:00Z"},
		{"America/New_York", "00:00", "00:00", 2026, 3, 8, 23 * time.Hour, "2026-03-08T05:00:00Z"}, // a whole (short) day
		{"Asia/Kolkata", "23:30", "01:30", 2026, 1, 15, 2 * time.Hour, "2026-01-15T18:00:00Z"},
		{"Pacific/Chatham", "02:00", "05:00", 2026, 4, 5, 4 * time.Hour, "2026-04-04T12:15:00Z"}, // 03:45 → 02:45
	}
	for _, tc := range cases {
		w, err := parseWindow(tc.start, tc.end)
		if err != nil {
			t.Fatal(err)
		}
		occ := w.occurrence(mustLoc(t, tc.tz), tc.y, tc.m, tc.d)
		if got := occ.end.Sub(occ.start); got != tc.want || !occ.start.Equal(utc(tc.wantStart)) {
			t.Errorf("%s %s–%s on %d-%02d-%02d: %s (%v long), want start %s and %v", tc.tz, tc.start, tc.end, tc.y, tc.m, tc.d, occ, got, tc.wantStart, tc.want)
		}
	}
}

func TestClockContainment(t *testing.T) {
	vm := linuxVM("x", "s", "eastus", "Europe/London", "22:00", "02:00")
	vm.PowerSchedule = []simulator.PowerWindow{
		{Days: []string{"Mon", "Tue", "Wed", "Thu", "Fri"}, Start: "20:00", End: "08:00"}, // night shift
		{Days: []string{"sat"}, Start: "10:00", End: "12:00"},
		{Days: []string{"Saturday"}, Start: "12:00", End: "13:00"}, // touches the one before
	}
	vm.PowerOff = []simulator.Outage{{From: "2026-07-07", To: "2026-07-08"}}
	c, err := newVMClock(vm)
	if err != nil {
		t.Fatal(err)
	}
	// London is UTC+1 in July: local = Z+1h. 2026-07-06 is a Monday.
	cases := []struct {
		name        string
		start, end  string
		offPeak, on bool
	}{
		{"Thu 23:30 → Fri 00:30 local, crossing midnight", "2026-07-09T22:30:00Z", "2026-07-09T23:30:00Z", true, true},
		{"Fri 01:00–02:00 local, the end of Thu's occurrence", "2026-07-10T00:00:00Z", "2026-07-10T01:00:00Z", true, true},
		{"Mon 01:00–02:00 local, no Sunday night shift", "2026-07-06T00:00:00Z", "2026-07-06T01:00:00Z", true, false},
		{"Sun 01:00–02:00 local, Fri's night shift ended Sat 08:00", "2026-07-05T00:00:00Z", "2026-07-05T01:00:00Z", true, false},
		{"Sat 07:00–08:00 local, Fri's night shift", "2026-07-11T06:00:00Z", "2026-07-11T07:00:00Z", false, true},
		{"Sat 11:30–12:30 local, two touching windows", "2026-07-11T10:30:00Z", "2026-07-11T11:30:00Z", false, true},
		{"Sat 12:30–13:30 local, past the second", "2026-07-11T11:30:00Z", "2026-07-11T12:30:00Z", false, false},
		{"Tue 23:00 local, in the outage", "2026-07-07T22:00:00Z", "2026-07-07T23:00:00Z", true, false},
		{"Thu 00:00–01:00 local, the outage just over", "2026-07-08T23:00:00Z", "2026-07-09T00:00:00Z", true, true},
		{"Wed 23:30 → Thu 00:30 local, straddling the outage end", "2026-07-08T22:30:00Z", "2026-07-08T23:30:00Z", true, false},
		{"Thu 21:00–23:00 local, straddling the off-peak start", "2026-07-09T20:00:00Z", "2026-07-09T22:00:00Z", false, true},
		{"Thu 22:00 → Fri 02:30 local, past the off-peak end", "2026-07-09T21:00:00Z", "2026-07-10T01:30:00Z", false, true},
	}
	for _, tc := range cases {
		s, e := utc(tc.start), utc(tc.end)
		if got := c.inOffPeak(s, e); got != tc.offPeak {
			t.Errorf("%s: inOffPeak = %v, want %v", tc.name, got, tc.offPeak)
		}
		if got := c.isOn(s, e); got != tc.on {
			t.Errorf("%s: isOn = %v, want %v", tc.name, got, tc.on)
		}
	}
}

func TestEligibility(t *testing.T) {
	req := request(simulator.Fleet{})
	base := linuxVM("x", "s", "eastus", "UTC", "00:00", "04:00")
	cases := []struct {
		name   string
		mutate func(*simulator.VM)
		want   bool
	}{
		{"supported exact, mixed case", func(*simulator.VM) {}, true},
		{"pattern", func(v *simulator.VM) { v.Image = simulator.Image{Publisher: "redhat", Offer: "rhel", Sku: "8.10"} }, true},
		{"pattern miss", func(v *simulator.VM) { v.Image = simulator.Image{Publisher: "RedHat", Offer: "RHEL", Sku: "9.2"} }, false},
		{"patch mode case", func(v *simulator.VM) { v.PatchMode = "automaticbyplatform" }, true},
		{"manual", func(v *simulator.VM) { v.PatchMode = "Manual" }, false},
		{"custom image", func(v *simulator.VM) { v.CustomImage = true }, false},
		{"agent empty", func(v *simulator.VM) { v.AgentVersion = "" }, true},
		{"agent equal", func(v *simulator.VM) { v.AgentVersion = "2.2.53.1" }, true},
		{"agent newer minor", func(v *simulator.VM) { v.AgentVersion = "2.10" }, true},
		{"agent older", func(v *simulator.VM) { v.AgentVersion = "2.2.53" }, false},
		{"agent garbage", func(v *simulator.VM) { v.AgentVersion = "v2" }, false},
		{"windows auto false", func(v *simulator.VM) {
			v.OS, v.Image, v.EnableAutomaticUpdates = "windows", windows, false
		}, false},
		{"windows auto true", func(v *simulator.VM) { v.OS, v.Image, v.EnableAutomaticUpdates = "Windows", windows, true }, true},
		{"unknown os", func(v *simulator.VM) { v.OS = "freebsd" }, false},
	}
	for _, tc := range cases {
		vm := base
		tc.mutate(&vm)
		if got, why := Eligibility(req, vm); got != tc.want || (!got && why == "") {
			t.Errorf("%s: eligible = %v (%q), want %v", tc.name, got, why, tc.want)
		}
	}
	// Without the Windows rule, automatic updates do not matter.
	req.WindowsNeedsAutoUpdates = false
	vm := windowsVM("w", "s", "eastus", "UTC", "00:00", "04:00")
	vm.EnableAutomaticUpdates = false
	if ok, _ := Eligibility(req, vm); !ok {
		t.Errorf("Windows without automatic updates should be eligible when the profile does not require them")
	}
}

// TestEligibilityFollowsTheRequest: the oracle takes the minimum Linux
// agent and the default patch modes from the request, so a plugin judging
// by constants of its own disagrees with it once a profile changes them.
func TestEligibilityFollowsTheRequest(t *testing.T) {
	byPlatform := simulator.DefaultPatchModes{Windows: "AutomaticByPlatform", Linux: "AutomaticByPlatform", WindowsAutomaticUpdatesOff: "Manual"}
	cases := []struct {
		name string
		req  func(*simulator.Request)
		vm   func(*simulator.VM)
		want bool
	}{
		{"agent below the request's minimum", func(r *simulator.Request) { r.MinLinuxAgent = "2.9.0" }, func(v *simulator.VM) { v.AgentVersion = FixtureMinLinuxAgent }, false},
		{"agent at the request's minimum", func(r *simulator.Request) { r.MinLinuxAgent = "2.9.0" }, func(v *simulator.VM) { v.AgentVersion = "2.9" }, true},
		{"no minimum in the request", func(r *simulator.Request) { r.MinLinuxAgent = "" }, func(v *simulator.VM) { v.AgentVersion = "9.9.9.9" }, false},
		{"no minimum, no agent version", func(r *simulator.Request) { r.MinLinuxAgent = "" }, func(v *simulator.VM) { v.AgentVersion = "" }, true},
		{"linux without a mode, the fixtures' default", func(*simulator.Request) {}, func(v *simulator.VM) { v.PatchMode = "" }, false},
		{"linux without a mode, default AutomaticByPlatform", func(r *simulator.Request) { r.DefaultPatchModes = byPlatform }, func(v *simulator.VM) { v.PatchMode = "" }, true},
		{"linux with a mode of its own", func(r *simulator.Request) { r.DefaultPatchModes = byPlatform }, func(v *simulator.VM) { v.PatchMode = "ImageDefault" }, false},
		{"windows without a mode", func(r *simulator.Request) { r.DefaultPatchModes = byPlatform }, func(v *simulator.VM) {
			v.OS, v.Image, v.EnableAutomaticUpdates, v.PatchMode = "windows", windows, true, ""
		}, true},
		{"windows without a mode, updates off", func(r *simulator.Request) {
			r.DefaultPatchModes, r.WindowsNeedsAutoUpdates = byPlatform, false
		}, func(v *simulator.VM) {
			v.OS, v.Image, v.EnableAutomaticUpdates, v.PatchMode = "windows", windows, false, ""
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := request(simulator.Fleet{})
			tc.req(&req)
			vm := linuxVM("x", "s", "eastus", "UTC", "00:00", "04:00")
			tc.vm(&vm)
			if got, why := Eligibility(req, vm); got != tc.want || (!got && why == "") {
				t.Errorf("eligible = %v (%q), want %v", got, why, tc.want)
			}
		})
	}
}

// TestFixtureFactsAreTheProfiles: the fixtures send the facts patchcheck's
// profiles hold, so the suite's usual requests look like the host's.
func TestFixtureFactsAreTheProfiles(t *testing.T) {
	for _, name := range []string{"2021-02", "current"} {
		p, err := policies.LoadProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		d := p.DefaultPatchMode
		want := simulator.DefaultPatchModes{Windows: d.Windows, Linux: d.Linux, WindowsAutomaticUpdatesOff: d.WindowsAutomaticUpdatesOff}
		if p.MinLinuxAgent != FixtureMinLinuxAgent || FixturePatchModes() != want {
			t.Errorf("profile %s: %s %+v, fixtures %s %+v", name, p.MinLinuxAgent, want, FixtureMinLinuxAgent, FixturePatchModes())
		}
	}
}

func TestRandomFleetDeterministic(t *testing.T) {
	differ := 0
	var vms, ineligible, scheduled, outages, plans, zoned, inSets int
	for seed := int64(1); seed <= 60; seed++ {
		a, _ := json.Marshal(RandomFleet(seed))
		b, _ := json.Marshal(RandomFleet(seed))
		if !bytes.Equal(a, b) {
			t.Fatalf("seed %d: RandomFleet is not deterministic", seed)
		}
		if c, _ := json.Marshal(RandomFleet(seed + 1)); !bytes.Equal(a, c) {
			differ++
		}
		req := RandomFleet(seed)
		fl := req.Fleet
		if req.Seed != seed || req.Trials != 1 || fl.Settings != DefaultSettings() {
			t.Errorf("seed %d: seed %d, trials %d, settings %+v", seed, req.Seed, req.Trials, fl.Settings)
		}
		if n := len(fl.VMs); n < 5 || n > 200 {
			t.Errorf("seed %d: %d VMs", seed, n)
		}
		regions := map[string]bool{}
		names := map[string]bool{}
		for _, vm := range fl.VMs {
			regions[vm.Region] = true
			if names[vm.Name] {
				t.Errorf("seed %d: duplicate name %s", seed, vm.Name)
			}
			names[vm.Name] = true
			if _, err := newVMClock(vm); err != nil {
				t.Errorf("seed %d: VM %s: %v", seed, vm.Name, err)
			}
			if vm.Zone != "" && vm.AvailabilitySet != "" {
				t.Errorf("seed %d: VM %s both zonal and in a set", seed, vm.Name)
			}
			if vm.UpdateDomain < 0 || vm.UpdateDomain > 4 {
				t.Errorf("seed %d: VM %s UD %d", seed, vm.Name, vm.UpdateDomain)
			}
			vms++
			if ok, _ := Eligibility(req, vm); !ok {
				ineligible++
			}
			if len(vm.PowerSchedule) > 0 {
				scheduled++
			}
			if len(vm.PowerOff) > 0 {
				outages++
			}
			if vm.Zone != "" {
				zoned++
			}
			if vm.AvailabilitySet != "" {
				inSets++
			}
		}
		if n := len(regions); n < 2 || n > 6 {
			t.Errorf("seed %d: %d regions", seed, n)
		}
		for a, bs := range req.RegionPairs {
			for _, b := range bs {
				if !contains(req.RegionPairs[b], a) {
					t.Errorf("seed %d: pair %s→%s not symmetric", seed, a, b)
				}
			}
		}
		if len(fl.Phases) > 0 {
			plans++
			planned := map[string]bool{}
			pairs := pairGraph(req.RegionPairs)
			for _, p := range fl.Phases {
				for i, a := range p {
					if planned[a] {
						t.Errorf("seed %d: region %s planned twice", seed, a)
					}
					planned[a] = true
					for _, b := range p[i+1:] {
						if pairs[a][b] {
							t.Errorf("seed %d: plan puts paired %s and %s together", seed, a, b)
						}
					}
				}
			}
			if fmt.Sprint(sortedKeys(planned)) != fmt.Sprint(sortedKeys(regions)) {
				t.Errorf("seed %d: plan covers %v, fleet has %v", seed, sortedKeys(planned), sortedKeys(regions))
			}
		}
	}
	if differ < 55 {
		t.Errorf("only %d of 60 neighbouring seeds differ", differ)
	}
	share := func(n int) float64 { return float64(n) / float64(vms) }
	t.Logf("%d VMs: %.0f%% ineligible, %.0f%% power schedules, %.0f%% outages, %.0f%% zonal, %.0f%% in sets; %d/60 explicit plans",
		vms, 100*share(ineligible), 100*share(scheduled), 100*share(outages), 100*share(zoned), 100*share(inSets), plans)
	if s := share(ineligible); s < 0.1 || s > 0.35 {
		t.Errorf("ineligible share %.2f, want about 0.2", s)
	}
	if s := share(scheduled); s < 0.08 || s > 0.25 {
		t.Errorf("power-schedule share %.2f, want about 0.15", s)
	}
	if s := share(outages); s < 0.04 || s > 0.18 {
		t.Errorf("outage share %.2f, want about 0.1", s)
	}
	if plans == 0 || plans == 60 {
		t.Errorf("%d of 60 fleets have an explicit plan, want some", plans)
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
