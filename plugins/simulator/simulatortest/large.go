package simulatortest

import (
	"fmt"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// LargeFleet builds a deterministic fleet of n VMs, for benchmarks, spread like a large
// estate: 12 regions (6 pairs), zones, availability sets, 20 subscriptions,
// a few time zones and schedules.
func LargeFleet(n int) simulator.Request {
	regions := []string{"eastus", "westus", "eastus2", "centralus", "northeurope", "westeurope",
		"southeastasia", "eastasia", "japaneast", "japanwest", "uksouth", "ukwest"}
	pairs := map[string][]string{}
	for i := 0; i < len(regions); i += 2 {
		pairs[regions[i]] = []string{regions[i+1]}
		pairs[regions[i+1]] = []string{regions[i]}
	}
	zones := []string{"America/New_York", "Europe/London", "Asia/Tokyo", "UTC", "Asia/Kolkata"}
	req := simulator.Request{
		Fleet: simulator.Fleet{
			Release: simulator.Release{Month: "2026-12", Date: time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)},
			Settings: simulator.Settings{AssessmentIntervalHours: 72, EnablementMinutes: 200, HealthThreshold: 0.2,
				PhaseBakeHours: 24, PhaseHours: 48, BatchShare: 0.2, DeadlineDays: 30},
			VMs: make([]simulator.VM, n),
		},
		Seed: 1, Trials: 1, Profile: "2021-02", RegionPairs: pairs,
		// An Azure-wide plan in miniature: a pilot, then two waves, each
		// region's pair in another phase.
		DefaultPhases: [][]string{{"eastus2"}, {"eastus", "northeurope", "southeastasia", "japaneast", "uksouth"},
			{"westus", "centralus", "westeurope", "eastasia", "japanwest", "ukwest"}},
		SupportedImages: []string{"canonical:ubuntuserver:18.04-lts", "microsoftwindowsserver:windowsserver:2019-datacenter"},
		MinLinuxAgent:   FixtureMinLinuxAgent, DefaultPatchModes: FixturePatchModes(),
	}
	for i := range n {
		vm := simulator.VM{
			Name: fmt.Sprintf("vm-%07d", i), Subscription: fmt.Sprintf("sub-%02d", i%20), Region: regions[i%len(regions)],
			OS: "linux", Image: simulator.Image{Publisher: "Canonical", Offer: "UbuntuServer", Sku: "18.04-LTS"},
			PatchMode: "AutomaticByPlatform", EnableAutomaticUpdates: true, TimeZone: zones[i%len(zones)],
			OffPeak: simulator.Window{Start: "22:00", End: "06:00"}, InstallMinutes: 60, FailureProbability: 0.01,
		}
		switch i % 4 {
		case 0:
			vm.Zone = fmt.Sprint(1 + i%3)
		case 1:
			vm.AvailabilitySet = fmt.Sprintf("as-%d", i%500)
			vm.UpdateDomain = i % 5
		}
		if i%10 == 0 {
			vm.PowerSchedule = []simulator.PowerWindow{{Days: []string{"Mon", "Tue", "Wed", "Thu", "Fri"}, Start: "06:00", End: "23:00"}}
		}
		req.Fleet.VMs[i] = vm
	}
	return req
}
