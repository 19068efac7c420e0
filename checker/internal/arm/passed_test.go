package arm_test

import (
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
)

// TestParameterEntryWrittenAsOneExpression: a nested deployment may pass a
// parameter as one expression for the whole entry, as Bicep compiles a
// parameter whose value a condition chooses:
// "[if(c, createObject('value', x), createObject('value', y))]". The inner
// template gets the "value" of what it evaluates to, not its own default.
func TestParameterEntryWrittenAsOneExpression(t *testing.T) {
	tmpl := func(entry string) string {
		return `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
			"parameters":{"os":{"type":"string","defaultValue":"Windows"},"unset":{"type":"string"}},
			"resources":[{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"vm",
			"properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},
			"parameters":{"mode":` + entry + `},
			"template":{"parameters":{"mode":{"type":"string","defaultValue":"ImageDefault"}},
			"resources":[{"type":"Microsoft.Compute/virtualMachines","apiVersion":"2022-03-01","name":"v",
			"properties":{"osProfile":{"windowsConfiguration":{"patchSettings":{"patchMode":"[parameters('mode')]"}}}}}]}}}]}`
	}
	tests := []struct {
		name   string
		entry  string
		state  model.State
		value  any
		reason string // of the unresolved patchMode
	}{
		{"if over createObject", `"[if(equals(parameters('os'), 'Windows'), createObject('value', 'Manual'), createObject('value', 'ImageDefault'))]"`, model.Resolved, "Manual", ""},
		{"the other branch", `"[if(equals(parameters('os'), 'Linux'), createObject('value', 'Manual'), createObject('value', 'AutomaticByOS'))]"`, model.Resolved, "AutomaticByOS", ""},
		{"key in another case", `"[createObject('Value', 'Manual')]"`, model.Resolved, "Manual", ""},
		{"unknown condition", `"[if(equals(parameters('unset'), 'x'), createObject('value', 'Manual'), createObject('value', 'AutomaticByOS'))]"`, model.Expression, nil, "parameter 'unset' has no defaultValue"},
		{"a Key Vault reference", `"[createObject('reference', createObject('secretName', 's'))]"`, model.Expression, nil, "Key Vault reference"},
		{"no value in it", `"[createObject('other', 'Manual')]"`, model.Expression, nil, "gives no value"},
		{"an entry as usual", `{"value":"[if(equals(parameters('os'), 'Windows'), 'Manual', 'x')]"}`, model.Resolved, "Manual", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extract(t, tmpl(tt.entry))
			if len(vms) != 1 {
				t.Fatalf("%d VMs", len(vms))
			}
			vm := vms[0].Facts
			if vm.PatchMode.State != tt.state || tt.value != nil && vm.PatchMode.Value != tt.value {
				t.Errorf("patchMode %s %v, want %s %v", vm.PatchMode.State, vm.PatchMode.Value, tt.state, tt.value)
			}
			if tt.reason != "" && (len(vm.Unresolved) == 0 || !strings.Contains(vm.Unresolved[0].Reason, tt.reason)) {
				t.Errorf("unresolved %+v, want a reason containing %q", vm.Unresolved, tt.reason)
			}
		})
	}
}
