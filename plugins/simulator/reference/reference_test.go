package reference

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

func smallRequest() simulator.Request {
	vm := func(name, region, zone, set string, ud int) simulator.VM {
		return simulator.VM{
			Name: name, Subscription: "sub", Region: region, Zone: zone, AvailabilitySet: set, UpdateDomain: ud,
			OS: "linux", Image: simulator.Image{Publisher: "Canonical", Offer: "UbuntuServer", Sku: "18.04-LTS"},
			PatchMode: "AutomaticByPlatform", TimeZone: "Europe/Berlin",
			OffPeak: simulator.Window{Start: "22:00", End: "06:00"}, InstallMinutes: 60,
		}
	}
	return simulator.Request{
		Fleet: simulator.Fleet{
			Release: simulator.Release{Month: "2026-12", Date: time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)},
			Settings: simulator.Settings{AssessmentIntervalHours: 72, EnablementMinutes: 200, HealthThreshold: 0.2,
				PhaseBakeHours: 24, PhaseHours: 48, BatchShare: 0.2, DeadlineDays: 30},
			VMs: []simulator.VM{
				vm("a", "eastus", "1", "", 0), vm("b", "eastus", "2", "", 0),
				vm("c", "westus", "", "as", 0), vm("d", "westus", "", "as", 1),
				vm("e", "northeurope", "", "", 0), vm("f", "northeurope", "", "", 0),
			},
		},
		Seed: 1, Trials: 5, Profile: "2021-02",
		SupportedImages: []string{"canonical:ubuntuserver:18.04-lts"},
		RegionPairs:     map[string][]string{"eastus": {"westus"}, "westus": {"eastus"}},
		DefaultPhases:   [][]string{{"eastus", "northeurope"}, {"westus"}},
		MinLinuxAgent:   simulatortest.FixtureMinLinuxAgent, DefaultPatchModes: simulatortest.FixturePatchModes(),
	}
}

func TestSmallFleet(t *testing.T) {
	f, err := New().Simulate(context.Background(), smallRequest())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.MarshalIndent(f, "", " ")
	for _, v := range f.VMs {
		if !v.Compliant {
			t.Errorf("%s not compliant: %s", v.Name, v.Reason)
		}
	}
	for _, p := range f.Phases {
		for _, a := range p.Regions {
			if a == "eastus" {
				for _, b := range p.Regions {
					if b == "westus" {
						t.Errorf("paired regions in one phase: %v", p.Regions)
					}
				}
			}
		}
	}
	if len(f.Curve) != 31 || f.Curve[30].Compliant != 1 {
		t.Errorf("curve %+v", f.Curve)
	}
	if testing.Verbose() {
		t.Log(string(data))
	}
}
