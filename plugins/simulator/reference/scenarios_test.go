package reference

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// scenario builds a request for the test fleets below: the conformance
// suite's knowledge (images, pairs, Azure-wide plan) and default settings.
func scenario(release simulator.Release, vms ...simulator.VM) simulator.Request {
	return simulator.Request{
		Fleet: simulator.Fleet{
			Release: release, Settings: simulatortest.DefaultSettings(), VMs: vms,
			DefaultOffPeak: simulator.Window{Start: "22:00", End: "06:00"},
		},
		Seed: 1, Trials: 1, Profile: "2021-02",
		SupportedImages: simulatortest.SupportedImages, ImagePatterns: simulatortest.ImagePatterns,
		RegionPairs: simulatortest.RegionPairs(), DefaultPhases: simulatortest.DefaultPhases(),
		MinLinuxAgent: simulatortest.FixtureMinLinuxAgent, DefaultPatchModes: simulatortest.FixturePatchModes(),
	}
}

var december = simulator.Release{Month: "2026-12", Date: time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)}

// ubuntuVM is an always-on, eligible Linux VM.
func ubuntuVM(name, region, zone, tz, start, end string) simulator.VM {
	return simulator.VM{
		Name: name, Subscription: "sub-a", Region: region, Zone: zone, OS: "linux",
		Image:     simulator.Image{Publisher: "Canonical", Offer: "UbuntuServer", Sku: "18.04-LTS"},
		PatchMode: "AutomaticByPlatform", TimeZone: tz, OffPeak: simulator.Window{Start: start, End: end},
		InstallMinutes: 60, Enablement: simulator.EnablementDone,
	}
}

func simulateOK(t *testing.T, req simulator.Request) *simulator.Forecast {
	t.Helper()
	f, err := New().Simulate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range simulatortest.CheckInvariants(req, f) {
		t.Errorf("invariant: %v", err)
	}
	return f
}

