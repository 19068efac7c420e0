package checker_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/report"
)

func newLinter(t testing.TB, profile string) *checker.Linter {
	t.Helper()
	l, err := checker.New(context.Background(), checker.Options{Profile: profile, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// vm renders a one-VM template; os is "windows" or "linux", cfg the JSON
// members of its configuration block, image "publisher:offer:sku".
func vm(api, os, cfg, image string) string {
	p := strings.SplitN(image, ":", 3)
	return fmt.Sprintf(`{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {
      "type": "Microsoft.Compute/virtualMachines",
      "apiVersion": %q,
      "name": "vm1",
      "properties": {
        "osProfile": {"%sConfiguration": {%s}},
        "storageProfile": {"imageReference": {"publisher": %q, "offer": %q, "sku": %q, "version": "latest"}}
      }
    }
  ]
}`, api, os, cfg, p[0], p[1], p[2])
}

const (
	win2019   = "MicrosoftWindowsServer:WindowsServer:2019-Datacenter"
	win2022az = "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition"
	ubuntu18  = "Canonical:UbuntuServer:18.04-LTS"
	ubuntu22  = "Canonical:0001-com-ubuntu-server-jammy:22_04-lts"
	rhel79    = "RedHat:RHEL:7_9"
)

func ruleIDs(f report.File) string {
	var ids []string
	for _, x := range f.Findings {
		ids = append(ids, x.RuleID+":"+string(x.Severity))
	}
	sort.Strings(ids)
	return strings.Join(ids, " ")
}

// TestRules checks each rule on both sides, under both profiles.
func TestRules(t *testing.T) {
	platformWin := `"enableAutomaticUpdates": true, "patchSettings": {"patchMode": "AutomaticByPlatform"}`
	platformLin := `"patchSettings": {"patchMode": "AutomaticByPlatform"}`
	tests := []struct {
		name     string
		template string
		seed     string // findings under 2021-02
		current  string // findings under current
	}{
		{"Windows platform, supported image: clean", vm("2021-03-01", "windows", platformWin, win2019), "", ""},
		{"Linux platform, supported image: clean", vm("2021-03-01", "linux", platformLin, ubuntu18), "", ""},
		{"Windows Manual with updates off is valid (Checkov CKV_AZURE_177 and PSRule get this wrong)",
			vm("2021-03-01", "windows", `"enableAutomaticUpdates": false, "patchSettings": {"patchMode": "Manual"}`, win2019),
			"PC007:warning", "PC007:warning"},
		{"PC001 AutomaticByOS on Linux", vm("2021-03-01", "linux", `"patchSettings": {"patchMode": "AutomaticByOS"}`, ubuntu18), "PC001:error", "PC001:error"},
		{"PC001 Manual on Linux", vm("2021-03-01", "linux", `"patchSettings": {"patchMode": "Manual"}`, ubuntu18), "PC001:error", "PC001:error"},
		{"PC001 ImageDefault on Windows", vm("2021-03-01", "windows", `"patchSettings": {"patchMode": "ImageDefault"}`, win2019), "PC001:error", "PC001:error"},
		{"PC002 Manual with updates absent (default true)", vm("2021-03-01", "windows", `"patchSettings": {"patchMode": "Manual"}`, win2019), "PC002:error PC007:warning", "PC002:error PC007:warning"},
		{"PC002 Manual with updates true", vm("2021-03-01", "windows", `"enableAutomaticUpdates": true, "patchSettings": {"patchMode": "Manual"}`, win2019), "PC002:error PC007:warning", "PC002:error PC007:warning"},
		{"PC002 AutomaticByOS with updates false", vm("2021-03-01", "windows", `"enableAutomaticUpdates": false, "patchSettings": {"patchMode": "AutomaticByOS"}`, win2019), "PC002:error PC007:warning", "PC002:error PC007:warning"},
		{"PC002 platform with updates false: seed only", vm("2021-03-01", "windows", `"enableAutomaticUpdates": false, "patchSettings": {"patchMode": "AutomaticByPlatform"}`, win2019), "PC002:error", ""},
		{"no mode with updates false is in effect Manual: no PC002", vm("2021-03-01", "windows", `"enableAutomaticUpdates": false`, win2019), "PC007:warning", "PC007:warning"},
		{"PC003 image supported only in current", vm("2021-03-01", "windows", platformWin, win2022az), "PC003:error", ""},
		{"PC003 Ubuntu 22.04 supported only in current", vm("2021-03-01", "linux", platformLin, ubuntu22), "PC003:error", ""},
		{"PC003 unknown image", vm("2021-03-01", "linux", platformLin, "Canonical:UbuntuServer:14.04.5-LTS"), "PC003:error", "PC003:error"},
		{"PC004 Linux at 2020-06-01", vm("2020-06-01", "linux", platformLin, ubuntu18), "PC004:error", "PC004:error"},
		{"PC004 Windows at 2020-06-01", vm("2020-06-01", "windows", platformWin, win2019), "PC004:warning", "PC004:error"},
		{"PC004 2020-12-01", vm("2020-12-01", "linux", platformLin, ubuntu18), "", "PC004:warning"},
		{"PC004 old API without patchSettings is fine", vm("2019-07-01", "linux", `"disablePasswordAuthentication": true`, ubuntu18), "PC007:warning", "PC007:warning"},
		{"PC005 platform without agent", vm("2021-03-01", "linux", `"provisionVMAgent": false, `+platformLin, ubuntu18), "PC005:error", "PC005:error"},
		{"PC007 Linux default mode", vm("2021-03-01", "linux", `"disablePasswordAuthentication": true`, ubuntu18), "PC007:warning", "PC007:warning"},
		{"PC008 RHEL platform", vm("2021-03-01", "linux", platformLin, rhel79), "PC008:info", "PC008:info"},
		{"PC010 typo with did-you-mean", vm("2021-03-01", "linux", `"patchSettings": {"patchMode": "AutomaticByPlatfom"}`, ubuntu18), "PC010:error", "PC010:error"},
		{"PC010 string boolean", vm("2021-03-01", "windows", `"enableAutomaticUpdates": "true", "patchSettings": {"patchMode": "AutomaticByOS"}`, win2019), "PC007:warning PC010:warning", "PC007:warning PC010:warning"},
		// Rules read the boolean Azure uses: "true" contradicts Manual,
		// "false" agrees with it; any other string stays an error.
		{"PC002 on a string boolean", vm("2021-03-01", "windows", `"enableAutomaticUpdates": "TRUE", "patchSettings": {"patchMode": "Manual"}`, win2019), "PC002:error PC007:warning PC010:warning", "PC002:error PC007:warning PC010:warning"},
		{"no PC002 on a string false with Manual", vm("2021-03-01", "windows", `"enableAutomaticUpdates": "false", "patchSettings": {"patchMode": "Manual"}`, win2019), "PC007:warning PC010:warning", "PC007:warning PC010:warning"},
		{"PC010 other string is an error", vm("2021-03-01", "windows", `"enableAutomaticUpdates": "yes", "patchSettings": {"patchMode": "Manual"}`, win2019), "PC007:warning PC010:error", "PC007:warning PC010:error"},
		{"PC010 padded string is an error", vm("2021-03-01", "windows", `"provisionVMAgent": " true", "patchSettings": {"patchMode": "AutomaticByOS"}`, win2019), "PC007:warning PC010:error", "PC007:warning PC010:error"},
		{"PC005 on a string false agent", vm("2021-03-01", "linux", `"provisionVMAgent": "False", `+platformLin, ubuntu18), "PC005:error PC010:warning", "PC005:error PC010:warning"},
		{"PC010 Windows setting under linuxConfiguration", vm("2021-03-01", "linux", `"enableAutomaticUpdates": true, `+platformLin, ubuntu18), "PC010:error", "PC010:error"},
		{"PC011 unresolved mode", vm("2021-03-01", "linux", `"patchSettings": {"patchMode": "[parameters('mode')]"}`, ubuntu18), "PC011:warning", "PC011:warning"},
	}
	linters := map[string]*checker.Linter{"2021-02": newLinter(t, "2021-02"), "current": newLinter(t, "current")}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for profile, want := range map[string]string{"2021-02": tt.seed, "current": tt.current} {
				f := linters[profile].Check(context.Background(), checker.Input{Path: "t.json", Explicit: true}, []byte(tt.template))
				if f.Status != report.Checked {
					t.Fatalf("%s: status %s %+v", profile, f.Status, f.Error)
				}
				if got := ruleIDs(f); got != want {
					t.Errorf("%s: got [%s], want [%s]", profile, got, want)
					for _, x := range f.Findings {
						t.Logf("  %s %s", x.RuleID, x.Message)
					}
				}
				for _, x := range f.Findings {
					if x.Line < 1 || x.Column < 1 || x.File != "t.json" || x.Remediation == "" {
						t.Errorf("finding without a position or fix: %+v", x)
					}
				}
			}
		})
	}
}

