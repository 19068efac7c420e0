package simulatortest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// Fixture is a hand-written request with expectations beyond the invariants.
type Fixture struct {
	Name        string
	Description string
	Request     simulator.Request
	// Check asserts the fixture's own expectations; CheckInvariants has
	// already run on f.
	Check func(t *testing.T, req simulator.Request, f *simulator.Forecast)
}

// RegionPairList is the region-pair conflict graph the fixtures and
// RandomFleet use, one pair per entry.
var RegionPairList = [][2]string{
	{"eastus", "westus"},
	{"eastus2", "centralus"},
	{"northeurope", "westeurope"},
	{"southeastasia", "eastasia"},
	{"westus2", "westcentralus"},
	{"japaneast", "japanwest"},
	{"centralindia", "southindia"},
	{"australiaeast", "australiasoutheast"},
	{"germanywestcentral", "germanynorth"},
}

// RegionPairs returns RegionPairList as the symmetric map Request.RegionPairs wants.
func RegionPairs() map[string][]string {
	m := map[string][]string{}
	for _, p := range RegionPairList {
		m[p[0]] = append(m[p[0]], p[1])
		m[p[1]] = append(m[p[1]], p[0])
	}
	return m
}

// SupportedImages is the profile knowledge the fixtures and RandomFleet use.
var SupportedImages = []string{
	"canonical:ubuntuserver:18.04-lts",
	"canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2",
	"microsoftwindowsserver:windowsserver:2019-datacenter",
	"microsoftwindowsserver:windowsserver:2022-datacenter-azure-edition",
	"redhat:rhel:7.8",
}

// ImagePatterns is the SKU-pattern knowledge the fixtures and RandomFleet use.
var ImagePatterns = []simulator.ImagePattern{
	{Publisher: "RedHat", Offer: "RHEL", SkuRegex: `^8\.\d+$`},
}

// FixtureMinLinuxAgent is the minimum Linux agent the fixtures',
// RandomFleet's and LargeFleet's requests carry: the value of patchcheck's
// profiles when written (a test of this package keeps them equal), but
// test data like SupportedImages. The oracle judges by whatever a request
// carries, and the profile-facts fixture sends another value.
const FixtureMinLinuxAgent = "2.2.53.1"

// FixturePatchModes are the default patch modes those requests carry, as
// FixtureMinLinuxAgent: Azure's, which the profile-facts fixture replaces.
func FixturePatchModes() simulator.DefaultPatchModes {
	return simulator.DefaultPatchModes{Windows: "AutomaticByOS", Linux: "ImageDefault", WindowsAutomaticUpdatesOff: "Manual"}
}

// DefaultSettings are the fleet defaults (SPEC §4.1).
func DefaultSettings() simulator.Settings {
	return simulator.Settings{
		AssessmentIntervalHours: 72,
		EnablementMinutes:       200,
		HealthThreshold:         0.2,
		PhaseBakeHours:          24,
		PhaseHours:              48,
		BatchShare:              0.2,
		DeadlineDays:            30,
	}
}

// decemberRelease is the second Tuesday of December 2026, 10:00 in Redmond.
var decemberRelease = simulator.Release{Month: "2026-12", Date: time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)}

func request(fl simulator.Fleet) simulator.Request {
	return simulator.Request{
		Fleet:                   fl,
		Seed:                    1,
		Trials:                  1,
		Profile:                 "current",
		SupportedImages:         append([]string(nil), SupportedImages...),
		ImagePatterns:           append([]simulator.ImagePattern(nil), ImagePatterns...),
		RegionPairs:             RegionPairs(),
		WindowsNeedsAutoUpdates: true,
		AvailabilitySetCap:      true,
		DefaultPhases:           DefaultPhases(),
		MinLinuxAgent:           FixtureMinLinuxAgent,
		DefaultPatchModes:       FixturePatchModes(),
	}
}

// DefaultPhases is the Azure-wide plan the fixtures and RandomFleet use: a
// pilot, then two waves, every region of RegionPairList and randomRegions
// in one phase, paired regions apart.
func DefaultPhases() [][]string {
	return [][]string{
		{"westcentralus"},
		{"australiaeast", "centralindia", "eastus2", "germanywestcentral", "japaneast", "northeurope", "qatarcentral", "southeastasia"},
		{"australiasoutheast", "centralus", "eastasia", "eastus", "germanynorth", "japanwest", "polandcentral", "southindia", "westeurope", "westus2"},
		{"westus"},
	}
}

