// Package model defines the data exchanged between patchcheck's stages: the
// normalised per-VM facts every adapter produces and the rules read, and the
// findings the rules return.
//
// Every file, line and column that travels together is a [Position]
// ("file:line:column" through its String method); findings, related
// places, JSON syntax errors and the configuration's waivers and errors
// embed or hold one. A place inside a file its holder already names, such
// as a fact's [Loc], keeps only its line and column and becomes a Position
// with [Loc.In].
package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Loc is where a value came from in its input file. It names no file:
// every Loc of a VM is in the VM's file, and In makes it a Position.
type Loc struct {
	Pointer string `json:"pointer"` // RFC 6901 JSON pointer into the file
	Line    int    `json:"line"`    // 1-based
	Column  int    `json:"column"`  // 1-based, in Unicode code points
}

// State says how a fact's value was obtained; rules only trust literal and default.
type State string

const (
	Literal    State = "literal"    // written in the input
	Resolved   State = "resolved"   // an ARM expression patchcheck evaluated (parameters' defaults, variables)
	Default    State = "default"    // absent; Azure's documented default applied
	Absent     State = "absent"     // absent and no default applies
	Expression State = "expression" // written, as an ARM expression patchcheck could not resolve
	// Hidden: an unresolved expression on an ancestor (a whole
	// windowsConfiguration from a parameter without a value, say) hides
	// the setting, so whether it is there at all is unknown. No rule may
	// treat it as present; PC011 reports the expression.
	Hidden  State = "hidden"
	Invalid State = "invalid" // present but breaks the schema (reported as PC010)
)

// Fact is one patch-relevant setting of a VM.
type Fact struct {
	Value      any    `json:"value,omitempty"`
	State      State  `json:"state"`
	Property   string `json:"property"` // human path, e.g. osProfile.windowsConfiguration.patchSettings.patchMode
	Expression string `json:"expression,omitempty"`
	Loc        Loc    `json:"loc"`
	// Related are the places that supplied a resolved value: a parameter
	// file's line, a parameter's default, a variable.
	Related []Related `json:"related,omitempty"`
}

// Related is another place a finding depends on, possibly in another file.
type Related struct {
	Position
	Pointer string `json:"pointer,omitempty"`
	Message string `json:"message"`
}

// Known reports whether the fact's value can be used by a rule.
func (f Fact) Known() bool { return f.State == Literal || f.State == Resolved || f.State == Default }

// Unresolvable reports whether the fact's value (and, when Hidden, its
// presence) depends on an expression patchcheck could not resolve.
func (f Fact) Unresolvable() bool { return f.State == Expression || f.State == Hidden }

// OS is the operating system and the evidence it was inferred from.
type OS struct {
	Value  string `json:"value"`  // windows | linux | unknown
	Source string `json:"source"` // e.g. "osProfile.windowsConfiguration", "imageReference publisher MicrosoftWindowsServer"
}

// Image kinds.
const (
	ImageMarketplace = "marketplace"
	ImageCustom      = "custom"     // imageReference.id, shared or community gallery image
	ImageNone        = "none"       // no imageReference: attached or restored OS disk
	ImageUnresolved  = "unresolved" // imageReference (or a part) is an expression
)

// Image is the VM's source image.
type Image struct {
	Kind      string `json:"kind"`
	Key       string `json:"key,omitempty"` // lower-case publisher:offer:sku, for O(1) lookup in profile data
	Publisher Fact   `json:"publisher"`
	Offer     Fact   `json:"offer"`
	Sku       Fact   `json:"sku"`
	ID        Fact   `json:"id"`
	Loc       Loc    `json:"loc"`
}

// SetMarketplace marks img as a marketplace image and, when its publisher,
// offer and sku are all known, sets its lookup key. Every adapter resolves
// images this way, so the key means the same whatever the input format.
func (img *Image) SetMarketplace() {
	img.Kind = ImageMarketplace
	if img.Publisher.Known() && img.Offer.Known() && img.Sku.Known() {
		img.Key = strings.ToLower(fmt.Sprintf("%s:%s:%s", img.Publisher.Value, img.Offer.Value, img.Sku.Value))
	}
}

