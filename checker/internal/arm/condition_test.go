package arm_test

import (
	"slices"
	"testing"
)

// TestConditionFalseIsNotDeployed: a resource whose condition is known to be
// false is not deployed, so a VM or scale set behind it is not checked, nor
// is anything a deployment behind it holds. A condition patchcheck cannot
// evaluate may be true, so that VM is checked. A condition does not cascade
// to the child resources written inside a resource.
func TestConditionFalseIsNotDeployed(t *testing.T) {
	vm := func(name, cond string) string {
		c := ""
		if cond != "" {
			c = `"condition":` + cond + `,`
		}
		return `{` + c + `"type":"Microsoft.Compute/virtualMachines","apiVersion":"2022-03-01","name":"` + name + `","properties":{"osProfile":{"linuxConfiguration":{}}}}`
	}
	params := `"parameters":{"kind":{"type":"string","defaultValue":"none"},"jump":{"type":"bool","defaultValue":false},"n":{"type":"int"}}`
	tmpl := func(resources ...string) string {
		out := `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",` + params + `,"resources":[`
		for i, r := range resources {
			if i > 0 {
				out += ","
			}
			out += r
		}
		return out + `]}`
	}
	nested := func(cond, inner string) string {
		return `{"condition":` + cond + `,"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"d",` +
			`"properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},"template":{"resources":[` + inner + `]}}}`
	}
	tests := []struct {
		name string
		src  string
		want []string // the names of the VMs checked
	}{
		{"literal false", tmpl(vm("a", `false`), vm("b", `true`)), []string{"b"}},
		{"parameter default false", tmpl(vm("a", `"[parameters('jump')]"`), vm("b", `"[not(parameters('jump'))]"`)), []string{"b"}},
		{"one OS of two chosen", tmpl(vm("lin", `"[equals(parameters('kind'), 'linux')]"`), vm("win", `"[equals(parameters('kind'), 'windows')]"`)), nil},
		{"case of the key", tmpl(`{"Condition":false,"type":"Microsoft.Compute/virtualMachines","name":"a","properties":{}}`), nil},
		{"unknown condition is checked", tmpl(vm("a", `"[greater(parameters('n'), 0)]"`)), []string{"a"}},
		{"copyIndex condition is checked", tmpl(`{"condition":"[equals(copyIndex(), 0)]","copy":{"name":"c","count":2},"type":"Microsoft.Compute/virtualMachines","name":"a","properties":{}}`), []string{"a"}},
		{"not a boolean is checked", tmpl(vm("a", `"[parameters('kind')]"`)), []string{"a"}},
		{"a deployment not deployed holds nothing", tmpl(nested(`"[parameters('jump')]"`, vm("inner", ""))), nil},
		{"a deployment deployed", tmpl(nested(`"[not(parameters('jump'))]"`, vm("inner", ""))), []string{"inner"}},
		{"no cascade to children", tmpl(`{"condition":false,"type":"Microsoft.Resources/resourceGroups","name":"rg","resources":[` + vm("child", "") + `]}`), []string{"child"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range extract(t, tt.src) {
				got = append(got, v.Facts.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("VMs checked: %q, want %q", got, tt.want)
			}
		})
	}
}
