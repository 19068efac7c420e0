package fleet

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/policies"
)

// seedSettings are the default profile's defaults for settings a VM
// leaves out, which the tests load fleets with.
func seedSettings() policies.SettingDefaults {
	p, err := policies.LoadProfile(policies.DefaultProfile)
	if err != nil {
		panic(err) // the embedded profile is checked by policies' tests
	}
	return p.DefaultSettings
}

// load is Load with the default profile's settings.
func load(name string, data []byte) (simulator.Fleet, error) {
	return Load(name, data, seedSettings())
}

// TestAzureDefaultsComeFromTheProfile: a VM that leaves
// enableAutomaticUpdates out, here and in the defaults block, takes the
// profile's value, whichever it is.
func TestAzureDefaultsComeFromTheProfile(t *testing.T) {
	src := []byte("release: {month: \"2026-12\"}\nvms:\n  - {name: a, subscription: s, region: eastus, os: windows}\n  - {name: b, subscription: s, region: eastus, os: windows, enableAutomaticUpdates: true}\n")
	for _, on := range []bool{true, false} {
		f, err := Load("fleet.yaml", src, policies.SettingDefaults{ProvisionVMAgent: true, EnableAutomaticUpdates: on})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.VMs[0].EnableAutomaticUpdates; got != on {
			t.Errorf("profile says %v: VM a has enableAutomaticUpdates %v", on, got)
		}
		if !f.VMs[1].EnableAutomaticUpdates {
			t.Errorf("profile says %v: VM b lost its own true", on)
		}
	}
}

