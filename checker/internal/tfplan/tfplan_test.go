package tfplan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/internal/tfplan"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
)

// seedModes are the default patch modes of the default profile, which the
// linter gives the adapter.
func seedDefaults(t testing.TB) policies.Defaults {
	t.Helper()
	p, err := policies.LoadProfile(policies.DefaultProfile)
	if err != nil {
		t.Fatal(err)
	}
	return p.Defaults()
}

const planPath = "../../../testdata/tfplan/plan.json"

func readPlan(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func extract(t testing.TB, name string, data []byte) []model.VM {
	t.Helper()
	doc, err := jsonpos.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	if !tfplan.Detect(doc) {
		t.Fatalf("%s: not detected as a Terraform plan", name)
	}
	vms, err := tfplan.Extract(doc, data, seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	return vms
}

// factsOf names every fact of a VM as the rules do.
func factsOf(vm model.VM) map[string]model.Fact {
	return map[string]model.Fact{
		"apiVersion":             vm.APIVersion.Fact,
		"patchMode":              vm.PatchMode,
		"assessmentMode":         vm.AssessmentMode,
		"enableAutomaticUpdates": vm.EnableAutomaticUpdates,
		"provisionVMAgent":       vm.ProvisionVMAgent,
		"enableHotpatching":      vm.EnableHotpatching,
		"rebootSetting":          vm.RebootSetting,
		"bypassPlatformSafetyChecksOnUserSchedule": vm.BypassSafetyChecks,
		"orchestrationMode":                        vm.OrchestrationMode,
		"automaticOSUpgrade":                       vm.AutomaticOSUpgrade,
		"agentVersion":                             vm.AgentVersion,
		"image.publisher":                          vm.Image.Publisher,
		"image.offer":                              vm.Image.Offer,
		"image.sku":                                vm.Image.Sku,
		"image.id":                                 vm.Image.ID,
	}
}

// fw is an expected fact; line 0 skips the line check.
type fw struct {
	state model.State
	value any
	prop  string
	line  int
}

func lit(v any, prop string, line int) fw { return fw{model.Literal, v, prop, line} }
func def(v any, prop string, line int) fw { return fw{model.Default, v, prop, line} }
func abs(prop string, line int) fw        { return fw{model.Absent, nil, prop, line} }
func unk(prop string, line int) fw        { return fw{model.Expression, nil, prop, line} }

// hid is an attribute of a block known only after apply: it may not be set.
func hid(prop string, line int) fw { return fw{model.Hidden, nil, prop, line} }

func checkFacts(t *testing.T, vm model.VM, want map[string]fw) {
	t.Helper()
	got := factsOf(vm)
	for name, w := range want {
		f, ok := got[name]
		if !ok {
			t.Errorf("%s: no fact %s", vm.Name, name)
			continue
		}
		if f.State != w.state || f.Property != w.prop {
			t.Errorf("%s: %s = %s %q, want %s %q", vm.Name, name, f.State, f.Property, w.state, w.prop)
		}
		if w.state != model.Expression && !reflect.DeepEqual(f.Value, w.value) {
			t.Errorf("%s: %s value = %#v, want %#v", vm.Name, name, f.Value, w.value)
		}
		if w.state == model.Expression && f.Expression != tfplan.KnownAfterApply {
			t.Errorf("%s: %s expression = %q", vm.Name, name, f.Expression)
		}
		if w.line != 0 && f.Loc.Line != w.line {
			t.Errorf("%s: %s at line %d (%s), want %d", vm.Name, name, f.Loc.Line, f.Loc.Pointer, w.line)
		}
	}
}

// checkLocs verifies every position against the file itself: a location
// whose pointer ends in an attribute name must sit on that name's key, and
// every location must be a real line and column.
func checkLocs(t *testing.T, data []byte, vm model.VM) {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	check := func(what string, loc model.Loc) {
		t.Helper()
		if loc.Line < 1 || loc.Column < 1 || loc.Line > len(lines) {
			t.Errorf("%s: %s at %d:%d", vm.Name, what, loc.Line, loc.Column)
			return
		}
		line := lines[loc.Line-1]
		if utf8.RuneCountInString(line) < loc.Column {
			t.Errorf("%s: %s at %d:%d is past the end of the line", vm.Name, what, loc.Line, loc.Column)
			return
		}
		rest := string([]rune(line)[loc.Column-1:])
		seg := loc.Pointer[strings.LastIndex(loc.Pointer, "/")+1:]
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		switch {
		case loc.Pointer == "":
		case strings.Trim(seg, "0123456789") == "":
			if !strings.HasPrefix(rest, "{") && !strings.HasPrefix(rest, "[") {
				t.Errorf("%s: %s at %d:%d (%s) is not an object: %q", vm.Name, what, loc.Line, loc.Column, loc.Pointer, rest)
			}
		default:
			if !strings.HasPrefix(rest, `"`+seg+`"`) {
				t.Errorf("%s: %s at %d:%d (%s) is not on key %q: %q", vm.Name, what, loc.Line, loc.Column, loc.Pointer, seg, rest)
			}
		}
	}
	check("vm", vm.Loc)
	check("patchSettings", vm.PatchSettings.Loc)
	check("image", vm.Image.Loc)
	for name, f := range factsOf(vm) {
		check(name, f.Loc)
	}
	for i, u := range vm.Unresolved {
		check(fmt.Sprintf("unresolved/%d", i), u.Loc)
	}
	for i, e := range vm.SchemaErrors {
		check(fmt.Sprintf("schemaErrors/%d", i), e.Loc)
	}
}

func TestExtractPlanFile(t *testing.T) {
	data := readPlan(t)
	vms := extract(t, "plan.json", data)

	type image struct {
		kind, key string
		line      int
	}
	tests := []struct {
		name, typ, kind, pointer string
		line                     int
		os, osSource             string
		facts                    map[string]fw
		patchSettings            int // line; 0 when absent
		image                    image
		unresolved               []model.Unresolved
		schemaErrors             []model.SchemaError
	}{
		{
			name: "azurerm_windows_virtual_machine.jump", typ: "azurerm_windows_virtual_machine", kind: model.KindVM,
			pointer: "/resource_changes/2", line: 563,
			os: "windows", osSource: "resource type azurerm_windows_virtual_machine",
			facts: map[string]fw{
				"apiVersion":             abs("apiVersion", 563),
				"patchMode":              lit("Manual", "patch_mode", 616),
				"assessmentMode":         lit("ImageDefault", "patch_assessment_mode", 615),
				"enableAutomaticUpdates": lit(true, "enable_automatic_updates", 588), // contradicts Manual (PC002)
				"provisionVMAgent":       lit(true, "provision_vm_agent", 620),
				"enableHotpatching":      lit(false, "hotpatching_enabled", 593),
				"rebootSetting":          abs("reboot_setting", 622), // null: the key's line
				"bypassPlatformSafetyChecksOnUserSchedule": lit(false, "bypass_platform_safety_checks_on_user_schedule_enabled", 581),
				"orchestrationMode":                        abs("orchestration_mode", 563),
				"automaticOSUpgrade":                       abs("automatic_os_upgrade_policy.enable_automatic_os_upgrade", 563),
				"agentVersion":                             abs("instanceView.vmAgent.vmAgentVersion", 563),
				"image.publisher":                          lit("MicrosoftWindowsServer", "source_image_reference.publisher", 631),
				"image.offer":                              lit("WindowsServer", "source_image_reference.offer", 630),
				"image.sku":                                lit("2022-datacenter-azure-edition", "source_image_reference.sku", 632),
				"image.id":                                 abs("source_image_id", 628),
			},
			patchSettings: 616,
			image:         image{model.ImageMarketplace, "microsoftwindowsserver:windowsserver:2022-datacenter-azure-edition", 628},
		},
		{
			name: "module.app.azurerm_linux_virtual_machine.web[0]", typ: "azurerm_linux_virtual_machine", kind: model.KindVM,
			pointer: "/resource_changes/3", line: 713,
			os: "linux", osSource: "resource type azurerm_linux_virtual_machine",
			facts: map[string]fw{
				"apiVersion":             abs("apiVersion", 713),
				"patchMode":              lit("AutomaticByPlatform", "patch_mode", 777),
				"assessmentMode":         lit("AutomaticByPlatform", "patch_assessment_mode", 776),
				"enableAutomaticUpdates": abs("automatic_updates_enabled", 713), // Windows only
				"provisionVMAgent":       lit(true, "provision_vm_agent", 781),
				"enableHotpatching":      abs("hotpatching_enabled", 713),
				"rebootSetting":          lit("IfRequired", "reboot_setting", 783),
				"bypassPlatformSafetyChecksOnUserSchedule": lit(false, "bypass_platform_safety_checks_on_user_schedule_enabled", 743),
				"orchestrationMode":                        abs("orchestration_mode", 713),
				"automaticOSUpgrade":                       abs("automatic_os_upgrade_policy.enable_automatic_os_upgrade", 713),
				"agentVersion":                             abs("instanceView.vmAgent.vmAgentVersion", 713),
				"image.publisher":                          lit("Canonical", "source_image_reference.publisher", 792),
				"image.offer":                              lit("0001-com-ubuntu-server-jammy", "source_image_reference.offer", 791),
				"image.sku":                                lit("22_04-lts-gen2", "source_image_reference.sku", 793),
				"image.id":                                 abs("source_image_id", 789),
			},
			patchSettings: 777,
			image:         image{model.ImageMarketplace, "canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2", 789},
		},
		{
			name: "module.app.azurerm_linux_virtual_machine_scale_set.workers", typ: "azurerm_linux_virtual_machine_scale_set", kind: model.KindVMS,
			pointer: "/resource_changes/4", line: 877,
			os: "linux", osSource: "resource type azurerm_linux_virtual_machine_scale_set",
			facts: map[string]fw{
				"apiVersion":             abs("apiVersion", 877),
				"patchMode":              def("ImageDefault", "patch_mode", 877), // Uniform scale sets have no patch_mode
				"assessmentMode":         abs("patch_assessment_mode", 877),
				"enableAutomaticUpdates": abs("automatic_updates_enabled", 877),
				"provisionVMAgent":       lit(true, "provision_vm_agent", 965),
				"enableHotpatching":      abs("hotpatching_enabled", 877),
				"rebootSetting":          abs("reboot_setting", 877),
				"bypassPlatformSafetyChecksOnUserSchedule": abs("bypass_platform_safety_checks_on_user_schedule_enabled", 877),
				"orchestrationMode":                        abs("orchestration_mode", 877),
				"automaticOSUpgrade":                       lit(true, "automatic_os_upgrade_policy.enable_automatic_os_upgrade", 903),
				"agentVersion":                             abs("instanceView.vmAgent.vmAgentVersion", 877),
				"image.publisher":                          abs("source_image_reference.publisher", 1034),
				"image.offer":                              abs("source_image_reference.offer", 1034),
				"image.sku":                                abs("source_image_reference.sku", 1034),
				// The image id comes from a gallery image version this plan
				// creates: after_unknown line.
				"image.id": unk("source_image_id", 1034),
			},
			image: image{model.ImageCustom, "", 1034},
		},
	}
	if len(vms) != len(tests) {
		var names []string
		for _, vm := range vms {
			names = append(names, vm.Name)
		}
		t.Fatalf("got %d VMs %q, want %d (the deleted azurerm_linux_virtual_machine.batch_old skipped)", len(vms), names, len(tests))
	}
	for i, tt := range tests {
		vm := vms[i]
		t.Run(tt.name, func(t *testing.T) {
			if vm.Name != tt.name || vm.Type != tt.typ || vm.Kind != tt.kind {
				t.Errorf("got %s %s %s, want %s %s %s", vm.Name, vm.Type, vm.Kind, tt.name, tt.typ, tt.kind)
			}
			if vm.Loc != (model.Loc{Pointer: tt.pointer, Line: tt.line, Column: 5}) {
				t.Errorf("Loc = %+v", vm.Loc)
			}
			if vm.OS.Value != tt.os || vm.OS.Source != tt.osSource {
				t.Errorf("OS = %+v", vm.OS)
			}
			if vm.Copy != nil || vm.HealthExtension || vm.PatchStatus != nil || vm.Baseline != nil {
				t.Errorf("unexpected copy/health/status/baseline: %+v", vm)
			}
			checkFacts(t, vm, tt.facts)
			if vm.PatchSettings.Present != (tt.patchSettings != 0) || (tt.patchSettings != 0 && vm.PatchSettings.Loc.Line != tt.patchSettings) {
				t.Errorf("PatchSettings = %+v, want line %d", vm.PatchSettings, tt.patchSettings)
			}
			if vm.Image.Kind != tt.image.kind || vm.Image.Key != tt.image.key || vm.Image.Loc.Line != tt.image.line {
				t.Errorf("Image = %s %q line %d, want %+v", vm.Image.Kind, vm.Image.Key, vm.Image.Loc.Line, tt.image)
			}
			if vm.Unresolved == nil || vm.SchemaErrors == nil {
				t.Error("Unresolved and SchemaErrors must be non-nil")
			}
			if len(vm.Unresolved) != 0 || len(vm.SchemaErrors) != 0 {
				t.Errorf("Unresolved %+v, SchemaErrors %+v", vm.Unresolved, vm.SchemaErrors)
			}
			checkLocs(t, data, vm)
		})
	}
	// A custom image id known only after apply still settles the kind, so
	// PC003 can name it.
	if id := vms[2].Image.ID; id.Value != tfplan.KnownAfterApply || id.Loc.Pointer != "/resource_changes/4/change/after_unknown/source_image_id" {
		t.Errorf("scale set image id = %+v", id)
	}
}

// TestMinifiedPlan checks the positions of the plan as `terraform show
// -json` prints it: on one line.
func TestMinifiedPlan(t *testing.T) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, readPlan(t)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	vms := extract(t, "plan.json", data)
	if len(vms) != 3 {
		t.Fatalf("got %d VMs", len(vms))
	}
	for _, vm := range vms {
		if vm.PatchMode.Loc.Line != 1 || vm.Loc.Line != 1 {
			t.Errorf("%s: lines %d, %d", vm.Name, vm.Loc.Line, vm.PatchMode.Loc.Line)
		}
		checkLocs(t, data, vm)
	}
}

// TestPlannedValuesOnly reads a plan without resource_changes from
// planned_values, child modules included. Without after_unknown, a value
// the plan omits cannot be told from an unset one.
func TestPlannedValuesOnly(t *testing.T) {
	var plan map[string]any
	if err := json.Unmarshal(readPlan(t), &plan); err != nil {
		t.Fatal(err)
	}
	delete(plan, "resource_changes")
	data, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	vms := extract(t, "planned.json", data)
	var names []string
	for _, vm := range vms {
		names = append(names, vm.Name)
		checkLocs(t, data, vm)
	}
	want := []string{"azurerm_windows_virtual_machine.jump", "module.app.azurerm_linux_virtual_machine.web[0]", "module.app.azurerm_linux_virtual_machine_scale_set.workers"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	if p := vms[1].PatchMode; p.Value != "AutomaticByPlatform" || p.Loc.Pointer != "/planned_values/root_module/child_modules/0/resources/0/values/patch_mode" {
		t.Errorf("web patch mode %+v", p)
	}
	if vms[0].Loc.Pointer != "/planned_values/root_module/resources/1" {
		t.Errorf("jump at %+v", vms[0].Loc)
	}
	if img := vms[2].Image; img.Kind != model.ImageNone || img.ID.State != model.Absent {
		t.Errorf("scale set image without after_unknown: %+v", img)
	}
}

// Snippets for hand-made plans.

func plan(changes ...string) string {
	return `{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{}},"resource_changes":[` + strings.Join(changes, ",") + `]}`
}

func change(address, typ, actions, after, unknown string) string {
	return fmt.Sprintf(`{"address":%q,"mode":"managed","type":%q,"name":"x","provider_name":"registry.terraform.io/hashicorp/azurerm","change":{"actions":%s,"before":null,"after":%s,"after_unknown":%s,"before_sensitive":false,"after_sensitive":{}}}`,
		address, typ, actions, after, unknown)
}

func create(address, typ, after, unknown string) string {
	return change(address, typ, `["create"]`, after, unknown)
}

const ubuntu = `"source_image_reference":[{"publisher":"Canonical","offer":"0001-com-ubuntu-server-jammy","sku":"22_04-lts-gen2","version":"latest"}]`

func TestExtractCases(t *testing.T) {
	type uw struct{ prop, topic string }
	tests := []struct {
		name         string
		plan         string
		names        []string
		os           string
		facts        map[string]fw
		imageKind    string
		imageKey     string
		unresolved   []uw
		schemaErrors []string
		health       bool
	}{
		{
			name:  "windows with azurerm 4.x names and provider defaults",
			plan:  plan(create("azurerm_windows_virtual_machine.a", "azurerm_windows_virtual_machine", `{"patch_mode":"AutomaticByOS","automatic_updates_enabled":false,"provision_vm_agent":true,"source_image_id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/golden"}`, `{}`)),
			names: []string{"azurerm_windows_virtual_machine.a"}, os: "windows",
			facts: map[string]fw{
				"patchMode":              lit("AutomaticByOS", "patch_mode", 0),
				"enableAutomaticUpdates": lit(false, "automatic_updates_enabled", 0),
				"image.id":               lit("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/golden", "source_image_id", 0),
			},
			imageKind: model.ImageCustom,
		},
		{
			name:  "absent attributes take azurerm's defaults",
			plan:  plan(create("azurerm_windows_virtual_machine.a", "azurerm_windows_virtual_machine", `{}`, `{}`)),
			names: []string{"azurerm_windows_virtual_machine.a"}, os: "windows",
			facts: map[string]fw{
				"patchMode":              def("AutomaticByOS", "patch_mode", 1),
				"enableAutomaticUpdates": def(true, "automatic_updates_enabled", 1),
				"provisionVMAgent":       def(true, "provision_vm_agent", 1),
			},
			imageKind: model.ImageNone,
		},
		{
			name:  "windows without a mode and automatic updates off is Manual",
			plan:  plan(create("azurerm_windows_virtual_machine_scale_set.a", "azurerm_windows_virtual_machine_scale_set", `{"enable_automatic_updates":false}`, `{}`)),
			names: []string{"azurerm_windows_virtual_machine_scale_set.a"}, os: "windows",
			facts: map[string]fw{
				"patchMode":              def("Manual", "patch_mode", 0),
				"enableAutomaticUpdates": lit(false, "enable_automatic_updates", 0),
			},
			imageKind: model.ImageNone,
		},
		{
			name: "values known only after apply",
			plan: plan(create("azurerm_windows_virtual_machine.a", "azurerm_windows_virtual_machine",
				`{"source_image_id":null,"source_image_reference":[{"publisher":"MicrosoftWindowsServer","sku":"2022-datacenter-azure-edition"}]}`,
				`{"patch_mode":true,"enable_automatic_updates":true,"provision_vm_agent":true,"source_image_reference":[{"offer":true}]}`)),
			names: []string{"azurerm_windows_virtual_machine.a"}, os: "windows",
			facts: map[string]fw{
				"patchMode":              unk("patch_mode", 1),
				"enableAutomaticUpdates": unk("enable_automatic_updates", 1),
				"provisionVMAgent":       unk("provision_vm_agent", 1),
				"image.publisher":        lit("MicrosoftWindowsServer", "source_image_reference.publisher", 1),
				"image.offer":            unk("source_image_reference.offer", 1),
			},
			imageKind: model.ImageUnresolved,
			unresolved: []uw{
				{"source_image_reference.offer", "image"},
				{"patch_mode", "patchMode"},
				{"provision_vm_agent", "provisionVMAgent"},
				{"enable_automatic_updates", "enableAutomaticUpdates"},
			},
		},
		{
			name:       "a whole image block known only after apply",
			plan:       plan(create("azurerm_linux_virtual_machine.a", "azurerm_linux_virtual_machine", `{"patch_mode":"AutomaticByPlatform"}`, `{"source_image_reference":true}`)),
			names:      []string{"azurerm_linux_virtual_machine.a"},
			os:         "linux",
			facts:      map[string]fw{"image.sku": hid("source_image_reference.sku", 1)},
			imageKind:  model.ImageUnresolved,
			unresolved: []uw{{"source_image_reference", "image"}},
		},
		{
			name:      "an unknown id beside a platform image is the platform image",
			plan:      plan(create("azurerm_linux_virtual_machine.a", "azurerm_linux_virtual_machine", `{`+ubuntu+`}`, `{"source_image_id":true}`)),
			names:     []string{"azurerm_linux_virtual_machine.a"},
			os:        "linux",
			facts:     map[string]fw{"image.id": unk("source_image_id", 1)},
			imageKind: model.ImageMarketplace, imageKey: "canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2",
		},
		{
			name: "orchestrated scale set",
			plan: plan(create("module.m.azurerm_orchestrated_virtual_machine_scale_set.flex[\"a\"]", "azurerm_orchestrated_virtual_machine_scale_set",
				`{"os_profile":[{"custom_data":null,"linux_configuration":[],"windows_configuration":[{"admin_username":"x","automatic_updates_enabled":true,"hotpatching_enabled":true,"patch_assessment_mode":"AutomaticByPlatform","patch_mode":"AutomaticByPlatform","provision_vm_agent":true}]}],
				  "extension":[{"name":"health","publisher":"Microsoft.ManagedServices","type":"ApplicationHealthWindows","type_handler_version":"1.0"}],
				  "source_image_reference":[{"publisher":"MicrosoftWindowsServer","offer":"WindowsServer","sku":"2022-datacenter-azure-edition-hotpatch","version":"latest"}]}`,
				`{"os_profile":[{"linux_configuration":[],"windows_configuration":[{"admin_password":true}]}]}`)),
			names: []string{"module.m.azurerm_orchestrated_virtual_machine_scale_set.flex[\"a\"]"}, os: "windows",
			facts: map[string]fw{
				"patchMode":              lit("AutomaticByPlatform", "os_profile.windows_configuration.patch_mode", 1),
				"assessmentMode":         lit("AutomaticByPlatform", "os_profile.windows_configuration.patch_assessment_mode", 1),
				"enableAutomaticUpdates": lit(true, "os_profile.windows_configuration.automatic_updates_enabled", 1),
				"enableHotpatching":      lit(true, "os_profile.windows_configuration.hotpatching_enabled", 1),
				"provisionVMAgent":       lit(true, "os_profile.windows_configuration.provision_vm_agent", 1),
				"orchestrationMode":      lit("Flexible", "type", 1),
			},
			imageKind: model.ImageMarketplace, imageKey: "microsoftwindowsserver:windowsserver:2022-datacenter-azure-edition-hotpatch",
			health: true,
		},
		{
			name: "orchestrated scale set whose os_profile is known only after apply",
			plan: plan(create("azurerm_orchestrated_virtual_machine_scale_set.flex", "azurerm_orchestrated_virtual_machine_scale_set",
				`{"platform_fault_domain_count":1}`, `{"os_profile":true}`)),
			names: []string{"azurerm_orchestrated_virtual_machine_scale_set.flex"}, os: "unknown",
			facts: map[string]fw{
				"patchMode":         hid("os_profile.windows_configuration.patch_mode", 1),
				"provisionVMAgent":  hid("os_profile.windows_configuration.provision_vm_agent", 1),
				"orchestrationMode": lit("Flexible", "type", 1),
			},
			imageKind:  model.ImageNone,
			unresolved: []uw{{"os_profile", model.TopicAny}},
		},
		{
			name: "legacy windows VM sends false when unset",
			plan: plan(create("azurerm_virtual_machine.old", "azurerm_virtual_machine",
				`{"os_profile_windows_config":[{"enable_automatic_upgrades":false,"provision_vm_agent":false,"timezone":"","winrm":[],"additional_unattend_config":[]}],"os_profile_linux_config":[],
				  "storage_image_reference":[{"id":"","publisher":"MicrosoftWindowsServer","offer":"WindowsServer","sku":"2019-Datacenter","version":"latest"}]}`, `{}`)),
			names: []string{"azurerm_virtual_machine.old"}, os: "windows",
			facts: map[string]fw{
				"patchMode":              def("Manual", "patch_mode", 1),
				"enableAutomaticUpdates": lit(false, "os_profile_windows_config.enable_automatic_upgrades", 1),
				"provisionVMAgent":       lit(false, "os_profile_windows_config.provision_vm_agent", 1),
				"image.publisher":        lit("MicrosoftWindowsServer", "storage_image_reference.publisher", 2),
				"image.id":               abs("storage_image_reference.id", 2),
			},
			imageKind: model.ImageMarketplace, imageKey: "microsoftwindowsserver:windowsserver:2019-datacenter",
		},
		{
			name:  "legacy windows VM with the attributes missing",
			plan:  plan(create("azurerm_virtual_machine.old", "azurerm_virtual_machine", `{"os_profile_windows_config":[{}]}`, `{}`)),
			names: []string{"azurerm_virtual_machine.old"}, os: "windows",
			facts: map[string]fw{
				"patchMode":              def("Manual", "patch_mode", 1),
				"enableAutomaticUpdates": def(false, "os_profile_windows_config.enable_automatic_upgrades", 1),
				"provisionVMAgent":       def(false, "os_profile_windows_config.provision_vm_agent", 1),
			},
			imageKind: model.ImageNone,
		},
		{
			name: "legacy linux VM from a custom image",
			plan: plan(create("azurerm_virtual_machine.old", "azurerm_virtual_machine",
				`{"os_profile_linux_config":[{"disable_password_authentication":true,"ssh_keys":[]}],"storage_image_reference":[{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/base","publisher":"","offer":"","sku":"","version":""}]}`, `{}`)),
			names: []string{"azurerm_virtual_machine.old"}, os: "linux",
			facts: map[string]fw{
				"patchMode":              def("ImageDefault", "patch_mode", 1),
				"enableAutomaticUpdates": abs("os_profile_windows_config.enable_automatic_upgrades", 1),
				"provisionVMAgent":       def(true, "os_profile_linux_config.provision_vm_agent", 1),
				"image.id":               lit("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/base", "storage_image_reference.id", 1),
			},
			imageKind: model.ImageCustom,
		},
		{
			name: "legacy VM on an attached disk: OS from storage_os_disk",
			plan: plan(create("azurerm_virtual_machine.restored", "azurerm_virtual_machine",
				`{"os_profile_windows_config":[],"os_profile_linux_config":[],"storage_image_reference":[],"storage_os_disk":[{"create_option":"Attach","os_type":"Windows"}]}`, `{}`)),
			names: []string{"azurerm_virtual_machine.restored"}, os: "windows",
			facts: map[string]fw{
				"patchMode":              def("AutomaticByOS", "patch_mode", 1),
				"enableAutomaticUpdates": def(true, "os_profile_windows_config.enable_automatic_upgrades", 1),
				"provisionVMAgent":       def(true, "os_profile_windows_config.provision_vm_agent", 1),
			},
			imageKind: model.ImageNone,
		},
		{
			name: "invalid values are schema errors",
			plan: plan(create("azurerm_linux_virtual_machine.a", "azurerm_linux_virtual_machine",
				`{"patch_mode":"AutomaticByPlatfrom","patch_assessment_mode":"Always","provision_vm_agent":"true","reboot_setting":3,`+ubuntu+`}`, `{}`)),
			names: []string{"azurerm_linux_virtual_machine.a"}, os: "linux",
			facts: map[string]fw{
				"patchMode":        {model.Invalid, "AutomaticByPlatfrom", "patch_mode", 1},
				"assessmentMode":   {model.Invalid, "Always", "patch_assessment_mode", 1},
				"provisionVMAgent": {model.Invalid, nil, "provision_vm_agent", 1},
				"rebootSetting":    {model.Invalid, nil, "reboot_setting", 1},
			},
			imageKind: model.ImageMarketplace, imageKey: "canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2",
			schemaErrors: []string{
				`"AutomaticByPlatfrom" is not a patch mode; did you mean "AutomaticByPlatform"?`,
				`"Always" is not an assessment mode (allowed: ImageDefault, AutomaticByPlatform)`,
				`expected a boolean, found the string "true"; write true without quotes`,
				`expected a string, found the number 3`,
			},
		},
		{
			name:  "case-only patch mode mistake",
			plan:  plan(create("azurerm_windows_virtual_machine.a", "azurerm_windows_virtual_machine", `{"patch_mode":"manual"}`, `{}`)),
			names: []string{"azurerm_windows_virtual_machine.a"}, os: "windows",
			facts:        map[string]fw{"patchMode": {model.Invalid, "manual", "patch_mode", 1}},
			imageKind:    model.ImageNone,
			schemaErrors: []string{`"manual" is not a patch mode; did you mean "Manual"?`},
		},
		{
			name:  "empty strings are unset (plugin SDK v2 state)",
			plan:  plan(change("azurerm_linux_virtual_machine.a", "azurerm_linux_virtual_machine", `["update"]`, `{"patch_mode":"ImageDefault","reboot_setting":"","source_image_id":"",`+ubuntu+`}`, `{}`)),
			names: []string{"azurerm_linux_virtual_machine.a"}, os: "linux",
			facts: map[string]fw{
				"rebootSetting": abs("reboot_setting", 1),
				"image.id":      abs("source_image_id", 1),
			},
			imageKind: model.ImageMarketplace, imageKey: "canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2",
		},
		{
			name: "which changes count",
			plan: plan(
				change("azurerm_linux_virtual_machine.replaced", "azurerm_linux_virtual_machine", `["delete","create"]`, `{}`, `{}`),
				change("azurerm_linux_virtual_machine.cbd", "azurerm_linux_virtual_machine", `["create","delete"]`, `{}`, `{}`),
				change("azurerm_linux_virtual_machine.same", "azurerm_linux_virtual_machine", `["no-op"]`, `{}`, `{}`),
				change("azurerm_linux_virtual_machine.gone", "azurerm_linux_virtual_machine", `["delete"]`, `null`, `{}`),
				change("azurerm_linux_virtual_machine.forgotten", "azurerm_linux_virtual_machine", `["forget"]`, `null`, `{}`),
				change("azurerm_network_interface.nic", "azurerm_network_interface", `["create"]`, `{}`, `{}`),
				strings.Replace(change("data.azurerm_linux_virtual_machine.d", "azurerm_linux_virtual_machine", `["read"]`, `{}`, `{}`), `"managed"`, `"data"`, 1),
				strings.Replace(change("azurerm_linux_virtual_machine.replaced", "azurerm_linux_virtual_machine", `["delete"]`, `null`, `{}`), `"mode"`, `"deposed":"00000001","mode"`, 1),
			),
			names: []string{"azurerm_linux_virtual_machine.replaced", "azurerm_linux_virtual_machine.cbd", "azurerm_linux_virtual_machine.same"},
			os:    "linux", imageKind: model.ImageNone,
		},
		{
			name: "a separate health extension on an existing scale set",
			plan: plan(
				change("azurerm_orchestrated_virtual_machine_scale_set.flex", "azurerm_orchestrated_virtual_machine_scale_set", `["update"]`,
					`{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/flex","os_profile":[{"linux_configuration":[{"patch_mode":"AutomaticByPlatform"}],"windows_configuration":[]}],"extension":[]}`, `{}`),
				create("azurerm_virtual_machine_scale_set_extension.health", "azurerm_virtual_machine_scale_set_extension",
					`{"name":"health","publisher":"Microsoft.ManagedServices","type":"ApplicationHealthLinux","virtual_machine_scale_set_id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/FLEX"}`, `{"id":true}`),
			),
			names:     []string{"azurerm_orchestrated_virtual_machine_scale_set.flex"},
			os:        "linux",
			facts:     map[string]fw{"patchMode": lit("AutomaticByPlatform", "os_profile.linux_configuration.patch_mode", 1)},
			imageKind: model.ImageNone,
			health:    true,
		},
		{
			name:  "address rebuilt when missing",
			plan:  plan(`{"module_address":"module.a","mode":"managed","type":"azurerm_linux_virtual_machine","name":"vm","index":"blue","change":{"actions":["create"],"after":{},"after_unknown":{}}}`),
			names: []string{`module.a.azurerm_linux_virtual_machine.vm["blue"]`},
			os:    "linux", imageKind: model.ImageNone,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.plan)
			vms := extract(t, "t.json", data)
			var names []string
			for _, vm := range vms {
				names = append(names, vm.Name)
			}
			if !reflect.DeepEqual(names, tt.names) {
				t.Fatalf("names %q, want %q", names, tt.names)
			}
			vm := vms[0]
			if vm.OS.Value != tt.os {
				t.Errorf("OS = %+v, want %s", vm.OS, tt.os)
			}
			checkFacts(t, vm, tt.facts)
			if vm.Image.Kind != tt.imageKind || vm.Image.Key != tt.imageKey {
				t.Errorf("Image = %s %q, want %s %q", vm.Image.Kind, vm.Image.Key, tt.imageKind, tt.imageKey)
			}
			var unresolved []uw
			for _, u := range vm.Unresolved {
				unresolved = append(unresolved, uw{u.Property, u.Topic})
				if u.Expression != tfplan.KnownAfterApply || u.Reason != "known only after terraform apply" || !strings.Contains(u.Loc.Pointer, "/after_unknown/") {
					t.Errorf("unresolved %+v", u)
				}
			}
			if !reflect.DeepEqual(unresolved, tt.unresolved) {
				t.Errorf("unresolved %+v, want %+v", unresolved, tt.unresolved)
			}
			var messages []string
			for _, e := range vm.SchemaErrors {
				messages = append(messages, e.Message)
			}
			if !reflect.DeepEqual(messages, tt.schemaErrors) {
				t.Errorf("schema errors\n got %q\nwant %q", messages, tt.schemaErrors)
			}
			if vm.HealthExtension != tt.health {
				t.Errorf("HealthExtension = %v", vm.HealthExtension)
			}
			for _, vm := range vms {
				if vm.Unresolved == nil || vm.SchemaErrors == nil {
					t.Errorf("%s: nil Unresolved or SchemaErrors", vm.Name)
				}
				checkLocs(t, data, vm)
			}
		})
	}
}

