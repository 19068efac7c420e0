package arm_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
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

func extract(t *testing.T, src string) []arm.VM {
	t.Helper()
	doc, err := jsonpos.Parse("t.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	if kind, why := arm.Classify(doc); kind != arm.Template {
		t.Fatalf("classified as %s (%s)", kind, why)
	}
	vms, err := a.Extract(doc)
	if err != nil {
		t.Fatal(err)
	}
	return vms
}

func TestFindsVMsTheWayARMDoes(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantNames []string
		wantPtrs  []string
	}{
		{
			name:      "case-insensitive types",
			src:       `{"resources":[{"type":"microsoft.compute/VIRTUALMACHINES","name":"a"},{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"b"},{"type":"Microsoft.Network/networkInterfaces","name":"nic"}]}`,
			wantNames: []string{"a", "b"},
			wantPtrs:  []string{"/resources/0", "/resources/1"},
		},
		{
			name:      "child resources with full and short types",
			src:       `{"resources":[{"type":"Microsoft.Resources/resourceGroups","name":"rg","resources":[{"type":"Microsoft.Compute/virtualMachines","name":"child"}]}]}`,
			wantNames: []string{"child"},
			wantPtrs:  []string{"/resources/0/resources/0"},
		},
		{
			name:      "nested deployments at any depth",
			src:       `{"resources":[{"type":"Microsoft.Resources/deployments","name":"outer","properties":{"template":{"resources":[{"type":"Microsoft.Resources/deployments","name":"inner","properties":{"Template":{"resources":[{"type":"Microsoft.Compute/virtualMachines","name":"deep"}]}}}]}}}]}`,
			wantNames: []string{"deep"},
			wantPtrs:  []string{"/resources/0/properties/template/resources/0/properties/Template/resources/0"},
		},
		{
			name:      "symbolic names (languageVersion 2.0)",
			src:       `{"languageVersion":"2.0","resources":{"web/vm":{"type":"Microsoft.Compute/virtualMachines","name":"web"},"old":{"existing":true,"type":"Microsoft.Compute/virtualMachines","name":"deployed"}}}`,
			wantNames: []string{"web"},
			wantPtrs:  []string{"/resources/web~1vm"},
		},
		{
			name:      "unnamed uses symbolic name",
			src:       `{"languageVersion":"2.0","resources":{"sym":{"type":"Microsoft.Compute/virtualMachines"}}}`,
			wantNames: []string{"sym"},
			wantPtrs:  []string{"/resources/sym"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extract(t, tt.src)
			var names, ptrs []string
			for _, vm := range vms {
				names = append(names, vm.Facts.Name)
				ptrs = append(ptrs, vm.Facts.Loc.Pointer)
			}
			if strings.Join(names, ",") != strings.Join(tt.wantNames, ",") || strings.Join(ptrs, ",") != strings.Join(tt.wantPtrs, ",") {
				t.Errorf("got %v %v, want %v %v", names, ptrs, tt.wantNames, tt.wantPtrs)
			}
		})
	}
}

func vmTemplate(resource string) string {
	return `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[` + resource + `]}`
}

// vmTemplateWith is vmTemplate with variables.
func vmTemplateWith(vars, resource string) string {
	return `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","variables":` + vars + `,"resources":[` + resource + `]}`
}

