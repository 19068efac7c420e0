package model

import (
	"reflect"
	"testing"
)

// TestKeyCoversEveryField fails when a field is added to VM without
// deciding whether Key must encode it: a missed field would make the
// engine's result cache hand one VM the findings of another.
func TestKeyCoversEveryField(t *testing.T) {
	want := map[string]bool{
		"Kind": true, "Name": false, "Type": false, "Loc": false, "Copy": true, "OS": true, "APIVersion": true,
		"PatchSettings": true, "PatchMode": true, "AssessmentMode": true, "EnableAutomaticUpdates": true,
		"ProvisionVMAgent": true, "Image": true, "Unresolved": true, "SchemaErrors": true,
		"EnableHotpatching": true, "RebootSetting": true, "BypassSafetyChecks": true, "OrchestrationMode": true,
		"AutomaticOSUpgrade": true, "HealthExtension": true, "AgentVersion": true, "PatchStatus": true, "Baseline": true, "Waivers": false, "WaiverProblems": true, "Placement": false,
	}
	typ := reflect.TypeOf(VM{})
	empty := (&VM{}).Key()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		encoded, ok := want[name]
		if !ok {
			t.Errorf("VM.%s is new: add it to Key and the Rego input, or list it here as not read by rules", name)
			continue
		}
		if !encoded {
			continue
		}
		// A field listed as encoded must change the key when it changes.
		var vm VM
		fill(reflect.ValueOf(&vm).Elem().Field(i))
		if vm.Key() == empty {
			t.Errorf("VM.%s is listed as encoded, but setting it does not change Key", name)
		}
	}
}

// fill sets every part of v to a non-zero value.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(7)
	case reflect.Interface:
		v.Set(reflect.ValueOf("x"))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fill(v.Field(i))
			}
		}
	}
}

func TestKeyIgnoresPositionsOnly(t *testing.T) {
	a := VM{Name: "a", PatchMode: Fact{State: Literal, Value: "Manual", Loc: Loc{Line: 1}}}
	b := a
	b.PatchMode.Loc = Loc{Line: 9}
	b.Loc = Loc{Line: 3}
	b.Name = "another-vm"
	if a.Key() != b.Key() {
		t.Error("positions changed the key")
	}
	c := a
	c.PatchMode.Value = "AutomaticByOS"
	d := a
	d.PatchMode.Value = true
	e := a
	e.PatchMode.State = Default
	for _, other := range []VM{c, d, e} {
		if a.Key() == other.Key() {
			t.Errorf("different VMs share a key: %+v", other)
		}
	}
}