// TestSchemaErrorsPointAtAttributes checks that a schema error and its fact
// share the attribute's position.
func TestSchemaErrorsPointAtAttributes(t *testing.T) {
	data := []byte("{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\",\"resource_changes\":[\n" +
		create("azurerm_windows_virtual_machine.a", "azurerm_windows_virtual_machine", "{\n\"patch_mode\": \"Automatic\"}", `{}`) + "]}")
	vm := extract(t, "t.json", data)[0]
	if len(vm.SchemaErrors) != 1 {
		t.Fatalf("schema errors %+v", vm.SchemaErrors)
	}
	e := vm.SchemaErrors[0]
	want := model.Loc{Pointer: "/resource_changes/0/change/after/patch_mode", Line: 3, Column: 1}
	if e.Loc != want || vm.PatchMode.Loc != want || e.Property != "patch_mode" {
		t.Errorf("error %+v, fact %+v, want %+v", e, vm.PatchMode.Loc, want)
	}
	if !strings.HasPrefix(e.Message, `"Automatic" is not a patch mode`) {
		t.Errorf("message %q", e.Message)
	}
}

func TestByteOrderMark(t *testing.T) {
	data := append([]byte("\uFEFF"), readPlan(t)...)
	vms := extract(t, "bom.json", data)
	if len(vms) != 3 || vms[0].PatchMode.Loc.Line != 616 || vms[0].PatchMode.Loc.Column != 11 {
		t.Fatalf("got %d VMs, first patch mode at %+v", len(vms), vms[0].PatchMode.Loc)
	}
}