func TestMessages(t *testing.T) {
	l := newLinter(t, "2021-02")
	tests := []struct {
		name, template, rule, want string
		line, col                  int
	}{
		{"did you mean", vm("2021-03-01", "linux", `"patchSettings": {"patchMode": "AutomaticByPlatfom"}`, ubuntu18), "PC010", `did you mean "AutomaticByPlatform"?`, 9, 64},
		{"case-only miss", vm("2021-03-01", "linux", `"patchSettings": {"patchMode": "automaticbyplatform"}`, ubuntu18), "PC010", `did you mean "AutomaticByPlatform"?`, 9, 64},
		{"unknown property", vm("2021-03-01", "linux", `"patchSettings": {"patchMod": "AutomaticByPlatform"}`, ubuntu18), "PC010", `unknown property "patchMod" in patchSettings (known: assessmentMode, automaticByPlatformSettings, enableHotpatching, patchMode); did you mean "patchMode"?`, 9, 64},
		{"misplaced patchMode", vm("2021-03-01", "windows", `"patchMode": "AutomaticByPlatform"`, win2019), "PC010", "patchMode is misplaced: it belongs under windowsConfiguration.patchSettings", 9, 48},
		{"string boolean", vm("2021-03-01", "windows", `"enableAutomaticUpdates": "true"`, win2019), "PC010", `the string "true" is accepted by Azure, which reads it as true, but the Compute schema wants a boolean; write true without quotes`, 9, 48},
		{"not a string boolean", vm("2021-03-01", "windows", `"enableAutomaticUpdates": "yes"`, win2019), "PC010", `expected boolean, found the string "yes"`, 9, 48},
		{"default assumed", vm("2021-03-01", "linux", `"disablePasswordAuthentication": true`, ubuntu18), "PC007", "osProfile.linuxConfiguration.patchSettings.patchMode is absent; Azure's default ImageDefault was assumed", 4, 5},
		{"expression named", vm("2021-03-01", "linux", `"patchSettings": {"patchMode": "[parameters('mode')]"}`, ubuntu18), "PC011", "osProfile.linuxConfiguration.patchSettings.patchMode is the unresolved expression [parameters('mode')]", 9, 64},
		{"PC002 points at the explicit value", vm("2021-03-01", "windows", `"patchSettings": {"patchMode": "Manual"}, "enableAutomaticUpdates": true`, win2019), "PC002", "enableAutomaticUpdates is true but patchMode Manual requires false", 9, 90},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := l.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(tt.template))
			for _, x := range f.Findings {
				if x.RuleID == tt.rule {
					if !strings.Contains(x.Message, tt.want) {
						t.Errorf("message %q does not contain %q", x.Message, tt.want)
					}
					if x.Line != tt.line || x.Column != tt.col {
						t.Errorf("at %d:%d, want %d:%d", x.Line, x.Column, tt.line, tt.col)
					}
					return
				}
			}
			t.Errorf("no %s finding in %+v", tt.rule, f.Findings)
		})
	}
}