func TestNormalisesFacts(t *testing.T) {
	tests := []struct {
		name  string
		res   string
		vars  string // the template's variables, when not empty
		check func(t *testing.T, vm model.VM)
	}{
		{
			name: "property names are case-insensitive",
			res:  `{"type":"Microsoft.Compute/virtualMachines","apiVersion":"2021-03-01","name":"v","Properties":{"OSPROFILE":{"WindowsConfiguration":{"PatchSettings":{"PATCHMODE":"Manual"},"enableautomaticupdates":false}}}}`,
			check: func(t *testing.T, vm model.VM) {
				expectFact(t, vm.PatchMode, model.Literal, "Manual")
				expectFact(t, vm.EnableAutomaticUpdates, model.Literal, false)
				if vm.OS.Value != "windows" {
					t.Errorf("os %v", vm.OS)
				}
				if vm.PatchMode.Loc.Pointer != "/resources/0/Properties/OSPROFILE/WindowsConfiguration/PatchSettings/PATCHMODE" {
					t.Errorf("pointer %s", vm.PatchMode.Loc.Pointer)
				}
			},
		},
		{
			name: "Windows defaults",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":{}}}}`,
			check: func(t *testing.T, vm model.VM) {
				expectFact(t, vm.PatchMode, model.Default, "AutomaticByOS")
				expectFact(t, vm.EnableAutomaticUpdates, model.Default, true)
				expectFact(t, vm.ProvisionVMAgent, model.Default, true)
				if vm.PatchMode.Loc.Line != 1 || vm.PatchMode.Loc.Pointer != "/resources/0" {
					t.Errorf("absent property must point at the resource, got %+v", vm.PatchMode.Loc)
				}
			},
		},
		{
			name: "Linux default from the image",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"storageProfile":{"imageReference":{"publisher":"Canonical","offer":"0001-com-ubuntu-server-jammy","sku":"22_04-lts"}}}}`,
			check: func(t *testing.T, vm model.VM) {
				expectFact(t, vm.PatchMode, model.Default, "ImageDefault")
				expectFact(t, vm.EnableAutomaticUpdates, model.Absent, nil)
				if vm.OS.Value != "linux" || !strings.Contains(vm.OS.Source, "image") {
					t.Errorf("os %+v", vm.OS)
				}
				if vm.Image.Key != "canonical:0001-com-ubuntu-server-jammy:22_04-lts" {
					t.Errorf("key %q", vm.Image.Key)
				}
			},
		},
		{
			name: "OS from osDisk.osType for a custom image",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"storageProfile":{"imageReference":{"id":"[resourceId('Microsoft.Compute/images','golden')]"},"osDisk":{"osType":"Windows"}}}}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.OS.Value != "windows" || vm.Image.Kind != model.ImageCustom {
					t.Errorf("os %+v image %+v", vm.OS, vm.Image)
				}
				if len(vm.Unresolved) != 0 {
					t.Errorf("an id expression is custom whatever it resolves to; unresolved %+v", vm.Unresolved)
				}
			},
		},
		{
			name: "unknown OS says why instead of guessing",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"storageProfile":{"imageReference":{"publisher":"acme","offer":"appliance","sku":"1"}}}}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.OS.Value != "unknown" || !strings.Contains(vm.OS.Source, "acme") {
					t.Errorf("os %+v", vm.OS)
				}
				expectFact(t, vm.PatchMode, model.Absent, nil)
			},
		},
		{
			name: "expressions are never values",
			res:  `{"type":"Microsoft.Compute/virtualMachines","apiVersion":"[variables('api')]","name":"v","properties":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"[parameters('mode')]"}}}}}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.PatchMode.State != model.Expression || vm.PatchMode.Expression != "[parameters('mode')]" {
					t.Errorf("patchMode %+v", vm.PatchMode)
				}
				if vm.APIVersion.State != model.Expression {
					t.Errorf("apiVersion %+v", vm.APIVersion)
				}
				if len(vm.Unresolved) != 2 {
					t.Errorf("unresolved %+v", vm.Unresolved)
				}
			},
		},
		{
			name: "an expression hiding a whole block is reported once",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":"[variables('win')]"}}}`,
			check: func(t *testing.T, vm model.VM) {
				if len(vm.Unresolved) != 1 || vm.Unresolved[0].Topic != model.TopicAny || vm.Unresolved[0].Property != "osProfile.windowsConfiguration" {
					t.Errorf("unresolved %+v", vm.Unresolved)
				}
				if vm.OS.Value != "windows" {
					t.Errorf("windowsConfiguration present means Windows, got %+v", vm.OS)
				}
				// Hidden, not Expression: the block may not hold a
				// patchMode at all, so no rule may count it as present.
				if vm.PatchMode.State != model.Hidden || vm.EnableHotpatching.State != model.Hidden {
					t.Errorf("patchMode %+v, enableHotpatching %+v", vm.PatchMode, vm.EnableHotpatching)
				}
			},
		},
		{
			name: "escaped bracket is a literal",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"[[literal]"}}}}}`,
			check: func(t *testing.T, vm model.VM) {
				expectFact(t, vm.PatchMode, model.Literal, "[literal]")
			},
		},
		{
			name: "wrong JSON type is invalid, not a value",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":{"enableAutomaticUpdates":"no"}}}}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.EnableAutomaticUpdates.State != model.Invalid {
					t.Errorf("enableAutomaticUpdates %+v", vm.EnableAutomaticUpdates)
				}
			},
		},
		{
			name: "a string boolean is the boolean Azure uses",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":{"enableAutomaticUpdates":"False","provisionVMAgent":"true"}}}}`,
			check: func(t *testing.T, vm model.VM) {
				expectFact(t, vm.EnableAutomaticUpdates, model.Literal, false)
				expectFact(t, vm.ProvisionVMAgent, model.Literal, true)
				// Inside a literal osProfile the schema stage reports it.
				if len(vm.SchemaErrors) != 0 {
					t.Errorf("schema errors %+v", vm.SchemaErrors)
				}
			},
		},
		{
			name: "a string boolean the schema does not see is reported here, as a warning",
			res:  `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","properties":{"upgradePolicy":{"automaticOSUpgradePolicy":{"enableAutomaticOSUpgrade":"true"}},"virtualMachineProfile":{"osProfile":{"linuxConfiguration":{"provisionVMAgent":"[variables('agent')]"}}}}}`,
			vars: `{"agent":"FALSE"}`,
			check: func(t *testing.T, vm model.VM) {
				expectFact(t, vm.AutomaticOSUpgrade, model.Literal, true)
				expectFact(t, vm.ProvisionVMAgent, model.Resolved, false)
				if len(vm.SchemaErrors) != 2 || vm.SchemaErrors[0].Severity != model.Warning || vm.SchemaErrors[1].Severity != model.Warning ||
					!strings.HasSuffix(vm.SchemaErrors[0].Message, "(from [variables('agent')])") {
					t.Errorf("schema errors %+v", vm.SchemaErrors)
				}
			},
		},
		{
			name: "a wrong type the schema does not see is an error, never silent",
			res:  `{"type":"Microsoft.Compute/virtualMachineScaleSets","name":"s","properties":{"orchestrationMode":5,"virtualMachineProfile":{"osProfile":{"linuxConfiguration":{"provisionVMAgent":"[variables('agent')]"}}}}}`,
			vars: `{"agent":"yes"}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.ProvisionVMAgent.State != model.Invalid || vm.OrchestrationMode.State != model.Invalid {
					t.Errorf("facts %+v %+v", vm.ProvisionVMAgent, vm.OrchestrationMode)
				}
				if len(vm.SchemaErrors) != 2 || vm.SchemaErrors[0].Severity != "" || vm.SchemaErrors[0].Message != `expected boolean, found the string "yes" (from [variables('agent')])` ||
					vm.SchemaErrors[1].Message != "expected string, found the number 5" {
					t.Errorf("schema errors %+v", vm.SchemaErrors)
				}
			},
		},
		{
			name: "scale set settings live under virtualMachineProfile",
			res:  `{"type":"Microsoft.Compute/virtualMachineScaleSets","apiVersion":"2022-03-01-preview","name":"ss","properties":{"virtualMachineProfile":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform"}}}}}}`,
			check: func(t *testing.T, vm model.VM) {
				expectFact(t, vm.PatchMode, model.Literal, "AutomaticByPlatform")
				if vm.Kind != model.KindVMS || vm.APIVersion.Date != "2022-03-01" || !vm.PatchSettings.Present {
					t.Errorf("kind %s date %s", vm.Kind, vm.APIVersion.Date)
				}
			},
		},
		{
			name: "copy loop recorded",
			res:  `{"type":"Microsoft.Compute/virtualMachines","name":"[concat('vm', copyIndex())]","copy":{"name":"vmLoop","count":3},"properties":{}}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.Copy == nil || vm.Copy.Name != "vmLoop" || vm.Copy.Count != "3" {
					t.Errorf("copy %+v", vm.Copy)
				}
			},
		},
		{
			name: "bad apiVersion is a schema error",
			res:  `{"type":"Microsoft.Compute/virtualMachines","apiVersion":"latest","name":"v","properties":{}}`,
			check: func(t *testing.T, vm model.VM) {
				if vm.APIVersion.State != model.Invalid || len(vm.SchemaErrors) != 1 {
					t.Errorf("apiVersion %+v errors %+v", vm.APIVersion, vm.SchemaErrors)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := vmTemplate(tt.res)
			if tt.vars != "" {
				src = vmTemplateWith(tt.vars, tt.res)
			}
			vms := extract(t, src)
			if len(vms) != 1 {
				t.Fatalf("found %d VMs", len(vms))
			}
			tt.check(t, vms[0].Facts)
		})
	}
}

func expectFact(t *testing.T, f model.Fact, state model.State, value any) {
	t.Helper()
	if f.State != state || f.Value != value {
		t.Errorf("%s: got %s %v, want %s %v", f.Property, f.State, f.Value, state, value)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		src  string
		want arm.Kind
		why  string // in the reason
	}{
		{`{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#","parameters":{}}`, arm.Parameters, ""},
		{`{"$schema":"https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#","resources":[]}`, arm.Template, ""},
		{`{"resources":[]}`, arm.Template, ""},
		{`{"name":"package","version":"1.0.0"}`, arm.Unknown, ""},
		{`{"type":"Microsoft.Compute/virtualMachines","properties":{},"resources":[{"type":"extensions"}]}`, arm.REST, ""},
		{`{"location":"westeurope","properties":{"osProfile":{}}}`, arm.REST, ""},
		{`{"type":"Microsoft.Network/networkInterfaces","properties":{}}`, arm.Unknown, ""},
		// Azure's exports that --baseline and fleet import read, not lint:
		// the reason says where they go.
		{`[{"id":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v","osProfile":{}}]`, arm.Unknown, "az vm list"},
		{`{"value":[{"id":"x","type":"Microsoft.Compute/virtualMachines","properties":{}}],"nextLink":null}`, arm.Unknown, "give this file to --baseline"},
		{`{"count":1,"data":[{"id":"x","properties":{}}],"skip_token":null}`, arm.Unknown, "patchcheck fleet import"},
		{`{"id":"x","name":"v","osProfile":{"linuxConfiguration":null},"storageProfile":{}}`, arm.Unknown, "az vm show"},
		{`{"value":[]}`, arm.Unknown, "no ARM deploymentTemplate"},
		{`[1,2]`, arm.Unknown, "the top level is an array"},
		// A parameter file without its $schema, or with the key misspelt, is
		// still one by its content: values, no types, no resources.
		{`{"schema":"https://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json#","parameters":{"size":{"value":"Standard_B2s"},"pw":{"reference":{"keyVault":{"id":"x"},"secretName":"s"}}}}`, arm.Parameters, ""},
		{`{"parameters":{"Mode":{"Value":"Manual"}}}`, arm.Parameters, ""},
		{`{"parameters":{"mode":{"type":"string","value":"Manual"}}}`, arm.Unknown, ""},
		{`{"parameters":{"mode":{"value":"Manual"}},"resources":[]}`, arm.Template, ""},
		{`{"parameters":{"mode":"Manual"}}`, arm.Unknown, ""},
		{`{"parameters":{}}`, arm.Unknown, ""},
		{`{"$schema":"https://json.schemastore.org/package.json","parameters":{"mode":{"value":"Manual"}}}`, arm.Unknown, ""},
	}
	for _, tt := range tests {
		doc, err := jsonpos.Parse("t.json", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		got, why := arm.Classify(doc)
		if got != tt.want || !strings.Contains(why, tt.why) {
			t.Errorf("%s: got %s (%s), want %s (%s)", tt.src, got, why, tt.want, tt.why)
		}
	}
}

func TestWindowsWithUpdatesOffAndNoModeIsManual(t *testing.T) {
	vms := extract(t, vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":{"enableAutomaticUpdates":false}}}}`))
	expectFact(t, vms[0].Facts.PatchMode, model.Default, "Manual")
}

// TestDefaultPatchModesComeFromTheProfile: a VM without a patchMode takes
// the mode the adapter was given (the profile's), never one of its own.
func TestDefaultPatchModesComeFromTheProfile(t *testing.T) {
	modes := policies.PatchModeDefaults{Windows: "WindowsDefault", Linux: "LinuxDefault", WindowsAutomaticUpdatesOff: "WindowsOff"}
	a, err := arm.NewAdapter(policies.Defaults{PatchMode: modes, SettingDefaults: seedDefaults(t).SettingDefaults})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, osProfile string
		state           model.State
		want            any
	}{
		{"windows", `{"windowsConfiguration":{}}`, model.Default, "WindowsDefault"},
		{"windows, automatic updates on", `{"windowsConfiguration":{"enableAutomaticUpdates":true}}`, model.Default, "WindowsDefault"},
		{"windows, automatic updates off", `{"windowsConfiguration":{"enableAutomaticUpdates":false}}`, model.Default, "WindowsOff"},
		{"linux", `{"linuxConfiguration":{}}`, model.Default, "LinuxDefault"},
		{"a mode of its own", `{"linuxConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform"}}}`, model.Literal, "AutomaticByPlatform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("t.json", []byte(vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":`+tt.osProfile+`}}`)))
			if err != nil {
				t.Fatal(err)
			}
			vms, err := a.Extract(doc)
			if err != nil {
				t.Fatal(err)
			}
			expectFact(t, vms[0].Facts.PatchMode, tt.state, tt.want)
		})
	}
}

// TestDefaultSettingsComeFromTheProfile: a VM that leaves provisionVMAgent
// or enableAutomaticUpdates out takes the profile's value, and its default
// patch mode follows the automatic updates so assumed.
func TestDefaultSettingsComeFromTheProfile(t *testing.T) {
	for _, on := range []bool{true, false} {
		d := seedDefaults(t)
		d.ProvisionVMAgent, d.EnableAutomaticUpdates = on, on
		a, err := arm.NewAdapter(d)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonpos.Parse("t.json", []byte(vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"osProfile":{"windowsConfiguration":{}}}}`)))
		if err != nil {
			t.Fatal(err)
		}
		vms, err := a.Extract(doc)
		if err != nil {
			t.Fatal(err)
		}
		facts := vms[0].Facts
		expectFact(t, facts.ProvisionVMAgent, model.Default, on)
		expectFact(t, facts.EnableAutomaticUpdates, model.Default, on)
		expectFact(t, facts.PatchMode, model.Default, d.PatchMode.For("windows", on))
	}
}