func resultOf(t *testing.T, f *simulator.Forecast, name string) simulator.VMResult {
	t.Helper()
	for _, r := range f.VMs {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for %s", name)
	return simulator.VMResult{}
}

// sixtyVMs is an always-on fleet over three regions and their zones.
func sixtyVMs() []simulator.VM {
	var vms []simulator.VM
	for i := range 60 {
		region := []string{"eastus", "westus2", "northeurope"}[i%3]
		vms = append(vms, ubuntuVM(fmt.Sprintf("vm-%02d", i), region, fmt.Sprint(1+i/3%3), "UTC", "22:00", "06:00"))
	}
	return vms
}

// TestReasons covers the cases one by one: what stops a VM is said
// of that VM, and nobody else is held by it.
func TestReasons(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(req *simulator.Request, vm *simulator.VM)
		reason string // part of the special VM's reason; "" = compliant
		check  func(t *testing.T, r simulator.VMResult)
	}{
		{"off for the month", func(_ *simulator.Request, vm *simulator.VM) {
			vm.PowerOff = []simulator.Outage{{From: "2026-12-01", To: "2027-02-28"}}
		}, "powered off during every off-peak window from its turn", nil},
		{"first attempt fails half the time", func(_ *simulator.Request, vm *simulator.VM) {
			vm.FailureProbability = 0.5
		}, "", nil},
		{"always fails", func(_ *simulator.Request, vm *simulator.VM) {
			vm.FailureProbability = 1
		}, "still retrying a failing install", nil},
		{"window shorter than the install", func(_ *simulator.Request, vm *simulator.VM) {
			vm.OffPeak = simulator.Window{Start: "01:00", End: "01:25"}
		}, "", func(t *testing.T, r simulator.VMResult) {
			if r.InstallWindows != 3 {
				t.Errorf("installWindows %d, want 3 (25+25+10 minutes)", r.InstallWindows)
			}
		}},
		{"window far too short", func(_ *simulator.Request, vm *simulator.VM) {
			vm.OffPeak = simulator.Window{Start: "01:00", End: "01:01"}
			vm.InstallMinutes = 600
		}, "minutes done at the deadline: the off-peak windows while the VM is on are shorter than the work left", nil},
		{"enablement pending, long nights", func(_ *simulator.Request, vm *simulator.VM) {
			vm.Enablement = simulator.EnablementPending
		}, "", nil},
		{"enablement pending, short nights", func(req *simulator.Request, vm *simulator.VM) {
			vm.Enablement = simulator.EnablementPending
			vm.OffPeak = simulator.Window{Start: "01:00", End: "01:05"}
			req.Fleet.Settings.EnablementMinutes = 500
		}, "enablement never finishes: it needs 500 minutes", nil},
		{"enabled long ago, short nights", func(req *simulator.Request, vm *simulator.VM) {
			vm.OffPeak = simulator.Window{Start: "01:00", End: "02:00"}
			req.Fleet.Settings.EnablementMinutes = 500
		}, "", nil},
		{"agent below the request's minimum", func(req *simulator.Request, vm *simulator.VM) {
			req.MinLinuxAgent, vm.AgentVersion = "2.9.0", simulatortest.FixtureMinLinuxAgent
		}, "Linux VM agent " + simulatortest.FixtureMinLinuxAgent + " is older than 2.9.0", nil},
		{"agent at the request's minimum", func(req *simulator.Request, vm *simulator.VM) {
			req.MinLinuxAgent, vm.AgentVersion = "2.9.0", "2.9.0.0"
		}, "", nil},
		{"no patch mode: the request's Linux default", func(_ *simulator.Request, vm *simulator.VM) {
			vm.PatchMode = ""
		}, "not platform-orchestrated: patchMode " + simulatortest.FixturePatchModes().Linux, nil},
		{"no patch mode: Windows with updates off", func(_ *simulator.Request, vm *simulator.VM) {
			vm.OS, vm.PatchMode, vm.EnableAutomaticUpdates = "windows", "", false
			vm.Image = simulator.Image{Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer", Sku: "2019-Datacenter"}
		}, "not platform-orchestrated: patchMode " + simulatortest.FixturePatchModes().WindowsAutomaticUpdatesOff, nil},
		{"no patch mode: a request whose default is AutomaticByPlatform", func(req *simulator.Request, vm *simulator.VM) {
			req.DefaultPatchModes.Linux, vm.PatchMode = "AutomaticByPlatform", ""
		}, "", nil},
		{"on 23:00-02:00 only", func(_ *simulator.Request, vm *simulator.VM) {
			vm.PowerSchedule = []simulator.PowerWindow{{Days: []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, Start: "23:00", End: "02:00"}}
		}, "", func(t *testing.T, r simulator.VMResult) {
			if r.AssessedAt == nil {
				t.Errorf("never assessed, though on inside its window every night")
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vms := sixtyVMs()
			special := ubuntuVM("special", "eastus", "2", "UTC", "22:00", "06:00")
			req := scenario(december)
			tc.edit(&req, &special)
			req.Fleet.VMs = append(vms, special)
			f := simulateOK(t, req)
			for _, r := range f.VMs {
				if r.Name == "special" {
					if tc.reason == "" && !r.Compliant {
						t.Errorf("special: not compliant: %s", r.Reason)
					}
					if tc.reason != "" && (r.Compliant || !strings.Contains(r.Reason, tc.reason)) {
						t.Errorf("special: compliant=%v reason %q, want it to contain %q", r.Compliant, r.Reason, tc.reason)
					}
					if tc.check != nil {
						tc.check(t, r)
					}
					continue
				}
				if !r.Compliant {
					t.Errorf("%s: not compliant (%s); another VM must not hold it", r.Name, r.Reason)
				}
				if strings.Contains(r.Reason, "special") {
					t.Errorf("%s: reason %q blames another VM", r.Name, r.Reason)
				}
			}
			for _, p := range f.Phases {
				if p.Status != simulator.PhaseSucceeded {
					t.Errorf("phase %d %s; nothing here is unhealthy", p.Index, p.Status)
				}
			}
		})
	}
}

// TestRequestWithoutProfileFacts: the model has no minimum agent or
// default mode of its own, so a request without them is refused rather than
// judged by nothing.
func TestRequestWithoutProfileFacts(t *testing.T) {
	cases := []struct {
		name string
		edit func(*simulator.Request)
		want string
	}{
		{"no minimum agent", func(r *simulator.Request) { r.MinLinuxAgent = "" }, "minLinuxAgent"},
		{"minimum agent not a version", func(r *simulator.Request) { r.MinLinuxAgent = "2.2.x" }, "minLinuxAgent"},
		{"no Linux default", func(r *simulator.Request) { r.DefaultPatchModes.Linux = "" }, "defaultPatchModes"},
		{"no Windows default", func(r *simulator.Request) { r.DefaultPatchModes.Windows = "" }, "defaultPatchModes"},
		{"no default with updates off", func(r *simulator.Request) { r.DefaultPatchModes.WindowsAutomaticUpdatesOff = "" }, "defaultPatchModes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := scenario(december, ubuntuVM("a", "eastus", "1", "UTC", "22:00", "06:00"))
			tc.edit(&req)
			f, err := New().Simulate(context.Background(), req)
			if err == nil || f != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("forecast %v, error %v; want a refusal naming %s", f != nil, err, tc.want)
			}
		})
	}
}

