package checker_test

import (
	"context"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/config"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

// TestNoInventedFindings: a setting hidden by an unresolved ancestor is not
// a setting the template has; PC011 alone says the ancestor is unknown.
func TestNoInventedFindings(t *testing.T) {
	res := func(api, osProfile string) string {
		return `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"parameters":{"cfg":{"type":"object"},"exts":{"type":"array"}},
"resources":[{"type":"Microsoft.Compute/virtualMachines","apiVersion":"` + api + `","name":"vm","properties":{
"osProfile":` + osProfile + `,
"storageProfile":{"imageReference":{"publisher":"MicrosoftWindowsServer","offer":"WindowsServer","sku":"2019-Datacenter"}}}}]}`
	}
	tests := []struct {
		name, template, current string
	}{
		{"windowsConfiguration unknown", res("2019-07-01", `{"windowsConfiguration":"[parameters('cfg')]"}`), "PC011:warning"},
		{"linuxConfiguration unknown", res("2019-07-01", `{"linuxConfiguration":"[parameters('cfg')]"}`), "PC011:warning"},
		{"patchSettings unknown", res("2020-12-01", `{"windowsConfiguration":{"patchSettings":"[parameters('cfg')]"}}`), "PC004:warning PC011:warning"},
		{"automaticByPlatformSettings unknown", res("2021-03-01", `{"windowsConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform","automaticByPlatformSettings":"[parameters('cfg')]"}}}`), "PC011:warning"},
		// Written as an expression, the setting is there: its apiVersion
		// is still judged.
		{"assessmentMode written as an expression", res("2020-12-01", `{"windowsConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform","assessmentMode":"[parameters('cfg')]"}}}`), "PC004:warning PC011:warning PC015:error"},
		{"Flexible scale set with unknown extensions", `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"parameters":{"exts":{"type":"array"}},
"resources":[{"type":"Microsoft.Compute/virtualMachineScaleSets","apiVersion":"2023-09-01","name":"ss","properties":{"orchestrationMode":"Flexible","virtualMachineProfile":{
"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform"}}},
"storageProfile":{"imageReference":{"publisher":"Canonical","offer":"UbuntuServer","sku":"18.04-LTS"}},
"extensionProfile":{"extensions":"[parameters('exts')]"}}}}]}`, "PC011:warning"},
	}
	l := newLinter(t, "current")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := l.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(tt.template))
			if got := ruleIDs(f); got != tt.current {
				t.Errorf("got %s, want %s", got, tt.current)
				for _, x := range f.Findings {
					t.Log(x.RuleID, x.Message)
				}
			}
		})
	}
}