// TestSpellingsAreScoped: a set's name in another case is another set when
// it is in another subscription or region, and one spelling repeated is
// the same set.
func TestSpellingsAreScoped(t *testing.T) {
	src := "release: {month: \"2026-12\"}\nvms:\n" +
		"  - {name: a, subscription: s1, region: eastus, os: linux, availabilitySet: AS}\n" +
		"  - {name: b, subscription: s2, region: eastus, os: linux, availabilitySet: as}\n" +
		"  - {name: c, subscription: s1, region: westus, os: linux, availabilitySet: as}\n" +
		"  - {name: d, subscription: s1, region: eastus, os: linux, availabilitySet: AS, updateDomain: 1}\n"
	if _, err := load("fleet.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

// TestExtensionMembers: a top-level member whose name starts with x- is
// ignored, so it can hold YAML anchors the VMs merge; a typo beside it is
// still refused.
func TestExtensionMembers(t *testing.T) {
	src := "release: {month: \"2026-12\"}\nx-common: &c {subscription: s, region: eastus, os: linux}\nvms:\n  - {<<: *c, name: a}\n  - {<<: *c, name: b, region: westus}\n"
	f, err := load("fleet.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.VMs) != 2 || f.VMs[0].Subscription != "s" || f.VMs[1].Region != "westus" {
		t.Errorf("VMs %+v", f.VMs)
	}
	_, err = load("fleet.yaml", []byte(src+"setings: {}\n"))
	if err == nil || !strings.Contains(err.Error(), `unknown field "setings"`) || strings.Contains(err.Error(), "x-common") {
		t.Errorf("got %v; want only the typo refused", err)
	}
}

// TestRegionHintOnlyForKnownRegions: the "did you mean" of a region
// written as people read it names a region of the table, never a guess.
func TestRegionHintOnlyForKnownRegions(t *testing.T) {
	_, err := load("fleet.yaml", []byte("release: {month: \"2026-12\"}\nvms:\n  - {name: a, subscription: s, region: Nowhere Land, os: linux}\n"))
	if err == nil || !strings.Contains(err.Error(), `found "Nowhere Land"`) || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("got %v; want the region refused without a suggestion", err)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustLoad(t *testing.T, src string) simulator.Fleet {
	t.Helper()
	f, err := load("fleet.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return f
}

// sampleFleet is testdata/fleet.yaml (and fleet.json) with defaults applied.
func sampleFleet() simulator.Fleet {
	return simulator.Fleet{
		Release: simulator.Release{Month: "2026-12", Date: time.Date(2026, 12, 9, 16, 30, 0, 0, time.UTC)},
		Settings: simulator.Settings{
			AssessmentIntervalHours: 72, EnablementMinutes: 200, HealthThreshold: 0.2,
			PhaseBakeHours: 24, PhaseHours: 48, BatchShare: 0.25, DeadlineDays: 14,
		},
		Phases:         [][]string{{"westcentralus"}, {"eastus2", "northeurope"}, {"eastus"}},
		DefaultOffPeak: simulator.Window{Start: "23:00", End: "05:00"},
		VMs: []simulator.VM{
			{
				Name: "web-01", Subscription: "contoso-prod", Region: "eastus", Zone: "1", OS: "windows",
				Image:     simulator.Image{Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer", Sku: "2019-Datacenter"},
				PatchMode: "AutomaticByPlatform", EnableAutomaticUpdates: true, AgentVersion: "2.2.53.1",
				TimeZone: "America/Los_Angeles", OffPeak: simulator.Window{Start: "23:00", End: "05:00"},
				PowerSchedule:  []simulator.PowerWindow{{Days: []string{"Mon", "Tue", "Wed", "Thu", "Fri"}, Start: "08:00", End: "18:00"}},
				PowerOff:       []simulator.Outage{{From: "2026-12-10", To: "2026-12-20"}},
				InstallMinutes: 90, FailureProbability: 0.01, Enablement: "done",
			},
			{
				Name: "app-01", Subscription: "contoso-prod", Region: "eastus2", AvailabilitySet: "app-as", UpdateDomain: 3, OS: "linux",
				Image:       simulator.Image{Publisher: "Canonical", Offer: "0001-com-ubuntu-server-jammy", Sku: "22_04-lts-gen2"},
				CustomImage: true, EnableAutomaticUpdates: true, // no patchMode: Azure's default comes in the request
				TimeZone: "Europe/Berlin", OffPeak: simulator.Window{Start: "23:00", End: "05:00"},
				InstallMinutes: 90, FailureProbability: 0.01, Enablement: "done",
			},
			{
				Name: "db-01", Subscription: "contoso-data", Region: "northeurope", Zone: "2", OS: "windows", EnableAutomaticUpdates: true,
				TimeZone: "Europe/Berlin", OffPeak: simulator.Window{Start: "01:00", End: "04:30"},
				InstallMinutes: 45, FailureProbability: 0.05, Enablement: "done",
			},
		},
	}
}

func TestLoadYAMLAndJSONAgree(t *testing.T) {
	want := sampleFleet()
	for _, name := range []string{"testdata/fleet.yaml", "testdata/fleet.json"} {
		t.Run(name, func(t *testing.T) {
			got, err := load(name, mustRead(t, name))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("fleet differs\n got: %+v\nwant: %+v", got, want)
			}
		})
	}
}

const minimal = `
release: {month: "2026-12"}
vms:
  - {name: a, subscription: s, region: eastus, os: windows}
  - {name: b, subscription: s, region: eastus, os: linux}
`

func TestBuiltInDefaults(t *testing.T) {
	f := mustLoad(t, minimal)
	if want := time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC); !f.Release.Date.Equal(want) {
		t.Errorf("release date = %v, want %v (second Tuesday)", f.Release.Date, want)
	}
	if f.Settings != DefaultSettings() {
		t.Errorf("settings = %+v, want %+v", f.Settings, DefaultSettings())
	}
	want := simulator.Settings{AssessmentIntervalHours: 72, EnablementMinutes: 200, HealthThreshold: 0.2, PhaseBakeHours: 24, PhaseHours: 48, BatchShare: 0.2, DeadlineDays: 30}
	if f.Settings != want {
		t.Errorf("DefaultSettings = %+v, want SPEC values %+v", f.Settings, want)
	}
	if f.Settings.HaltHours != nil {
		t.Errorf("haltHours = %v, want nil: a halted rollout stays halted for the month", *f.Settings.HaltHours)
	}
	if want := (simulator.Window{Start: "22:00", End: "06:00"}); f.DefaultOffPeak != want {
		t.Errorf("DefaultOffPeak = %+v, want the built-in %+v", f.DefaultOffPeak, want)
	}
	if f.Regions != nil {
		t.Errorf("regions = %v, want none", f.Regions)
	}
	if f.Phases != nil {
		t.Errorf("phases = %v, want none", f.Phases)
	}
	base := simulator.VM{
		Subscription: "s", Region: "eastus", EnableAutomaticUpdates: true, TimeZone: "UTC",
		OffPeak: simulator.Window{Start: "22:00", End: "06:00"}, InstallMinutes: 60,
		UnhealthyProbability: 0, Enablement: "done",
	}
	win, lin := base, base
	win.Name, win.OS = "a", "windows"
	lin.Name, lin.OS = "b", "linux"
	if !reflect.DeepEqual(f.VMs, []simulator.VM{win, lin}) {
		t.Errorf("VMs = %+v\nwant %+v", f.VMs, []simulator.VM{win, lin})
	}
}

func TestDefaultsPrecedence(t *testing.T) {
	f := mustLoad(t, `
release: {month: "2026-03"}
settings: {assessmentIntervalHours: 24, healthThreshold: 0.5, phaseHours: 36, haltHours: 0}
defaults:
  subscription: shared
  region: westeurope
  os: linux
  timeZone: Tokyo Standard Time
  offPeak: {start: "20:00", end: "23:00"}
  installMinutes: 30
  failureProbability: 0.1
  unhealthyProbability: 0.3
  enablement: pending
  patchMode: AutomaticByPlatform
  enableAutomaticUpdates: false
  availabilitySet: as-1
  updateDomain: 4
  powerSchedule: [{days: [Sat, Sun], start: "00:00", end: "12:00"}]
vms:
  - name: inherits
  - name: overrides
    subscription: own
    region: eastus
    os: windows
    timeZone: America/New_York
    offPeak: {start: "01:00", end: "02:00"}
    installMinutes: 120
    failureProbability: 0
    unhealthyProbability: 0.05
    enablement: done
    patchMode: Manual
    enableAutomaticUpdates: true
    updateDomain: 0
    powerSchedule: []
`)
	if f.Settings.AssessmentIntervalHours != 24 || f.Settings.HealthThreshold != 0.5 || f.Settings.PhaseHours != 36 || f.Settings.BatchShare != 0.2 || f.Settings.DeadlineDays != 30 {
		t.Errorf("settings = %+v: given values must override, the rest default", f.Settings)
	}
	if f.Settings.HaltHours == nil || *f.Settings.HaltHours != 0 {
		t.Errorf("haltHours = %v, want 0 as given (resume at once), not absent", f.Settings.HaltHours)
	}
	if want := (simulator.Window{Start: "20:00", End: "23:00"}); f.DefaultOffPeak != want {
		t.Errorf("DefaultOffPeak = %+v, want the defaults block's %+v", f.DefaultOffPeak, want)
	}
	in, over := f.VMs[0], f.VMs[1]
	wantIn := simulator.VM{
		Name: "inherits", Subscription: "shared", Region: "westeurope", AvailabilitySet: "as-1", UpdateDomain: 4,
		OS: "linux", PatchMode: "AutomaticByPlatform", EnableAutomaticUpdates: false, TimeZone: "Asia/Tokyo",
		OffPeak:        simulator.Window{Start: "20:00", End: "23:00"},
		PowerSchedule:  []simulator.PowerWindow{{Days: []string{"Sat", "Sun"}, Start: "00:00", End: "12:00"}},
		InstallMinutes: 30, FailureProbability: 0.1, UnhealthyProbability: 0.3, Enablement: "pending",
	}
	if !reflect.DeepEqual(in, wantIn) {
		t.Errorf("defaults not applied\n got %+v\nwant %+v", in, wantIn)
	}
	wantOver := simulator.VM{
		Name: "overrides", Subscription: "own", Region: "eastus", AvailabilitySet: "as-1", UpdateDomain: 0,
		OS: "windows", PatchMode: "Manual", EnableAutomaticUpdates: true, TimeZone: "America/New_York",
		OffPeak:        simulator.Window{Start: "01:00", End: "02:00"},
		InstallMinutes: 120, FailureProbability: 0, UnhealthyProbability: 0.05, Enablement: "done",
	}
	if !reflect.DeepEqual(over, wantOver) {
		t.Errorf("VM values must override defaults\n got %+v\nwant %+v", over, wantOver)
	}
}

// TestPatchModeNotSetStaysEmpty: the reader assumes no patch mode of
// Azure's (a fact of the profile, which the request carries); a mode of
// the VM or of the defaults block is kept.
func TestPatchModeNotSetStaysEmpty(t *testing.T) {
	f := mustLoad(t, `
release: {month: "2026-12"}
defaults: {os: windows, subscription: s, region: eastus}
vms: [{name: a}, {name: b, os: linux}, {name: c, enableAutomaticUpdates: false}, {name: d, patchMode: Manual, enableAutomaticUpdates: false}]
`)
	got := []string{f.VMs[0].PatchMode, f.VMs[1].PatchMode, f.VMs[2].PatchMode, f.VMs[3].PatchMode}
	if want := []string{"", "", "", "Manual"}; !slices.Equal(got, want) {
		t.Errorf("patch modes = %q, want %q", got, want)
	}
	f = mustLoad(t, `
release: {month: "2026-12"}
defaults: {os: linux, subscription: s, region: eastus, patchMode: AutomaticByPlatform}
vms: [{name: a}]
`)
	if f.VMs[0].PatchMode != "AutomaticByPlatform" {
		t.Errorf("patch mode %q, want the defaults block's AutomaticByPlatform", f.VMs[0].PatchMode)
	}
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	f := mustLoad(t, `
release: {month: "2026-12"}
vms:
  - &web {name: web-01, subscription: s, region: eastus, os: windows, zone: 3}
  - <<: *web
    name: web-02
`)
	if len(f.VMs) != 2 || f.VMs[1].Name != "web-02" || f.VMs[1].Zone != "3" || f.VMs[1].OS != "windows" {
		t.Errorf("VMs = %+v", f.VMs)
	}
}

// wantErr describes one expected problem: its line, field and a piece of
// its message.
type wantErr struct {
	line  int
	field string
	text  string
}

func TestErrors(t *testing.T) {
	const head = "release: {month: \"2026-12\"}\nvms:\n" // lines 1-2
	tests := []struct {
		name string
		src  string
		want []wantErr
	}{
		{"unknown field", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    timezone: UTC\n",
			[]wantErr{{7, "vms[0].timezone", `unknown field "timezone" in vms[0]; did you mean "timeZone"?`}}},
		{"unknown top-level field", "release: {month: \"2026-12\"}\nsetings: {}\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\n",
			[]wantErr{{2, "setings", `did you mean "settings"?`}}},
		{"unknown field without a near miss", head + "  - {name: a, subscription: s, region: eastus, os: linux, colour: red}\n",
			[]wantErr{{3, "vms[0].colour", "expected one of: agentVersion, availabilitySet"}}},
		{"bad time", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    offPeak: {start: \"24:00\", end: \"06:00\"}\n",
			[]wantErr{{7, "vms[0].offPeak.start", `expected a quoted time "HH:MM" from 00:00 to 23:59; found "24:00"`}}},
		{"time without leading zero", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    powerSchedule:\n      - days: [Mon]\n        start: \"8:00\"\n        end: \"17:00\"\n",
			[]wantErr{{9, "vms[0].powerSchedule[0].start", `found "8:00"`}}},
		{"bad day", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    powerSchedule:\n      - {days: [Mon, Tues], start: \"08:00\", end: \"18:00\"}\n",
			[]wantErr{{8, "vms[0].powerSchedule[0].days[1]", `expected one of Mon, Tue, Wed, Thu, Fri, Sat, Sun; found "Tues"; did you mean "Tue"?`}}},
		{"zone and availabilitySet", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    zone: \"1\"\n    availabilitySet: as\n",
			[]wantErr{{8, "vms[0].availabilitySet", "zone and availabilitySet are mutually exclusive"}}},
		{"zone in defaults, availabilitySet on the VM", "release: {month: \"2026-12\"}\ndefaults:\n  zone: \"2\"\nvms:\n  - {name: a, subscription: s, region: eastus, os: linux}\n  - name: b\n    subscription: s\n    region: eastus\n    os: linux\n    availabilitySet: as\n",
			[]wantErr{{10, "vms[1].availabilitySet", "conflicts with zone from defaults (line 3)"}}},
		{"missing os", head + "  - name: a\n    subscription: s\n    region: eastus\n",
			[]wantErr{{3, "vms[0].os", `missing required property "os": windows or linux`}}},
		{"missing name", head + "  - subscription: s\n    region: eastus\n    os: linux\n",
			[]wantErr{{3, "vms[0].name", `missing required field "name"`}}},
		{"missing release", "vms: [{name: a, subscription: s, region: eastus, os: linux}]\n",
			[]wantErr{{1, "release", `missing required field "release"`}}},
		// JSON files are read without positions first; an error makes Load
		// read them again to place it.
		{"JSON: bad os", "{\"release\": {\"month\": \"2026-12\"},\n \"vms\": [\n  {\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\",\n   \"os\": \"Windows\"}]}\n",
			[]wantErr{{4, "vms[0].os", `found "Windows"; did you mean "windows"?`}}},
		{"JSON: duplicate name", "{\"release\": {\"month\": \"2026-12\"}, \"vms\": [\n {\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\"},\n {\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\"}]}\n",
			[]wantErr{{3, "vms[1].name", `duplicate VM name "a"`}}},
		{"bad os", head + "  - {name: a, subscription: s, region: eastus, os: Windows}\n",
			[]wantErr{{3, "vms[0].os", `found "Windows"; did you mean "windows"?`}}},
		{"duplicate name", head + "  - {name: web-01, subscription: s, region: eastus, os: linux}\n  - {name: web-02, subscription: s, region: eastus, os: linux}\n  - {name: web-01, subscription: s, region: eastus, os: linux}\n",
			[]wantErr{{5, "vms[2].name", `duplicate VM name "web-01": vms[0].name (line 3) has it already`}}},
		{"unknown time zone", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    timeZone: Pacific Standard Tme\n",
			[]wantErr{{7, "vms[0].timeZone", `unknown time zone "Pacific Standard Tme"`}, {7, "vms[0].timeZone", `did you mean "Pacific Standard Time"?`}}},
		{"unknown time zone in defaults", "release: {month: \"2026-12\"}\ndefaults:\n  timeZone: America/Los_Angles\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\n",
			[]wantErr{{3, "defaults.timeZone", `did you mean "America/Los_Angeles"?`}}},
		{"powerOff from after to", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    powerOff:\n      - from: \"2026-12-20\"\n        to: \"2026-12-10\"\n",
			[]wantErr{{9, "vms[0].powerOff[0].to", "ends (2026-12-10) before it starts (2026-12-20)"}}},
		{"powerOff not a calendar date", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    powerOff: [{from: \"2026-02-30\", to: \"2026-03-02\"}]\n",
			[]wantErr{{7, "vms[0].powerOff[0].from", `"2026-02-30" is not a date on the calendar`}}},
		{"powerOff bad date shape", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    powerOff: [{from: \"12/10/2026\", to: \"2026-12-20\"}]\n",
			[]wantErr{{7, "vms[0].powerOff[0].from", `expected a date "YYYY-MM-DD"`}}},
		{"offPeak start equals end", head + "  - name: a\n    subscription: s\n    region: eastus\n    os: linux\n    offPeak:\n      start: \"22:00\"\n      end: \"22:00\"\n",
			[]wantErr{{9, "vms[0].offPeak.end", "an empty window"}}},
		{"offPeak missing end", head + "  - {name: a, subscription: s, region: eastus, os: linux, offPeak: {start: \"22:00\"}}\n",
			[]wantErr{{3, "vms[0].offPeak.end", `missing required field "end"`}}},
		{"region twice in phases", "release: {month: \"2026-12\"}\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\nphases:\n  - [westus2, eastus]\n  - [northeurope]\n  - [eastus]\n",
			[]wantErr{{6, "phases[2][0]", `region "eastus" is already in the plan at phases[0][1] (line 4)`}}},
		{"empty phase", "release: {month: \"2026-12\"}\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\nphases:\n  - [eastus]\n  - []\n",
			[]wantErr{{5, "phases[1]", "expected a phase"}}},
		{"update domain out of range", head + "  - {name: a, subscription: s, region: eastus, os: linux, availabilitySet: as, updateDomain: 20}\n",
			[]wantErr{{3, "vms[0].updateDomain", "expected an update domain from 0 to 19; found 20"}}},
		{"failure probability out of range", head + "  - {name: a, subscription: s, region: eastus, os: linux, failureProbability: 1.5}\n",
			[]wantErr{{3, "vms[0].failureProbability", "expected a probability from 0 to 1; found 1.5"}}},
		{"zone out of range", head + "  - {name: a, subscription: s, region: eastus, os: linux, zone: 4}\n",
			[]wantErr{{3, "vms[0].zone", `expected an availability zone "1", "2" or "3"; found 4`}}},
		{"patch mode typo", head + "  - {name: a, subscription: s, region: eastus, os: linux, patchMode: AutomaticByPlatfrom}\n",
			[]wantErr{{3, "vms[0].patchMode", `did you mean "AutomaticByPlatform"?`}}},
		{"display region name", head + "  - {name: a, subscription: s, region: East US, os: linux}\n",
			[]wantErr{{3, "vms[0].region", `expected a programmatic region name (lower-case letters and digits, e.g. eastus2); found "East US"; did you mean "eastus"?`}}},
		{"availability set in another case", head + "  - {name: a, subscription: s, region: eastus, os: linux, availabilitySet: Web-AS}\n  - {name: b, subscription: s, region: eastus, os: linux, availabilitySet: web-as, updateDomain: 1}\n",
			[]wantErr{{4, "vms[1].availabilitySet", `availabilitySet "web-as" is "Web-AS" of vms[0].availabilitySet (line 3) in another case`}}},
		{"subscription in another case, from defaults", "release: {month: \"2026-12\"}\ndefaults: {subscription: Contoso}\nvms:\n  - {name: a, subscription: contoso, region: eastus, os: linux}\n  - {name: b, region: eastus, os: linux}\n",
			[]wantErr{{2, "defaults.subscription", `subscription "Contoso" is "contoso" of vms[0].subscription (line 4) in another case`}}},
		{"region in another case", head + "  - {name: a, subscription: s, region: westEurope, os: linux}\n",
			[]wantErr{{3, "vms[0].region", `did you mean "westeurope"?`}}},
		{"quoted boolean", head + "  - {name: a, subscription: s, region: eastus, os: linux, enableAutomaticUpdates: \"false\"}\n",
			[]wantErr{{3, "vms[0].enableAutomaticUpdates", "write false without quotes"}}},
		{"bad month", "release:\n  month: \"2026-13\"\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\n",
			[]wantErr{{2, "release.month", `expected a month "YYYY-MM"`}}},
		{"bad release date", "release:\n  month: \"2026-12\"\n  date: \"2026-12-08 18:00\"\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\n",
			[]wantErr{{3, "release.date", "expected an RFC 3339 instant"}}},
		{"bad setting", "release: {month: \"2026-12\"}\nsettings:\n  batchShare: 0\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\n",
			[]wantErr{{3, "settings.batchShare", "greater than 0"}}},
		{"no VMs", "release: {month: \"2026-12\"}\nvms: []\n",
			[]wantErr{{2, "vms", "the fleet has no VMs"}}},
		{"not YAML", "release: {month: \"2026-12\"\nvms: [\n",
			[]wantErr{{0, "", "not valid YAML or JSON"}}},
		{"duplicate key", "release: {month: \"2026-12\"}\nrelease: {month: \"2026-11\"}\nvms: []\n",
			[]wantErr{{2, "", "not valid YAML or JSON"}}},
		{"empty file", "# nothing\n",
			[]wantErr{{1, "", "the file is empty"}}},
		{"two documents", "release: {month: \"2026-12\"}\n---\nvms: []\n",
			[]wantErr{{2, "", "one YAML document"}}},
		{"top level is a list", "- a\n- b\n",
			[]wantErr{{1, "", "expected a mapping, found a list"}}},
		{"JSON positions", "{\n  \"release\": {\"month\": \"2026-12\"},\n  \"vms\": [\n    {\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\",\n     \"installMinutes\": 0}\n  ]\n}\n",
			[]wantErr{{5, "vms[0].installMinutes", "expected a whole number of minutes from 1 to 10080 (a week); found 0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load("fleet.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("Load succeeded, want errors")
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error is %T, want Errors", err)
			}
			if len(errs) != 1 {
				t.Errorf("got %d errors, want 1:\n%v", len(errs), err)
			}
			e := errs[0]
			for _, w := range tt.want {
				if w.line > 0 && e.Line != w.line || e.Field != w.field || !strings.Contains(e.Message, w.text) {
					t.Errorf("got %d:%d %q %q\nwant line %d field %q message containing %q", e.Line, e.Column, e.Field, e.Message, w.line, w.field, w.text)
				}
			}
			if e.File != "fleet.yaml" {
				t.Errorf("File = %q", e.File)
			}
			if !strings.HasPrefix(err.Error(), "fleet.yaml:") {
				t.Errorf("Error() = %q, want it to start with the file name", err.Error())
			}
		})
	}
}

func TestAllErrorsReportedSortedByLine(t *testing.T) {
	src := `release:
  month: "2026-12"
  dat: "2026-12-08T18:00:00Z"
defaults:
  offPeak: {start: "22:00", end: "6:00"}
vms:
  - name: web-01
    subscription: contoso
    region: eastus
    zone: "1"
    availabilitySet: web-as
    timeZone: Pacific Standard Tme
  - name: web-01
    subscription: contoso
    region: eastus
    os: windows
    powerSchedule:
      - {days: [Mon, Funday], start: "08:00", end: "18:00"}
    powerOff:
      - {from: "2026-12-20", to: "2026-12-10"}
phases:
  - [eastus]
  - [eastus]
`
	_, err := load("multi.yaml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v is not Errors", err)
	}
	want := []wantErr{
		{3, "release.dat", `did you mean "date"?`},
		{5, "defaults.offPeak.end", `found "6:00"`},
		{7, "vms[0].os", `missing required property "os"`},
		{11, "vms[0].availabilitySet", "mutually exclusive"},
		{12, "vms[0].timeZone", `did you mean "Pacific Standard Time"?`},
		{13, "vms[1].name", "duplicate VM name"},
		{18, "vms[1].powerSchedule[0].days[1]", `found "Funday"`},
		{20, "vms[1].powerOff[0].to", "before it starts"},
		{23, "phases[1][0]", "already in the plan"},
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), err)
	}
	for i, w := range want {
		e := errs[i]
		if e.Line != w.line || e.Field != w.field || !strings.Contains(e.Message, w.text) || e.Column < 1 {
			t.Errorf("error %d = %d:%d %s: %s\nwant line %d field %s containing %q", i, e.Line, e.Column, e.Field, e.Message, w.line, w.field, w.text)
		}
	}
	var one *Error
	if !errors.As(err, &one) || one != errs[0] {
		t.Errorf("errors.As(*Error) should give the first problem")
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != len(want) {
		t.Errorf("Error() has %d lines, want %d", n, len(want))
	}
}

func TestSchemaIsEmbeddedAndOffline(t *testing.T) {
	v, err := compiled()
	if err != nil || v == nil {
		t.Fatalf("compile: %v", err)
	}
}

func TestYAMLDocumentMarkers(t *testing.T) {
	for _, src := range []string{
		"%YAML 1.2\n---\n" + minimal,
		"---\n" + minimal + "...\n",
		"\xef\xbb\xbf" + minimal,
		strings.ReplaceAll(minimal, "\n", "\r\n"),
	} {
		if _, err := load("fleet.yaml", []byte(src)); err != nil {
			t.Errorf("load(%q): %v", src, err)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{File: "f.yaml", Line: 3, Column: 5, Field: "vms[0].os", Message: "bad"}
	if got, want := e.Error(), "f.yaml:3:5: vms[0].os: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{File: "f.yaml", Message: "bad"}
	if got, want := e.Error(), "f.yaml: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestAliasLimit: values reached through aliases are capped (a few lines
// can expand to billions), values written out are not (a large fleet has
// millions of them). The cap is lowered here to keep the test small.
func TestAliasLimit(t *testing.T) {
	written := "release: {month: \"2026-12\"}\nvms:\n"
	for i := range 20 {
		written += fmt.Sprintf("  - {name: vm-%d, subscription: s, region: eastus, os: linux, image: {publisher: Canonical, offer: UbuntuServer, sku: 18.04-LTS}}\n", i)
	}
	if _, _, errs := parseYAML("fleet.yaml", []byte(written), 10); len(errs) > 0 {
		t.Fatalf("a document of 20 written-out VMs was refused: %v", errs)
	}
	aliased := "release: {month: \"2026-12\"}\nx: &img {publisher: Canonical, offer: UbuntuServer, sku: 18.04-LTS}\nvms:\n"
	for i := range 5 {
		aliased += fmt.Sprintf("  - {name: vm-%d, subscription: s, region: eastus, os: linux, image: *img}\n", i)
	}
	_, _, errs := parseYAML("fleet.yaml", []byte(aliased), 10)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "aliases expand to more than 10 values") || errs[0].Line == 0 {
		t.Fatalf("want one positioned alias-limit error, got %v", errs)
	}
	// The real cap stops a classic alias bomb (10^7 values from 8 lines).
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i, prev := range []string{"a", "b", "c", "d", "e", "f"} {
		name := string(rune('b' + i))
		bomb += fmt.Sprintf("%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	if _, err := load("bomb.yaml", []byte(bomb)); err == nil || !strings.Contains(err.Error(), "aliases expand to more than") {
		t.Fatalf("alias bomb: got %v", err)
	}
}
