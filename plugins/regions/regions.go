// Package regions holds the Azure region facts the simulator needs: which
// regions are paired. The data is shared/reference/region-pairs.json,
// embedded unchanged (its other columns are kept for readers of the file).
package regions

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
)

//go:embed region-pairs.json
var data []byte

// Region is one entry of the embedded table.
type Region struct {
	Name                 string `json:"region"`
	DisplayName          string `json:"displayName"`
	PairedRegion         string `json:"pairedRegion"`
	HasAvailabilityZones bool   `json:"hasAvailabilityZones"`
	Geography            string `json:"geography"`
}

// Table is the parsed region list.
type Table struct {
	Regions []Region
}

// Load parses the embedded table.
func Load() (*Table, error) {
	var list []Region
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("parse embedded region-pairs.json: %w", err)
	}
	return &Table{Regions: list}, nil
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
