// Package fleet loads and validates fleet files into simulator.Fleet.
//
// A fleet file (SPEC §4.1) is JSON or YAML. Load reads it against the
// embedded schemas/fleet.schema.json, runs the checks a schema cannot
// express, and reports every problem at once with its line, column and
// field. A valid file becomes a simulator.Fleet with every default
// applied: a VM's own value, else the file's defaults block, else the
// built-in default.
package fleet

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/policies"
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
	DefaultUpdateDomain            = 0
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

// Load parses a fleet file (JSON or YAML, detected by content), validates
// it, applies defaults and returns the fleet. A setting that neither a VM
// nor the defaults block gives takes the built-in default above, or, for a
// fact of Azure (enableAutomaticUpdates), azure: the knowledge profile's
// (policies.Profile.DefaultSettings). name is used in errors. On
// failure the error is an Errors holding every problem found, sorted by
// line.
//
// There is one reader (read.go): a JSON file is streamed VM by VM into the
// typed form below, and a YAML file is parsed (yaml.go) and handed to the
// same reader as JSON, its positions taken from the YAML parser.
func Load(name string, data []byte, azure policies.SettingDefaults) (simulator.Fleet, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if looksLikeJSON(data) {
		f, errs, notJSON := read(jsonDocument(name, data), data, azure)
		if notJSON && len(data) <= maxYAMLRetry {
			// Flow-style YAML starts with { or [ too. A large file is
			// not parsed twice.
			if doc, text, yerrs := parseYAML(name, data, maxAliasedNodes); len(yerrs) == 0 {
				return result(read(doc, text, azure))
			}
		}
		return result(f, errs, notJSON)
	}
	doc, text, errs := parseYAML(name, data, maxAliasedNodes)
	if len(errs) > 0 {
		return simulator.Fleet{}, errs
	}
	return result(read(doc, text, azure))
}

// result is what read found, as Load returns it.
func result(f simulator.Fleet, errs Errors, _ bool) (simulator.Fleet, error) {
	if len(errs) > 0 {
		return simulator.Fleet{}, errs
	}
	return f, nil
}

// maxYAMLRetry is the largest file starting with { or [ that is read as
// YAML when it is not valid JSON.
const maxYAMLRetry = 1 << 20

// The typed form of a fleet file: what the reader decodes each part into.
// A string left out is "" (an empty string is never a valid value, and the
// reader leaves a VM that writes one to the schema); number and flag tell
// a value given from one left out. Whole numbers are read as float64, so
// that 2.0 is 2, as in the schema.
type fileRelease struct {
	Month string `json:"month"`
	Date  string `json:"date"`
}

type fileSettings struct {
	AssessmentIntervalHours number `json:"assessmentIntervalHours"`
	EnablementMinutes       number `json:"enablementMinutes"`
	HealthThreshold         number `json:"healthThreshold"`
	PhaseBakeHours          number `json:"phaseBakeHours"`
	PhaseHours              number `json:"phaseHours"`
	HaltHours               number `json:"haltHours"`
	BatchShare              number `json:"batchShare"`
	DeadlineDays            number `json:"deadlineDays"`
}

type fileVM struct {
	Name                   string             `json:"name"`
	Subscription           string             `json:"subscription"`
	Region                 string             `json:"region"`
	Zone                   zoneText           `json:"zone"`
	AvailabilitySet        string             `json:"availabilitySet"`
	UpdateDomain           number             `json:"updateDomain"`
	OS                     string             `json:"os"`
	Image                  object[fileImage]  `json:"image"`
	CustomImage            flag               `json:"customImage"`
	PatchMode              string             `json:"patchMode"`
	EnableAutomaticUpdates flag               `json:"enableAutomaticUpdates"`
	AgentVersion           string             `json:"agentVersion"`
	TimeZone               string             `json:"timeZone"`
	OffPeak                object[fileWindow] `json:"offPeak"`
	PowerSchedule          []filePowerWindow  `json:"powerSchedule"` // nil when left out
	PowerOff               []fileOutage       `json:"powerOff"`      // nil when left out
	InstallMinutes         number             `json:"installMinutes"`
	FailureProbability     number             `json:"failureProbability"`
	UnhealthyProbability   number             `json:"unhealthyProbability"`
	Enablement             string             `json:"enablement"`
}