// TestStringBooleanSeverityOverride: PC010's severity is per finding (a
// string boolean is a warning), and a configured severity still wins.
func TestStringBooleanSeverityOverride(t *testing.T) {
	template := vm("2021-03-01", "windows", `"enableAutomaticUpdates": "false", "patchSettings": {"patchMode": "Manual", "enableHotpatching": "yes"}`, win2019)
	for _, tt := range []struct {
		configured string // "" for no configuration
		want       string
	}{
		{"", "PC007:warning PC010:error PC010:warning"},
		{"error", "PC007:warning PC010:error PC010:error"},
		{"info", "PC007:warning PC010:info PC010:info"},
	} {
		t.Run("configured "+tt.configured, func(t *testing.T) {
			opts := checker.Options{Profile: "2021-02", Version: "test"}
			if tt.configured != "" {
				opts.Config = &config.Config{Severity: map[string]string{"PC010": tt.configured}}
			}
			l, err := checker.New(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			f := l.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(template))
			if got := ruleIDs(f); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestStringBooleansOutsideOsProfile: the scale set's automatic OS upgrade
// written as "true" is the boolean Azure uses (PC016), with a PC010
// warning, though the schema stage validates only osProfile.
func TestStringBooleansOutsideOsProfile(t *testing.T) {
	template := `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"resources":[{"type":"Microsoft.Compute/virtualMachineScaleSets","apiVersion":"2023-09-01","name":"ss","properties":{
"upgradePolicy":{"mode":"Automatic","automaticOSUpgradePolicy":{"enableAutomaticOSUpgrade":"true"}},
"virtualMachineProfile":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform"}}},
"storageProfile":{"imageReference":{"publisher":"Canonical","offer":"UbuntuServer","sku":"18.04-LTS"}}}}}]}`
	f := newLinter(t, "current").Check(context.Background(), checker.Input{Path: "t.json"}, []byte(template))
	if got := ruleIDs(f); got != "PC010:warning PC016:error" {
		t.Errorf("got %s", got)
	}
}

// TestLaterBooleansAsStrings: enableHotpatching and
// bypassPlatformSafetyChecksOnUserSchedule written as strings are read as
// the booleans Azure uses by PC013 (twice: not AutomaticByPlatform, not a
// hotpatchable image) and PC014.
func TestLaterBooleansAsStrings(t *testing.T) {
	template := vm("2023-09-01", "windows", `"patchSettings": {"patchMode": "AutomaticByOS", "enableHotpatching": "True",
		"automaticByPlatformSettings": {"bypassPlatformSafetyChecksOnUserSchedule": "true"}}`, win2019)
	f := newLinter(t, "current").Check(context.Background(), checker.Input{Path: "t.json"}, []byte(template))
	if got := ruleIDs(f); got != "PC007:warning PC010:warning PC010:warning PC013:error PC013:error PC014:error" {
		t.Errorf("got %s", got)
	}
}

// TestScaleSetsWithoutProfileAreCounted: a scale set that defines no VM
// gets no finding, is not a VM, and is counted.
func TestScaleSetsWithoutProfileAreCounted(t *testing.T) {
	template := `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"resources":[
 {"type":"Microsoft.Compute/virtualMachineScaleSets","apiVersion":"2023-09-01","name":"flex","properties":{"orchestrationMode":"Flexible","platformFaultDomainCount":1}},
 {"type":"Microsoft.Compute/virtualMachineScaleSets","apiVersion":"2023-09-01","name":"web","sku":{"capacity":5}}]}`
	for _, profile := range []string{"2021-02", "current"} {
		f := newLinter(t, profile).Check(context.Background(), checker.Input{Path: "t.json"}, []byte(template))
		if len(f.Findings) != 0 || f.VMs != 0 || f.NoProfile != 2 {
			t.Errorf("%s: %d VMs, %d without profile, findings %s", profile, f.VMs, f.NoProfile, ruleIDs(f))
		}
	}
}

// TestMessagesOfIssue12 pins the wording of point 7.
func TestMessagesOfIssue12(t *testing.T) {
	tests := []struct {
		name, template, rule, want string
	}{
		{"empty image parts are quoted",
			`{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[{"type":"Microsoft.Compute/virtualMachines","apiVersion":"2021-03-01","name":"v","properties":{"storageProfile":{"imageReference":{"publisher":"","offer":"","sku":"x"}}}}]}`,
			"PC012", `image publisher "" offer "" not recognised`},
		{"Manual because automatic updates are off",
			vm("2021-03-01", "windows", `"enableAutomaticUpdates": false`, win2019),
			"PC007", "effective patchMode is Manual (osProfile.windowsConfiguration.patchSettings.patchMode is absent and enableAutomaticUpdates is false, so the VM is treated as Manual)"},
	}
	l := newLinter(t, "2021-02")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := l.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(tt.template))
			for _, x := range f.Findings {
				if x.RuleID == tt.rule && strings.Contains(x.Message, tt.want) {
					return
				}
			}
			t.Errorf("no %s saying %q in %#v", tt.rule, tt.want, f.Findings)
		})
	}
}

// TestInputRESTRefusesOtherBodies: forced on what is not a VM or scale-set
// body, --input rest fails the file (exit 2) and says what it expected.
func TestInputRESTRefusesOtherBodies(t *testing.T) {
	l, err := checker.New(context.Background(), checker.Options{Profile: "2021-02", Version: "test", Input: "rest"})
	if err != nil {
		t.Fatal(err)
	}
	policy := `{"properties":{"displayName":"audit","policyRule":{"if":{"field":"type","equals":"Microsoft.Compute/virtualMachines"},"then":{"effect":"audit"}}}}`
	f := l.Check(context.Background(), checker.Input{Path: "policy.json", Explicit: true}, []byte(policy))
	r := &report.Report{Files: []report.File{f}}
	if f.Status != report.Errored || f.VMs != 0 || r.ExitCode(model.Error) != report.ExitError ||
		!strings.Contains(f.Error.Message, "not a virtual machine or scale-set REST body: expected") {
		t.Errorf("got %+v", f)
	}
}