func TestDetect(t *testing.T) {
	templates, _ := filepath.Glob("../../../testdata/templates/*.json")
	if len(templates) == 0 {
		t.Fatal("no ARM templates in testdata/templates")
	}
	type tc struct {
		name string
		src  []byte
		want bool
	}
	tests := []tc{
		{"plan", readPlan(t), true},
		{"plan without resource changes", []byte(`{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{}}}`), true},
		{"state file", []byte(`{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{}}}`), false},
		{"no terraform_version", []byte(`{"format_version":"1.2","resource_changes":[]}`), false},
		{"numeric format_version", []byte(`{"format_version":1.2,"terraform_version":"1.9.5","resource_changes":[]}`), false},
		{"array", []byte(`[]`), false},
		{"ARM template", []byte(`{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0","resources":[]}`), false},
	}
	for _, p := range templates {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, tc{"ARM " + filepath.Base(p), data, false})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("t.json", tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := tfplan.Detect(doc); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
	if tfplan.Detect(nil) || tfplan.Detect(&jsonpos.Document{}) {
		t.Error("Detect of an empty document")
	}
}

func TestExtractErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unsupported format version", `{"format_version":"2.0","terraform_version":"2.0.0","resource_changes":[]}`, "unsupported plan format version"},
		{"comments are not JSON", "{\"format_version\":\"1.2\", // x\n\"terraform_version\":\"1.9.5\",\"resource_changes\":[]}", "invalid character"},
		{"wrong shape", `{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":{"a":1}}`, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("bad.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			vms, err := tfplan.Extract(doc, []byte(tt.src), seedDefaults(t))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "bad.json: ") {
				t.Errorf("Extract = %v, %v; want an error containing %q", vms, err, tt.want)
			}
		})
	}
	if _, err := tfplan.Extract(nil, nil, seedDefaults(t)); err == nil {
		t.Error("Extract(nil) succeeded")
	}
}

