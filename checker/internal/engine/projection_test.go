package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
)

// randomVM draws every member rules read from small sets of realistic and
// edge values, so that many VMs trip many rules and many pairs of VMs agree
// on some members but not others.
func randomVM(r *rand.Rand) model.VM {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	// Literal twice: rules that need several known facts still fire.
	states := []model.State{model.Literal, model.Literal, model.Resolved, model.Default, model.Absent, model.Expression, model.Hidden, model.Invalid}
	fact := func(values ...any) model.Fact {
		f := model.Fact{State: states[r.IntN(len(states))], Property: pick("p", "osProfile.x.patchMode", "q"), Loc: model.Loc{Line: r.IntN(50) + 1}}
		if f.State != model.Absent && len(values) > 0 {
			f.Value = values[r.IntN(len(values))]
		}
		if f.State == model.Resolved || f.State == model.Expression || f.State == model.Hidden {
			f.Expression = pick("[parameters('a')]", "[variables('b')]")
		}
		return f
	}
	optional := func(values ...any) model.Fact {
		if r.IntN(3) == 0 {
			return model.Fact{State: model.Absent}
		}
		return fact(values...)
	}
	api := pick("2019-07-01", "2020-12-01", "2021-03-01", "2022-03-01", "2024-07-01")
	vm := model.VM{
		Kind: pick(model.KindVM, model.KindVMS), Name: pick("a", "b"), Type: "Microsoft.Compute/virtualMachines",
		OS:                     model.OS{Value: pick("windows", "linux", "unknown"), Source: pick("osProfile.windowsConfiguration", "image")},
		APIVersion:             model.APIVersion{Fact: fact(api), Date: api},
		PatchSettings:          model.Presence{Present: r.IntN(2) == 0},
		PatchMode:              fact("AutomaticByPlatform", "AutomaticByOS", "Manual", "ImageDefault", "automaticbyplatform"),
		AssessmentMode:         fact("AutomaticByPlatform", "ImageDefault"),
		EnableAutomaticUpdates: fact(true, false),
		ProvisionVMAgent:       fact(true, false),
		EnableHotpatching:      optional(true, false),
		RebootSetting:          optional("IfRequired", "Never"),
		BypassSafetyChecks:     optional(true, false),
		OrchestrationMode:      optional("Uniform", "Flexible"),
		AutomaticOSUpgrade:     optional(true, false),
		AgentVersion:           optional("2.2.53.1", "2.2.10", "garbage"),
		HealthExtension:        r.IntN(2) == 0,
	}
	images := [][3]string{
		{"MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter"},
		{"MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition"},
		{"Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2"},
		{"RedHat", "RHEL", "8-lvm-gen2"},
		{"someone", "custom", "1"},
	}
	switch vm.Image.Kind = pick(model.ImageMarketplace, model.ImageCustom, model.ImageNone, model.ImageUnresolved); vm.Image.Kind {
	case model.ImageMarketplace, model.ImageUnresolved:
		img := images[r.IntN(len(images))]
		vm.Image.Publisher, vm.Image.Offer, vm.Image.Sku = fact(img[0]), fact(img[1]), fact(img[2])
		vm.Image.Key = strings.ToLower(fmt.Sprintf("%s:%s:%s", img[0], img[1], img[2]))
	case model.ImageCustom:
		vm.Image.ID = fact("/subscriptions/x/images/" + pick("a", "b"))
	}
	for range r.IntN(3) {
		vm.Unresolved = append(vm.Unresolved, model.Unresolved{
			Property: pick("patchMode", "imageReference"), Expression: "[parameters('x')]",
			Reason: pick("", "no value"), Topic: pick(model.TopicAny, "patchMode", "enableAutomaticUpdates", "apiVersion", "image", "provisionVMAgent",
				"assessmentMode", model.TopicLater, model.TopicHealthExtension),
		})
	}
	for range r.IntN(2) {
		vm.SchemaErrors = append(vm.SchemaErrors, model.SchemaError{Property: "patchMode", Message: pick("not one of", "wrong type"),
			Severity: model.Severity(pick("", string(model.Warning)))})
	}
	if r.IntN(4) == 0 {
		vm.WaiverProblems = []model.WaiverProblem{{Message: pick("expired", "no reason")}}
	}
	if r.IntN(4) == 0 {
		vm.PatchStatus = &model.PatchStatus{InstallationStatus: pick("", "Failed", "Succeeded"), Failed: r.IntN(2), Pending: r.IntN(2), CriticalAndSecurity: r.IntN(2)}
	}
	if r.IntN(4) == 0 {
		vm.Baseline = &model.Baseline{PatchMode: fact("AutomaticByPlatform", "AutomaticByOS", "Manual"), EnableAutomaticUpdates: fact(true, false), OS: vm.OS.Value}
	}
	return vm
}

