package checker

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
)

// TestUnknownNeverInventsFindings is the property of issue 12: for random
// VMs, replacing any known value by an unknown never adds a finding other
// than PC011/PC012, and never removes a finding whose facts are all still
// known.
//
// It works on templates, not on model.VM facts: the invented findings came
// from the adapter (a whole windowsConfiguration made unknown turned the
// settings below it into facts that looked present), which a generator of
// facts would have had to reproduce by hand. So each random VM is a
// template resource; each mutation replaces one value of it (a scalar, or
// a whole object such as windowsConfiguration) by a parameter that has no
// value, and both templates go through the whole pipeline (adapter, schema
// stage, rules).
//
// A finding is its rule, severity and place (the JSON pointer of the fact
// it is about): messages may name where a value came from, which a
// mutation legitimately changes. A finding's facts are the members of
// input.vm its rule reads (custom.reads); they are still known when every
// fact among them is still known with the same value and every other
// member (the OS, the image, the lists of unresolved values and schema
// errors) is unchanged, positions aside.
func TestUnknownNeverInventsFindings(t *testing.T) {
	ctx := context.Background()
	for _, profile := range []string{"2021-02", "current"} {
		t.Run(profile, func(t *testing.T) {
			l, err := New(ctx, Options{Profile: profile, Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			reads := map[string][]string{}
			for _, r := range l.Rules() {
				reads[r.ID] = r.Reads
			}
			r := rand.New(rand.NewPCG(12, 12)) // the same VMs under both profiles
			fired := map[string]bool{}
			mutations, required := 0, 0
			for i := range 200 {
				res := randomResource(r)
				before, beforeVM := lintResource(t, l, res)
				for _, f := range before {
					fired[f.RuleID] = true
				}
				for _, path := range valuePaths(res, nil) {
					mutated := withUnknown(res, path)
					after, afterVM := lintResource(t, l, mutated)
					mutations++
					where := func() string {
						src, _ := json.Marshal(res)
						return fmt.Sprintf("VM %d, %s made unknown\ntemplate resource: %s\nbefore: %v\nafter:  %v", i, strings.Join(path, "."), src, ids(before), ids(after))
					}
					for _, f := range after {
						if f.RuleID != "PC011" && f.RuleID != "PC012" && !slices.ContainsFunc(before, sameFinding(f)) {
							t.Fatalf("added %s %s at %s (%s)\n%s", f.RuleID, f.Severity, f.Pointer, f.Message, where())
						}
					}
					for _, f := range before {
						if !stillKnown(beforeVM, afterVM, reads[f.RuleID]) {
							continue
						}
						required++
						if !slices.ContainsFunc(after, sameFinding(f)) {
							t.Fatalf("removed %s %s at %s (%s) though the facts it reads are still known\n%s", f.RuleID, f.Severity, f.Pointer, f.Message, where())
						}
					}
				}
			}
			// The property says little about rules that never fire.
			for _, id := range []string{"PC001", "PC002", "PC003", "PC004", "PC005", "PC007", "PC008", "PC010"} {
				if !fired[id] {
					t.Errorf("%s never fired on the random VMs: widen randomResource", id)
				}
			}
			if profile == "current" {
				for _, id := range []string{"PC013", "PC014", "PC015", "PC016", "PC017", "PC018"} {
					if !fired[id] {
						t.Errorf("%s never fired on the random VMs: widen randomResource", id)
					}
				}
			}
			if required == 0 {
				t.Error("no finding kept all its facts known: the second half of the property was never checked")
			}
			t.Logf("%d mutations; %d findings had to stay", mutations, required)
		})
	}
}

func ids(fs []model.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.RuleID + ":" + string(f.Severity) + "@" + f.Pointer
	}
	return out
}

func sameFinding(f model.Finding) func(model.Finding) bool {
	return func(g model.Finding) bool {
		return g.RuleID == f.RuleID && g.Severity == f.Severity && g.Pointer == f.Pointer
	}
}

// lintResource checks a one-resource template and returns its findings and
// the VM's facts.
func lintResource(t *testing.T, l *Linter, res map[string]any) ([]model.Finding, model.VM) {
	t.Helper()
	tmpl := map[string]any{
		"$schema":    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
		"parameters": map[string]any{"unknown": map[string]any{"type": "object"}},
		"resources":  []any{res},
	}
	data, err := json.MarshalIndent(tmpl, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{params: newParameterFinder(nil, nil, DefaultMaxFileSize), maxSize: DefaultMaxFileSize}
	x, err := l.extract(w, Input{Path: "t.json", Explicit: true}, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.vms) != 1 {
		t.Fatalf("%d VMs in %s", len(x.vms), data)
	}
	l.validator.Check(x.doc, &x.vms[0])
	vm := x.vms[0].Facts
	findings, err := l.evaluate(context.Background(), "t.json", []model.VM{vm})
	if err != nil {
		t.Fatal(err)
	}
	return findings, vm
}

// stillKnown reports whether every member of input.vm in reads is still
// known in after: a fact known before with the same value, anything else
// unchanged (positions aside).
func stillKnown(before, after model.VM, reads []string) bool {
	b, a := members(before), members(after)
	for _, m := range reads {
		x, y := b[m], a[m]
		if fact, ok := x.(map[string]any); ok && fact["state"] != nil {
			if !knownState(y) || !reflect.DeepEqual(fact["value"], y.(map[string]any)["value"]) {
				return false
			}
			continue
		}
		if m == "os" {
			x, y = x.(map[string]any)["value"], y.(map[string]any)["value"]
		}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

func knownState(v any) bool {
	f, ok := v.(map[string]any)
	return ok && (f["state"] == string(model.Literal) || f["state"] == string(model.Resolved) || f["state"] == string(model.Default))
}

// members is the VM as JSON members (the names rules read), without
// positions.
func members(vm model.VM) map[string]any {
	data, _ := json.Marshal(vm)
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return stripPositions(out).(map[string]any)
}

func stripPositions(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if k != "loc" && k != "related" {
				out[k] = stripPositions(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stripPositions(e)
		}
		return out
	}
	return v
}

// valuePaths lists every value below the resource's apiVersion and
// properties: each is a candidate for an unknown.
func valuePaths(v any, path []string) [][]string {
	var out [][]string
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if path == nil && k != "properties" && k != "apiVersion" {
				continue
			}
			p := append(slices.Clone(path), k)
			out = append(out, p)
			out = append(out, valuePaths(x[k], p)...)
		}
	case []any:
		for i, e := range x {
			p := append(slices.Clone(path), fmt.Sprint(i))
			out = append(out, p)
			out = append(out, valuePaths(e, p)...)
		}
	}
	return out
}

// withUnknown returns a copy of res whose value at path is the parameter
// without a value.
func withUnknown(res map[string]any, path []string) map[string]any {
	var clone func(v any, path []string) any
	clone = func(v any, path []string) any {
		if len(path) == 0 {
			return "[parameters('unknown')]"
		}
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				out[k] = e
			}
			out[path[0]] = clone(x[path[0]], path[1:])
			return out
		case []any:
			out := slices.Clone(x)
			var i int
			fmt.Sscan(path[0], &i)
			out[i] = clone(x[i], path[1:])
			return out
		}
		return v
	}
	return clone(res, path).(map[string]any)
}

