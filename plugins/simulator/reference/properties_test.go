package reference

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestAddingAVMThatNeverPatchesChangesNoOther is the metamorphic property
// of SPEC §4: adding to a fleet a VM that is never on, or whose attempts
// always fail, changes no other VM's install (hence its compliance), with
// the other VMs' failureProbability at 0. The new VM takes the placement
// of a VM already there (region, zone, subscription) or a zone of its
// own; under the current profile it joins no existing availability set,
// because there Microsoft's cap is a share of the set's size.
func TestAddingAVMThatNeverPatchesChangesNoOther(t *testing.T) {
	n := 40
	if testing.Short() {
		n = 10
	}
	for seed := range int64(n) {
		base := simulatortest.RandomFleet(seed)
		for i := range base.Fleet.VMs {
			base.Fleet.VMs[i].FailureProbability = 0
		}
		before, err := New().Simulate(context.Background(), base)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		for _, kind := range []string{"never-on", "always-fails"} {
			req := base
			req.Fleet.VMs = append([]simulator.VM(nil), base.Fleet.VMs...)
			vm := req.Fleet.VMs[rng.IntN(len(req.Fleet.VMs))]
			vm.Name = "added-" + kind
			if vm.AvailabilitySet != "" && req.AvailabilitySetCap {
				vm.AvailabilitySet, vm.UpdateDomain = "", 0
			}
			if rng.IntN(3) == 0 {
				vm.Zone, vm.AvailabilitySet = "3", ""
			}
			if kind == "never-on" {
				vm.PowerOff = []simulator.Outage{{From: "2020-01-01", To: "2030-12-31"}}
			} else {
				vm.FailureProbability = 1
			}
			req.Fleet.VMs = append(req.Fleet.VMs, vm)
			after, err := New().Simulate(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			for i, b := range before.VMs {
				a := after.VMs[i]
				if a.Compliant != b.Compliant || !sameTime(a.InstallStart, b.InstallStart) || !sameTime(a.InstallEnd, b.InstallEnd) {
					t.Errorf("seed %d, adding %s VM in %s/%q/%q: %s changed from compliant=%v %v–%v to compliant=%v %v–%v (%s)",
						seed, kind, vm.Region, vm.Zone, vm.AvailabilitySet, b.Name, b.Compliant, b.InstallStart, b.InstallEnd,
						a.Compliant, a.InstallStart, a.InstallEnd, a.Reason)
				}
			}
			if last := after.VMs[len(after.VMs)-1]; last.Compliant {
				t.Errorf("seed %d: the added %s VM is compliant", seed, kind)
			}
		}
	}
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// TestAddingARegionMovesNoPhase: Azure's plan does not depend on the
// fleet, so VMs in a region new to the fleet move no other region.
func TestAddingARegionMovesNoPhase(t *testing.T) {
	req := scenario(december, ubuntuVM("a", "eastus", "1", "UTC", "22:00", "06:00"), ubuntuVM("b", "westus", "", "UTC", "22:00", "06:00"))
	before := simulateOK(t, req)
	for i := range 10 {
		req.Fleet.VMs = append(req.Fleet.VMs, ubuntuVM(fmt.Sprintf("new-%d", i), "westcentralus", "", "UTC", "22:00", "06:00"))
	}
	after := simulateOK(t, req)
	for i := range 2 {
		if before.VMs[i].Phase != after.VMs[i].Phase {
			t.Errorf("%s moved from phase %d to %d", before.VMs[i].Name, before.VMs[i].Phase, after.VMs[i].Phase)
		}
	}
}

// TestEveryInstallMinuteInLocalWindow re-works each install of random
// fleets in time zones that switch daylight saving time and checks every
// minute worked against the VM's local wall clock: inside its off-peak
// window and outside its outages. It also checks the minutes add up to the
// install's work.
func TestEveryInstallMinuteInLocalWindow(t *testing.T) {
	zones := []string{"America/Los_Angeles", "Europe/London", "Australia/Lord_Howe"}
	// Releases just before the spring and autumn changes of each zone.
	releases := []simulator.Release{
		{Month: "2027-03", Date: time.Date(2027, 3, 9, 17, 0, 0, 0, time.UTC)},
		{Month: "2027-10", Date: time.Date(2027, 10, 12, 17, 0, 0, 0, time.UTC)},
		{Month: "2027-04", Date: time.Date(2027, 3, 30, 17, 0, 0, 0, time.UTC)},
		{Month: "2026-10", Date: time.Date(2026, 9, 29, 17, 0, 0, 0, time.UTC)},
	}
	for seed := range int64(20) {
		rng := rand.New(rand.NewPCG(uint64(seed), 11))
		var vms []simulator.VM
		for i := range 30 {
			start := rng.IntN(24*4) * 15
			length := 15 + rng.IntN(5*4)*15
			vm := ubuntuVM(fmt.Sprintf("dst-%02d", i), "westus2", fmt.Sprint(1+rng.IntN(3)), zones[rng.IntN(len(zones))],
				hhmm(start), hhmm((start+length)%(24*60)))
			vm.InstallMinutes = 10 + rng.IntN(24)*5
			vm.FailureProbability = float64(rng.IntN(3)) / 10
			if rng.IntN(4) == 0 {
				vm.PowerOff = []simulator.Outage{{From: "2027-03-10", To: "2027-03-13"}}
			}
			vms = append(vms, vm)
		}
		req := scenario(releases[rng.IntN(len(releases))], vms...)
		req.Seed = seed
		m, err := prepare(req)
		if err != nil {
			t.Fatal(err)
		}
		f, err := New().Simulate(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range f.VMs {
			if r.InstallStart == nil {
				continue
			}
			s := &m.vms[i]
			vm := s.vm
			off, _ := parseHHMM(vm.OffPeak.Start)
			end, _ := parseHHMM(vm.OffPeak.End)
			worked := time.Duration(0)
			s.clock.doWork(*r.InstallStart, time.Duration(vm.InstallMinutes)*time.Minute, m.horizon, func(iv interval) {
				worked += iv.end.Sub(iv.start)
				for t0 := iv.start; t0.Before(iv.end); t0 = t0.Add(time.Minute) {
					local := t0.In(s.clock.loc)
					mins := local.Hour()*60 + local.Minute()
					inside := mins >= off && mins < end
					if end <= off {
						inside = mins >= off || mins < end
					}
					if !inside {
						t.Errorf("seed %d, %s (%s, window %s-%s): works at %s local", seed, vm.Name, vm.TimeZone, vm.OffPeak.Start, vm.OffPeak.End, local.Format("2006-01-02 15:04 MST"))
						return
					}
					if !s.clock.isOn(t0) {
						t.Errorf("seed %d, %s: works at %s local while off", seed, vm.Name, local.Format(time.DateTime))
						return
					}
				}
			})
			if want := time.Duration(vm.InstallMinutes) * time.Minute; worked != want {
				t.Errorf("seed %d, %s: %s of work, want %s", seed, vm.Name, worked, want)
			}
		}
	}
}

func hhmm(mins int) string { return fmt.Sprintf("%02d:%02d", mins/60, mins%60) }
