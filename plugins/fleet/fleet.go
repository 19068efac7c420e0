// Package fleet loads and validates fleet files into simulator.Fleet.
//
// A fleet file (SPEC §4.1) is YAML or JSON (JSON is read as YAML). Load
// validates it against the embedded schemas/fleet.schema.json, runs the
// checks a schema cannot express, and reports every problem at once with
// its line, column and field. A valid file becomes a simulator.Fleet with
// every default applied: a VM's own value, else the file's defaults block,
// else the built-in default.
package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// Built-in defaults (SPEC §4.1), used when neither a VM nor the file's
// defaults block gives a value.
const (
	DefaultTimeZone                = "UTC"
	DefaultOffPeakStart            = "22:00"
	DefaultOffPeakEnd              = "06:00"
	DefaultInstallMinutes          = 60
	DefaultFailureProbability      = 0.0
	DefaultUnhealthyProbability    = 0.0
	DefaultEnablement              = simulator.EnablementDone // most VMs were enabled in an earlier month
	DefaultEnableAutomaticUpdates  = true
	DefaultUpdateDomain            = 0
	DefaultWindowsPatchMode        = "AutomaticByOS" // Azure's default for Windows
	DefaultLinuxPatchMode          = "ImageDefault"  // Azure's default for Linux
	DefaultAssessmentIntervalHours = 72.0
	DefaultEnablementMinutes       = 200
	DefaultHealthThreshold         = 0.2
	DefaultPhaseBakeHours          = 24.0
	DefaultPhaseHours              = 48.0 // two off-peak nights in every time zone
	DefaultBatchShare              = 0.2
	DefaultDeadlineDays            = 30
)

// DefaultSettings are the model settings when the file gives none.
// HaltHours stays nil: without it a halted rollout stays halted for the
// month, and no number of hours says that.
func DefaultSettings() simulator.Settings {
	return simulator.Settings{
		AssessmentIntervalHours: DefaultAssessmentIntervalHours,
		EnablementMinutes:       DefaultEnablementMinutes,
		HealthThreshold:         DefaultHealthThreshold,
		PhaseBakeHours:          DefaultPhaseBakeHours,
		PhaseHours:              DefaultPhaseHours,
		BatchShare:              DefaultBatchShare,
		DeadlineDays:            DefaultDeadlineDays,
	}
}

// DefaultOffPeak is the built-in off-peak window, an assumption: Microsoft
// does not publish the window (simulator-facts.md §2.1).
func DefaultOffPeak() simulator.Window {
	return simulator.Window{Start: DefaultOffPeakStart, End: DefaultOffPeakEnd}
}

// Load parses a fleet file (YAML or JSON, detected by content; JSON is
// YAML), validates it against schemas/fleet.schema.json, applies defaults
// and returns the fleet. name is used in errors. On failure the error is an
// Errors holding every problem found, sorted by line.
//
// A file of the usual shapes is read by kind of VM first (kinds.go), which
// reads a large fleet in a fraction of the time; anything else, and any
// file with a problem, is read whole.
func Load(name string, data []byte) (simulator.Fleet, error) {
	if f, ok := loadByKind(name, data); ok {
		return f, nil
	}
	return loadDocument(name, data)
}

// loadDocument is Load reading the whole file as one document, the way
// that explains every problem at its place.
func loadDocument(name string, data []byte) (simulator.Fleet, error) {
	doc, errs := parse(name, data, false)
	if len(errs) > 0 {
		return simulator.Fleet{}, errs
	}
	v, err := compiled()
	if err != nil {
		return simulator.Fleet{}, Errors{{File: name, Line: 1, Column: 1, Message: "internal error: " + err.Error()}}
	}
	errs = append(v.validate(doc), check(doc)...)
	if len(errs) > 0 && !doc.placed() {
		// Read it again with positions, to say where each problem is.
		if doc, errs = parse(name, data, true); len(errs) > 0 {
			return simulator.Fleet{}, errs
		}
		errs = append(v.validate(doc), check(doc)...)
	}
	if len(errs) > 0 {
		return simulator.Fleet{}, sortErrors(errs)
	}
	f, err := build(doc)
	if err != nil {
		return simulator.Fleet{}, Errors{{File: name, Line: 1, Column: 1, Message: "internal error: " + err.Error()}}
	}
	return f, nil
}

