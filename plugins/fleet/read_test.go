package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// loadErrors loads src, which must fail, and returns its errors.
func loadErrors(t *testing.T, name, src string) Errors {
	t.Helper()
	_, err := load(name, []byte(src))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("load(%s) = %v, want Errors", name, err)
	}
	return errs
}

// placed is one expected error: where, the field and a piece of the message.
type placed struct {
	line, column int
	field, text  string
}

func checkPlaced(t *testing.T, errs Errors, want []placed) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, w := range want {
		e := errs[i]
		if e.Line != w.line || e.Column != w.column || e.Field != w.field || !strings.Contains(e.Message, w.text) {
			t.Errorf("error %d = %d:%d %s: %s\nwant %d:%d %s containing %q", i, e.Line, e.Column, e.Field, e.Message, w.line, w.column, w.field, w.text)
		}
	}
}

// TestJSONPositions: errors in a JSON file are placed from the decoder's
// offsets at the line and column YAML would give: lines end at LF, CRLF
// or a lone CR, columns count code points, tabs are one column.
func TestJSONPositions(t *testing.T) {
	const vm = `"subscription": "s", "region": "eastus", "os": "linux"`
	tests := []struct {
		name, src string
		want      []placed
	}{
		{"value and key", "{\"release\": {\"month\": \"2026-12\"},\n\"vms\": [\n  {\"name\": \"a\", " + vm + ",\n   \"installMinutes\": 0, \"colour\": 1}]}\n",
			[]placed{{4, 22, "vms[0].installMinutes", "found 0"}, {4, 25, "vms[0].colour", `unknown field "colour"`}}},
		{"CRLF and a lone CR", "{\"release\": {\"month\": \"2026-12\"},\r\n\"vms\": [\r{\"name\": \"a\", " + vm + ",\r\n\"zone\": 7}]}",
			[]placed{{4, 9, "vms[0].zone", `expected an availability zone`}}},
		{"tabs and code points", "{\"release\": {\"month\": \"2026-12\"},\n\t\"vms\": [{\"name\": \"café ☕\", " + vm + ", \"zone\": 7}]}",
			[]placed{{2, 93, "vms[0].zone", `expected an availability zone`}}},
		{"a VM after a refused one", "{\"release\": {\"month\": \"2026-12\"}, \"vms\": [\n{\"name\": \"a\", " + vm + ", \"installMinutes\": \"60\"},\n{\"name\": \"b\", " + vm + "},\n{\"name\": \"a\", " + vm + ", \"timeZone\": \"Mars/Base\"}]}",
			[]placed{{2, 89, "vms[0].installMinutes", `expected a whole number of minutes`}, {4, 10, "vms[2].name", `duplicate VM name "a": vms[0].name (line 2)`}, {4, 83, "vms[2].timeZone", `unknown time zone "Mars/Base"`}}},
		{"the root", "[1, 2]", []placed{{1, 1, "", "expected a mapping, found a list"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkPlaced(t, loadErrors(t, "f.json", tt.src), tt.want)
		})
	}
}

// TestJSONSyntax: a file that starts like JSON and is not JSON is refused
// with the decoder's word, at its place, unless it reads as YAML.
func TestJSONSyntax(t *testing.T) {
	const vm = `{"name": "a", "subscription": "s", "region": "eastus", "os": "linux"}`
	for _, tt := range []struct {
		name, src string
		want      placed
	}{
		{"a comma missing", "{\"release\": {\"month\": \"2026-12\"}\n \"vms\": [" + vm + "]}", placed{2, 2, "", "not valid JSON: invalid character '\"' after object value"}},
		{"a duplicate member", "{\"release\": {\"month\": \"2026-12\"},\r\n\"vms\": [\r{\"name\": \"a\", \"os\": \"linux\",\r\n\"os\": \"Linux\"}]}", placed{4, 1, "vms[0].os", "not valid JSON: duplicate object member name"}},
		{"a second value", "{\"release\": {\"month\": \"2026-12\"}, \"vms\": [" + vm + "]}\n {}", placed{2, 2, "", "not valid JSON: a fleet file holds one JSON value; found another after it"}},
		{"cut short", "{\"release\": {\"month\": \"2026-12\"},\n\"vms\": [" + vm, placed{2, 78, "vms", "not valid JSON: the file ends in the middle of a value"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkPlaced(t, loadErrors(t, "f.json", tt.src), []placed{tt.want})
		})
	}
	// Flow-style YAML starts with { too, and takes a trailing comma.
	f, err := load("f.yaml", []byte("{release: {month: \"2026-12\"}, vms: [{name: a, subscription: s, region: eastus, os: linux},]}\n"))
	if err != nil || len(f.VMs) != 1 || f.VMs[0].Name != "a" {
		t.Fatalf("flow-style YAML: %v, %+v", err, f.VMs)
	}
}

// TestLeftOutLookalikes: a null or an empty string reads like a member
// left out in the typed form; such a VM is judged by the schema, which
// refuses it even where the defaults would give the member, and takes it
// where the lookalike is inside a string.
func TestLeftOutLookalikes(t *testing.T) {
	const head = "{\"release\": {\"month\": \"2026-12\"},\n\"defaults\": {\"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\", \"timeZone\": \"UTC\", \"powerSchedule\": [{\"days\": [\"Mon\"], \"start\": \"08:00\", \"end\": \"18:00\"}]},\n\"vms\": [\n"
	for _, tt := range []struct {
		vm   string
		want placed
	}{
		{`{"name": "a", "subscription": ""}`, placed{4, 31, "vms[0].subscription", "expected the VM's subscription"}},
		{`{"name": "a", "timeZone": null}`, placed{4, 27, "vms[0].timeZone", "expected a Windows time zone ID"}},
		{`{"name": "a", "powerSchedule": null}`, placed{4, 32, "vms[0].powerSchedule", "expected a list of power windows"}},
		{`{"name": "a", "image": null}`, placed{4, 24, "vms[0].image", "expected a mapping, found nothing (null)"}},
		{`{"name": "a", "updateDomain": null}`, placed{4, 31, "vms[0].updateDomain", "expected an update domain"}},
		{`{"name": "a", "zone": ""}`, placed{4, 23, "vms[0].zone", `expected an availability zone`}},
		{`null`, placed{4, 1, "vms[0]", "expected a mapping, found nothing (null)"}},
	} {
		checkPlaced(t, loadErrors(t, "f.json", head+tt.vm+"]}"), []placed{tt.want})
	}
	f, err := load("f.json", []byte(head+`{"name": "nullable \"\" vm"}, {"name": "b", "powerSchedule": []}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if f.VMs[0].Name != `nullable "" vm` || len(f.VMs[0].PowerSchedule) != 1 || f.VMs[1].PowerSchedule != nil {
		t.Errorf("VMs = %+v", f.VMs)
	}
}

// TestDefaultsAfterVMs: the defaults block and the declared regions count
// wherever they are in the file.
func TestDefaultsAfterVMs(t *testing.T) {
	f, err := load("f.json", []byte(`{"vms": [{"name": "a", "zone": 1}, {"name": "b", "region": "eastus", "os": "windows"}],
		"release": {"month": "2026-12"},
		"defaults": {"subscription": "s", "region": "contosoedge", "os": "linux", "installMinutes": 30},
		"regions": [{"name": "contosoedge", "hasAvailabilityZones": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := f.VMs[0], f.VMs[1]; a.Region != "contosoedge" || a.Zone != "1" || a.InstallMinutes != 30 || a.OS != "linux" ||
		b.Region != "eastus" || b.OS != "windows" || b.Subscription != "s" {
		t.Errorf("VMs = %+v", f.VMs)
	}
	errs := loadErrors(t, "f.json", `{"vms": [{"name": "a"}], "release": {"month": "2026-12"}, "defaults": {"subscription": "s", "region": "westus", "os": "linux", "zone": 2}}`)
	checkPlaced(t, errs, []placed{{1, 136, "defaults.zone", `zone "2" for VMs in region "westus" (defaults.region), which has no availability zones`}})
}

// TestNumbersAsWritten: a whole number may be written 90.0, a zone as a
// number or a string, as the schema allows.
func TestNumbersAsWritten(t *testing.T) {
	f, err := load("f.json", []byte(`{"release": {"month": "2026-12"}, "settings": {"deadlineDays": 20.0, "haltHours": 0},
		"defaults": {"zone": 2, "installMinutes": 90.0, "subscription": "s", "region": "eastus", "os": "linux"},
		"vms": [{"name": "a", "zone": 1.0, "updateDomain": 1.0}, {"name": "b", "zone": "3", "failureProbability": 0.050, "installMinutes": 1e2}, {"name": "c"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := f.VMs[0], f.VMs[1], f.VMs[2]
	if a.Zone != "1" || a.UpdateDomain != 1 || a.InstallMinutes != 90 || b.Zone != "3" || b.FailureProbability != 0.05 || b.InstallMinutes != 100 || c.Zone != "2" {
		t.Errorf("VMs = %+v", f.VMs)
	}
	if f.Settings.DeadlineDays != 20 || f.Settings.HaltHours == nil || *f.Settings.HaltHours != 0 {
		t.Errorf("settings = %+v", f.Settings)
	}
}

// TestRefused: what Load refuses, each with the field it is about.
func TestRefused(t *testing.T) {
	const vm = `"subscription": "s", "region": "eastus", "os": "linux"`
	for name, tt := range map[string]struct{ src, field string }{
		"duplicate names escaped":  {`{"release": {"month": "2026-12"}, "vms": [{"name": "a", ` + vm + `}, {"name": "\u0061", ` + vm + `}]}`, "vms[1].name"},
		"empty name":               {`{"release": {"month": "2026-12"}, "vms": [{"name": "a", ` + vm + `}, {"name": "", ` + vm + `}]}`, "vms[1].name"},
		"name a number":            {`{"release": {"month": "2026-12"}, "vms": [{"name": "a", ` + vm + `}, {"name": 5, ` + vm + `}]}`, "vms[1].name"},
		"no name":                  {`{"release": {"month": "2026-12"}, "vms": [{"name": "a", ` + vm + `}, {` + vm + `}]}`, "vms[1].name"},
		"name only nested":         {`{"release": {"month": "2026-12"}, "vms": [{"image": {"name": "a"}, ` + vm + `}]}`, "vms[0].name"},
		"a VM not an object":       {`{"release": {"month": "2026-12"}, "vms": [{"name": "a", ` + vm + `}, 5]}`, "vms[1]"},
		"vms not a list":           {`{"release": {"month": "2026-12"}, "vms": {"name": "a"}}`, "vms"},
		"no vms":                   {`{"release": {"month": "2026-12"}}`, "vms"},
		"a merge key is a name":    {`{"release": {"month": "2026-12"}, "vms": [{"<<": {"os": "linux"}, "name": "a", ` + vm + `}]}`, `vms[0]["<<"]`},
		"a number beyond float64":  {`{"release": {"month": "2026-12"}, "vms": [{"name": "a", ` + vm + `, "updateDomain": 1e400}]}`, "vms[0].updateDomain"},
		"nested too deep":          {`{"release": {"month": "2026-12"}, "x": ` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `, "vms": [{"name": "a", ` + vm + `}]}`, "x"},
		"a plan twice":             {`{"release": {"month": "2026-12"}, "vms": [{"name": "a", ` + vm + `}], "phases": [["eastus"], ["eastus"]]}`, "phases[1][0]"},
		"a date outside the month": {`{"release": {"month": "2026-12", "date": "2027-01-01T00:00:00Z"}, "vms": [{"name": "a", ` + vm + `}]}`, "release.date"},
	} {
		errs := loadErrors(t, "f.json", tt.src)
		if errs[0].Field != tt.field || errs[0].Line < 1 || errs[0].Column < 1 {
			t.Errorf("%s: %v, want one about %s", name, errs, tt.field)
		}
	}
}

// TestVMsShareNothing: no two VMs share a power schedule from the
// defaults, so changing one VM's leaves the others alone.
func TestVMsShareNothing(t *testing.T) {
	f := mustLoad(t, `{"release": {"month": "2026-12"}, "defaults": {"os": "linux", "subscription": "s", "region": "eastus",
		"powerSchedule": [{"days": ["Mon"], "start": "08:00", "end": "20:00"}], "powerOff": [{"from": "2026-12-10", "to": "2026-12-11"}]},
		"vms": [{"name": "a"}, {"name": "b"}]}`)
	f.VMs[0].PowerSchedule[0].Days[0] = "Sun"
	f.VMs[0].PowerOff[0].To = "2026-12-31"
	if b := f.VMs[1]; b.PowerSchedule[0].Days[0] != "Mon" || b.PowerOff[0].To != "2026-12-11" {
		t.Fatalf("VM b changed with VM a: %+v", b)
	}
}

// randomFleet writes a random fleet as a JSON fleet file with a defaults
// block, settings, VMs alike but for their names, names written with
// escapes, zones as numbers, assorted whitespace, a declared region some
// VMs use, and the model's newer fields (phaseHours, haltHours,
// unhealthyProbability, enablement), and the same fleet as block-style
// YAML: nested mappings as blocks, lists in flow style, names plain,
// double- and single-quoted, comments and blank lines between VMs.
func randomFleet(t *testing.T, seed int64) (jsonFile, yamlFile []byte) {
	req := simulatortest.RandomFleet(seed)
	tab, err := regionTable()
	if err != nil {
		t.Fatal(err)
	}
	top := map[string]any{"release": map[string]any{"month": "2026-12"}, "settings": map[string]any{"deadlineDays": 20},
		"regions": []any{map[string]any{"name": "contosoedge", "pairedRegion": "eastus", "hasAvailabilityZones": true}}}
	if seed%2 == 0 {
		top["settings"] = map[string]any{"deadlineDays": 20, "phaseHours": 36, "haltHours": 12}
	}
	switch seed % 3 {
	case 0:
		top["defaults"] = map[string]any{"timeZone": "Pacific Standard Time", "installMinutes": 45, "enablement": "pending", "unhealthyProbability": 0.05,
			"powerSchedule": []any{map[string]any{"days": []string{"Mon"}, "start": "08:00", "end": "20:00"}}}
	case 1:
		top["defaults"] = map[string]any{"zone": 2, "os": "windows"}
	}
	var vms []map[string]any
	for i, vm := range req.Fleet.VMs {
		// A zone in a region without zones is refused: such a VM loses
		// its zone, or, where every VM gets the defaults' zone, moves to
		// a region with zones.
		if r, _ := tab.Lookup(vm.Region); r.RefusesZones() {
			if seed%3 == 1 {
				vm.Region = "westus2"
			}
			vm.Zone = ""
		}
		if i%5 == 2 {
			vm.Region = "contosoedge" // declared, with zones
		}
		m := map[string]any{"subscription": vm.Subscription, "region": vm.Region, "image": vm.Image,
			"timeZone": vm.TimeZone, "offPeak": vm.OffPeak}
		if vm.PatchMode != "" { // RandomFleet leaves some unset: Azure's default
			m["patchMode"] = vm.PatchMode
		}
		if i%2 == 0 {
			m["unhealthyProbability"] = float64(i%4) / 10
		}
		if i%3 == 1 {
			m["enablement"] = []string{"done", "pending"}[i%2]
		}
		if len(vm.PowerOff) > 0 {
			m["powerOff"] = vm.PowerOff
		}
		if seed%3 != 1 {
			m["os"] = vm.OS
			if vm.Zone != "" {
				m["zone"] = vm.Zone
			}
		}
		if vm.AvailabilitySet != "" && seed%3 != 1 {
			m["availabilitySet"] = vm.AvailabilitySet
			m["updateDomain"] = vm.UpdateDomain
		}
		if len(vm.PowerSchedule) > 0 && seed%3 != 0 {
			m["powerSchedule"] = vm.PowerSchedule
		}
		for copyNo := range 1 + i%3 { // alike but for the name
			c := map[string]any{"name": fmt.Sprintf("%s-%d", vm.Name, copyNo)}
			if len(vms)%7 == 3 {
				c["name"] = fmt.Sprintf("vm-%d\t\"x\"", len(vms))
			}
			for k, v := range m {
				c[k] = v
			}
			vms = append(vms, c)
		}
	}

	var j bytes.Buffer
	j.WriteString("\ufeff{")
	for _, k := range []string{"release", "settings", "regions", "defaults"} {
		if v, ok := top[k]; ok {
			fmt.Fprintf(&j, "%q: %s,\n", k, mustJSON(t, v))
		}
	}
	j.WriteString("\"vms\":\t[")
	for i, vm := range vms {
		if i > 0 {
			j.WriteString(",\n ")
		}
		body := mustJSON(t, vm)
		if i%7 == 3 {
			body = bytes.Replace(body, []byte(`"vm-`), []byte(`"vm\u002d`), 1)
		}
		j.Write(body)
	}
	j.WriteString("]}\n")

	var y bytes.Buffer
	var block func(m map[string]any, indent, first string)
	block = func(m map[string]any, indent, first string) {
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		for i, k := range keys {
			lead := indent
			if i == 0 {
				lead = first
			}
			if sub, ok := m[k].(map[string]any); ok {
				fmt.Fprintf(&y, "%s%s:\n", lead, k)
				block(sub, indent+"  ", indent+"  ")
				continue
			}
			fmt.Fprintf(&y, "%s%s: %s\n", lead, k, mustJSON(t, m[k]))
		}
	}
	for _, k := range []string{"release", "settings", "defaults"} {
		if m, ok := top[k].(map[string]any); ok {
			fmt.Fprintf(&y, "%s:\n", k)
			block(m, "  ", "  ")
		}
	}
	// The declared regions before the VMs, or after them.
	if seed%2 == 0 {
		fmt.Fprintf(&y, "regions: %s\n", mustJSON(t, top["regions"]))
	}
	y.WriteString("vms:\n")
	for i, vm := range vms {
		name := vm["name"].(string)
		rest := map[string]any{}
		for k, v := range vm {
			if k != "name" {
				rest[k] = v
			}
		}
		switch {
		case strings.ContainsAny(name, "\t\""):
			name = string(mustJSON(t, name))
		case i%3 == 1:
			name = `"` + name + `"`
		case i%3 == 2:
			name = `'` + name + `'`
		}
		if i%5 == 4 {
			y.WriteString("\n  # a comment between VMs\n")
		}
		fmt.Fprintf(&y, "  - name: %s\n", name)
		block(toPlain(t, rest), "    ", "    ")
	}
	if seed%2 == 1 {
		fmt.Fprintf(&y, "regions: %s\n", mustJSON(t, top["regions"]))
	}
	return j.Bytes(), y.Bytes()
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// toPlain turns struct values into maps, for the YAML writer.
func toPlain(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(mustJSON(t, m), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestJSONAndYAMLReadAlike: random fleets, written as JSON and as YAML,
// load to the same fleet.
func TestJSONAndYAMLReadAlike(t *testing.T) {
	for seed := range int64(40) {
		j, y := randomFleet(t, seed)
		fromJSON, err := load("f.json", j)
		if err != nil {
			t.Fatalf("seed %d, JSON: %v\n%s", seed, err, j)
		}
		fromYAML, err := load("f.yaml", y)
		if err != nil {
			t.Fatalf("seed %d, YAML: %v\n%s", seed, err, y)
		}
		if !reflect.DeepEqual(fromJSON, fromYAML) {
			t.Fatalf("seed %d: the fleets differ:\nJSON %+v\nYAML %+v", seed, fromJSON, fromYAML)
		}
		if !strings.Contains(string(j), `\u002d`) || len(fromJSON.VMs) < 10 {
			t.Fatalf("seed %d: %d VMs, no escaped name: the fleet tests little", seed, len(fromJSON.VMs))
		}
	}
}

// TestManyVMs: a fleet of many batches (scanVMs), past the sample after
// which room is made for the rest, loads whole, and its problems are
// found wherever they are, the careful reading's included.
func TestManyVMs(t *testing.T) {
	n := 3*batchVMs + sampleVMs
	good := fleetFile(t, "json", n)
	f, err := load("f.json", good)
	if err != nil || len(f.VMs) != n || f.VMs[n-1].Name != fmt.Sprintf("vm-%07d", n-1) {
		t.Fatalf("%v, %d VMs", err, len(f.VMs))
	}
	req := simulatortest.LargeFleet(n)
	req.Fleet.VMs[300].TimeZone = "Mars/Base"
	var file bytes.Buffer
	if err := simulatortest.WriteFleetFile(&file, req); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(file.String(), `"installMinutes":60,"name":"vm-0001500"`, `"installMinutes":"60","name":"vm-0001500"`, 1)
	bad = strings.Replace(bad, fmt.Sprintf(`"name":"vm-%07d"`, n-1), `"name":"vm-0000000"`, 1)
	if bad == string(good) {
		t.Fatal("no VM was spoiled")
	}
	errs := loadErrors(t, "f.json", bad)
	var got []string
	for _, e := range errs {
		got = append(got, e.Field)
	}
	want := []string{"vms[300].timeZone", "vms[1500].installMinutes", fmt.Sprintf("vms[%d].name", n-1)}
	if !slices.Equal(got, want) {
		t.Fatalf("errors about %v, want %v:\n%v", got, want, errs)
	}
	for i, e := range errs {
		if vm := []int{300, 1500, n - 1}[i]; e.Line != 3+vm { // a VM a line, from line 3
			t.Errorf("%v: want line %d", e, 3+vm)
		}
	}
}

// TestYAMLPositionsThroughAliases: in a YAML file, a value merged in (<<)
// is placed at its merge key, and a value reached through an alias at the
// alias.
func TestYAMLPositionsThroughAliases(t *testing.T) {
	src := `release: {month: "2026-12"}
base: &base {subscription: s, region: eastus, os: Linux}
img: &img {publisher: P, offer: O}
vms:
  - name: a
    <<: *base
  - {name: b, subscription: s, region: eastus, os: linux,
     image: *img}
`
	errs := loadErrors(t, "f.yaml", src)
	checkPlaced(t, errs, []placed{
		{2, 1, "base", `unknown field "base"`},
		{3, 1, "img", `unknown field "img"`},
		{6, 5, "vms[0].os", `found "Linux"; did you mean "linux"?`},
		{8, 13, "vms[1].image.sku", `missing required field "sku"`},
	})
}