// TestReadsAreComplete checks custom.reads: every built-in rule, given only
// the members it declares, finds exactly what it finds given the whole VM.
// A member missing from a rule's reads would make the rule see it as
// absent and, through the result cache, hand one VM another's verdict.
func TestReadsAreComplete(t *testing.T) {
	ctx := context.Background()
	p, err := Load(policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, profile := range p.ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			projected, err := New(ctx, p, profile)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := New(ctx, p, profile)
			if err != nil {
				t.Fatal(err)
			}
			everything := slices.Clone(whole.rules)
			for i := range everything {
				if everything[i].Reads == nil {
					t.Errorf("%s has no custom.reads", everything[i].ID)
				}
				everything[i].Reads = nil
			}
			if whole.groups, err = prepareGroups(ctx, p, profile, everything); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			fired := map[string]int{}
			for i := range 3000 {
				vms := []model.VM{randomVM(r)}
				want, err := whole.Evaluate(ctx, "f.json", vms)
				if err != nil {
					t.Fatal(err)
				}
				got, err := projected.Evaluate(ctx, "f.json", vms)
				if err != nil {
					t.Fatal(err)
				}
				// Group order differs; the report sorts findings anyway.
				byRule := func(a, b model.Finding) int {
					return strings.Compare(a.RuleID+a.Pointer+a.Message, b.RuleID+b.Pointer+b.Message)
				}
				slices.SortStableFunc(got, byRule)
				slices.SortStableFunc(want, byRule)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("VM %d %+v:\nwith its reads: %+v\nwhole VM:       %+v", i, vms[0], got, want)
				}
				for _, f := range want {
					fired[f.RuleID]++
				}
			}
			// The comparison only means something for rules that fired.
			for _, rule := range projected.rules {
				if fired[rule.ID] == 0 && (profile == "current" || rule.Applies != "laterSettings") {
					t.Errorf("%s never fired on the random VMs: widen randomVM", rule.ID)
				}
			}
		})
	}
}

// TestFieldKeysDistinguishTerms checks the result cache's premise: two VMs
// whose keys for a member are equal get equal terms for it.
func TestFieldKeysDistinguishTerms(t *testing.T) {
	tm := newTerms()
	r := rand.New(rand.NewPCG(3, 4))
	seen := make([]map[string]string, len(inputFields))
	for i := range seen {
		seen[i] = map[string]string{}
	}
	for range 5000 {
		vm := randomVM(r)
		for i, f := range inputFields {
			var k keyWriter
			f.key(&k, &vm)
			term := "<left out>"
			if t := f.term(tm, &vm); t != nil {
				term = t.String()
			}
			if prev, ok := seen[i][string(k.b)]; ok && prev != term {
				t.Fatalf("%s: key %q stands for both %s and %s", f.name, k.b, prev, term)
			}
			seen[i][string(k.b)] = term
		}
	}
}

// TestInputCoversEveryField fails when a field is added to model.VM without
// deciding whether rules may read it: a member of input.vm needs an
// inputField, with its key, or the cache would confuse VMs.
func TestInputCoversEveryField(t *testing.T) {
	member := map[string]string{
		"Kind": "kind", "Name": "name", "Type": "type", "Copy": "copy", "OS": "os", "APIVersion": "apiVersion",
		"PatchSettings": "patchSettings", "PatchMode": "patchMode", "AssessmentMode": "assessmentMode",
		"EnableAutomaticUpdates": "enableAutomaticUpdates", "ProvisionVMAgent": "provisionVMAgent", "Image": "image",
		"Unresolved": "unresolved", "SchemaErrors": "schemaErrors", "EnableHotpatching": "enableHotpatching",
		"RebootSetting": "rebootSetting", "BypassSafetyChecks": "bypassPlatformSafetyChecksOnUserSchedule",
		"OrchestrationMode": "orchestrationMode", "AutomaticOSUpgrade": "automaticOSUpgrade",
		"HealthExtension": "healthExtension", "AgentVersion": "agentVersion", "PatchStatus": "patchStatus",
		"Baseline": "baseline", "WaiverProblems": "waiverProblems",
		// Not read by rules: positions, waivers (applied in Go) and placement (for fleet init).
		"Loc": "", "Waivers": "", "Placement": "", "File": "", "Via": "", "Passed": "",
	}
	typ := reflect.TypeOf(model.VM{})
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		m, ok := member[name]
		if !ok {
			t.Errorf("model.VM.%s is new: add an inputField for it, or list it here as not read by rules", name)
			continue
		}
		if m == "" {
			continue
		}
		fi, ok := fieldIndex(m)
		if !ok {
			t.Errorf("model.VM.%s: no inputField %q", name, m)
			continue
		}
		// Setting the field must change its member's key.
		var empty, vm model.VM
		fill(reflect.ValueOf(&vm).Elem().Field(i))
		var a, b keyWriter
		inputFields[fi].key(&a, &empty)
		inputFields[fi].key(&b, &vm)
		if string(a.b) == string(b.b) {
			t.Errorf("model.VM.%s: setting it does not change the key of %s", name, m)
		}
	}
}

// TestKeyIgnoresPositions: where a fact stands is not part of any key, so
// VMs that differ only there share results.
func TestKeyIgnoresPositions(t *testing.T) {
	a := model.VM{PatchMode: model.Fact{State: model.Literal, Value: "Manual", Loc: model.Loc{Line: 1}}}
	b := a
	b.PatchMode.Loc = model.Loc{Line: 9}
	b.Loc = model.Loc{Line: 3}
	for _, f := range inputFields {
		var ka, kb keyWriter
		f.key(&ka, &a)
		f.key(&kb, &b)
		if string(ka.b) != string(kb.b) {
			t.Errorf("%s: positions changed the key", f.name)
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