type fileImage struct {
	Publisher string `json:"publisher"`
	Offer     string `json:"offer"`
	Sku       string `json:"sku"`
}

type fileWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type filePowerWindow struct {
	Days  []string `json:"days"`
	Start string   `json:"start"`
	End   string   `json:"end"`
}

type fileOutage struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type fileRegion struct {
	Name                 string `json:"name"`
	PairedRegion         string `json:"pairedRegion"`
	HasAvailabilityZones bool   `json:"hasAvailabilityZones"`
}

// fileTop is everything in a fleet file but its VMs.
type fileTop struct {
	Release  fileRelease  `json:"release"`
	Settings fileSettings `json:"settings"`
	Defaults *fileVM      `json:"defaults"`
	Regions  []fileRegion `json:"regions"`
	Phases   [][]string   `json:"phases"`
}

// number is a JSON number the file gives, or not.
type number struct {
	v   float64
	set bool
}

func (n *number) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '0' {
		return fmt.Errorf("want a number, found %s", tok.Kind())
	}
	f, err := tok.Float()
	if err != nil {
		return err
	}
	*n = number{f, true}
	return nil
}

// or is the number, else def's, else builtin.
func (n number) or(def number, builtin float64) float64 {
	switch {
	case n.set:
		return n.v
	case def.set:
		return def.v
	}
	return builtin
}

// object is a JSON object the file gives, or not.
type object[T any] struct {
	v   T
	set bool
}

func (o *object[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return fmt.Errorf("want an object, found %s", dec.PeekKind())
	}
	o.set = true
	return jsonv2.UnmarshalDecode(dec, &o.v)
}

// or is the object, else def's; ok is false when neither is given.
func (o object[T]) or(def object[T]) (v T, ok bool) {
	switch {
	case o.set:
		return o.v, true
	case def.set:
		return def.v, true
	}
	return v, false
}

// flag is a JSON true or false the file gives, or not.
type flag struct {
	v, set bool
}

func (f *flag) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if k := tok.Kind(); k != 't' && k != 'f' {
		return fmt.Errorf("want true or false, found %s", k)
	}
	*f = flag{tok.Bool(), true}
	return nil
}

// or is the flag, else def's, else builtin.
func (f flag) or(def flag, builtin bool) bool {
	switch {
	case f.set:
		return f.v
	case def.set:
		return def.v
	}
	return builtin
}

// zoneText is a zone as the file gives it, a string or a number: 1 and "1"
// are the same zone.
type zoneText string

// UnmarshalJSONFrom reads a string as it is and a number as its shortest
// form (1.0 is 1), as the schema compares numbers by value.
func (z *zoneText) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '"':
		*z = zoneText(tok.String())
	case '0':
		*z = zoneText(tok.String())
		if f, err := tok.Float(); err == nil {
			*z = zoneText(strconv.FormatFloat(f, 'g', -1, 64))
		}
	default:
		return fmt.Errorf("want a number or a string, found %s", tok.Kind())
	}
	return nil
}

