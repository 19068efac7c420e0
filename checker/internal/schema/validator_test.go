package schema_test

import (
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/internal/schema"
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

func check(t *testing.T, osProfile string) []model.SchemaError {
	t.Helper()
	src := `{"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":` + osProfile + `}}]}`
	doc, err := jsonpos.Parse("t.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := arm.NewAdapter(seedDefaults(t))
	vms, err := a.Extract(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	v.Check(doc, &vms[0])
	return vms[0].Facts.SchemaErrors
}

func TestSchemaErrors(t *testing.T) {
	tests := []struct {
		name, osProfile string
		want            []string // one substring per expected error, in order
	}{
		{"valid", `{"windowsConfiguration":{"enableAutomaticUpdates":true,"patchSettings":{"patchMode":"AutomaticByPlatform","assessmentMode":"ImageDefault","automaticByPlatformSettings":{"rebootSetting":"IfRequired","bypassPlatformSafetyChecksOnUserSchedule":true}}}}`, nil},
		{"case-insensitive names", `{"WINDOWSCONFIGURATION":{"PatchSettings":{"PATCHMODE":"Manual"}}}`, nil},
		{"expressions are left to PC011", `{"linuxConfiguration":{"patchSettings":{"patchMode":"[parameters('m')]"},"provisionVMAgent":"[variables('x')]"}}`, nil},
		{"wrong cross-OS mode left to PC001", `{"linuxConfiguration":{"patchSettings":{"patchMode":"Manual"}}}`, nil},
		{"typo", `{"linuxConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatfom"}}}`, []string{`did you mean "AutomaticByPlatform"?`}},
		{"far from any value", `{"linuxConfiguration":{"patchSettings":{"patchMode":"Sometimes"}}}`, []string{`"Sometimes" is not an allowed value`}},
		{"reboot enum", `{"linuxConfiguration":{"patchSettings":{"automaticByPlatformSettings":{"rebootSetting":"ifrequired"}}}}`, []string{`did you mean "IfRequired"?`}},
		{"string boolean", `{"windowsConfiguration":{"provisionVMAgent":"false"}}`, []string{`write false without quotes`}},
		{"number as mode", `{"windowsConfiguration":{"patchSettings":{"patchMode":1}}}`, []string{`expected string, found the number 1`}},
		{"unknown key", `{"windowsConfiguration":{"patchSettings":{"patchmod":"Manual"}}}`, []string{`unknown property "patchmod" in patchSettings`}},
		{"hotpatch on Linux", `{"linuxConfiguration":{"patchSettings":{"enableHotpatching":true}}}`, []string{"enableHotpatching is Windows-only"}},
		{"patchSettings under osProfile", `{"patchSettings":{"patchMode":"Manual"},"windowsConfiguration":{}}`, []string{"patchSettings is misplaced"}},
		{"both OS blocks", `{"windowsConfiguration":{},"linuxConfiguration":{}}`, []string{"both set"}},
		{"Windows setting on Linux", `{"linuxConfiguration":{"enableAutomaticUpdates":false}}`, []string{"enableAutomaticUpdates is a Windows setting"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, tt.osProfile)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors %+v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i].Message, w) {
					t.Errorf("error %d: %q does not contain %q", i, got[i].Message, w)
				}
				if got[i].Loc.Line != 1 || got[i].Loc.Column < 1 || !strings.HasPrefix(got[i].Loc.Pointer, "/resources/0/properties/osProfile") {
					t.Errorf("error %d not pinned into osProfile: %+v", i, got[i].Loc)
				}
			}
		})
	}
}

func TestInvalidValueIsNotUsedByRules(t *testing.T) {
	src := `{"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"Automatic"}}}}}]}`
	doc, _ := jsonpos.Parse("t.json", []byte(src))
	a, _ := arm.NewAdapter(seedDefaults(t))
	vms, err := a.Extract(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := schema.New()
	v.Check(doc, &vms[0])
	if vms[0].Facts.PatchMode.State != model.Invalid {
		t.Fatalf("patchMode %+v, want invalid", vms[0].Facts.PatchMode)
	}
}

// TestAzureOutputNulls: what Azure prints (az vm get-instance-view, REST
// bodies) has null for every member that is not set; that is no schema
// error. A literal null in a template is read as written.
func TestAzureOutputNulls(t *testing.T) {
	const osProfile = `{"computerName": "v", "windowsConfiguration": null, "linuxConfiguration": {"provisionVMAgent": true, "ssh": null,
  "patchSettings": {"patchMode": "AutomaticByPlatform", "assessmentMode": "ImageDefault", "automaticByPlatformSettings": null}}}`
	tests := []struct {
		name, src string
		extract   func(*arm.Adapter, *jsonpos.Document) ([]arm.VM, error)
		want      int // schema errors
	}{
		{"az vm get-instance-view", `{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v", "name": "v",
  "osProfile": ` + osProfile + `, "instanceView": {"vmAgent": {"vmAgentVersion": "2.9.1.1"}}}`,
			func(a *arm.Adapter, d *jsonpos.Document) ([]arm.VM, error) { return a.ExtractInstanceView(d), nil }, 0},
		{"REST body", `{"type": "Microsoft.Compute/virtualMachines", "name": "v", "properties": {"osProfile": ` + osProfile + `}}`,
			(*arm.Adapter).ExtractREST, 0},
		{"template", `{"resources": [{"type": "Microsoft.Compute/virtualMachines", "name": "v", "properties": {"osProfile": ` + osProfile + `}}]}`,
			func(a *arm.Adapter, d *jsonpos.Document) ([]arm.VM, error) { return a.Extract(d) }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("t.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			a, _ := arm.NewAdapter(seedDefaults(t))
			vms, err := tt.extract(a, doc)
			if err != nil || len(vms) != 1 {
				t.Fatalf("%d VMs, %v", len(vms), err)
			}
			v, _ := schema.New()
			v.Check(doc, &vms[0])
			if got := vms[0].Facts.SchemaErrors; len(got) != tt.want {
				t.Errorf("got %d schema errors %+v, want %d", len(got), got, tt.want)
			}
			if vms[0].Facts.OS.Value != "linux" || vms[0].Facts.PatchMode.Value != "AutomaticByPlatform" {
				t.Errorf("OS %+v, patch mode %+v; want linux, AutomaticByPlatform", vms[0].Facts.OS, vms[0].Facts.PatchMode)
			}
		})
	}
}
