package fleet

import (
	"errors"
	"testing"

	"github.com/goccy/go-yaml/parser"
)

// compact is a small fleet touching every field, so the fuzzer starts from
// full coverage without minimising kilobyte-sized inputs.
const compact = `release: {month: "2026-12", date: "2026-12-08T18:00:00Z"}
settings: {assessmentIntervalHours: 72, enablementMinutes: 200, healthThreshold: 0.2, phaseBakeHours: 24, phaseHours: 48, haltHours: 12, batchShare: 0.2, deadlineDays: 30}
defaults: {timeZone: UTC, offPeak: {start: "22:00", end: "06:00"}, installMinutes: 60, failureProbability: 0.0, unhealthyProbability: 0.0, enablement: done}
regions: [{name: contosoedge, pairedRegion: eastus, hasAvailabilityZones: true}]
vms:
- {name: w, subscription: s, region: eastus, zone: "1", os: windows, image: {publisher: P, offer: O, sku: S}, customImage: false, patchMode: AutomaticByPlatform, enableAutomaticUpdates: true, agentVersion: "2.2.53.1", timeZone: Pacific Standard Time, powerSchedule: [{days: [Mon, Fri], start: "08:00", end: "18:00"}], powerOff: [{from: "2026-12-10", to: "2026-12-20"}], unhealthyProbability: 0.1, enablement: pending}
- {name: l, subscription: s, region: eastus2, availabilitySet: as, updateDomain: 19, os: linux}
- {name: e, subscription: s, region: contosoedge, zone: 2, os: linux}
phases: [[eastus2], [eastus], [contosoedge]]
`

func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		compact,
		minimal,
		"",
		"{}",
		"[]",
		"null",
		"release: {month: \"2026-12\"}\nvms: [{name: a}]\n",
		"release: {month: \"2026-02\"}\ndefaults: {os: linux, subscription: s, region: eastus, zone: 1}\nvms: [{name: a, availabilitySet: b}]\n",
		"vms:\n  - &a {name: x, subscription: s, region: eastus, os: linux}\n  - <<: *a\n    name: y\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n",
		"release: {month: \"2026-12\", date: \"bad\"}\nvms: [{name: a, subscription: s, region: eastus, os: linux, timeZone: Foo, powerOff: [{from: \"2026-02-30\", to: \"2026-01-01\"}]}]\nphases: [[eastus], [eastus]]\n",
		"{\"release\": {\"month\": \"2026-12\"}, \"vms\": [{\"name\": \"a\", \"os\": \"linux\", \"zone\": 2}]}",
		"{\"release\": {\"month\": \"2026-12\"}, \"defaults\": {\"os\": \"linux\", \"subscription\": \"s\", \"region\": \"x\"}, \"vms\": [{\"name\": \"a\", \"zone\": 2}, {\"name\": \"b\", \"zone\": 2}, {\"name\": \"\\u0063\", \"zone\": \"2\"}]}",
		"!!str 1\n",
		"release: {month: \"2026-12\"}\ndefaults: {os: linux, subscription: s}\nvms:\n  - name: a\n    region: eastus\n    zone: 1\n\n  # b\n  - name: 'b'\n    region: eastus\n    zone: 1\n  - name: \"c\"\n    region: westeurope\n    offPeak:\n      start: \"23:00\"\n      end: \"05:00\"\nphases: [[eastus], [westeurope]]\n",
		"release:\n  month: \"2026-12\"\nvms:\n- name: a\n  os: linux\n  subscription: s\n  region: eastus\n- name: b\n  os: linux\n  subscription: s\n  region: eastus\nsettings:\n  deadlineDays: 20\n",
		"? [a, b]\n: c\n",
		"release: {month: \"2026-12\", date: \"2026-11-30T23:00:00Z\"}\nregions: [{name: eastus}, {name: n1, pairedRegion: n1}, {name: n2, pairedRegion: nx}]\nvms: [{name: a, subscription: s, region: westus, zone: 1, os: linux}, {name: b, subscription: s, region: eastu, os: linux}]\nphases: [[eastus, westus], [n2]]\n",
		"{\"release\": {\"month\": \"2026-12\"}, \"regions\": [{\"name\": \"edge\", \"hasAvailabilityZones\": false}], \"defaults\": {\"zone\": 2, \"region\": \"edge\"}, \"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"os\": \"linux\"}], \"phases\": [[\"eastus\"]]}",
		// The reader's own turns: VMs before the defaults, a VM the typed
		// decode refuses among good ones, nulls and empty strings.
		"{\"vms\": [{\"name\": \"a\", \"zone\": 1.0}, {\"name\": \"b\", \"installMinutes\": \"60\"}, {\"name\": \"null\", \"os\": null}, {\"name\": \"c\", \"subscription\": \"\"}], \"release\": {\"month\": \"2026-12\"}, \"defaults\": {\"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\"}}",
		"{\"release\": {\"month\": \"2026-12\"}, \"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\", \"image\": {}, \"offPeak\": {\"start\": \"22:00\", \"end\": \"22:00\"}}]} {}",
		// JSON of every shape: numbers in every form, escapes, code points
		// before values, empty containers, nesting, odd spacing.
		`{"release": {"month": "2026-12"}, "vms": [{"name": "a", "updateDomain": 2, "failureProbability": 0.05}]}`,
		"{\n\t\"release\":{\"month\":\"2026-12\"},\r\n  \"vms\" : [ ]\n}",
		`{"a": [1, -0, 1.0, 1e3, 2.5E-3, 12345678901234, -7, 0.1], "b": [], "c": {}, "d": null, "e": [true, false]}`,
		`{"name": "café ☕", "x": "tab\tand \"quotes\" and \\ and \u00e9 and \/", "y": {"z": [[["deep"]]]}}`,
		`{"zone": 1, "zone2": "1", "k/with~slash": 3}`,
		`[1, {"a": "b"}, "c"]`,
		`"just a string"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := load("fuzz.yaml", data)
		if err == nil {
			seen := map[string]bool{}
			for _, vm := range fl.VMs {
				if seen[vm.Name] {
					t.Fatalf("duplicate VM name %q accepted", vm.Name)
				}
				seen[vm.Name] = true
				if _, err := IANAZone(vm.TimeZone); err != nil {
					t.Fatalf("VM %q: time zone %q: %v", vm.Name, vm.TimeZone, err)
				}
				if vm.OS != "windows" && vm.OS != "linux" {
					t.Fatalf("VM %q: os %q accepted", vm.Name, vm.OS)
				}
			}
			if fl.Release.Date.IsZero() {
				t.Fatal("release date not resolved")
			}
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("error %T %v is not a non-empty Errors", err, err)
		}
		if _, perr := parser.ParseBytes(data, 0); perr == nil {
			for _, e := range errs {
				if e.Line < 1 {
					t.Fatalf("error without a line for input that parses as YAML: %v", e)
				}
			}
		}
	})
}
