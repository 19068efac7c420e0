// Package model is the Go form of the data that crosses the simulator
// contract (proto/simulator.proto): the request a simulator takes, with its
// fleet and the profile's facts, and the forecast it gives back. Package
// simulator re-exports every type here under the same name, so a Go plugin
// imports simulator alone; the fields are documented here. It imports
// nothing of patchcheck, so the transport (simulator/internal/rpc) can map
// it to the messages without importing simulator.
package model

import (
	"strings"
	"time"
)

// ForecastSink takes a forecast's plan and VM results in parts, each in
// order. An error means the forecast can no longer be delivered; the
// simulator should stop and return it.
type ForecastSink interface {
	Plan(steps []Step) error
	VMs(results []VMResult) error
}

// Description identifies a simulator.
type Description struct {
	Name            string `json:"name"`
	Version         string `json:"version"`
	ProtocolVersion int    `json:"protocolVersion"`
}

// Request is everything a simulation may depend on.
type Request struct {
	Fleet  Fleet `json:"fleet"`
	Seed   int64 `json:"seed"`
	Trials int   `json:"trials"` // ≥ 1; trial 0 is the reported single run, all trials feed the percentile bands
	// Knowledge the host supplies, so every simulator judges eligibility the
	// same way: the profile's supported images (lower-case
	// "publisher:offer:sku" keys, plus sku patterns) and the region-pair
	// conflict graph.
	Profile         string              `json:"profile"`
	SupportedImages []string            `json:"supportedImages"`
	ImagePatterns   []ImagePattern      `json:"imagePatterns,omitempty"`
	RegionPairs     map[string][]string `json:"regionPairs"` // region -> regions it must never share a phase or time with (symmetric)
	// WindowsNeedsAutoUpdates is the profile's rule for Windows
	// AutomaticByPlatform: true when enableAutomaticUpdates must be true.
	WindowsNeedsAutoUpdates bool `json:"windowsNeedsAutoUpdates"`
	// AvailabilitySetCap is the profile's rule for availability sets: true
	// (the 2024 doc) when at most 20% of a set's VMs, and one at a time in
	// a set of fewer than 10, may install at once inside an update domain.
	// The 2021 doc has only "one update domain at a time".
	AvailabilitySetCap bool `json:"availabilitySetCap"`
	// MinLinuxAgent is the profile's oldest Linux VM agent version that
	// supports platform orchestration (D16), dotted numbers: a Linux VM
	// whose AgentVersion is older, compared part by part (missing parts
	// are 0), or does not parse is not eligible; an empty AgentVersion
	// says nothing and passes.
	MinLinuxAgent string `json:"minLinuxAgent"`
	// DefaultPatchModes are the profile's facts on what Azure runs a VM
	// with when it sets no patch mode: a VM whose PatchMode is empty has
	// the mode DefaultPatchModes.For gives.
	DefaultPatchModes DefaultPatchModes `json:"defaultPatchModes"`
	// DefaultPhases is Azure's rollout plan as the host knows it (every
	// public region, canary first, paired regions never together), used
	// when the fleet gives no explicit plan. A VM follows its region's phase;
	// the plan does not depend on the fleet.
	DefaultPhases [][]string `json:"defaultPhases,omitempty"`
}

// DefaultPatchModes are Azure's patch modes for a VM that sets none (D14).
type DefaultPatchModes struct {
	Windows string `json:"windows"` // e.g. AutomaticByOS
	Linux   string `json:"linux"`   // e.g. ImageDefault
	// WindowsAutomaticUpdatesOff is the mode of a Windows VM whose
	// EnableAutomaticUpdates is false (Manual): Azure leaves it unpatched
	// by the OS.
	WindowsAutomaticUpdatesOff string `json:"windowsAutomaticUpdatesOff"`
}

// For is vm's patch mode: its own, else the default for its OS ("windows"
// or "linux", any case) and its EnableAutomaticUpdates; "" for a VM of
// another OS that sets none.
func (d DefaultPatchModes) For(vm *VM) string {
	switch {
	case vm.PatchMode != "":
		return vm.PatchMode
	case strings.EqualFold(vm.OS, "windows") && !vm.EnableAutomaticUpdates:
		return d.WindowsAutomaticUpdatesOff
	case strings.EqualFold(vm.OS, "windows"):
		return d.Windows
	case strings.EqualFold(vm.OS, "linux"):
		return d.Linux
	}
	return ""
}

// ImagePattern matches a family of SKUs (e.g. RHEL 7.x) by regular expression.
type ImagePattern struct {
	Publisher string `json:"publisher"`
	Offer     string `json:"offer"`
	SkuRegex  string `json:"skuRegex"`
}