// UniqueRelated returns rs without repeats, in their first order.
func UniqueRelated(rs []Related) []Related {
	var out []Related
	seen := map[Related]bool{}
	for _, r := range rs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// Presence records whether an object such as patchSettings exists.
type Presence struct {
	Present bool `json:"present"`
	Loc     Loc  `json:"loc"`
}

// Unresolved is a patch-relevant value that stayed an ARM expression.
type Unresolved struct {
	Property   string `json:"property"`
	Expression string `json:"expression"`
	Reason     string `json:"reason,omitempty"` // why it could not be resolved, e.g. a parameter without a value
	// Topic names the setting the expression hides (patchMode, image,
	// apiVersion, ...), so PC011 reports it only where a rule needs it.
	Topic string `json:"topic"`
	Loc   Loc    `json:"loc"`
}

// TopicAny marks an unresolved value that matters to every rule.
const TopicAny = "any"

// TopicLater marks the later settings (hotpatching, reboot setting, safety
// checks bypass, orchestration mode, automatic OS upgrade): only the
// profiles that know them read them.
const TopicLater = "later"

// TopicHealthExtension marks an extension list or type that may be the
// Application Health extension: PC017 cannot say it is missing.
const TopicHealthExtension = "healthExtension"

// SchemaError is a schema violation in a patch-relevant property (PC010).
type SchemaError struct {
	Property string `json:"property"`
	Message  string `json:"message"`
	// Severity overrides PC010's default for this violation: a string
	// boolean ("true") is a warning, because Azure accepts it.
	Severity Severity `json:"severity,omitempty"`
	Loc      Loc      `json:"loc"`
}

// IsStringBool reports whether s is a string the Compute API reads as a
// boolean: "true" or "false" in any case, nothing else.
func IsStringBool(s string) bool {
	return strings.EqualFold(s, "true") || strings.EqualFold(s, "false")
}

// StringBoolMessage is PC010's warning for a boolean written as a string:
// one wording whichever stage finds it.
func StringBoolMessage(s string) string {
	b := strings.ToLower(s)
	return fmt.Sprintf("the string %q is accepted by Azure, which reads it as %s, but the Compute schema wants a boolean; write %s without quotes", s, b, b)
}

// Describe names a JSON value's type and, for scalars, the value, for
// messages: the string "yes", an object.
func Describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("the number %v", v)
}

// Copy describes a resource produced by an ARM copy loop; it is checked once.
type Copy struct {
	Name  string `json:"name"`
	Count string `json:"count"`
}

// Resource kinds.
const (
	KindVM  = "virtualMachine"
	KindVMS = "virtualMachineScaleSet"
)

// VM is the normalised view of one virtual machine or scale set: everything
// the rules need, whatever the input format.
type VM struct {
	// File is the file the VM is in: the input, or a template a
	// deployment in it links to. Not read by rules.
	File string `json:"-"`
	// Via are the deployments through which File was reached from the
	// input, outermost first; empty when File is the input. Not read by
	// rules: the same template reached another way is another VM.
	Via []Related `json:"-"`
	// Passed is whether a VM reached through Via took a value its
	// deployment passed (a parameter, its name): its findings are then
	// the link's own, even when they read like those of File on its own.
	Passed                 bool       `json:"-"`
	Kind                   string     `json:"kind"`
	Name                   string     `json:"name"`
	Type                   string     `json:"type"`
	Loc                    Loc        `json:"loc"`
	Copy                   *Copy      `json:"copy,omitempty"`
	OS                     OS         `json:"os"`
	APIVersion             APIVersion `json:"apiVersion"`
	PatchSettings          Presence   `json:"patchSettings"`
	PatchMode              Fact       `json:"patchMode"`
	AssessmentMode         Fact       `json:"assessmentMode"`
	EnableAutomaticUpdates Fact       `json:"enableAutomaticUpdates"`
	ProvisionVMAgent       Fact       `json:"provisionVMAgent"`
	Image                  Image      `json:"image"`
	EnableHotpatching      Fact       `json:"enableHotpatching"`
	RebootSetting          Fact       `json:"rebootSetting"`
	BypassSafetyChecks     Fact       `json:"bypassPlatformSafetyChecksOnUserSchedule"`
	// Scale sets only.
	OrchestrationMode  Fact `json:"orchestrationMode"`
	AutomaticOSUpgrade Fact `json:"automaticOSUpgrade"`
	// HealthExtension is whether the Application Health extension is installed.
	HealthExtension bool `json:"healthExtension"`
	// From an instance view: the running VM agent and the patch status.
	AgentVersion Fact         `json:"agentVersion"`
	PatchStatus  *PatchStatus `json:"patchStatus,omitempty"`
	// Baseline is the same VM as deployed today, when --baseline has it.
	Baseline *Baseline `json:"baseline,omitempty"`
	// Waivers written on the resource (metadata.patchcheck.waivers).
	Waivers []InlineWaiver `json:"-"`
	// WaiverProblems are waivers that expired or are malformed (PC022).
	WaiverProblems []WaiverProblem `json:"waiverProblems"`
	// Placement is where the VM runs; not read by rules (fleet init).
	Placement    Placement     `json:"-"`
	Unresolved   []Unresolved  `json:"unresolved"`
	SchemaErrors []SchemaError `json:"schemaErrors"`
}

// APIVersion is the resource's apiVersion with its date part split out, so
// rules compare dates and ignore suffixes such as -preview.
type APIVersion struct {
	Fact
	Date string `json:"date,omitempty"`
}

