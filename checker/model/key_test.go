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
	for i := range typ.NumField() {
		if _, ok := want[typ.Field(i).Name]; !ok {
			t.Errorf("VM.%s is new: add it to Key and the Rego input, or list it here as not read by rules", typ.Field(i).Name)
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