// Fleet is a validated fleet file with every default applied but Azure's
// patch mode (see VM) (SPEC §4.1).
type Fleet struct {
	Release  Release    `json:"release"`
	Settings Settings   `json:"settings"`
	Phases   [][]string `json:"phases,omitempty"` // explicit plan; empty = the request's DefaultPhases
	// DefaultOffPeak is the off-peak window VMs get when they do not set
	// one (the file's defaults, else the built-in), echoed in reports.
	DefaultOffPeak Window `json:"defaultOffPeak"`
	// Regions are the regions the fleet file declares under regions:
	// because the host's region table lacks them. The host adds their
	// pairs to Request.RegionPairs and places them in DefaultPhases; a
	// simulator needs nothing else of them.
	Regions []DeclaredRegion `json:"regions,omitempty"`
	VMs     []VM             `json:"vms"`
}

// DeclaredRegion is a region a fleet declares (SPEC §4.1 regions:).
type DeclaredRegion struct {
	Name                 string `json:"name"`
	PairedRegion         string `json:"pairedRegion,omitempty"` // "" when unpaired
	HasAvailabilityZones bool   `json:"hasAvailabilityZones"`
}

// Release is the monthly patch release being rolled out.
type Release struct {
	Month string    `json:"month"` // YYYY-MM
	Date  time.Time `json:"date"`  // resolved release instant (default: second Tuesday 10:00 America/Los_Angeles)
}

// Settings are the model's assumptions, each documented and overridable.
type Settings struct {
	AssessmentIntervalHours float64 `json:"assessmentIntervalHours"` // periodic assessment cadence (default 72)
	EnablementMinutes       int     `json:"enablementMinutes"`       // first-time enablement work (default 200: "more than 3 hours")
	HealthThreshold         float64 `json:"healthThreshold"`         // a phase halts when its unhealthy share exceeds this (default 0.2)
	PhaseBakeHours          float64 `json:"phaseBakeHours"`          // wait after a phase succeeds before the next starts (default 24)
	PhaseHours              float64 `json:"phaseHours"`              // how long each phase's orchestrated turns last (default 48: two off-peak nights everywhere)
	// HaltHours, when set, resumes a halted rollout that many hours after
	// the halted phase ends; nil keeps it halted for the rest of the month.
	HaltHours    *float64 `json:"haltHours,omitempty"`
	BatchShare   float64  `json:"batchShare"`   // share of a subscription's VMs (outside sets) per batch (default 0.2)
	DeadlineDays int      `json:"deadlineDays"` // compliance deadline after release (default 30)
}

// Window is a daily local time window; End before Start crosses midnight.
type Window struct {
	Start string `json:"start"` // HH:MM
	End   string `json:"end"`   // HH:MM
}

// PowerWindow says when a VM is on, on some weekdays, in its time zone.
type PowerWindow struct {
	Days  []string `json:"days"` // Mon..Sun
	Start string   `json:"start"`
	End   string   `json:"end"`
}

// Outage is a dated period (inclusive dates, VM's time zone) when the VM is off.
type Outage struct {
	From string `json:"from"` // YYYY-MM-DD
	To   string `json:"to"`
}

// Image is a marketplace image reference.
type Image struct {
	Publisher string `json:"publisher"`
	Offer     string `json:"offer"`
	Sku       string `json:"sku"`
}

// VM is one machine of the fleet with defaults applied, except Azure's
// patch mode: a VM that sets none (nor the file's defaults) keeps an empty
// PatchMode, and the request's DefaultPatchModes says which mode Azure runs
// it with.
type VM struct {
	Name                   string        `json:"name"`
	Subscription           string        `json:"subscription"`
	Region                 string        `json:"region"`
	Zone                   string        `json:"zone,omitempty"`
	AvailabilitySet        string        `json:"availabilitySet,omitempty"`
	UpdateDomain           int           `json:"updateDomain"`
	OS                     string        `json:"os"` // windows | linux
	Image                  Image         `json:"image"`
	CustomImage            bool          `json:"customImage,omitempty"`
	PatchMode              string        `json:"patchMode"` // "": none set, Request.DefaultPatchModes applies
	EnableAutomaticUpdates bool          `json:"enableAutomaticUpdates"`
	AgentVersion           string        `json:"agentVersion,omitempty"`
	TimeZone               string        `json:"timeZone"` // IANA name (Windows IDs are converted when the fleet is loaded)
	OffPeak                Window        `json:"offPeak"`
	PowerSchedule          []PowerWindow `json:"powerSchedule,omitempty"` // empty = always on
	PowerOff               []Outage      `json:"powerOff,omitempty"`
	InstallMinutes         int           `json:"installMinutes"`     // work an install needs; carries over to the next window
	FailureProbability     float64       `json:"failureProbability"` // an install attempt fails; retried in the next window
	// UnhealthyProbability is the chance that the VM reports unhealthy after
	// a successful install; only this feeds the phase health gate.
	UnhealthyProbability float64 `json:"unhealthyProbability"`
	// Enablement is EnablementDone (the feature was enabled in an earlier
	// month) or EnablementPending (enablement, settings.enablementMinutes of
	// off-peak on-time, comes first).
	Enablement string `json:"enablement"`
}

