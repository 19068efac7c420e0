// Package request assembles the simulator.Request that patchcheck sends a
// simulator plugin: a loaded fleet, plus what the host knows and the fleet
// does not say — the knowledge profile's facts (supported images, the
// Windows automatic-updates rule, the availability-set cap, the minimum
// Linux agent, Azure's default patch modes) and the region table's pair
// graph and Azure-wide plan, both extended by the regions the fleet
// declares. It is the one place those facts enter a request, so every
// simulator judges a fleet by the same profile the linter uses.
package request

import (
	"fmt"

	"github.com/patchcheck/patchcheck/plugins/fleet"
	"github.com/patchcheck/patchcheck/plugins/internal/regions"
	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/policies"
)

// Build is the request to simulate fl under profile p, with the random
// seed and the number of trials; the region table is the embedded one.
func Build(fl simulator.Fleet, p *policies.Profile, seed int64, trials int) (simulator.Request, error) {
	tab, err := regions.Load()
	if err != nil {
		return simulator.Request{}, fmt.Errorf("region table: %w", err)
	}
	// The plan is Azure's, not the fleet's: declared regions only join it
	// (no table region moves), and their pairs join the conflict graph.
	declared := fleet.DeclaredRegions(fl)
	modes := p.DefaultPatchMode
	req := simulator.Request{
		Fleet: fl, Seed: seed, Trials: trials, Profile: p.Name,
		SupportedImages: p.ImageKeys(), RegionPairs: tab.With(declared).Conflicts(),
		WindowsNeedsAutoUpdates: p.WindowsPlatformNeedsAutoUpdates(),
		AvailabilitySetCap:      p.AvailabilitySetCap,
		DefaultPhases:           tab.DefaultPlan(declared),
		MinLinuxAgent:           p.MinLinuxAgent,
		DefaultPatchModes: simulator.DefaultPatchModes{
			Windows: modes.Windows, Linux: modes.Linux, WindowsAutomaticUpdatesOff: modes.WindowsAutomaticUpdatesOff,
		},
	}
	for _, pat := range p.SupportedImages.SkuPatterns {
		req.ImagePatterns = append(req.ImagePatterns, simulator.ImagePattern{Publisher: pat.Publisher, Offer: pat.Offer, SkuRegex: pat.SkuRegex})
	}
	return req, nil
}
