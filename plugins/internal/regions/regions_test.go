package regions

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func mustLoad(t *testing.T) *Table {
	t.Helper()
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestConflictsAreSymmetricAndIncludeOneWayPairs(t *testing.T) {
	c := mustLoad(t).Conflicts()
	for a, bs := range c {
		for _, b := range bs {
			if !slices.Contains(c[b], a) {
				t.Errorf("%s conflicts with %s but not the reverse", a, b)
			}
		}
	}
	// westus3 -> eastus is one-way in the table; eastus must conflict with both.
	if !slices.Contains(c["eastus"], "westus") || !slices.Contains(c["eastus"], "westus3") {
		t.Errorf("eastus conflicts %v, want westus and westus3", c["eastus"])
	}
}

// TestZones: the table's null (sovereign regions) is "unknown", which
// refuses no zone; false refuses them.
func TestZones(t *testing.T) {
	tab := mustLoad(t)
	for name, refuses := range map[string]bool{"eastus": false, "westus": true, "westcentralus": true, "usgovtexas": false, "chinanorth3": false} {
		r, ok := tab.Lookup(name)
		if !ok {
			t.Fatalf("%s not in the table", name)
		}
		if r.RefusesZones() != refuses {
			t.Errorf("%s: RefusesZones = %v, want %v (%+v)", name, r.RefusesZones(), refuses, r)
		}
	}
	if r, _ := tab.Lookup("usgovtexas"); !r.ZonesUnknown {
		t.Error("usgovtexas has hasAvailabilityZones null; want ZonesUnknown")
	}
	if _, ok := tab.Lookup("nowhere"); ok {
		t.Error("Lookup found a region that does not exist")
	}
}

// TestDefaultPlanCoversTheTable: every region of the table, public, Jio
// and sovereign, is in exactly one phase.
func TestDefaultPlanCoversTheTable(t *testing.T) {
	tab := mustLoad(t)
	seen := map[string]int{}
	for i, p := range tab.DefaultPlan(nil) {
		for _, r := range p {
			if j, dup := seen[r]; dup {
				t.Errorf("%s is in phase %d and phase %d", r, j, i)
			}
			seen[r] = i
		}
	}
	for _, r := range tab.Regions {
		if _, ok := seen[r.Name]; !ok {
			t.Errorf("%s (%s) is in no phase", r.Name, r.Geography)
		}
	}
	if len(seen) != len(tab.Regions) {
		t.Errorf("the plan holds %d regions, the table %d", len(seen), len(tab.Regions))
	}
	for _, r := range []string{"jioindiawest", "usgovvirginia", "chinanorth3", "usdodeast", "swedensouth"} {
		if _, ok := seen[r]; !ok {
			t.Errorf("%s is missing: the plan covers every region of the table, not only the public ones", r)
		}
	}
}

// TestDefaultPlanKeepsPairsApart: no phase holds two regions in conflict,
// one-way pairs included.
func TestDefaultPlanKeepsPairsApart(t *testing.T) {
	tab := mustLoad(t)
	c := tab.Conflicts()
	for i, p := range tab.DefaultPlan(nil) {
		for _, a := range p {
			for _, b := range p {
				if slices.Contains(c[a], b) {
					t.Errorf("phase %d holds %s and %s, which are paired", i, a, b)
				}
			}
		}
	}
}

// TestDefaultPlanShape: two canary phases (the EUAP pair apart), the pilot,
// then waves that grow, eight phases at most so that the whole campaign at
// the default phase and bake hours fits in a 30-day month.
func TestDefaultPlanShape(t *testing.T) {
	tab := mustLoad(t)
	plan := tab.DefaultPlan(nil)
	if want := [][]string{{"eastus2euap"}, {"centraluseuap"}, {"westcentralus"}}; !reflect.DeepEqual(plan[:3], want) {
		t.Errorf("first phases %v, want %v", plan[:3], want)
	}
	if len(plan) > 8 {
		t.Errorf("%d phases: 8 × (48 h + 24 h) is the most a 30-day month holds", len(plan))
	}
	if hours := float64(len(plan)) * (48 + 24); hours > 30*24 {
		t.Errorf("%d phases take %.0f h at the default hours, more than 30 days", len(plan), hours)
	}
	kinds := []string{PhaseCanary, PhaseCanary, PhasePilot}
	for i, p := range tab.Plan {
		want := PhaseWave
		if i < len(kinds) {
			want = kinds[i]
		}
		if p.Kind != want {
			t.Errorf("phase %d (%s) is a %s, want a %s", i, p.Name, p.Kind, want)
		}
		if p.Kind == PhaseWave {
			if wantName := fmt.Sprintf("wave %d", i-2); p.Name != wantName {
				t.Errorf("phase %d is named %q, want %q", i, p.Name, wantName)
			}
			if prev := tab.Plan[i-1]; prev.Kind == PhaseWave && len(p.Regions) <= len(prev.Regions) {
				t.Errorf("%s has %d regions, %s %d: waves grow", p.Name, len(p.Regions), prev.Name, len(prev.Regions))
			}
		}
		if p.Notes == "" {
			t.Errorf("phase %d (%s) has no notes", i, p.Name)
		}
	}
}

// TestPlanSaysItIsAnAssumption: the membership is not published; the data
// must say so and point at the facts it rests on.
func TestPlanSaysItIsAnAssumption(t *testing.T) {
	tab := mustLoad(t)
	if !strings.HasPrefix(tab.PlanSource, "ASSUMPTION") || !strings.Contains(tab.PlanSource, "simulator-facts.md") || !strings.Contains(tab.PlanSource, "§3.3") {
		t.Errorf("source %q: want it to start with ASSUMPTION and cite simulator-facts.md §3", tab.PlanSource)
	}
	var doc map[string]any
	if err := json.Unmarshal(phaseData, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"source", "notes", "phases"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("phases.json has no %q", k)
		}
	}
	for _, p := range tab.Plan {
		if p.Kind != PhaseCanary && !strings.Contains(p.Notes, "ASSUMPTION") {
			t.Errorf("%s: notes %q do not say ASSUMPTION", p.Name, p.Notes)
		}
	}
}

