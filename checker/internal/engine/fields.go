package engine

import (
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/checker/model"
)

// inputField is one member of input.vm: the Rego term rules see and its
// encoding in a result-cache key. They sit side by side because the cache
// is exact only if every difference between two terms is a difference
// between their keys (TestFieldKeysDistinguishTerms checks it).
type inputField struct {
	name string
	key  func(k *keyWriter, vm *model.VM)
	term func(t terms, vm *model.VM) *ast.Term // nil: left out of the input
}

// inputFields lists input.vm's members in the order the input is built.
// Rules name the ones they read in METADATA (custom.reads).
var inputFields = []inputField{
	{"kind", func(k *keyWriter, vm *model.VM) { k.field(vm.Kind) },
		func(t terms, vm *model.VM) *ast.Term { return t.str(vm.Kind) }},
	{"os", func(k *keyWriter, vm *model.VM) { k.field(vm.OS.Value); k.field(vm.OS.Source) },
		func(t terms, vm *model.VM) *ast.Term {
			return ast.ObjectTerm(t.item("value", t.str(vm.OS.Value)), t.item("source", t.str(vm.OS.Source)))
		}},
	{"apiVersion", func(k *keyWriter, vm *model.VM) { k.fact(vm.APIVersion.Fact); k.field(vm.APIVersion.Date) },
		func(t terms, vm *model.VM) *ast.Term {
			return ast.ObjectTerm(append(t.factItems(vm.APIVersion.Fact), t.item("date", t.str(vm.APIVersion.Date)))...)
		}},
	{"patchSettings", func(k *keyWriter, vm *model.VM) { k.bool(vm.PatchSettings.Present) },
		func(t terms, vm *model.VM) *ast.Term {
			return ast.ObjectTerm(t.item("present", ast.InternedTerm(vm.PatchSettings.Present)))
		}},
	factField("patchMode", func(vm *model.VM) model.Fact { return vm.PatchMode }, false),
	factField("assessmentMode", func(vm *model.VM) model.Fact { return vm.AssessmentMode }, false),
	factField("enableAutomaticUpdates", func(vm *model.VM) model.Fact { return vm.EnableAutomaticUpdates }, false),
	factField("provisionVMAgent", func(vm *model.VM) model.Fact { return vm.ProvisionVMAgent }, false),
	{"image", func(k *keyWriter, vm *model.VM) {
		k.field(vm.Image.Kind)
		k.field(vm.Image.Key)
		k.fact(vm.Image.Publisher)
		k.fact(vm.Image.Offer)
		k.fact(vm.Image.Sku)
		k.fact(vm.Image.ID)
	}, func(t terms, vm *model.VM) *ast.Term {
		return ast.ObjectTerm(
			t.item("kind", t.str(vm.Image.Kind)),
			t.item("key", t.str(vm.Image.Key)),
			t.item("publisher", t.factTerm(vm.Image.Publisher)),
			t.item("offer", t.factTerm(vm.Image.Offer)),
			t.item("sku", t.factTerm(vm.Image.Sku)),
			t.item("id", t.factTerm(vm.Image.ID)),
		)
	}},
	{"healthExtension", func(k *keyWriter, vm *model.VM) { k.bool(vm.HealthExtension) },
		func(_ terms, vm *model.VM) *ast.Term { return ast.InternedTerm(vm.HealthExtension) }},
	{"unresolved", func(k *keyWriter, vm *model.VM) {
		k.int(len(vm.Unresolved))
		for _, u := range vm.Unresolved {
			k.field(u.Property)
			k.field(u.Expression)
			k.field(u.Reason)
			k.field(u.Topic)
		}
	}, func(t terms, vm *model.VM) *ast.Term {
		items := make([]*ast.Term, len(vm.Unresolved))
		for i, u := range vm.Unresolved {
			items[i] = ast.ObjectTerm(
				t.item("property", t.str(u.Property)),
				t.item("expression", t.str(u.Expression)),
				t.item("topic", t.str(u.Topic)),
				t.item("reason", t.str(u.Reason)),
			)
		}
		return ast.ArrayTerm(items...)
	}},
	{"schemaErrors", func(k *keyWriter, vm *model.VM) {
		k.int(len(vm.SchemaErrors))
		for _, e := range vm.SchemaErrors {
			k.field(e.Property)
			k.field(e.Message)
			k.field(string(e.Severity))
		}
	}, func(t terms, vm *model.VM) *ast.Term {
		items := make([]*ast.Term, len(vm.SchemaErrors))
		for i, e := range vm.SchemaErrors {
			obj := [][2]*ast.Term{t.item("property", t.str(e.Property)), t.item("message", t.str(e.Message))}
			if e.Severity != "" {
				obj = append(obj, t.item("severity", t.str(string(e.Severity))))
			}
			items[i] = ast.ObjectTerm(obj...)
		}
		return ast.ArrayTerm(items...)
	}},
	{"waiverProblems", func(k *keyWriter, vm *model.VM) {
		k.int(len(vm.WaiverProblems))
		for _, w := range vm.WaiverProblems {
			k.field(w.Message)
		}
	}, func(t terms, vm *model.VM) *ast.Term {
		items := make([]*ast.Term, len(vm.WaiverProblems))
		for i, w := range vm.WaiverProblems {
			items[i] = ast.ObjectTerm(t.item("message", ast.StringTerm(w.Message)))
		}
		return ast.ArrayTerm(items...)
	}},
	// Settings most templates leave out are left out of the input too when
	// absent (rules read a missing fact as absent), which keeps the input
	// small for the common case.
	factField("enableHotpatching", func(vm *model.VM) model.Fact { return vm.EnableHotpatching }, true),
	factField("rebootSetting", func(vm *model.VM) model.Fact { return vm.RebootSetting }, true),
	factField("bypassPlatformSafetyChecksOnUserSchedule", func(vm *model.VM) model.Fact { return vm.BypassSafetyChecks }, true),
	factField("orchestrationMode", func(vm *model.VM) model.Fact { return vm.OrchestrationMode }, true),
	factField("automaticOSUpgrade", func(vm *model.VM) model.Fact { return vm.AutomaticOSUpgrade }, true),
	factField("agentVersion", func(vm *model.VM) model.Fact { return vm.AgentVersion }, true),
	{"patchStatus", func(k *keyWriter, vm *model.VM) {
		p := vm.PatchStatus
		if p == nil {
			k.field("-")
			return
		}
		k.field(p.AvailableStatus)
		k.field(p.InstallationStatus)
		k.field(p.AssessedAt)
		k.field(p.InstalledAt)
		for _, n := range []int{p.CriticalAndSecurity, p.Other, p.Installed, p.Failed, p.Pending, p.NotSelected, p.Excluded} {
			k.int(n)
		}
	}, func(t terms, vm *model.VM) *ast.Term {
		p := vm.PatchStatus
		if p == nil {
			return nil
		}
		num := func(n int) *ast.Term { return ast.InternedTerm(n) }
		return ast.ObjectTerm(
			t.item("availableStatus", t.str(p.AvailableStatus)),
			t.item("criticalAndSecurityPatchCount", num(p.CriticalAndSecurity)),
			t.item("otherPatchCount", num(p.Other)),
			t.item("assessedAt", t.str(p.AssessedAt)),
			t.item("installationStatus", t.str(p.InstallationStatus)),
			t.item("installedPatchCount", num(p.Installed)),
			t.item("failedPatchCount", num(p.Failed)),
			t.item("pendingPatchCount", num(p.Pending)),
			t.item("notSelectedPatchCount", num(p.NotSelected)),
			t.item("excludedPatchCount", num(p.Excluded)),
			t.item("installedAt", t.str(p.InstalledAt)),
		)
	}},
	{"baseline", func(k *keyWriter, vm *model.VM) {
		b := vm.Baseline
		if b == nil {
			k.field("-")
			return
		}
		k.fact(b.PatchMode)
		k.fact(b.EnableAutomaticUpdates)
		k.field(b.OS)
	}, func(t terms, vm *model.VM) *ast.Term {
		b := vm.Baseline
		if b == nil {
			return nil
		}
		return ast.ObjectTerm(
			t.item("patchMode", t.factTerm(b.PatchMode)),
			t.item("enableAutomaticUpdates", t.factTerm(b.EnableAutomaticUpdates)),
			t.item("os", t.str(b.OS)),
		)
	}},
	{"copy", func(k *keyWriter, vm *model.VM) {
		if vm.Copy == nil {
			k.field("-")
			return
		}
		k.field(vm.Copy.Name)
		k.field(vm.Copy.Count)
	}, func(t terms, vm *model.VM) *ast.Term {
		if vm.Copy == nil {
			return nil
		}
		return ast.ObjectTerm(t.item("name", t.str(vm.Copy.Name)), t.item("count", t.str(vm.Copy.Count)))
	}},
	// Built-in rules never read the resource's name or type (findings get
	// them from Go), so only user policies, which read everything, see them.
	{"name", func(k *keyWriter, vm *model.VM) { k.field(vm.Name) },
		func(_ terms, vm *model.VM) *ast.Term { return ast.StringTerm(vm.Name) }},
	{"type", func(k *keyWriter, vm *model.VM) { k.field(vm.Type) },
		func(_ terms, vm *model.VM) *ast.Term { return ast.StringTerm(vm.Type) }},
}