// TestAssessedWhenOnInWindow: a VM on only 23:00-02:00 is assessed within
// days in every seed, because an assessment waits for the first minute
// the VM is on inside its window.
func TestAssessedWhenOnInWindow(t *testing.T) {
	for seed := range int64(6) {
		vm := ubuntuVM("night", "eastus", "1", "UTC", "22:00", "06:00")
		vm.PowerSchedule = []simulator.PowerWindow{{Days: []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, Start: "23:00", End: "02:00"}}
		req := scenario(december, vm)
		req.Seed = seed
		r := resultOf(t, simulateOK(t, req), "night")
		limit := december.Date.Add(time.Duration(req.Fleet.Settings.AssessmentIntervalHours+24) * time.Hour)
		if r.AssessedAt == nil || r.AssessedAt.After(limit) {
			t.Errorf("seed %d: assessed at %v, want within an interval and a night of the release", seed, r.AssessedAt)
		}
	}
}

// TestSpringForward: on 2027-03-14 in Los Angeles 02:00-03:00 does not
// exist; a window starting at 02:00 or 02:15 starts at 03:00 PDT that night.
func TestSpringForward(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{loc: la}
	for _, mins := range []int{120, 135, 179} {
		got := c.at(2027, time.March, 14, mins)
		if want := time.Date(2027, 3, 14, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("%02d:%02d on the spring-forward night = %s, want the transition %s", mins/60, mins%60, got.UTC(), want)
		}
	}
	if got := c.at(2027, time.March, 14, 90); !got.Equal(time.Date(2027, 3, 14, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("01:30 (before the gap) = %s", got.UTC())
	}
	// Fall back: 01:30 exists twice; either instant is a valid 01:30.
	if got := c.at(2027, time.November, 7, 90).In(la); got.Hour() != 1 || got.Minute() != 30 {
		t.Errorf("01:30 on the fall-back night = %s", got)
	}
	// The whole rollout: no install before 02:00 local on that night.
	release := simulator.Release{Month: "2027-03", Date: time.Date(2027, 3, 9, 17, 0, 0, 0, time.UTC)}
	for _, start := range []string{"02:00", "02:15"} {
		var vms []simulator.VM
		for i := range 40 {
			vm := ubuntuVM(fmt.Sprintf("la-%02d", i), "westus2", fmt.Sprint(1+i%3), "America/Los_Angeles", start, "05:00")
			vm.InstallMinutes = 15
			vm.PowerOff = []simulator.Outage{{From: "2027-03-09", To: "2027-03-13"}}
			vms = append(vms, vm)
		}
		f := simulateOK(t, scenario(release, vms...))
		for _, r := range f.VMs {
			if r.InstallStart == nil {
				t.Errorf("%s not patched: %s", r.Name, r.Reason)
				continue
			}
			local := r.InstallStart.In(la)
			if local.Hour()*60+local.Minute() < 120 {
				t.Errorf("%s (window from %s): install starts %s local, before its window", r.Name, start, local.Format(time.DateTime))
			}
		}
	}
}

// TestSetCapOnlyUnderCurrent: under the 2021 profile an availability set's
// update domain goes at once; under current, one VM at a time in a set of
// fewer than 10.
func TestSetCapOnlyUnderCurrent(t *testing.T) {
	var vms []simulator.VM
	for i := range 6 {
		vm := ubuntuVM(fmt.Sprintf("as-%d", i), "eastus", "", "UTC", "22:00", "06:00")
		vm.AvailabilitySet, vm.UpdateDomain = "web", i%2
		vms = append(vms, vm)
	}
	for _, capped := range []bool{false, true} {
		req := scenario(december, vms...)
		req.AvailabilitySetCap = capped
		f := simulateOK(t, req)
		groups := 0
		for _, s := range f.Plan {
			if strings.Contains(s.Group, "availability set web") {
				groups++
			}
		}
		want := 2 // one group per update domain
		if capped {
			want = 6 // one VM at a time
		}
		if groups != want {
			t.Errorf("cap=%v: %d groups, want %d", capped, groups, want)
		}
	}
}

// TestZonalVMsBatchedBySubscription: VMs of one subscription in one zone
// do not all install at once (D8).
func TestZonalVMsBatchedBySubscription(t *testing.T) {
	var vms []simulator.VM
	for i := range 30 {
		vms = append(vms, ubuntuVM(fmt.Sprintf("z-%02d", i), "eastus", "1", "UTC", "22:00", "06:00"))
	}
	f := simulateOK(t, scenario(december, vms...))
	batches := 0
	for _, s := range f.Plan {
		if strings.HasPrefix(s.Group, "zone 1, subscription sub-a, batch") {
			batches++
			if len(s.VMs) == len(vms) {
				t.Errorf("batch %q holds every VM of the subscription", s.Group)
			}
		}
	}
	if batches < 2 {
		t.Errorf("%d batches in zone 1, want several", batches)
	}
}