var (
	ubuntu  = simulator.Image{Publisher: "Canonical", Offer: "UbuntuServer", Sku: "18.04-LTS"}
	windows = simulator.Image{Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer", Sku: "2019-Datacenter"}
)

// linuxVM is an eligible, always-on Linux VM.
func linuxVM(name, sub, region, tz, start, end string) simulator.VM {
	return simulator.VM{
		Name: name, Subscription: sub, Region: region, OS: "linux", Image: ubuntu,
		PatchMode: "AutomaticByPlatform", AgentVersion: "2.9.1.1", TimeZone: tz,
		OffPeak: simulator.Window{Start: start, End: end}, InstallMinutes: 60,
	}
}

// windowsVM is an eligible, always-on Windows VM.
func windowsVM(name, sub, region, tz, start, end string) simulator.VM {
	return simulator.VM{
		Name: name, Subscription: sub, Region: region, OS: "windows", Image: windows,
		PatchMode: "AutomaticByPlatform", EnableAutomaticUpdates: true, TimeZone: tz,
		OffPeak: simulator.Window{Start: start, End: end}, InstallMinutes: 60,
	}
}

// Fixtures returns the hand-written fleets (a)–(j) of the conformance suite.
func Fixtures() []Fixture {
	return []Fixture{
		singleLinux(), pairedZonesSets(), ineligibleMix(), powerWeekdays(),
		outageDays(), haltedPhase(), timeZonesDST(), nothingHoldsOthers(), haltResumes(),
		profileFacts(),
	}
}

func result(t *testing.T, f *simulator.Forecast, name string) *simulator.VMResult {
	t.Helper()
	for i := range f.VMs {
		if f.VMs[i].Name == name {
			return &f.VMs[i]
		}
	}
	t.Fatalf("no result for VM %q", name)
	return nil
}

func expectCompliant(t *testing.T, f *simulator.Forecast, names ...string) {
	t.Helper()
	for _, n := range names {
		if r := result(t, f, n); !r.Compliant {
			t.Errorf("VM %q: not compliant (%s), want compliant by the deadline", n, r.Reason)
		}
	}
}

func expectIneligible(t *testing.T, f *simulator.Forecast, names ...string) {
	t.Helper()
	for _, n := range names {
		r := result(t, f, n)
		if r.Eligible || r.Compliant || r.Phase != -1 || r.InstallStart != nil || strings.TrimSpace(r.Reason) == "" {
			t.Errorf("VM %q: eligible=%v compliant=%v phase=%d install=%v reason=%q; want ineligible, phase -1, no install, a reason",
				n, r.Eligible, r.Compliant, r.Phase, r.InstallStart, r.Reason)
		}
	}
}

func phaseOfRegion(f *simulator.Forecast, region string) int {
	for _, p := range f.Phases {
		for _, r := range p.Regions {
			if r == region {
				return p.Index
			}
		}
	}
	return -1
}

// (a) one always-on eligible Linux VM: compliant within two days of its
// phase's start.
func singleLinux() Fixture {
	fl := simulator.Fleet{
		Release:  decemberRelease,
		Settings: DefaultSettings(),
		VMs:      []simulator.VM{linuxVM("a-linux", "sub-a", "eastus", "UTC", "01:00", "05:00")},
	}
	return Fixture{
		Name:        "single-linux",
		Description: "(a) a single always-on eligible Linux VM is compliant within a few days",
		Request:     request(fl),
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			r := result(t, f, "a-linux")
			if !r.Eligible || r.Phase < 0 {
				t.Errorf("eligible=%v phase=%d, want eligible in a phase", r.Eligible, r.Phase)
			}
			by := req.Fleet.Release.Date.Add(5 * day)
			if r.Phase >= 0 && r.Phase < len(f.Phases) && f.Phases[r.Phase].Start != nil {
				by = f.Phases[r.Phase].Start.Add(2 * day)
			}
			if !r.Compliant || r.InstallEnd == nil || r.InstallEnd.After(by) {
				t.Errorf("compliant=%v installEnd=%v reason=%q, want compliant by %s", r.Compliant, r.InstallEnd, r.Reason, ts(by))
			}
			if n := len(f.Curve); n > 0 && f.Curve[n-1].Compliant != 1 {
				t.Errorf("curve ends at %v, want 1", f.Curve[n-1].Compliant)
			}
		},
	}
}

