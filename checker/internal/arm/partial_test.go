package arm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// avmModule is a VM module in the style of Azure Verified Modules: osProfile
// built by one createObject whose other members (a securestring without a
// value, uniqueString of the subscription) are unknown.
const avmModule = `{
  "parameters": {
    "adminPassword": {"type": "securestring"},
    "osDisk": {"type": "object", "defaultValue": {"managedDisk": {"storageAccountType": "Premium_LRS"}}},
    "patchMode": {"type": "string", "defaultValue": "AutomaticByPlatform"},
    "osType": {"type": "string", "defaultValue": "Windows"},
    "location": {"type": "string", "defaultValue": "[resourceGroup().location]"}
  },
  "variables": {
    "windowsConfiguration": {"provisionVMAgent": true, "enableAutomaticUpdates": true,
      "patchSettings": "[createObject('patchMode', parameters('patchMode'), 'assessmentMode', 'AutomaticByPlatform')]"}
  },
  "resources": [{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01", "name": "vm",
    "location": "[parameters('location')]",
    "properties": {
      "osProfile": "[if(empty(tryGet(parameters('osDisk').managedDisk, 'resourceId')), createObject('computerName', take(uniqueString(subscription().id), 15), 'adminUsername', 'azureuser', 'adminPassword', parameters('adminPassword'), 'windowsConfiguration', if(equals(parameters('osType'), 'Windows'), variables('windowsConfiguration'), null()), 'linuxConfiguration', if(equals(parameters('osType'), 'Linux'), createObject('patchSettings', createObject('patchMode', 'ImageDefault')), null())), null())]",
      "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2019-datacenter", "version": "latest"}}
    }}]
}`

