package main

import (
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/regions"
)

// TestBuildRequestHostKnowledge: the host sends the default Azure-wide plan
// and the pair graph, both extended by the fleet's declared regions, and
// the availability-set cap only under the profile whose doc states it.
func TestBuildRequestHostKnowledge(t *testing.T) {
	const src = `release: {month: "2026-12"}
regions: [{name: contosoedge, pairedRegion: eastus, hasAvailabilityZones: true}]
vms:
  - {name: a, subscription: s, region: eastus, os: linux}
  - {name: b, subscription: s, region: contosoedge, zone: 1, os: linux}
`
	tab, err := regions.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := tab.DefaultPlan(nil)
	for profile, wantCap := range map[string]bool{"2021-02": false, "current": true} {
		s := streams{in: strings.NewReader(src), out: io.Discard, err: io.Discard}
		req, err := buildRequest(s, simulateFlags{profile: profile, seed: 1, trials: 1}, "-")
		if err != nil {
			t.Fatalf("%s: %v", profile, err)
		}
		if req.AvailabilitySetCap != wantCap {
			t.Errorf("%s: AvailabilitySetCap = %v, want %v", profile, req.AvailabilitySetCap, wantCap)
		}
		if !slices.Contains(req.RegionPairs["eastus"], "contosoedge") || !slices.Contains(req.RegionPairs["contosoedge"], "eastus") {
			t.Errorf("%s: pairs of eastus %v, contosoedge %v: want the declared pair both ways", profile, req.RegionPairs["eastus"], req.RegionPairs["contosoedge"])
		}
		if len(req.DefaultPhases) != len(base) {
			t.Fatalf("%s: %d default phases, want %d", profile, len(req.DefaultPhases), len(base))
		}
		for i, p := range base {
			got := slices.DeleteFunc(slices.Clone(req.DefaultPhases[i]), func(r string) bool { return r == "contosoedge" })
			if !reflect.DeepEqual(got, p) {
				t.Errorf("%s: phase %d = %v, want the table's %v (plus declared regions)", profile, i, req.DefaultPhases[i], p)
			}
		}
		placed := false
		for _, p := range req.DefaultPhases {
			if slices.Contains(p, "contosoedge") {
				placed = !slices.Contains(p, "eastus")
			}
		}
		if !placed {
			t.Errorf("%s: contosoedge not placed apart from eastus: %v", profile, req.DefaultPhases)
		}
	}
}