// (b) paired regions eastus/westus, zones 1–3, a 12-VM availability set over
// three update domains, two subscriptions: all compliant, the pair split.
func pairedZonesSets() Fixture {
	var vms []simulator.VM
	subs := []string{"sub-a", "sub-b"}
	for z := 1; z <= 3; z++ {
		for k := range 2 {
			vm := linuxVM(fmt.Sprintf("b-east-z%d-%d", z, k), subs[k], "eastus", "America/New_York", "22:00", "04:00")
			vm.Zone = fmt.Sprint(z)
			vms = append(vms, vm)
		}
	}
	for i := range 12 {
		vm := windowsVM(fmt.Sprintf("b-east-web-%02d", i), "sub-a", "eastus", "America/New_York", "22:00", "04:00")
		vm.AvailabilitySet = "web-as"
		vm.UpdateDomain = i % 3
		vms = append(vms, vm)
	}
	for i := range 4 {
		vms = append(vms, linuxVM(fmt.Sprintf("b-west-plain-%d", i), subs[i%2], "westus", "America/Los_Angeles", "22:00", "04:00"))
	}
	for z := 1; z <= 3; z++ {
		// westus has no availability zones: these are plain VMs.
		vms = append(vms, windowsVM(fmt.Sprintf("b-west-z%d", z), subs[z%2], "westus", "America/Los_Angeles", "22:00", "04:00"))
	}
	fl := simulator.Fleet{Release: decemberRelease, Settings: DefaultSettings(), VMs: vms}
	return Fixture{
		Name:        "paired-zones-sets",
		Description: "(b) paired eastus/westus with zones 1-3, a 12-VM availability set over 3 UDs, two subscriptions",
		Request:     request(fl),
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			var names []string
			for _, vm := range req.Fleet.VMs {
				names = append(names, vm.Name)
			}
			expectCompliant(t, f, names...)
			east, west := phaseOfRegion(f, "eastus"), phaseOfRegion(f, "westus")
			if east < 0 || west < 0 || east == west {
				t.Errorf("eastus in phase %d, westus in phase %d; want two different phases", east, west)
			}
		},
	}
}

// (c) ineligible VMs of every kind, plus two eligible controls.
func ineligibleMix() Fixture {
	manual := windowsVM("c-manual", "sub-a", "eastus", "UTC", "00:00", "04:00")
	manual.PatchMode = "Manual"
	custom := linuxVM("c-custom-image", "sub-a", "eastus", "UTC", "00:00", "04:00")
	custom.CustomImage = true
	unsupported := linuxVM("c-unsupported-image", "sub-a", "eastus", "UTC", "00:00", "04:00")
	unsupported.Image = simulator.Image{Publisher: "Debian", Offer: "debian-10", Sku: "10"}
	oldAgent := linuxVM("c-old-agent", "sub-a", "eastus", "UTC", "00:00", "04:00")
	oldAgent.AgentVersion = "2.2.49.2"
	noAuto := windowsVM("c-windows-no-autoupdates", "sub-a", "eastus", "UTC", "00:00", "04:00")
	noAuto.EnableAutomaticUpdates = false
	ok := linuxVM("c-ok", "sub-a", "eastus", "UTC", "00:00", "04:00")
	ok.AgentVersion = "" // empty: fine
	pattern := linuxVM("c-ok-rhel-pattern", "sub-a", "eastus", "UTC", "00:00", "04:00")
	pattern.Image = simulator.Image{Publisher: "RedHat", Offer: "RHEL", Sku: "8.6"}
	fl := simulator.Fleet{
		Release: decemberRelease, Settings: DefaultSettings(),
		VMs: []simulator.VM{manual, custom, unsupported, oldAgent, noAuto, ok, pattern},
	}
	return Fixture{
		Name:        "ineligible-mix",
		Description: "(c) Manual, custom image, unsupported image, old Linux agent, Windows without automatic updates",
		Request:     request(fl),
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			expectIneligible(t, f, "c-manual", "c-custom-image", "c-unsupported-image", "c-old-agent", "c-windows-no-autoupdates")
			expectCompliant(t, f, "c-ok", "c-ok-rhel-pattern")
			if n := len(f.Curve); n > 0 && f.Curve[n-1].Compliant > 2.0/7+Tolerance {
				t.Errorf("curve ends at %v, want at most 2/7", f.Curve[n-1].Compliant)
			}
		},
	}
}