func extractWith(t *testing.T, a *arm.Adapter, src string) []arm.VM {
	t.Helper()
	doc, err := jsonpos.Parse("t.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	vms, err := a.Extract(doc)
	if err != nil {
		t.Fatal(err)
	}
	return vms
}

// TestPartialOSProfile: an osProfile with unknown members keeps the patch
// settings it knows; the unknown members raise nothing, since no rule
// reads them.
func TestPartialOSProfile(t *testing.T) {
	vms := extract(t, avmModule)
	if len(vms) != 1 {
		t.Fatalf("%d VMs", len(vms))
	}
	vm := vms[0].Facts
	if vm.PatchMode.State != model.Resolved || vm.PatchMode.Value != "AutomaticByPlatform" {
		t.Errorf("patchMode %+v", vm.PatchMode)
	}
	if vm.AssessmentMode.State != model.Resolved || vm.AssessmentMode.Value != "AutomaticByPlatform" {
		t.Errorf("assessmentMode %+v", vm.AssessmentMode)
	}
	if vm.OS.Value != "windows" || vm.EnableAutomaticUpdates.Value != true {
		t.Errorf("os %+v enableAutomaticUpdates %+v", vm.OS, vm.EnableAutomaticUpdates)
	}
	if len(vm.Unresolved) != 0 {
		t.Errorf("unresolved %+v: adminPassword and computerName are no patch settings", vm.Unresolved)
	}
	if vm.Placement.Location != "" {
		t.Errorf("location %q: resourceGroup().location is not known without a context", vm.Placement.Location)
	}
	// Of the places the whole osProfile was built from, the one named
	// after the setting comes first.
	if len(vm.PatchMode.Related) < 2 || vm.PatchMode.Related[0].Message != "default value of parameter 'patchMode'" {
		t.Errorf("patchMode related %+v", vm.PatchMode.Related)
	}
	// ARM leaves out a property whose value is null: the schema stage
	// sees no linuxConfiguration.
	if p := vms[0].OSProfile; p == nil || p.Get("windowsConfiguration") == nil || p.GetMember("linuxConfiguration") != nil {
		t.Errorf("osProfile as the schema sees it: %+v", p)
	}
}

// TestPartialUnknownLeafBlamed: a patch setting that is an unknown leaf of
// a resolved value is unresolved, blamed on the expression, with the
// leaf's own cause.
func TestPartialUnknownLeafBlamed(t *testing.T) {
	src := `{"parameters": {"mode": {"type": "string"}},
	  "resources": [{"type": "Microsoft.Compute/virtualMachines", "name": "vm", "apiVersion": "2024-07-01",
	    "properties": {"osProfile": "[createObject('computerName', 'x', 'linuxConfiguration', createObject('provisionVMAgent', true, 'patchSettings', createObject('patchMode', parameters('mode'))))]"}}]}`
	vm := extract(t, src)[0].Facts
	if vm.OS.Value != "linux" || vm.ProvisionVMAgent.State != model.Resolved {
		t.Errorf("os %+v provisionVMAgent %+v", vm.OS, vm.ProvisionVMAgent)
	}
	if vm.PatchMode.State != model.Expression || len(vm.Unresolved) != 1 {
		t.Fatalf("patchMode %+v unresolved %+v", vm.PatchMode, vm.Unresolved)
	}
	u := vm.Unresolved[0]
	if u.Property != "osProfile.linuxConfiguration.patchSettings.patchMode" || !strings.Contains(u.Reason, "parameter 'mode' has no defaultValue") ||
		!strings.HasPrefix(u.Expression, "[createObject('computerName'") {
		t.Errorf("unresolved %+v", u)
	}
}

// TestContext: values given for the deployment context reach the
// templates (nested ones too, where ARM gives them), with the properties
// ARM derives; what is not given stays unknown, saying where it was looked
// for.
func TestContext(t *testing.T) {
	base, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := arm.NewContext(map[string]any{
		"subscription":  map[string]any{"subscriptionId": "0000-sub", "tenantId": "0000-tenant"},
		"ResourceGroup": map[string]any{"Name": "rg-prod", "location": "westeurope", "tags": map[string]any{"env": "prod"}},
		"deployment":    map[string]any{"properties": map[string]any{"templateLink": map[string]any{"uri": "https://example.org/t/main.json?sig=x"}}},
	}, "the context file ctx.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := base.WithContext(ctx)
	vmWith := func(expr string) string {
		return `{"type": "Microsoft.Compute/virtualMachines", "name": "vm", "location": "` + expr + `"}`
	}
	tests := []struct {
		name, src, want string // want: the VM's location, or "" when unknown
	}{
		{"resourceGroup().location", `{"resources": [` + vmWith("[resourceGroup().location]") + `]}`, "westeurope"},
		{"keys without case", `{"resources": [` + vmWith("[resourceGroup().NAME]") + `]}`, "rg-prod"},
		{"derived resource group id", `{"resources": [` + vmWith("[resourceGroup().id]") + `]}`, "/subscriptions/0000-sub/resourceGroups/rg-prod"},
		{"derived subscription id", `{"resources": [` + vmWith("[subscription().id]") + `]}`, "/subscriptions/0000-sub"},
		{"tenant ID from the subscription", `{"resources": [` + vmWith("[tenant().tenantId]") + `]}`, "0000-tenant"},
		{"tags", `{"resources": [` + vmWith("[resourceGroup().tags.env]") + `]}`, "prod"},
		{"not given", `{"resources": [` + vmWith("[subscription().displayName]") + `]}`, ""},
		{"a linked template's location", `{"resources": [` + vmWith("[uri(deployment().properties.templateLink.uri, 'nested/vm.json')]") + `]}`, "https://example.org/t/nested/vm.json"},
		{"deployment() given, its name not", `{"resources": [` + vmWith("[deployment().name]") + `]}`, ""},
		{"nested, outer scope", `{"resources": [{"type": "Microsoft.Resources/deployments", "name": "d", "resourceGroup": "other",
		  "properties": {"template": {"resources": [` + vmWith("[resourceGroup().location]") + `]}}}]}`, "westeurope"},
		{"nested, inner scope", `{"resources": [{"type": "Microsoft.Resources/deployments", "name": "d",
		  "properties": {"expressionEvaluationOptions": {"scope": "inner"}, "template": {"resources": [` + vmWith("[resourceGroup().location]") + `]}}}]}`, "westeurope"},
		{"nested, inner scope, another resource group", `{"resources": [{"type": "Microsoft.Resources/deployments", "name": "d", "resourceGroup": "other",
		  "properties": {"expressionEvaluationOptions": {"scope": "inner"}, "template": {"resources": [` + vmWith("[resourceGroup().location]") + `]}}}]}`, ""},
		{"nested, inner scope, same subscription", `{"resources": [{"type": "Microsoft.Resources/deployments", "name": "d", "resourceGroup": "other",
		  "properties": {"expressionEvaluationOptions": {"scope": "inner"}, "template": {"resources": [` + vmWith("[subscription().subscriptionId]") + `]}}}]}`, "0000-sub"},
		{"nested, inner scope, another subscription", `{"resources": [{"type": "Microsoft.Resources/deployments", "name": "d", "subscriptionId": "x",
		  "properties": {"expressionEvaluationOptions": {"scope": "inner"}, "template": {"resources": [` + vmWith("[subscription().subscriptionId]") + `]}}}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extractWith(t, a, tt.src)
			if got := vms[0].Facts.Placement.Location; got != tt.want {
				t.Errorf("location %q, want %q", got, tt.want)
			}
		})
	}
	// The adapter without a context is unchanged.
	if got := extractWith(t, base, tests[0].src)[0].Facts.Placement.Location; got != "" {
		t.Errorf("without a context: %q", got)
	}
	if _, err := arm.NewContext(map[string]any{"resourceGroups": map[string]any{}}, "the context file c.yaml"); err == nil ||
		!strings.Contains(err.Error(), `"resourceGroups" is not a deployment context function`) {
		t.Errorf("a misspelt function: %v", err)
	}
}

// TestContextReasons: what stays unknown says why, as PC011 shows it.
func TestContextReasons(t *testing.T) {
	base, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := arm.NewContext(map[string]any{"subscription": map[string]any{"subscriptionId": "s"}}, "the context file ctx.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vm := func(mode string) string {
		return `{"type": "Microsoft.Compute/virtualMachines", "name": "vm", "properties": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "` + mode + `"}}}}}`
	}
	tests := []struct {
		a         *arm.Adapter
		src, want string
	}{
		{base, `{"resources": [` + vm("[resourceGroup().location]") + `]}`, "resourceGroup().location is not known: pass --context FILE"},
		{base.WithContext(ctx), `{"resources": [` + vm("[resourceGroup().location]") + `]}`, "resourceGroup().location is not known: the context file ctx.yaml does not give it"},
		{base.WithContext(ctx), `{"resources": [{"type": "Microsoft.Resources/deployments", "name": "inner-d", "properties": {"expressionEvaluationOptions": {"scope": "inner"},
		  "template": {"resources": [` + vm("[deployment().properties.templateLink.uri]") + `]}}}]}`, `deployment().properties.templateLink is not known: it describes the nested deployment "inner-d"`},
		{base, `{"resources": [{"type": "Microsoft.Resources/deployments", "name": "d", "resourceGroup": "rg2", "properties": {"expressionEvaluationOptions": {"scope": "inner"},
		  "template": {"resources": [` + vm("[resourceGroup().name]") + `]}}}]}`, `resourceGroup().name is not known: the nested deployment "d" deploys to another resource group`},
	}
	for _, tt := range tests {
		facts := extractWith(t, tt.a, tt.src)[0].Facts
		if len(facts.Unresolved) != 1 || facts.Unresolved[0].Reason != tt.want {
			t.Errorf("%s: unresolved %+v, want the reason %q", tt.src, facts.Unresolved, tt.want)
		}
	}
}

// TestSharedValuesStayBounded: variables that each use the previous one
// twice stand for 2^n values in a few lines; reading them, building strings
// from them or turning them into patch settings ends with an unknown, not
// with a hang or the machine's memory.
func TestSharedValuesStayBounded(t *testing.T) {
	levels := func(first, step string) string {
		var b strings.Builder
		b.WriteString(`"v0": ` + first)
		for i := 1; i < 60; i++ {
			fmt.Fprintf(&b, `, "v%d": %s`, i, strings.ReplaceAll(step, "PREV", fmt.Sprintf("variables('v%d')", i-1)))
		}
		return b.String()
	}
	tests := []struct {
		name, vars, osProfile string
		want                  any // patchMode: nil when unknown for the budget
	}{
		{"arrays in a string", levels(`"abcdefgh"`, `["[PREV]", "[PREV]"]`), `{"computerName": "[string(variables('v59'))]", "linuxConfiguration": {"patchSettings": {"patchMode": "[string(variables('v59'))]"}}}`, nil},
		{"doubling strings", levels(`"abcdefgh"`, `"[concat(PREV, PREV)]"`), `{"linuxConfiguration": {"patchSettings": {"patchMode": "[substring(variables('v59'), 0, 3)]"}}}`, nil},
		// The known part of a value whose rest is too large is kept.
		{"objects of objects", levels(`{"a": "b"}`, `{"x": "[PREV]", "y": "[PREV]"}`),
			`{"linuxConfiguration": "[union(variables('v59'), createObject('patchSettings', createObject('patchMode', 'Manual')))]"}`, "Manual"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `{"variables": {` + tt.vars + `}, "resources": [{"type": "Microsoft.Compute/virtualMachines", "name": "vm", "properties": {"osProfile": ` + tt.osProfile + `}}]}`
			vm := extract(t, src)[0].Facts
			if tt.want != nil {
				if vm.PatchMode.State != model.Resolved || vm.PatchMode.Value != tt.want {
					t.Errorf("patchMode %+v", vm.PatchMode)
				}
				return
			}
			if vm.PatchMode.State != model.Expression || len(vm.Unresolved) == 0 || !strings.Contains(vm.Unresolved[0].Reason, "larger than patchcheck evaluates") {
				t.Errorf("patchMode %+v unresolved %+v", vm.PatchMode, vm.Unresolved)
			}
		})
	}
}