// file mirrors a schema-valid fleet file; pointers tell a value given from
// one left out.
type file struct {
	Release struct {
		Month string `json:"month"`
		Date  string `json:"date"`
	} `json:"release"`
	Settings struct {
		AssessmentIntervalHours *float64 `json:"assessmentIntervalHours"`
		EnablementMinutes       *int     `json:"enablementMinutes"`
		HealthThreshold         *float64 `json:"healthThreshold"`
		PhaseBakeHours          *float64 `json:"phaseBakeHours"`
		PhaseHours              *float64 `json:"phaseHours"`
		HaltHours               *float64 `json:"haltHours"`
		BatchShare              *float64 `json:"batchShare"`
		DeadlineDays            *int     `json:"deadlineDays"`
	} `json:"settings"`
	Defaults fileVM                     `json:"defaults"`
	VMs      []fileVM                   `json:"vms"`
	Regions  []simulator.DeclaredRegion `json:"regions"`
	Phases   [][]string                 `json:"phases"`
}

type fileVM struct {
	Name                   *string                  `json:"name"`
	Subscription           *string                  `json:"subscription"`
	Region                 *string                  `json:"region"`
	Zone                   *zoneText                `json:"zone"`
	AvailabilitySet        *string                  `json:"availabilitySet"`
	UpdateDomain           *int                     `json:"updateDomain"`
	OS                     *string                  `json:"os"`
	Image                  *simulator.Image         `json:"image"`
	CustomImage            *bool                    `json:"customImage"`
	PatchMode              *string                  `json:"patchMode"`
	EnableAutomaticUpdates *bool                    `json:"enableAutomaticUpdates"`
	AgentVersion           *string                  `json:"agentVersion"`
	TimeZone               *string                  `json:"timeZone"`
	OffPeak                *simulator.Window        `json:"offPeak"`
	PowerSchedule          *[]simulator.PowerWindow `json:"powerSchedule"`
	PowerOff               *[]simulator.Outage      `json:"powerOff"`
	InstallMinutes         *int                     `json:"installMinutes"`
	FailureProbability     *float64                 `json:"failureProbability"`
	UnhealthyProbability   *float64                 `json:"unhealthyProbability"`
	Enablement             *string                  `json:"enablement"`
}

// build turns a valid document into the fleet, applying defaults.
func build(doc *document) (simulator.Fleet, error) {
	// A JSON file decodes straight into the typed form (with encoding/json/v2's
	// implementation, twice as fast on large files). Where that fails
	// (an integer written 1.0, say, which the document holds as 1), the
	// document is written out as JSON and decoded instead: slower, but it
	// reads what the schema accepted.
	var in file
	if doc.json == nil || jsonv2.Unmarshal(doc.json, &in, jsonv2.RejectUnknownMembers(true)) != nil {
		raw, err := json.Marshal(doc.root)
		if err != nil {
			return simulator.Fleet{}, err
		}
		in = file{}
		if err := decodeStrict(raw, &in); err != nil {
			return simulator.Fleet{}, err
		}
	}

	var out simulator.Fleet
	out.Release.Month = in.Release.Month
	if in.Release.Date != "" {
		t, err := time.Parse(time.RFC3339, in.Release.Date)
		if err != nil {
			return simulator.Fleet{}, err
		}
		out.Release.Date = t.UTC()
	} else {
		m, err := time.Parse("2006-01", in.Release.Month)
		if err != nil {
			return simulator.Fleet{}, err
		}
		out.Release.Date = SecondTuesday(m.Year(), m.Month())
	}

	out.Settings = DefaultSettings()
	s := in.Settings
	setOr(&out.Settings.AssessmentIntervalHours, s.AssessmentIntervalHours)
	setOr(&out.Settings.EnablementMinutes, s.EnablementMinutes)
	setOr(&out.Settings.HealthThreshold, s.HealthThreshold)
	setOr(&out.Settings.PhaseBakeHours, s.PhaseBakeHours)
	setOr(&out.Settings.PhaseHours, s.PhaseHours)
	out.Settings.HaltHours = s.HaltHours // nil when absent: halted for the month
	setOr(&out.Settings.BatchShare, s.BatchShare)
	setOr(&out.Settings.DeadlineDays, s.DeadlineDays)

	if len(in.Phases) > 0 {
		out.Phases = in.Phases
	}
	if len(in.Regions) > 0 {
		out.Regions = in.Regions
	}
	out.DefaultOffPeak = pick(nil, in.Defaults.OffPeak, DefaultOffPeak())
	out.VMs = make([]simulator.VM, 0, len(in.VMs))
	for _, v := range in.VMs {
		vm, err := resolveVM(v, in.Defaults)
		if err != nil {
			return simulator.Fleet{}, err
		}
		out.VMs = append(out.VMs, vm)
	}
	return out, nil
}