func TestNoVMs(t *testing.T) {
	vms := extract(t, "t.json", []byte(plan(create("azurerm_resource_group.rg", "azurerm_resource_group", `{"name":"rg"}`, `{}`))))
	if vms == nil || len(vms) != 0 {
		t.Errorf("got %#v, want an empty non-nil slice", vms)
	}
}

// TestDefaultPatchModesComeFromTheProfile: a VM without a patch_mode takes
// the mode Extract was given (the profile's), never one of its own.
func TestDefaultPatchModesComeFromTheProfile(t *testing.T) {
	modes := policies.PatchModeDefaults{Windows: "WindowsDefault", Linux: "LinuxDefault", WindowsAutomaticUpdatesOff: "WindowsOff"}
	defaults := policies.Defaults{PatchMode: modes, SettingDefaults: seedDefaults(t).SettingDefaults}
	tests := []struct {
		name, typ, after string
		state            model.State
		want             any
	}{
		{"windows", "azurerm_windows_virtual_machine", `{}`, model.Default, "WindowsDefault"},
		{"windows, automatic updates off", "azurerm_windows_virtual_machine", `{"automatic_updates_enabled":false}`, model.Default, "WindowsOff"},
		{"legacy windows, automatic updates unset", "azurerm_virtual_machine", `{"os_profile_windows_config":[{}]}`, model.Default, "WindowsOff"},
		{"linux", "azurerm_linux_virtual_machine", `{}`, model.Default, "LinuxDefault"},
		{"a mode of its own", "azurerm_linux_virtual_machine", `{"patch_mode":"AutomaticByPlatform"}`, model.Literal, "AutomaticByPlatform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(plan(create(tt.typ+".a", tt.typ, tt.after, `{}`)))
			doc, err := jsonpos.Parse("t.json", data)
			if err != nil {
				t.Fatal(err)
			}
			vms, err := tfplan.Extract(doc, data, defaults)
			if err != nil {
				t.Fatal(err)
			}
			if len(vms) != 1 {
				t.Fatalf("%d VMs, want 1", len(vms))
			}
			if got := vms[0].PatchMode; got.State != tt.state || got.Value != tt.want {
				t.Errorf("patchMode %s %v, want %s %v", got.State, got.Value, tt.state, tt.want)
			}
		})
	}
}