// factField is a member holding one fact; optional ones are left out of
// the input when absent.
func factField(name string, get func(*model.VM) model.Fact, optional bool) inputField {
	return inputField{
		name: name,
		key:  func(k *keyWriter, vm *model.VM) { k.fact(get(vm)) },
		term: func(t terms, vm *model.VM) *ast.Term {
			f := get(vm)
			if optional && (f.State == model.Absent || f.State == "") {
				return nil
			}
			return t.factTerm(f)
		},
	}
}

// fieldIndex finds a member of inputFields by name.
func fieldIndex(name string) (int, bool) {
	for i, f := range inputFields {
		if f.name == name {
			return i, true
		}
	}
	return 0, false
}

func fieldNames() string {
	names := make([]string, len(inputFields))
	for i, f := range inputFields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// keyWriter appends length-prefixed parts to a cache key, so no two
// sequences of parts encode alike.
type keyWriter struct{ b []byte }

func (k *keyWriter) field(s string) {
	k.b = strconv.AppendInt(k.b, int64(len(s)), 10)
	k.b = append(k.b, ':')
	k.b = append(k.b, s...)
}

func (k *keyWriter) int(n int) {
	k.b = strconv.AppendInt(append(k.b, 'i'), int64(n), 10)
	k.b = append(k.b, ':')
}

func (k *keyWriter) bool(v bool) {
	if v {
		k.field("t")
	} else {
		k.field("f")
	}
}

func (k *keyWriter) fact(f model.Fact) {
	k.field(string(f.State))
	k.field(f.Property)
	k.field(f.Expression)
	switch v := f.Value.(type) {
	case string:
		k.b = append(k.b, 's')
		k.field(v)
	case bool:
		k.b = append(k.b, 'b')
		k.bool(v)
	default:
		k.b = append(k.b, '-')
	}
}