func TestImageReferenceThatIsNotAnObject(t *testing.T) {
	vms := extract(t, vmTemplate(`{"type":"Microsoft.Compute/virtualMachines","name":"v","properties":{"storageProfile":{"imageReference":"ubuntu"}}}`))
	vm := vms[0].Facts
	if vm.Image.Kind != model.ImageNone || strings.Contains(vm.OS.Source, "<nil>") {
		t.Errorf("image %+v os %+v", vm.Image, vm.OS)
	}
}

func TestREST(t *testing.T) {
	doc, err := jsonpos.Parse("vm.json", []byte(`{"name":"web","location":"westeurope","properties":{"virtualMachineProfile":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"AutomaticByPlatform"}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := arm.NewAdapter(seedDefaults(t))
	vms, err := a.ExtractREST(doc)
	if err != nil || len(vms) != 1 {
		t.Fatalf("%d VMs, want 1 (%v)", len(vms), err)
	}
	vm := vms[0].Facts
	if vm.Kind != model.KindVMS || vm.Name != "web" || vm.Loc.Pointer != "" || vm.PatchMode.Value != "AutomaticByPlatform" || vm.APIVersion.State != model.Absent {
		t.Errorf("%+v", vm)
	}
}

// TestRESTExamples reads the REST API examples of azure-rest-api-specs:
// the VM under parameters.parameters (the request), else under a
// response's body, with the example's vmName and api-version; a body that
// is not a VM or scale set is refused, never reported as checked.
func TestRESTExamples(t *testing.T) {
	const winBody = `{"location":"westus","properties":{"osProfile":{"windowsConfiguration":{"enableAutomaticUpdates":true,"patchSettings":{"patchMode":"Manual"}}}}}`
	tests := []struct {
		name              string
		src               string
		kind              arm.Kind
		vmName, ptr, mode string
		api               string
		refused           bool
	}{
		{
			name: "request body",
			src:  `{"parameters":{"subscriptionId":"{s}","resourceGroupName":"rg","vmName":"myVM","api-version":"2024-07-01","parameters":` + winBody + `},"responses":{"200":{"body":{"name":"myVM","type":"Microsoft.Compute/virtualMachines","properties":{"osProfile":{"windowsConfiguration":{"patchSettings":{"patchMode":"AutomaticByOS"}}}}}}}}`,
			kind: arm.REST, vmName: "myVM", ptr: "/parameters/parameters", mode: "Manual", api: "2024-07-01",
		},
		{
			name: "response body of a GET",
			src:  `{"parameters":{"vmScaleSetName":"ss","api-version":"2023-09-01"},"responses":{"200":{"body":{"name":"ss","type":"Microsoft.Compute/virtualMachineScaleSets","properties":{"virtualMachineProfile":{"osProfile":{"linuxConfiguration":{"patchSettings":{"patchMode":"ImageDefault"}}}}}}}}}`,
			kind: arm.REST, vmName: "ss", ptr: "/responses/200/body", mode: "ImageDefault", api: "2023-09-01",
		},
		{
			name: "an example of something else",
			src:  `{"parameters":{"networkInterfaceName":"nic","parameters":{"properties":{"ipConfigurations":[]}}},"responses":{"200":{"body":{"type":"Microsoft.Network/networkInterfaces","properties":{}}}}}`,
			kind: arm.Unknown, refused: true,
		},
		{
			name: "an Azure Policy definition",
			src:  `{"properties":{"displayName":"Audit VMs","policyType":"Custom","mode":"All","policyRule":{"if":{"field":"type","equals":"Microsoft.Compute/virtualMachines"},"then":{"effect":"audit"}}}}`,
			kind: arm.Unknown, refused: true,
		},
	}
	a, _ := arm.NewAdapter(seedDefaults(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("example.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if kind, why := arm.Classify(doc); kind != tt.kind {
				t.Errorf("classified %s (%s), want %s", kind, why, tt.kind)
			}
			vms, err := a.ExtractREST(doc)
			if tt.refused {
				if !errors.Is(err, arm.ErrNotREST) || vms != nil {
					t.Errorf("got %d VMs, error %v; want it refused", len(vms), err)
				}
				return
			}
			if err != nil || len(vms) != 1 {
				t.Fatalf("%d VMs (%v), want 1", len(vms), err)
			}
			vm := vms[0].Facts
			if vm.Name != tt.vmName || vm.Loc.Pointer != tt.ptr || vm.PatchMode.Value != tt.mode || vm.APIVersion.Value != tt.api ||
				vm.APIVersion.Loc.Pointer != "/parameters/api-version" {
				t.Errorf("name %s ptr %s mode %v api %+v", vm.Name, vm.Loc.Pointer, vm.PatchMode.Value, vm.APIVersion)
			}
		})
	}
}

// TestExtractDeployed reads what is deployed today in the shapes --baseline
// accepts: az CLI output (settings at the top level, so scale-set settings
// such as orchestrationMode too) and a REST list under "value".
func TestExtractDeployed(t *testing.T) {
	tests := []struct {
		name, src        string
		wantName, wantOM string
		wantMode         string
		wantLine         int
	}{
		{"az vmss list", `[
  {"type": "Microsoft.Compute/virtualMachineScaleSets", "name": "scale",
   "orchestrationMode": "Flexible",
   "virtualMachineProfile": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "ImageDefault"}}}}}
]`, "scale", "Flexible", "ImageDefault", 2},
		{"REST list", `{"value": [
  {"type": "Microsoft.Compute/virtualMachines", "name": "web", "properties": {
    "osProfile": {"windowsConfiguration": {"patchSettings": {"patchMode": "AutomaticByOS"}}}}}
]}`, "web", "", "AutomaticByOS", 2},
	}
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("deployed.json", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			vms, err := a.ExtractDeployed(doc)
			if err != nil {
				t.Fatal(err)
			}
			if len(vms) != 1 {
				t.Fatalf("%d VMs, want 1", len(vms))
			}
			vm := vms[0].Facts
			if vm.Name != tc.wantName || vm.PatchMode.Value != tc.wantMode || vm.Loc.Line != tc.wantLine {
				t.Errorf("name/patchMode/line = %q/%v/%d, want %q/%q/%d", vm.Name, vm.PatchMode.Value, vm.Loc.Line, tc.wantName, tc.wantMode, tc.wantLine)
			}
			if got, _ := vm.OrchestrationMode.Value.(string); got != tc.wantOM {
				t.Errorf("orchestrationMode = %q, want %q", got, tc.wantOM)
			}
		})
	}
}