// TestDefaultSettingsComeFromTheProfile: a VM that leaves the agent or
// automatic updates out takes the profile's value (the legacy
// azurerm_virtual_machine, whose provider sends false, aside), and its
// default patch mode follows the automatic updates so assumed.
func TestDefaultSettingsComeFromTheProfile(t *testing.T) {
	for _, on := range []bool{true, false} {
		d := seedDefaults(t)
		d.ProvisionVMAgent, d.EnableAutomaticUpdates = on, on
		for _, tc := range []struct{ typ, after string }{
			{"azurerm_windows_virtual_machine", `{}`},
			{"azurerm_virtual_machine", `{"os_profile_windows_config":[{}]}`},
		} {
			data := []byte(plan(create(tc.typ+".a", tc.typ, tc.after, `{}`)))
			doc, err := jsonpos.Parse("t.json", data)
			if err != nil {
				t.Fatal(err)
			}
			vms, err := tfplan.Extract(doc, data, d)
			if err != nil || len(vms) != 1 {
				t.Fatalf("%s: %d VMs, %v", tc.typ, len(vms), err)
			}
			want := on && tc.typ != "azurerm_virtual_machine"
			vm := vms[0]
			if vm.ProvisionVMAgent.State != model.Default || vm.ProvisionVMAgent.Value != want ||
				vm.EnableAutomaticUpdates.State != model.Default || vm.EnableAutomaticUpdates.Value != want {
				t.Errorf("%s, profile %v: provisionVMAgent %+v, enableAutomaticUpdates %+v; want defaults %v", tc.typ, on, vm.ProvisionVMAgent, vm.EnableAutomaticUpdates, want)
			}
			if got, wantMode := vm.PatchMode.Value, d.PatchMode.For("windows", want); got != wantMode {
				t.Errorf("%s, profile %v: patchMode %v, want %s", tc.typ, on, got, wantMode)
			}
		}
	}
}