// Enablement states of a VM.
const (
	EnablementDone    = "done"
	EnablementPending = "pending"
)

// Forecast is the simulator's answer (SPEC §4.2 plus the plan and summaries).
type Forecast struct {
	Simulator Description     `json:"simulator"`
	Release   time.Time       `json:"release"`
	Deadline  time.Time       `json:"deadline"`
	Seed      int64           `json:"seed"`
	Trials    int             `json:"trials"`
	Phases    []Phase         `json:"phases"`
	Plan      []Step          `json:"plan"`
	VMs       []VMResult      `json:"vms"`
	Curve     []CurvePoint    `json:"curve"`
	Regions   []RegionSummary `json:"regions"`
	// Assumptions echoes what the forecast assumed (profile, settings,
	// default off-peak window, which plan), for reports.
	Assumptions *Assumptions `json:"assumptions,omitempty"`
}

// Assumptions are the inputs of a forecast that are not facts of Azure.
type Assumptions struct {
	Profile        string   `json:"profile"`
	Plan           string   `json:"plan"` // PlanAzureDefault or PlanExplicit
	DefaultOffPeak Window   `json:"defaultOffPeak"`
	Settings       Settings `json:"settings"`
}

// Plans a forecast can follow.
const (
	PlanAzureDefault = "azure-default"
	PlanExplicit     = "explicit"
)

// Phase statuses.
const (
	PhaseSucceeded  = "succeeded"
	PhaseHalted     = "halted"
	PhaseNotStarted = "not-started"
)

// Phase is one step of the cross-region rollout.
type Phase struct {
	Index     int        `json:"index"`
	Regions   []string   `json:"regions"`
	Start     *time.Time `json:"start"`
	End       *time.Time `json:"end"`
	Status    string     `json:"status"`
	VMs       int        `json:"vms"`
	Patched   int        `json:"patched"`
	Unhealthy int        `json:"unhealthy"`
}

// Step is one unit of the plan: a group of VMs updated together (a zone, an
// update domain slice of an availability set, or a subscription batch).
type Step struct {
	Phase  int       `json:"phase"`
	Region string    `json:"region"`
	Group  string    `json:"group"` // e.g. "zone 1", "availability set web-as, UD 0, slice 1", "subscription contoso, batch 2"
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	VMs    []string  `json:"vms"`
}

// VMResult is one VM's forecast.
type VMResult struct {
	Name            string     `json:"name"`
	Region          string     `json:"region"`
	Zone            string     `json:"zone"`
	AvailabilitySet string     `json:"availabilitySet"`
	UpdateDomain    int        `json:"updateDomain"`
	Phase           int        `json:"phase"` // -1 when not platform-orchestrated
	Eligible        bool       `json:"eligible"`
	AssessedAt      *time.Time `json:"assessedAt"`
	InstallStart    *time.Time `json:"installStart"`   // first minute of the successful install
	InstallEnd      *time.Time `json:"installEnd"`     // last minute of it (it may span several windows)
	InstallWindows  int        `json:"installWindows"` // off-peak windows the successful install used; 0 when none
	// CatchUp is true when the VM missed its turn in the rollout (powered
	// off, enablement unfinished, its phase's hours over, or a failed
	// attempt) and was patched on its own at its next chance (D3, D5),
	// outside the availability-first order.
	CatchUp          bool     `json:"catchUp,omitempty"`
	LocalInstall     string   `json:"localInstall,omitempty"` // install start in the VM's time zone, RFC 3339
	Attempts         int      `json:"attempts"`
	DaysAfterRelease *float64 `json:"daysAfterRelease"`
	Compliant        bool     `json:"compliant"`
	Reason           string   `json:"reason,omitempty"`
}

// CurvePoint is the share of the fleet patched by a day after release.
type CurvePoint struct {
	Day       int     `json:"day"`
	Compliant float64 `json:"compliant"`
	P10       float64 `json:"p10"`
	P50       float64 `json:"p50"`
	P90       float64 `json:"p90"`
}

// RegionSummary counts one region's outcome.
type RegionSummary struct {
	Region    string `json:"region"`
	Phase     int    `json:"phase"`
	VMs       int    `json:"vms"`
	Eligible  int    `json:"eligible"`
	Compliant int    `json:"compliant"`
}
