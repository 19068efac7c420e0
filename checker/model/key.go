package model

import (
	"strconv"
	"strings"
)

// Key encodes everything about a VM that rules may read, and nothing about
// where it stands in its file or what it is called. Two VMs with equal keys get equal findings
// (up to positions), which lets the engine evaluate each distinct VM once.
// It must cover every field the Rego input carries.
func (vm *VM) Key() string {
	var b strings.Builder
	b.Grow(256)
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	fact := func(f Fact) {
		field(string(f.State))
		field(f.Property)
		field(f.Expression)
		switch v := f.Value.(type) {
		case string:
			field("s" + v)
		case bool:
			field("b" + strconv.FormatBool(v))
		default:
			field("")
		}
	}
	field(vm.Kind)
	field(vm.OS.Value)
	field(vm.OS.Source)
	fact(vm.APIVersion.Fact)
	field(vm.APIVersion.Date)
	field(strconv.FormatBool(vm.PatchSettings.Present))
	fact(vm.PatchMode)
	fact(vm.AssessmentMode)
	fact(vm.EnableAutomaticUpdates)
	fact(vm.ProvisionVMAgent)
	field(vm.Image.Kind)
	field(vm.Image.Key)
	fact(vm.Image.Publisher)
	fact(vm.Image.Offer)
	fact(vm.Image.Sku)
	fact(vm.Image.ID)
	fact(vm.EnableHotpatching)
	fact(vm.RebootSetting)
	fact(vm.BypassSafetyChecks)
	fact(vm.OrchestrationMode)
	fact(vm.AutomaticOSUpgrade)
	field(strconv.FormatBool(vm.HealthExtension))
	fact(vm.AgentVersion)
	if p := vm.PatchStatus; p != nil {
		field(p.AvailableStatus)
		field(p.InstallationStatus)
		field(p.AssessedAt)
		field(p.InstalledAt)
		for _, n := range []int{p.CriticalAndSecurity, p.Other, p.Installed, p.Failed, p.Pending, p.NotSelected, p.Excluded} {
			field(strconv.Itoa(n))
		}
	} else {
		field("-")
	}
	if b := vm.Baseline; b != nil {
		fact(b.PatchMode)
		fact(b.EnableAutomaticUpdates)
		field(b.OS)
	} else {
		field("-")
	}
	if vm.Copy != nil {
		field(vm.Copy.Name)
		field(vm.Copy.Count)
	} else {
		field("-")
	}
	field(strconv.Itoa(len(vm.Unresolved)))
	for _, u := range vm.Unresolved {
		field(u.Property)
		field(u.Expression)
		field(u.Reason)
		field(u.Topic)
	}
	field(strconv.Itoa(len(vm.WaiverProblems)))
	for _, w := range vm.WaiverProblems {
		field(w.Message)
	}
	field(strconv.Itoa(len(vm.SchemaErrors)))
	for _, e := range vm.SchemaErrors {
		field(e.Property)
		field(e.Message)
	}
	return b.String()
}
