package policies

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
)

// Profile is the part of a knowledge profile Go code reads directly (the
// simulator's eligibility); the rules read the same file from Rego.
type Profile struct {
	Name            string `json:"name"`
	Title           string `json:"title"`
	SupportedImages struct {
		Exact       map[string]json.RawMessage `json:"exact"` // lower-case publisher:offer:sku
		SkuPatterns []struct {
			Publisher string `json:"publisher"`
			Offer     string `json:"offer"`
			SkuRegex  string `json:"skuRegex"`
		} `json:"skuPatterns"`
	} `json:"supportedImages"`
	EnableAutomaticUpdatesAllowed map[string][]bool `json:"enableAutomaticUpdatesAllowed"`
	// AvailabilitySetCap is true when the profile's doc caps an update
	// domain's installs at 20% of the availability set (one at a time under
	// 10 VMs): the 2024 doc says so, the 2021 doc does not. It is data
	// rather than a comparison of profile names so that a new profile
	// states it.
	AvailabilitySetCap bool `json:"availabilitySetCap"`
}

// LoadProfile reads profiles/<name>.json from the embedded tree.
func LoadProfile(name string) (*Profile, error) {
	data, err := fs.ReadFile(files, "profiles/"+name+".json")
	if err != nil {
		return nil, fmt.Errorf("unknown profile %q (available: 2021-02, current)", name)
	}
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("parse profile %s: %w", name, err)
	}
	return &p, nil
}

// ImageKeys lists the supported images as lower-case publisher:offer:sku.
func (p *Profile) ImageKeys() []string {
	keys := make([]string, 0, len(p.SupportedImages.Exact))
	for k := range p.SupportedImages.Exact {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// WindowsPlatformNeedsAutoUpdates reports whether Windows AutomaticByPlatform
// requires enableAutomaticUpdates=true under this profile.
func (p *Profile) WindowsPlatformNeedsAutoUpdates() bool {
	return !slices.Contains(p.EnableAutomaticUpdatesAllowed["AutomaticByPlatform"], false)
}