// (d) on only 08:00–18:00 on weekdays, off-peak 22:00–06:00: never patched.
func powerWeekdays() Fixture {
	vm := linuxVM("d-office-hours", "sub-a", "westeurope", "Europe/Berlin", "22:00", "06:00")
	vm.PowerSchedule = []simulator.PowerWindow{{Days: []string{"Mon", "Tue", "Wed", "Thu", "Fri"}, Start: "08:00", End: "18:00"}}
	fl := simulator.Fleet{Release: decemberRelease, Settings: DefaultSettings(), VMs: []simulator.VM{vm}}
	return Fixture{
		Name:        "power-weekdays",
		Description: "(d) a VM on only 08:00-18:00 on weekdays with off-peak 22:00-06:00 is never patched",
		Request:     request(fl),
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			r := result(t, f, "d-office-hours")
			if !r.Eligible {
				t.Errorf("not eligible (%s); the VM is eligible, only never on off-peak", r.Reason)
			}
			if r.Compliant || r.InstallStart != nil {
				t.Errorf("compliant=%v installStart=%v, want never patched", r.Compliant, r.InstallStart)
			}
			if low := strings.ToLower(r.Reason); !strings.Contains(low, "power") && !strings.Contains(low, "off") {
				t.Errorf("reason %q should say the VM is powered off during its off-peak hours", r.Reason)
			}
		},
	}
}

// (e) off from the release day through day 10 (local dates): patched after.
func outageDays() Fixture {
	const tz = "Asia/Kolkata"
	loc, err := loadLocation(tz)
	if err != nil {
		panic(err)
	}
	rel := decemberRelease.Date.In(loc)
	from := time.Date(rel.Year(), rel.Month(), rel.Day(), 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 10)
	vm := linuxVM("e-outage", "sub-a", "centralindia", tz, "01:00", "05:00")
	vm.PowerOff = []simulator.Outage{{From: from.Format("2006-01-02"), To: to.Format("2006-01-02")}}
	back := time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc)
	fl := simulator.Fleet{Release: decemberRelease, Settings: DefaultSettings(), VMs: []simulator.VM{vm}}
	return Fixture{
		Name:        "outage-days-0-10",
		Description: "(e) a VM powered off on days 0-10 (local dates) is patched after the outage",
		Request:     request(fl),
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			r := result(t, f, "e-outage")
			expectCompliant(t, f, "e-outage")
			if r.InstallStart != nil && r.InstallStart.Before(back) {
				t.Errorf("install starts %s, before the VM is back on %s", ts(*r.InstallStart), ts(back))
			}
		},
	}
}

// (f) every VM of the first phase reports unhealthy after its install: the
// phase halts, later phases never start.
func haltedPhase() Fixture {
	var vms []simulator.VM
	for i := range 5 {
		vm := linuxVM(fmt.Sprintf("f-east-%d", i), "sub-a", "eastus", "UTC", "00:00", "06:00")
		vm.UnhealthyProbability = 1
		vms = append(vms, vm)
	}
	for i := range 3 {
		vms = append(vms, linuxVM(fmt.Sprintf("f-west-%d", i), "sub-a", "westus", "UTC", "00:00", "06:00"))
		vms = append(vms, linuxVM(fmt.Sprintf("f-north-%d", i), "sub-b", "northeurope", "UTC", "00:00", "06:00"))
	}
	st := DefaultSettings()
	st.HealthThreshold = 0.2
	fl := simulator.Fleet{
		Release: decemberRelease, Settings: st, VMs: vms,
		Phases: [][]string{{"eastus"}, {"westus"}, {"northeurope"}},
	}
	return Fixture{
		Name:        "halted-phase",
		Description: "(f) UnhealthyProbability 1 on every VM of phase 0 halts it (threshold 0.2); later phases are not-started",
		Request:     request(fl),
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			if len(f.Phases) != 3 {
				t.Fatalf("%d phases, want the fleet's 3", len(f.Phases))
			}
			want := []string{simulator.PhaseHalted, simulator.PhaseNotStarted, simulator.PhaseNotStarted}
			for i, p := range f.Phases {
				if p.Status != want[i] {
					t.Errorf("phase %d status %q, want %q", i, p.Status, want[i])
				}
			}
			for _, r := range f.VMs {
				east := strings.HasPrefix(r.Name, "f-east-")
				if r.Compliant != east {
					t.Errorf("VM %q compliant=%v; want only phase 0's VMs patched (unhealthy after patching still counts as patched)", r.Name, r.Compliant)
				}
				if !east && !strings.Contains(r.Reason, "halted") {
					t.Errorf("VM %q reason %q should name the halted phase", r.Name, r.Reason)
				}
			}
		},
	}
}