// TestLaterSettings checks the current profile's rules on whole templates.
func TestLaterSettings(t *testing.T) {
	tests := []struct{ name, template, want string }{
		{"rebootSetting before 2022-03-01", vm("2021-11-01", "linux",
			`"patchSettings": {"patchMode": "AutomaticByPlatform", "automaticByPlatformSettings": {"rebootSetting": "IfRequired"}}`, ubuntu18), "PC015:error"},
		{"hotpatch on a non-hotpatchable image", vm("2022-03-01", "windows",
			`"patchSettings": {"patchMode": "AutomaticByPlatform", "enableHotpatching": true}`, win2019), "PC013:error"},
		{"Uniform scale set with automatic OS upgrade", `{"resources": [{"type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2023-03-01", "name": "ss",
			"properties": {"upgradePolicy": {"mode": "Automatic", "automaticOSUpgradePolicy": {"enableAutomaticOSUpgrade": true}},
			"virtualMachineProfile": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}},
			"storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}}]}`, "PC016:error"},
		{"Flexible scale set without health extension", `{"resources": [{"type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2023-03-01", "name": "ss",
			"properties": {"orchestrationMode": "Flexible",
			"virtualMachineProfile": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}},
			"storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}}]}`, "PC017:warning"},
		{"Flexible scale set with health extension", `{"resources": [{"type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2023-03-01", "name": "ss",
			"properties": {"orchestrationMode": "Flexible",
			"virtualMachineProfile": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}},
			"extensionProfile": {"extensions": [{"name": "health", "properties": {"publisher": "Microsoft.ManagedServices", "type": "ApplicationHealthLinux"}}]},
			"storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}}]}`, ""},
	}
	current, seed := newLinter(t, "current"), newLinter(t, "2021-02")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := current.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(tt.template))
			if got := ruleIDs(f); got != tt.want {
				t.Errorf("current: got [%s], want [%s]", got, tt.want)
			}
			for _, x := range seed.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(tt.template)).Findings {
				if x.RuleID >= "PC013" {
					t.Errorf("2021-02 must not apply later-setting rules, got %s", x.RuleID)
				}
			}
		})
	}
}
