package policies

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

// Profile is the part of a knowledge profile Go code reads directly (the
// linter's adapters, the simulator's eligibility); the rules read the same
// file from Rego.
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
	// MinLinuxAgent is the oldest Linux VM agent version that supports the
	// feature (D16), dotted numbers; rule PC006 and the simulator's
	// eligibility compare with it.
	MinLinuxAgent string `json:"minLinuxAgent"`
	// DefaultPatchMode is what Azure runs a VM with when it sets no
	// patchMode: the linter's adapters assume it, and the simulator request
	// carries it to the plugin.
	DefaultPatchMode PatchModeDefaults `json:"defaultPatchMode"`
	// DefaultSettings are Azure's values for the VM agent and Windows
	// automatic updates when a VM leaves them out (D15, D16).
	DefaultSettings SettingDefaults `json:"defaultSettings"`
}

// SettingDefaults are Azure's values for settings a VM leaves out.
type SettingDefaults struct {
	ProvisionVMAgent       bool `json:"provisionVMAgent"`
	EnableAutomaticUpdates bool `json:"enableAutomaticUpdates"` // Windows only
}

// Defaults are what Azure assumes for a VM that leaves its patch mode, VM
// agent or automatic updates out: the one place the linter's adapters and
// the fleet reader take them from.
type Defaults struct {
	PatchMode PatchModeDefaults
	SettingDefaults
}

// Defaults are the profile's defaults for a VM's settings.
func (p *Profile) Defaults() Defaults {
	return Defaults{PatchMode: p.DefaultPatchMode, SettingDefaults: p.DefaultSettings}
}

// PatchModeDefaults are Azure's patch modes for a VM that sets none (D14).
type PatchModeDefaults struct {
	Windows string `json:"windows"`
	Linux   string `json:"linux"`
	// WindowsAutomaticUpdatesOff is the mode of a Windows VM whose
	// enableAutomaticUpdates is false: Azure accepts it without a mode and
	// leaves the VM unpatched by the OS, as Manual does.
	WindowsAutomaticUpdatesOff string `json:"windowsAutomaticUpdatesOff"`
}

// For is the default mode of a VM with the given OS ("windows" or
// "linux", any case) and enableAutomaticUpdates; "" for another OS.
func (d PatchModeDefaults) For(os string, automaticUpdates bool) string {
	switch {
	case strings.EqualFold(os, "windows") && !automaticUpdates:
		return d.WindowsAutomaticUpdatesOff
	case strings.EqualFold(os, "windows"):
		return d.Windows
	case strings.EqualFold(os, "linux"):
		return d.Linux
	}
	return ""
}

// LoadProfile reads profiles/<name>.json from the embedded tree.
func LoadProfile(name string) (*Profile, error) {
	data, err := fs.ReadFile(files, "profiles/"+name+".json")
	if err != nil {
		return nil, fmt.Errorf("unknown profile %q (available: 2021-02, current)", name)
	}
	return parseProfile(name, data)
}

// parseProfile reads one profile's JSON. The facts Go code relies on must
// be there: a profile without them would make the linter and the simulator
// assume nothing, silently.
func parseProfile(name string, data []byte) (*Profile, error) {
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("parse profile %s: %w", name, err)
	}
	// A bool left out reads as false, which for these is a claim: each
	// must be stated.
	var stated struct {
		DefaultSettings struct {
			ProvisionVMAgent       *bool `json:"provisionVMAgent"`
			EnableAutomaticUpdates *bool `json:"enableAutomaticUpdates"`
		} `json:"defaultSettings"`
	}
	_ = json.Unmarshal(data, &stated) // it parsed above
	d := p.DefaultPatchMode
	switch {
	case !agentVersion.MatchString(p.MinLinuxAgent):
		return nil, fmt.Errorf("profile %s: minLinuxAgent %q is not a dotted version such as 2.2.53.1", name, p.MinLinuxAgent)
	case d.Windows == "" || d.Linux == "" || d.WindowsAutomaticUpdatesOff == "":
		return nil, fmt.Errorf("profile %s: defaultPatchMode needs windows, linux and windowsAutomaticUpdatesOff", name)
	case stated.DefaultSettings.ProvisionVMAgent == nil || stated.DefaultSettings.EnableAutomaticUpdates == nil:
		return nil, fmt.Errorf("profile %s: defaultSettings needs provisionVMAgent and enableAutomaticUpdates", name)
	}
	return &p, nil
}

// agentVersion is the shape of a VM agent version: 1 to 4 dotted numbers.
var agentVersion = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,3}$`)

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