// Where returns where the fact a finding names is, and the places that
// supplied its value: a fact name ("patchMode", "image", ...), "vm" for the
// resource itself, or "schemaErrors/N" and "unresolved/N" for entries of
// those lists.
func (vm *VM) Where(at string) (Loc, []Related, bool) {
	if f := vm.factNamed(at); f != nil {
		return f.Loc, f.Related, true
	}
	switch at {
	case "vm":
		return vm.Loc, nil, true
	case "patchSettings":
		return vm.PatchSettings.Loc, nil, true
	case "baseline.patchMode", "baseline.enableAutomaticUpdates":
		fact := vm.PatchMode
		if at == "baseline.enableAutomaticUpdates" {
			fact = vm.EnableAutomaticUpdates
		}
		var rel []Related
		if vm.Baseline != nil {
			rel = append(rel, vm.Baseline.Where)
		}
		return fact.Loc, append(rel, fact.Related...), true
	case "patchStatus":
		if vm.PatchStatus != nil {
			return vm.PatchStatus.Loc, nil, true
		}
		return vm.Loc, nil, true
	case "image":
		var rel []Related
		for _, f := range []Fact{vm.Image.Publisher, vm.Image.Offer, vm.Image.Sku} {
			rel = append(rel, f.Related...)
		}
		return vm.Image.Loc, rel, true
	}
	list, index, ok := strings.Cut(at, "/")
	if !ok {
		return Loc{}, nil, false
	}
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 {
		return Loc{}, nil, false
	}
	switch {
	case list == "schemaErrors" && i < len(vm.SchemaErrors):
		return vm.SchemaErrors[i].Loc, nil, true
	case list == "unresolved" && i < len(vm.Unresolved):
		return vm.Unresolved[i].Loc, nil, true
	case list == "waiverProblems" && i < len(vm.WaiverProblems):
		return vm.WaiverProblems[i].Loc, nil, true
	}
	return Loc{}, nil, false
}

// PatchStatus is the patch state an instance view reports (D19).
type PatchStatus struct {
	AvailableStatus     string `json:"availableStatus"`
	CriticalAndSecurity int    `json:"criticalAndSecurityPatchCount"`
	Other               int    `json:"otherPatchCount"`
	AssessedAt          string `json:"assessedAt,omitempty"`
	InstallationStatus  string `json:"installationStatus"`
	Installed           int    `json:"installedPatchCount"`
	Failed              int    `json:"failedPatchCount"`
	Pending             int    `json:"pendingPatchCount"`
	NotSelected         int    `json:"notSelectedPatchCount"`
	Excluded            int    `json:"excludedPatchCount"`
	InstalledAt         string `json:"installedAt,omitempty"`
	Loc                 Loc    `json:"loc"`
}

// Baseline is what is deployed today for a VM of the same name: the
// settings a change is judged against (PC009).
type Baseline struct {
	PatchMode              Fact    `json:"patchMode"`
	EnableAutomaticUpdates Fact    `json:"enableAutomaticUpdates"`
	OS                     string  `json:"os"`
	Where                  Related `json:"-"` // the deployed VM in the baseline file
}

// factNamed returns the fact a rule names in its "at", or nil. A switch,
// not a map: it runs for every finding.
func (vm *VM) factNamed(at string) *Fact {
	switch at {
	case "apiVersion":
		return &vm.APIVersion.Fact
	case "patchMode":
		return &vm.PatchMode
	case "assessmentMode":
		return &vm.AssessmentMode
	case "enableAutomaticUpdates":
		return &vm.EnableAutomaticUpdates
	case "provisionVMAgent":
		return &vm.ProvisionVMAgent
	case "enableHotpatching":
		return &vm.EnableHotpatching
	case "rebootSetting":
		return &vm.RebootSetting
	case "bypassPlatformSafetyChecksOnUserSchedule":
		return &vm.BypassSafetyChecks
	case "orchestrationMode":
		return &vm.OrchestrationMode
	case "automaticOSUpgrade":
		return &vm.AutomaticOSUpgrade
	case "agentVersion":
		return &vm.AgentVersion
	}
	return nil
}

// InlineWaiver is a waiver written on a resource in the template.
type InlineWaiver struct {
	Rule, Reason, Expires string
	Loc                   Loc
}

// WaiverProblem is a waiver that no longer waives, and why.
type WaiverProblem struct {
	Message string `json:"message"`
	Loc     Loc    `json:"loc"`
}

// Placement is what a forecast needs to know about where a VM runs, as far
// as the template says (unknown parts are empty).
type Placement struct {
	Location        string
	Zone            string
	AvailabilitySet string
	TimeZone        string
}

// IsHealthExtensionType reports whether an extension type is the
// Application Health extension (ApplicationHealthLinux/ApplicationHealthWindows),
// which automatic VM guest patching and OS upgrades use to judge a VM healthy.
func IsHealthExtensionType(typ string) bool {
	return strings.HasPrefix(strings.ToLower(typ), "applicationhealth")
}