// TestDefaultPlanDependsOnNoFleet: the same plan every time, whatever the
// caller does to what it got.
func TestDefaultPlanDependsOnNoFleet(t *testing.T) {
	tab := mustLoad(t)
	a := tab.DefaultPlan(nil)
	a[3][0] = "changed"
	a[4] = append(a[4], "added")
	b := tab.DefaultPlan(nil)
	if b[3][0] == "changed" || slices.Contains(b[4], "added") {
		t.Fatal("DefaultPlan hands out the table's own slices")
	}
	again := mustLoad(t).DefaultPlan([]Region{})
	if !reflect.DeepEqual(b, again) {
		t.Fatal("two loads give different plans")
	}
}

// TestDeclaredRegions: a declared region goes to the last wave without any
// of its conflicts, else to a new final phase, and no table region moves
// (the metamorphic property: adding VMs in a new region changes the phase
// of no existing region).
func TestDeclaredRegions(t *testing.T) {
	tab := mustLoad(t)
	base := tab.DefaultPlan(nil)
	last := len(base) - 1
	phaseOf := func(plan [][]string, r string) int {
		for i, p := range plan {
			if slices.Contains(p, r) {
				return i
			}
		}
		return -1
	}
	tests := []struct {
		name     string
		declared []Region
		want     map[string]int
		phases   int
	}{
		{"unpaired", []Region{{Name: "newregion"}}, map[string]int{"newregion": last}, len(base)},
		{"paired with a last-wave region", []Region{{Name: "newregion", PairedRegion: "eastus"}}, map[string]int{"newregion": last - 1}, len(base)},
		{"a declared pair", []Region{{Name: "newa", PairedRegion: "newb"}, {Name: "newb", PairedRegion: "newa"}},
			map[string]int{"newa": last, "newb": last - 1}, len(base)},
		{"a declared region pointing at another", []Region{{Name: "newa"}, {Name: "newb", PairedRegion: "newa"}},
			map[string]int{"newa": last, "newb": last - 1}, len(base)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := tab.DefaultPlan(tc.declared)
			if len(plan) != tc.phases {
				t.Errorf("%d phases, want %d", len(plan), tc.phases)
			}
			for r, want := range tc.want {
				if got := phaseOf(plan, r); got != want {
					t.Errorf("%s in phase %d, want %d: %v", r, got, want, plan)
				}
			}
			for i, p := range base {
				for _, r := range p {
					if got := phaseOf(plan, r); got != i {
						t.Errorf("table region %s moved from phase %d to %d", r, i, got)
					}
				}
			}
			c := tab.With(tc.declared).Conflicts()
			for i, p := range plan {
				for _, a := range p {
					for _, b := range p {
						if slices.Contains(c[a], b) {
							t.Errorf("phase %d holds %s and %s, which are paired", i, a, b)
						}
					}
				}
			}
		})
	}
}