// (g) IANA zones with DST and odd offsets; the release sits just before
// Europe's spring-forward (29 Mar 2026) and Lord Howe's half-hour fall-back
// (5 Apr 2026), and outages push the Berlin and Lord Howe VMs onto those
// nights.
func timeZonesDST() Fixture {
	la := linuxVM("g-los-angeles", "sub-la", "westus2", "America/Los_Angeles", "22:00", "02:00")
	berlin := windowsVM("g-berlin", "sub-berlin", "germanywestcentral", "Europe/Berlin", "23:00", "04:00")
	berlin.PowerOff = []simulator.Outage{{From: "2026-03-27", To: "2026-03-28"}}
	kolkata := linuxVM("g-kolkata", "sub-kolkata", "centralindia", "Asia/Kolkata", "23:30", "01:30")
	lordHowe := linuxVM("g-lord-howe", "sub-lordhowe", "australiaeast", "Australia/Lord_Howe", "01:00", "03:00")
	lordHowe.PowerOff = []simulator.Outage{{From: "2026-03-27", To: "2026-04-04"}}
	fl := simulator.Fleet{
		Release:  simulator.Release{Month: "2026-03", Date: time.Date(2026, 3, 27, 17, 0, 0, 0, time.UTC)},
		Settings: DefaultSettings(),
		Phases:   [][]string{{"australiaeast", "centralindia", "germanywestcentral", "westus2"}},
		VMs:      []simulator.VM{la, berlin, kolkata, lordHowe},
	}
	return Fixture{
		Name:        "time-zones-dst",
		Description: "(g) Los Angeles, Berlin, Kolkata (+05:30) and Lord Howe (+10:30/+11) across DST changes",
		Request:     request(fl),
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			expectCompliant(t, f, "g-los-angeles", "g-berlin", "g-kolkata", "g-lord-howe")
		},
	}
}

// (h) a VM that is never on and a VM whose attempts always fail share
// every group with always-on VMs: the rollout moves on past them, and a VM
// whose first attempt fails half the time is retried in a later window.
func nothingHoldsOthers() Fixture {
	var vms []simulator.VM
	for _, region := range []string{"eastus", "westus2", "northeurope"} {
		for z := 1; z <= 3; z++ {
			for k := range 3 {
				vm := linuxVM(fmt.Sprintf("h-%s-z%d-%d", region, z, k), "sub-a", region, "UTC", "22:00", "06:00")
				vm.Zone = fmt.Sprint(z)
				vms = append(vms, vm)
			}
		}
	}
	off := linuxVM("h-never-on", "sub-a", "eastus", "UTC", "22:00", "06:00")
	off.Zone = "1"
	off.PowerOff = []simulator.Outage{{From: "2026-11-01", To: "2027-03-01"}}
	failing := linuxVM("h-always-fails", "sub-a", "eastus", "UTC", "22:00", "06:00")
	failing.Zone = "2"
	failing.FailureProbability = 1
	flaky := linuxVM("h-flaky", "sub-a", "eastus", "UTC", "22:00", "06:00")
	flaky.Zone = "3"
	flaky.FailureProbability = 0.5
	vms = append(vms, off, failing, flaky)
	fl := simulator.Fleet{Release: decemberRelease, Settings: DefaultSettings(), VMs: vms}
	return Fixture{
		Name:        "nothing-holds-others",
		Description: "(h) a never-on VM and an always-failing VM delay no one; a flaky VM is retried",
		Request:     request(fl),
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			for _, r := range f.VMs {
				switch r.Name {
				case "h-never-on":
					if r.Compliant || !strings.Contains(r.Reason, "powered off") {
						t.Errorf("%s: compliant=%v reason %q, want never patched because powered off", r.Name, r.Compliant, r.Reason)
					}
				case "h-always-fails":
					if r.Compliant || !strings.Contains(r.Reason, "failing install") {
						t.Errorf("%s: compliant=%v reason %q, want still retrying a failing install", r.Name, r.Compliant, r.Reason)
					}
				default:
					if !r.Compliant {
						t.Errorf("%s: not compliant (%s); nothing another VM does may hold it", r.Name, r.Reason)
					}
				}
			}
			for _, p := range f.Phases {
				if p.Status != simulator.PhaseSucceeded {
					t.Errorf("phase %d is %s; failed installs are retried, not unhealthy", p.Index, p.Status)
				}
			}
		},
	}
}