// build turns the top-level part of a valid file into a fleet without
// VMs, applying defaults.
func build(top *fileTop) (simulator.Fleet, error) {
	var out simulator.Fleet
	out.Release.Month = top.Release.Month
	if top.Release.Date != "" {
		t, err := time.Parse(time.RFC3339, top.Release.Date)
		if err != nil {
			return simulator.Fleet{}, err
		}
		out.Release.Date = t.UTC()
	} else {
		m, err := time.Parse("2006-01", out.Release.Month)
		if err != nil {
			return simulator.Fleet{}, err
		}
		out.Release.Date = SecondTuesday(m.Year(), m.Month())
	}

	d := DefaultSettings()
	s := top.Settings
	out.Settings = simulator.Settings{
		AssessmentIntervalHours: s.AssessmentIntervalHours.or(number{}, d.AssessmentIntervalHours),
		EnablementMinutes:       int(s.EnablementMinutes.or(number{}, float64(d.EnablementMinutes))),
		HealthThreshold:         s.HealthThreshold.or(number{}, d.HealthThreshold),
		PhaseBakeHours:          s.PhaseBakeHours.or(number{}, d.PhaseBakeHours),
		PhaseHours:              s.PhaseHours.or(number{}, d.PhaseHours),
		BatchShare:              s.BatchShare.or(number{}, d.BatchShare),
		DeadlineDays:            int(s.DeadlineDays.or(number{}, float64(d.DeadlineDays))),
	}
	if s.HaltHours.set { // else halted for the month
		out.Settings.HaltHours = &s.HaltHours.v
	}

	if len(top.Phases) > 0 {
		out.Phases = top.Phases
	}
	for _, r := range top.Regions {
		out.Regions = append(out.Regions, simulator.DeclaredRegion{Name: r.Name, PairedRegion: r.PairedRegion, HasAvailabilityZones: r.HasAvailabilityZones})
	}
	var defaultOffPeak object[fileWindow]
	if top.Defaults != nil {
		defaultOffPeak = top.Defaults.OffPeak
	}
	out.DefaultOffPeak = window(defaultOffPeak, object[fileWindow]{})
	return out, nil
}

// resolveVM applies, field by field, the VM's value, else the defaults
// block's (d, nil without one), else the built-in default; zone is the
// time zone so resolved, as an IANA name.
func resolveVM(vm *simulator.VM, v, d *fileVM, zone string, azure policies.SettingDefaults) {
	if d == nil {
		d = &fileVM{}
	}
	*vm = simulator.VM{
		Name:                   v.Name,
		Subscription:           cmp.Or(v.Subscription, d.Subscription),
		Region:                 cmp.Or(v.Region, d.Region),
		Zone:                   string(cmp.Or(v.Zone, d.Zone)),
		AvailabilitySet:        cmp.Or(v.AvailabilitySet, d.AvailabilitySet),
		UpdateDomain:           int(v.UpdateDomain.or(d.UpdateDomain, DefaultUpdateDomain)),
		OS:                     cmp.Or(v.OS, d.OS),
		CustomImage:            v.CustomImage.or(d.CustomImage, false),
		EnableAutomaticUpdates: v.EnableAutomaticUpdates.or(d.EnableAutomaticUpdates, azure.EnableAutomaticUpdates),
		AgentVersion:           cmp.Or(v.AgentVersion, d.AgentVersion),
		OffPeak:                window(v.OffPeak, d.OffPeak),
		InstallMinutes:         int(v.InstallMinutes.or(d.InstallMinutes, DefaultInstallMinutes)),
		FailureProbability:     v.FailureProbability.or(d.FailureProbability, DefaultFailureProbability),
		UnhealthyProbability:   v.UnhealthyProbability.or(d.UnhealthyProbability, DefaultUnhealthyProbability),
		Enablement:             cmp.Or(v.Enablement, d.Enablement, DefaultEnablement),
	}
	if img, ok := v.Image.or(d.Image); ok {
		vm.Image = simulator.Image{Publisher: img.Publisher, Offer: img.Offer, Sku: img.Sku}
	}
	schedule := v.PowerSchedule
	if schedule == nil {
		schedule = d.PowerSchedule
	}
	for _, w := range schedule {
		vm.PowerSchedule = append(vm.PowerSchedule, simulator.PowerWindow{Days: slices.Clone(w.Days), Start: w.Start, End: w.End})
	}
	outages := v.PowerOff
	if outages == nil {
		outages = d.PowerOff
	}
	for _, o := range outages {
		vm.PowerOff = append(vm.PowerOff, simulator.Outage{From: o.From, To: o.To})
	}
	// A mode neither the VM nor the defaults give stays empty: Azure's
	// default is a fact of the knowledge profile, which the request carries
	// (simulator.Request.DefaultPatchModes).
	vm.PatchMode = cmp.Or(v.PatchMode, d.PatchMode)
	vm.TimeZone = zone
}

// window is the VM's off-peak window, else the defaults', else the
// built-in one.
func window(own, def object[fileWindow]) simulator.Window {
	if w, ok := own.or(def); ok {
		return simulator.Window{Start: w.Start, End: w.End}
	}
	return DefaultOffPeak()
}
