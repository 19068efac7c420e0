package arm_test

import (
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
)

// TestNullableParameterIsNull: a parameter declared nullable (Bicep's
// "param x T?", itself or through the definition its $ref names) that is
// given no value is null, as ARM makes it, not unknown. A parameter that is
// not nullable and has no value stays unknown.
func TestNullableParameterIsNull(t *testing.T) {
	tmpl := func(decl string) string {
		return `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","languageVersion":"2.0",
			"definitions":{"cfg":{"type":"object","nullable":true},"alias":{"$ref":"#/definitions/cfg"},"plain":{"type":"object"}},
			"parameters":{"p":` + decl + `},
			"resources":{"vm":{"type":"Microsoft.Compute/virtualMachines","apiVersion":"2022-03-01","name":"v","properties":{"osProfile":{"linuxConfiguration":{
				"patchSettings":{"patchMode":"[if(empty(parameters('p')), 'AutomaticByPlatform', 'ImageDefault')]"}}}}}}}`
	}
	tests := []struct {
		name, decl string
		state      model.State
		value      any
	}{
		{"nullable", `{"type":"string","nullable":true}`, model.Resolved, "AutomaticByPlatform"},
		{"nullable through $ref", `{"$ref":"#/definitions/cfg"}`, model.Resolved, "AutomaticByPlatform"},
		{"nullable through two $refs", `{"$ref":"#/definitions/alias"}`, model.Resolved, "AutomaticByPlatform"},
		{"nullable beside $ref", `{"$ref":"#/definitions/plain","nullable":true}`, model.Resolved, "AutomaticByPlatform"},
		{"a default wins", `{"type":"string","nullable":true,"defaultValue":"x"}`, model.Resolved, "ImageDefault"},
		{"not nullable", `{"type":"string"}`, model.Expression, nil},
		{"nullable false", `{"type":"string","nullable":false}`, model.Expression, nil},
		{"$ref to a definition that is not nullable", `{"$ref":"#/definitions/plain"}`, model.Expression, nil},
		{"$ref to a missing definition", `{"$ref":"#/definitions/none"}`, model.Expression, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vms := extract(t, tmpl(tt.decl))
			if len(vms) != 1 {
				t.Fatalf("%d VMs", len(vms))
			}
			f := vms[0].Facts.PatchMode
			if f.State != tt.state || tt.value != nil && f.Value != tt.value {
				t.Errorf("patchMode: %s %v, want %s %v", f.State, f.Value, tt.state, tt.value)
			}
		})
	}
}