// TestDeclaredRegionsNeverCanaries: a declared region in conflict with
// every wave gets a new final phase, never a canary or the pilot phase.
func TestDeclaredRegionsNeverCanaries(t *testing.T) {
	tab := &Table{
		Regions: []Region{{Name: "can", PairedRegion: "wav"}, {Name: "pil"}, {Name: "wav", PairedRegion: "can"}},
		Plan: []Phase{{Name: "canary 1", Kind: PhaseCanary, Regions: []string{"can"}},
			{Name: "pilot", Kind: PhasePilot, Regions: []string{"pil"}}, {Name: "wave 1", Kind: PhaseWave, Regions: []string{"wav"}}},
	}
	if err := tab.checkPlan(); err != nil {
		t.Fatal(err)
	}
	got := tab.DefaultPlan([]Region{{Name: "new", PairedRegion: "wav"}, {Name: "other"}, {Name: "third", PairedRegion: "other"}})
	want := [][]string{{"can"}, {"pil"}, {"wav", "third"}, {"new", "other"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
}

// TestWithLeavesTheTableAlone: With copies.
func TestWithLeavesTheTableAlone(t *testing.T) {
	tab := mustLoad(t)
	n := len(tab.Regions)
	w := tab.With([]Region{{Name: "newregion", PairedRegion: "eastus"}})
	if len(tab.Regions) != n || len(w.Regions) != n+1 {
		t.Fatalf("table %d regions, extended %d; want %d and %d", len(tab.Regions), len(w.Regions), n, n+1)
	}
	if _, ok := tab.Lookup("newregion"); ok {
		t.Error("With changed the table")
	}
	if c := w.Conflicts(); !slices.Contains(c["eastus"], "newregion") {
		t.Errorf("eastus conflicts %v: want the declared region", c["eastus"])
	}
}

// TestCheckPlanRefuses: Load's check catches the mistakes an edit of
// phases.json or region-pairs.json can make.
func TestCheckPlanRefuses(t *testing.T) {
	tab := mustLoad(t)
	clone := func() *Table {
		c := *tab
		c.Plan = make([]Phase, len(tab.Plan))
		for i, p := range tab.Plan {
			p.Regions = slices.Clone(p.Regions)
			c.Plan[i] = p
		}
		return &c
	}
	missing := clone()
	missing.Plan[3].Regions = missing.Plan[3].Regions[1:]
	twice := clone()
	twice.Plan[4].Regions = append(twice.Plan[4].Regions, twice.Plan[3].Regions[0])
	unknown := clone()
	unknown.Plan[4].Regions = append(unknown.Plan[4].Regions, "atlantis")
	paired := clone()
	paired.Plan[7].Regions = append(paired.Plan[7].Regions, "westus")
	paired.Plan[6].Regions = slices.DeleteFunc(paired.Plan[6].Regions, func(r string) bool { return r == "westus" })
	badKind := clone()
	badKind.Plan[0].Kind = "early"
	for name, c := range map[string]*Table{"missing": missing, "twice": twice, "unknown": unknown, "paired": paired, "kind": badKind} {
		if err := c.checkPlan(); err == nil {
			t.Errorf("%s: checkPlan accepted it", name)
		}
	}
	if err := clone().checkPlan(); err != nil {
		t.Fatalf("the embedded plan: %v", err)
	}
}
