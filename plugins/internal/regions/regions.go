// Package regions holds the Azure region facts the simulator needs: which
// regions exist, which are paired, which have availability zones
// (region-pairs.json, shared/reference/region-pairs.json embedded
// unchanged; its other columns are kept for readers of the file), and the
// default Azure-wide phase plan (phases.json, an assumption kept as data).
package regions

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

//go:embed region-pairs.json
var data []byte

//go:embed phases.json
var phaseData []byte

// Region is one entry of the embedded table, or a region a fleet declares.
type Region struct {
	Name         string `json:"region"`
	DisplayName  string `json:"displayName"`
	PairedRegion string `json:"pairedRegion"` // "" when unpaired
	// HasAvailabilityZones is true when the region has availability zones.
	// It is false too where the table does not know (null in the JSON, as
	// for the sovereign regions); ZonesUnknown tells those apart, so that
	// a zone is refused only where the table says there are none.
	HasAvailabilityZones bool   `json:"hasAvailabilityZones"`
	ZonesUnknown         bool   `json:"-"`
	Geography            string `json:"geography"`
}

// RefusesZones reports whether a VM in the region cannot have a zone: the
// region is known to have no availability zones.
func (r Region) RefusesZones() bool { return !r.HasAvailabilityZones && !r.ZonesUnknown }

// Phase is one phase of the default plan.
type Phase struct {
	Name    string   `json:"name"`  // canary 1, pilot, wave 1, ...
	Kind    string   `json:"kind"`  // PhaseCanary, PhasePilot or PhaseWave
	Notes   string   `json:"notes"` // why these regions, and that it is an assumption
	Regions []string `json:"regions"`
}

// Kinds of phase. Regions a fleet declares go only into waves: a region the
// table lacks is no canary and no pilot.
const (
	PhaseCanary = "canary"
	PhasePilot  = "pilot"
	PhaseWave   = "wave"
)

// Table is the parsed region list and the default plan over it.
type Table struct {
	Regions []Region
	// Plan is phases.json: every region of the table in exactly one
	// phase, paired regions never together. Load checks both.
	Plan []Phase
	// PlanSource says where the plan comes from (an assumption; see
	// phases.json), for reports.
	PlanSource string
}

// Load parses the embedded table and plan, and checks that the plan covers
// the table: a region in no phase or in two, a region the table lacks, or
// two paired regions in one phase are refused, so a change to one file
// without the other cannot go unnoticed.
func Load() (*Table, error) {
	var raw []struct {
		Region
		Zones *bool `json:"hasAvailabilityZones"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse embedded region-pairs.json: %w", err)
	}
	t := &Table{Regions: make([]Region, len(raw))}
	for i, r := range raw {
		t.Regions[i] = r.Region
		t.Regions[i].HasAvailabilityZones = r.Zones != nil && *r.Zones
		t.Regions[i].ZonesUnknown = r.Zones == nil
	}
	var plan struct {
		Source string  `json:"source"`
		Phases []Phase `json:"phases"`
	}
	if err := json.Unmarshal(phaseData, &plan); err != nil {
		return nil, fmt.Errorf("parse embedded phases.json: %w", err)
	}
	t.Plan, t.PlanSource = plan.Phases, plan.Source
	if err := t.checkPlan(); err != nil {
		return nil, fmt.Errorf("embedded phases.json: %w", err)
	}
	return t, nil
}

// checkPlan verifies the invariants of the default plan against the table.
func (t *Table) checkPlan() error {
	conflicts := t.Conflicts()
	phaseOf := map[string]int{}
	for i, p := range t.Plan {
		switch p.Kind {
		case PhaseCanary, PhasePilot, PhaseWave:
		default:
			return fmt.Errorf("phase %d (%s): kind %q, want canary, pilot or wave", i, p.Name, p.Kind)
		}
		for _, r := range p.Regions {
			if _, ok := t.Lookup(r); !ok {
				return fmt.Errorf("phase %d (%s): region %q is not in region-pairs.json", i, p.Name, r)
			}
			if j, dup := phaseOf[r]; dup {
				return fmt.Errorf("region %s is in phase %d and phase %d", r, j, i)
			}
			phaseOf[r] = i
		}
		for _, a := range p.Regions {
			for _, b := range conflicts[a] {
				if slices.Contains(p.Regions, b) {
					return fmt.Errorf("phase %d (%s) holds %s and %s, which are paired", i, p.Name, a, b)
				}
			}
		}
	}
	for _, r := range t.Regions {
		if _, ok := phaseOf[r.Name]; !ok {
			return fmt.Errorf("region %s of region-pairs.json is in no phase", r.Name)
		}
	}
	return nil
}

// Lookup finds a region by its programmatic name.
func (t *Table) Lookup(name string) (Region, bool) {
	for _, r := range t.Regions {
		if r.Name == name {
			return r, true
		}
	}
	return Region{}, false
}

// With returns a table that also holds the declared regions (a fleet's
// regions: list), so that Conflicts and Lookup see them. The receiver is
// left unchanged. Declared regions are trusted to be new: the fleet loader
// refuses one the table has already.
func (t *Table) With(declared []Region) *Table {
	if len(declared) == 0 {
		return t
	}
	out := *t
	out.Regions = append(slices.Clip(t.Regions), declared...)
	return &out
}

// Conflicts returns the conflict graph of pairs: every pair edge, one-way
// ones included (westus3 → eastus), made symmetric, because "paired regions
// are never updated at the same time" is only safe read conservatively.
func (t *Table) Conflicts() map[string][]string {
	set := map[string]map[string]bool{}
	add := func(a, b string) {
		if set[a] == nil {
			set[a] = map[string]bool{}
		}
		set[a][b] = true
	}
	for _, r := range t.Regions {
		if r.PairedRegion != "" && r.PairedRegion != r.Name {
			add(r.Name, r.PairedRegion)
			add(r.PairedRegion, r.Name)
		}
	}
	out := make(map[string][]string, len(set))
	for a, bs := range set {
		for b := range bs {
			out[a] = append(out[a], b)
		}
		sort.Strings(out[a])
	}
	return out
}

// DefaultPlan is the Azure-wide plan as region lists, phase by phase:
// phases.json, with each declared region appended to the last wave that
// holds none of its conflicts (its pair either way, table or declared),
// else to a new final phase, in the order given. It depends on no fleet
// but for the regions a fleet declares, and those never move a table
// region: the table regions keep their phases, whatever is declared.
func (t *Table) DefaultPlan(declared []Region) [][]string {
	plan := make([][]string, len(t.Plan))
	for i, p := range t.Plan {
		plan[i] = slices.Clone(p.Regions)
	}
	if len(declared) == 0 {
		return plan
	}
	conflicts := t.With(declared).Conflicts()
	isWave := func(i int) bool { return i >= len(t.Plan) || t.Plan[i].Kind == PhaseWave }
	for _, d := range declared {
		placed := false
		for i := len(plan) - 1; i >= 0 && isWave(i); i-- {
			if !slices.ContainsFunc(plan[i], func(r string) bool { return slices.Contains(conflicts[d.Name], r) }) {
				plan[i] = append(plan[i], d.Name)
				placed = true
				break
			}
		}
		if !placed {
			plan = append(plan, []string{d.Name})
		}
	}
	return plan
}