// randomResource is a VM or scale set with every patch setting the rules
// read, each present or not, valid or not, in the template's own shapes.
func randomResource(r *rand.Rand) map[string]any {
	pick := func(xs ...any) any { return xs[r.IntN(len(xs))] }
	maybe := func(m map[string]any, key string, values ...any) {
		if r.IntN(3) > 0 {
			m[key] = pick(values...)
		}
	}
	settings := map[string]any{}
	maybe(settings, "patchMode", "AutomaticByPlatform", "AutomaticByPlatform", "AutomaticByOS", "Manual", "ImageDefault", "AutomaticByPlatfom")
	if r.IntN(2) == 0 {
		maybe(settings, "assessmentMode", "AutomaticByPlatform", "ImageDefault")
	}
	if r.IntN(3) == 0 {
		settings["enableHotpatching"] = pick(true, false, "true")
	}
	if r.IntN(3) == 0 {
		abp := map[string]any{}
		maybe(abp, "rebootSetting", "IfRequired", "Never")
		maybe(abp, "bypassPlatformSafetyChecksOnUserSchedule", true, false)
		settings["automaticByPlatformSettings"] = abp
	}
	win := map[string]any{}
	maybe(win, "enableAutomaticUpdates", true, false, true, "false", "TRUE")
	maybe(win, "provisionVMAgent", true, false, true, "true")
	lin := map[string]any{}
	maybe(lin, "provisionVMAgent", true, false, true, "False")
	osProfile := map[string]any{"computerName": "vm"}
	switch r.IntN(6) {
	case 0, 1:
		win["patchSettings"] = settings
		osProfile["windowsConfiguration"] = win
	case 2, 3:
		lin["patchSettings"] = settings
		osProfile["linuxConfiguration"] = lin
	case 4: // both: the OS comes from the image
		win["patchSettings"] = settings
		osProfile["windowsConfiguration"] = win
		osProfile["linuxConfiguration"] = lin
	}
	// osType agrees with the image when the image says the OS: the
	// adapter trusts the image first, and a template that contradicts
	// itself would make an unknown image change the OS, not hide it.
	storage := map[string]any{}
	osType := pick("Windows", "Linux").(string)
	switch r.IntN(7) {
	case 0:
		storage["imageReference"] = map[string]any{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/images/golden"}
	case 1: // an attached disk: no image
	default:
		img := pick(
			[4]string{"MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter", "Windows"},
			[4]string{"MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition-hotpatch", "Windows"},
			[4]string{"MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition", "Windows"},
			[4]string{"Canonical", "UbuntuServer", "18.04-LTS", "Linux"},
			[4]string{"RedHat", "RHEL", "7.9", "Linux"},
			[4]string{"acme", "appliance", "1", osType},
		).([4]string)
		storage["imageReference"] = map[string]any{"publisher": img[0], "offer": img[1], "sku": img[2], "version": "latest"}
		osType = img[3]
	}
	if r.IntN(2) == 0 {
		storage["osDisk"] = map[string]any{"createOption": "FromImage", "osType": osType}
	}
	profile := map[string]any{"osProfile": osProfile, "storageProfile": storage}
	res := map[string]any{
		"type":       "Microsoft.Compute/virtualMachines",
		"apiVersion": pick("2019-07-01", "2020-06-01", "2020-09-01", "2020-12-01", "2021-03-01", "2022-03-01", "2023-09-01"),
		"name":       "vm",
		"properties": profile,
	}
	if r.IntN(3) == 0 {
		props := map[string]any{"virtualMachineProfile": profile}
		maybe(props, "orchestrationMode", "Uniform", "Flexible", "Flexible")
		if r.IntN(2) == 0 {
			props["upgradePolicy"] = map[string]any{"automaticOSUpgradePolicy": map[string]any{"enableAutomaticOSUpgrade": pick(true, false, "true")}}
		}
		if r.IntN(2) == 0 {
			profile["extensionProfile"] = map[string]any{"extensions": []any{
				map[string]any{"name": "ext", "properties": map[string]any{"type": pick("ApplicationHealthLinux", "CustomScript")}},
			}}
		}
		res["type"], res["properties"] = "Microsoft.Compute/virtualMachineScaleSets", props
	}
	return res
}
