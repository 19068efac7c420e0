package model

import "testing"

// TestDefaultPatchModesFor: a VM's own mode wins; without one, the default
// for its OS (any case), and on Windows for its automatic updates setting.
func TestDefaultPatchModesFor(t *testing.T) {
	d := DefaultPatchModes{Windows: "W", Linux: "L", WindowsAutomaticUpdatesOff: "O"}
	tests := []struct {
		vm   VM
		want string
	}{
		{VM{OS: "linux", PatchMode: "AutomaticByPlatform"}, "AutomaticByPlatform"},
		{VM{OS: "windows", PatchMode: "Manual", EnableAutomaticUpdates: true}, "Manual"},
		{VM{OS: "windows", EnableAutomaticUpdates: true}, "W"},
		{VM{OS: "Windows", EnableAutomaticUpdates: false}, "O"},
		{VM{OS: "linux"}, "L"},
		{VM{OS: "LINUX", EnableAutomaticUpdates: true}, "L"},
		{VM{OS: "freebsd"}, ""},
	}
	for _, tt := range tests {
		if got := d.For(&tt.vm); got != tt.want {
			t.Errorf("For(%+v) = %q, want %q", tt.vm, got, tt.want)
		}
	}
}