// resolveVM applies, field by field, the VM's value, else the defaults
// block's, else the built-in default.
func resolveVM(v, d fileVM) (simulator.VM, error) {
	vm := simulator.VM{
		Name:                   deref(v.Name, ""),
		Subscription:           pick(v.Subscription, d.Subscription, ""),
		Region:                 pick(v.Region, d.Region, ""),
		Zone:                   string(pick(v.Zone, d.Zone, "")),
		AvailabilitySet:        pick(v.AvailabilitySet, d.AvailabilitySet, ""),
		UpdateDomain:           pick(v.UpdateDomain, d.UpdateDomain, DefaultUpdateDomain),
		OS:                     pick(v.OS, d.OS, ""),
		Image:                  pick(v.Image, d.Image, simulator.Image{}),
		CustomImage:            pick(v.CustomImage, d.CustomImage, false),
		EnableAutomaticUpdates: pick(v.EnableAutomaticUpdates, d.EnableAutomaticUpdates, DefaultEnableAutomaticUpdates),
		AgentVersion:           pick(v.AgentVersion, d.AgentVersion, ""),
		OffPeak:                pick(v.OffPeak, d.OffPeak, DefaultOffPeak()),
		PowerSchedule:          pick(v.PowerSchedule, d.PowerSchedule, nil),
		PowerOff:               pick(v.PowerOff, d.PowerOff, nil),
		InstallMinutes:         pick(v.InstallMinutes, d.InstallMinutes, DefaultInstallMinutes),
		FailureProbability:     pick(v.FailureProbability, d.FailureProbability, DefaultFailureProbability),
		UnhealthyProbability:   pick(v.UnhealthyProbability, d.UnhealthyProbability, DefaultUnhealthyProbability),
		Enablement:             pick(v.Enablement, d.Enablement, DefaultEnablement),
	}
	defaultMode := DefaultLinuxPatchMode
	if vm.OS == "windows" {
		defaultMode = DefaultWindowsPatchMode
	}
	vm.PatchMode = pick(v.PatchMode, d.PatchMode, defaultMode)
	tz, err := IANAZone(pick(v.TimeZone, d.TimeZone, DefaultTimeZone))
	if err != nil {
		return simulator.VM{}, err
	}
	vm.TimeZone = tz
	if len(vm.PowerSchedule) == 0 {
		vm.PowerSchedule = nil
	}
	if len(vm.PowerOff) == 0 {
		vm.PowerOff = nil
	}
	return vm, nil
}

func pick[T any](own, def *T, builtin T) T {
	if own != nil {
		return *own
	}
	if def != nil {
		return *def
	}
	return builtin
}

func deref[T any](p *T, zero T) T {
	if p != nil {
		return *p
	}
	return zero
}

func setOr[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// zoneText is a zone as the file gives it, a string or a number: 1 and "1"
// are the same zone.
type zoneText string

func (z *zoneText) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		err := json.Unmarshal(b, &s)
		*z = zoneText(s)
		return err
	}
	n, ok := yamlNumberValue(json.Number(b))
	if !ok {
		return fmt.Errorf("zone %s: want a number or a string", b)
	}
	*z = zoneText(n.(json.Number))
	return nil
}

// decodeStrict decodes JSON into v, refusing members v has no field for.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
