package request_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/fleet"
	"github.com/patchcheck/patchcheck/plugins/internal/regions"
	"github.com/patchcheck/patchcheck/plugins/request"
	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
	"github.com/patchcheck/patchcheck/policies"
)

func load(t *testing.T, src string) simulator.Fleet {
	t.Helper()
	fl, err := fleet.Load("fleet.yaml", []byte(src), profile(t, policies.DefaultProfile).DefaultSettings)
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

func profile(t *testing.T, name string) *policies.Profile {
	t.Helper()
	p, err := policies.LoadProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func table(t *testing.T) *regions.Table {
	t.Helper()
	tab, err := regions.Load()
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// TestBuildHostKnowledge: the host sends the default Azure-wide plan
// and the pair graph, both extended by the fleet's declared regions, and
// the availability-set cap only under the profile whose doc states it.
func TestBuildHostKnowledge(t *testing.T) {
	const src = `release: {month: "2026-12"}
regions: [{name: contosoedge, pairedRegion: eastus, hasAvailabilityZones: true}]
vms:
  - {name: a, subscription: s, region: eastus, os: linux}
  - {name: b, subscription: s, region: contosoedge, zone: 1, os: linux}
`
	tab := table(t)
	base := tab.DefaultPlan(nil)
	for name, wantCap := range map[string]bool{"2021-02": false, "current": true} {
		req := mustBuild(t, load(t, src), profile(t, name), 1, 1)
		if req.AvailabilitySetCap != wantCap {
			t.Errorf("%s: AvailabilitySetCap = %v, want %v", name, req.AvailabilitySetCap, wantCap)
		}
		if !slices.Contains(req.RegionPairs["eastus"], "contosoedge") || !slices.Contains(req.RegionPairs["contosoedge"], "eastus") {
			t.Errorf("%s: pairs of eastus %v, contosoedge %v: want the declared pair both ways", name, req.RegionPairs["eastus"], req.RegionPairs["contosoedge"])
		}
		if len(req.DefaultPhases) != len(base) {
			t.Fatalf("%s: %d default phases, want %d", name, len(req.DefaultPhases), len(base))
		}
		for i, p := range base {
			got := slices.DeleteFunc(slices.Clone(req.DefaultPhases[i]), func(r string) bool { return r == "contosoedge" })
			if !reflect.DeepEqual(got, p) {
				t.Errorf("%s: phase %d = %v, want the table's %v (plus declared regions)", name, i, req.DefaultPhases[i], p)
			}
		}
		placed := false
		for _, p := range req.DefaultPhases {
			if slices.Contains(p, "contosoedge") {
				placed = !slices.Contains(p, "eastus")
			}
		}
		if !placed {
			t.Errorf("%s: contosoedge not placed apart from eastus: %v", name, req.DefaultPhases)
		}
	}
}

// TestBuildProfileFacts: every fact of the profile that a simulator judges
// by travels in the request, as the profile states it.
func TestBuildProfileFacts(t *testing.T) {
	fl := load(t, `release: {month: "2026-12"}
vms: [{name: a, subscription: s, region: eastus, os: linux}]
`)
	for _, name := range []string{"2021-02", "current"} {
		p := profile(t, name)
		req := mustBuild(t, fl, p, 7, 3)
		d := p.DefaultPatchMode
		want := simulator.DefaultPatchModes{Windows: d.Windows, Linux: d.Linux, WindowsAutomaticUpdatesOff: d.WindowsAutomaticUpdatesOff}
		switch {
		case req.Profile != name || req.Seed != 7 || req.Trials != 3:
			t.Errorf("%s: profile %q, seed %d, trials %d", name, req.Profile, req.Seed, req.Trials)
		case req.MinLinuxAgent != p.MinLinuxAgent:
			t.Errorf("%s: MinLinuxAgent %q, want the profile's %q", name, req.MinLinuxAgent, p.MinLinuxAgent)
		case req.DefaultPatchModes != want:
			t.Errorf("%s: DefaultPatchModes %+v, want the profile's %+v", name, req.DefaultPatchModes, want)
		case req.WindowsNeedsAutoUpdates != p.WindowsPlatformNeedsAutoUpdates():
			t.Errorf("%s: WindowsNeedsAutoUpdates %v", name, req.WindowsNeedsAutoUpdates)
		case !slices.Equal(req.SupportedImages, p.ImageKeys()) || len(req.ImagePatterns) != len(p.SupportedImages.SkuPatterns):
			t.Errorf("%s: %d images and %d patterns, want the profile's %d and %d", name,
				len(req.SupportedImages), len(req.ImagePatterns), len(p.ImageKeys()), len(p.SupportedImages.SkuPatterns))
		}
	}
}

// TestProfileDecidesTheJudgement: a profile with another minimum Linux
// agent, or other default patch modes, changes which VMs the built-in
// model and the conformance suite's oracle call eligible, from the profile
// through the request, with nothing in between holding a value of its own.
func TestProfileDecidesTheJudgement(t *testing.T) {
	const src = `release: {month: "2026-12"}
defaults: {subscription: s, region: eastus, zone: 1, timeZone: UTC, offPeak: {start: "00:00", end: "04:00"}}
vms:
  - {name: agent-2-2-53-1, os: linux, patchMode: AutomaticByPlatform, agentVersion: "2.2.53.1",
     image: {publisher: Canonical, offer: UbuntuServer, sku: 18.04-LTS}}
  - {name: linux-no-mode, os: linux, agentVersion: "2.9.1.1",
     image: {publisher: Canonical, offer: UbuntuServer, sku: 18.04-LTS}}
`
	stricter := func(p *policies.Profile) { p.MinLinuxAgent = "2.9.0" }
	byPlatform := func(p *policies.Profile) { p.DefaultPatchMode.Linux = "AutomaticByPlatform" }
	cases := []struct {
		name string
		edit func(*policies.Profile)
		want map[string]bool // VM -> eligible
	}{
		{"the profile as shipped", func(*policies.Profile) {}, map[string]bool{"agent-2-2-53-1": true, "linux-no-mode": false}},
		{"a newer minimum Linux agent", stricter, map[string]bool{"agent-2-2-53-1": false, "linux-no-mode": false}},
		{"AutomaticByPlatform as Linux default", byPlatform, map[string]bool{"agent-2-2-53-1": true, "linux-no-mode": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := profile(t, policies.DefaultProfile)
			tc.edit(p)
			req := mustBuild(t, load(t, src), p, 1, 1)
			f, err := reference.New().Simulate(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range simulatortest.CheckInvariants(req, f) {
				t.Errorf("invariant: %v", err)
			}
			for i, r := range f.VMs {
				oracle, _ := simulatortest.Eligibility(req, req.Fleet.VMs[i])
				if r.Eligible != tc.want[r.Name] || oracle != tc.want[r.Name] {
					t.Errorf("%s: the model says eligible=%v (%s), the oracle %v; want %v", r.Name, r.Eligible, r.Reason, oracle, tc.want[r.Name])
				}
			}
		})
	}
}

func mustBuild(t *testing.T, fl simulator.Fleet, p *policies.Profile, seed int64, trials int) simulator.Request {
	t.Helper()
	req, err := request.Build(fl, p, seed, trials)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
