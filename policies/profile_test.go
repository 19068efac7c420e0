package policies

import (
	"strings"
	"testing"
)

// TestProfileDefaultPatchModes pins the data to D14: with no patchMode,
// Azure runs Windows as AutomaticByOS (Manual with enableAutomaticUpdates
// false) and Linux as ImageDefault, in both editions of the doc.
func TestProfileDefaultPatchModes(t *testing.T) {
	want := PatchModeDefaults{Windows: "AutomaticByOS", Linux: "ImageDefault", WindowsAutomaticUpdatesOff: "Manual"}
	for _, name := range []string{"2021-02", "current"} {
		p, err := LoadProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		if p.DefaultPatchMode != want {
			t.Errorf("%s: defaultPatchMode %+v, want %+v", name, p.DefaultPatchMode, want)
		}
		if want := (SettingDefaults{ProvisionVMAgent: true, EnableAutomaticUpdates: true}); p.DefaultSettings != want {
			t.Errorf("%s: defaultSettings %+v, want %+v (D15, D16)", name, p.DefaultSettings, want)
		}
		if d := p.Defaults(); d.PatchMode != p.DefaultPatchMode || d.SettingDefaults != p.DefaultSettings {
			t.Errorf("%s: Defaults() %+v does not hold the profile's", name, d)
		}
		if p.MinLinuxAgent != "2.2.53.1" {
			t.Errorf("%s: minLinuxAgent %q, want 2.2.53.1 (D16, unchanged in 2024)", name, p.MinLinuxAgent)
		}
	}
}

func TestPatchModeDefaultsFor(t *testing.T) {
	d := PatchModeDefaults{Windows: "W", Linux: "L", WindowsAutomaticUpdatesOff: "O"}
	tests := []struct {
		os               string
		automaticUpdates bool
		want             string
	}{
		{"windows", true, "W"},
		{"Windows", true, "W"},
		{"windows", false, "O"},
		{"linux", true, "L"},
		{"LINUX", false, "L"}, // the updates setting is Windows only
		{"unknown", true, ""},
		{"", false, ""},
	}
	for _, tt := range tests {
		if got := d.For(tt.os, tt.automaticUpdates); got != tt.want {
			t.Errorf("For(%q, %v) = %q, want %q", tt.os, tt.automaticUpdates, got, tt.want)
		}
	}
}

// TestProfileNeedsItsGoFacts: a profile that lacks a fact Go code assumes
// is refused, instead of leaving the linter and the simulator without it.
func TestProfileNeedsItsGoFacts(t *testing.T) {
	settings := `"defaultSettings": {"provisionVMAgent": true, "enableAutomaticUpdates": true}`
	modes := `"defaultPatchMode": {"windows": "AutomaticByOS", "linux": "ImageDefault", "windowsAutomaticUpdatesOff": "Manual"}, ` + settings
	tests := []struct {
		name, json, wantErr string
	}{
		{"complete", `{"minLinuxAgent": "2.2.53.1", ` + modes + `}`, ""},
		{"three parts", `{"minLinuxAgent": "2.9.1", ` + modes + `}`, ""},
		{"no agent", `{` + modes + `}`, "minLinuxAgent"},
		{"agent not a version", `{"minLinuxAgent": "2.2.x", ` + modes + `}`, "minLinuxAgent"},
		{"no modes", `{"minLinuxAgent": "2.2.53.1", ` + settings + `}`, "defaultPatchMode"},
		{"no Windows off mode", `{"minLinuxAgent": "2.2.53.1", "defaultPatchMode": {"windows": "AutomaticByOS", "linux": "ImageDefault"}}`, "windowsAutomaticUpdatesOff"},
		{"no settings", `{"minLinuxAgent": "2.2.53.1", "defaultPatchMode": {"windows": "AutomaticByOS", "linux": "ImageDefault", "windowsAutomaticUpdatesOff": "Manual"}}`, "defaultSettings"},
		{"agent default left out", `{"minLinuxAgent": "2.2.53.1", "defaultPatchMode": {"windows": "AutomaticByOS", "linux": "ImageDefault", "windowsAutomaticUpdatesOff": "Manual"}, "defaultSettings": {"enableAutomaticUpdates": true}}`, "provisionVMAgent"},
		{"settings false are stated", `{"minLinuxAgent": "2.2.53.1", "defaultPatchMode": {"windows": "AutomaticByOS", "linux": "ImageDefault", "windowsAutomaticUpdatesOff": "Manual"}, "defaultSettings": {"provisionVMAgent": false, "enableAutomaticUpdates": false}}`, ""},
		{"not JSON", `{`, "parse profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseProfile("test", []byte(tt.json))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one naming %s", err, tt.wantErr)
			}
		})
	}
}