// (i) a halted phase with haltHours set: the rollout resumes that many
// hours after the halted phase ends.
func haltResumes() Fixture {
	fx := haltedPhase()
	st := fx.Request.Fleet.Settings
	resume := 24.0
	st.HaltHours = &resume
	fx.Request.Fleet.Settings = st
	return Fixture{
		Name:        "halt-resumes",
		Description: "(i) as (f) with haltHours 24: the later phases start after the halt and their VMs are patched",
		Request:     fx.Request,
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			if len(f.Phases) != 3 || f.Phases[0].Status != simulator.PhaseHalted {
				t.Fatalf("phases %+v, want 3 with phase 0 halted", f.Phases)
			}
			for _, p := range f.Phases[1:] {
				if p.Status == simulator.PhaseNotStarted {
					t.Errorf("phase %d not started; haltHours resumes the rollout", p.Index)
				}
			}
			for _, r := range f.VMs {
				if !r.Compliant {
					t.Errorf("VM %q not compliant (%s)", r.Name, r.Reason)
				}
			}
		},
	}
}

// (j) the profile's facts come in the request: under a minimum Linux agent
// of 2.9.0 and default patch modes that differ from Azure's, a simulator
// that judges by constants of its own calls the wrong VMs eligible.
func profileFacts() Fixture {
	agentOld := linuxVM("j-agent-below-request", "sub-a", "eastus", "UTC", "00:00", "04:00")
	agentOld.AgentVersion = FixtureMinLinuxAgent // eligible under the fixtures' usual minimum, not under this one
	agentNew := linuxVM("j-agent-above-request", "sub-a", "eastus", "UTC", "00:00", "04:00")
	agentNew.AgentVersion = "2.9.1"
	linuxDefault := linuxVM("j-linux-default-mode", "sub-a", "eastus", "UTC", "00:00", "04:00")
	linuxDefault.PatchMode = ""
	winDefault := windowsVM("j-windows-default-mode", "sub-a", "eastus", "UTC", "00:00", "04:00")
	winDefault.PatchMode = ""
	winOff := windowsVM("j-windows-updates-off-default-mode", "sub-a", "eastus", "UTC", "00:00", "04:00")
	winOff.PatchMode, winOff.EnableAutomaticUpdates = "", false
	req := request(simulator.Fleet{
		Release: decemberRelease, Settings: DefaultSettings(),
		VMs: []simulator.VM{agentOld, agentNew, linuxDefault, winDefault, winOff},
	})
	req.MinLinuxAgent = "2.9.0"
	req.DefaultPatchModes = simulator.DefaultPatchModes{Windows: "Manual", Linux: "AutomaticByPlatform", WindowsAutomaticUpdatesOff: "AutomaticByPlatform"}
	req.WindowsNeedsAutoUpdates = false
	return Fixture{
		Name:        "profile-facts",
		Description: "(j) minLinuxAgent 2.9.0 and default patch modes Manual (Windows), AutomaticByPlatform (Linux, Windows with updates off) come from the request",
		Request:     req,
		Check: func(t *testing.T, req simulator.Request, f *simulator.Forecast) {
			expectIneligible(t, f, "j-agent-below-request", "j-windows-default-mode")
			expectCompliant(t, f, "j-agent-above-request", "j-linux-default-mode", "j-windows-updates-off-default-mode")
		},
	}
}
