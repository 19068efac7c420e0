package fleet

import (
	"bytes"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
)

// jsonSamples cover what the fast JSON reader must read exactly as the YAML
// path does: numbers in every form, escapes, non-ASCII text before values
// (columns count code points), empty containers, nesting, odd spacing.
var jsonSamples = []string{
	`{"release": {"month": "2026-12"}, "vms": [{"name": "a", "updateDomain": 2, "failureProbability": 0.05}]}`,
	"{\n\t\"release\":{\"month\":\"2026-12\"},\r\n  \"vms\" : [ ]\n}",
	`{"a": [1, -0, 1.0, 1e3, 2.5E-3, 12345678901234, -7, 0.1], "b": [], "c": {}, "d": null, "e": [true, false]}`,
	`{"name": "café ☕", "x": "tab\tand \"quotes\" and \\ and \u00e9 and \/", "y": {"z": [[["deep"]]]}}`,
	`{"ключ": "значение", "after": {"k": "v"}}`,
	`{"zone": 1, "zone2": "1", "k/with~slash": 3}`,
	`[1, {"a": "b"}, "c"]`,
	`"just a string"`,
}

// TestJSONParseMatchesYAML: for every JSON document the fast reader
// accepts, it builds the document the YAML path builds, values and
// positions alike; the bundled fleets go through the fast reader.
func TestJSONParseMatchesYAML(t *testing.T) {
	samples := append([]string{string(mustRead(t, "testdata/fleet.json"))}, jsonSamples...)
	for i, src := range samples {
		fast, ok := parseJSON("f.json", []byte(src), true)
		if !ok {
			t.Errorf("sample %d: the fast reader refused it", i)
			continue
		}
		assertSameDocument(t, i, []byte(src), fast)
		if !fast.placed() {
			t.Errorf("sample %d: a placed read does not say so", i)
		}
		// Unplaced, the values are the same and no positions are kept.
		bare, ok := parseJSON("f.json", []byte(src), false)
		if !ok || bare.placed() || len(bare.locs) != 0 || !reflect.DeepEqual(bare.root, fast.root) {
			t.Errorf("sample %d: unplaced read: ok %v, placed %v, %d positions, same values %v", i, ok, bare.placed(), len(bare.locs), reflect.DeepEqual(bare.root, fast.root))
		}
	}
}

func assertSameDocument(t *testing.T, i int, src []byte, fast *document) {
	t.Helper()
	slow, errs := parseYAML("f.json", bytes.Clone(src), maxAliasedNodes)
	if len(errs) > 0 {
		t.Errorf("sample %d: the YAML path fails where the fast reader does not: %v", i, errs)
		return
	}
	if !reflect.DeepEqual(fast.root, slow.root) {
		t.Errorf("sample %d: values differ:\nfast %#v\nyaml %#v", i, fast.root, slow.root)
	}
	for ptr, want := range slow.locs {
		if got := fast.locs[ptr]; got != want {
			t.Errorf("sample %d: %q at %+v, the YAML path says %+v", i, ptr, got, want)
		}
	}
	if len(fast.locs) != len(slow.locs) {
		t.Errorf("sample %d: %d positions, the YAML path has %d", i, len(fast.locs), len(slow.locs))
	}
}

// TestJSONParseFallsBack: what the fast reader does not handle goes the
// YAML way, so errors and YAML semantics stay as they were.
func TestJSONParseFallsBack(t *testing.T) {
	for _, src := range []string{
		`{"a": 1, "a": 2}`,            // duplicate key: the YAML path reports it
		`{"<<": {"a": 1}}`,            // a merge key in YAML
		`{"a": 1,}`,                   // not JSON
		`{"a": 1} trailing`,           // trailing content
		`{"a": 99999999999999999999}`, // beyond int64
	} {
		if _, ok := parseJSON("f.json", []byte(src), true); ok {
			t.Errorf("%s: the fast reader accepted it", src)
		}
	}
}

// FuzzJSONParse: wherever both readers accept a document, they build the
// same one.
func FuzzJSONParse(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !looksLikeJSON(data) {
			return // parse never asks the fast reader
		}
		fast, ok := parseJSON("f.json", data, true)
		if !ok {
			return
		}
		if _, errs := parseYAML("f.json", bytes.Clone(data), maxAliasedNodes); len(errs) > 0 {
			return // valid JSON the YAML parser refuses: the fast reader is the better judge
		}
		assertSameDocument(t, 0, data, fast)
	})
}

// TestBuildFromJSONMatchesDocument: decoding a JSON file straight into the
// fleet gives what decoding its document gives (integers written 1.0, and
// zones given as numbers, included).
func TestBuildFromJSONMatchesDocument(t *testing.T) {
	for i, src := range []string{
		string(mustRead(t, "testdata/fleet.json")),
		`{"release": {"month": "2026-12"}, "defaults": {"zone": 2, "installMinutes": 90.0},
		  "vms": [{"name": "a", "subscription": "s", "region": "eastus", "os": "linux", "zone": 1, "updateDomain": 1.0},
		          {"name": "b", "subscription": "s", "region": "eastus", "os": "windows", "zone": "3", "failureProbability": 0.050}]}`,
		`{"release": {"month": "2026-12"}, "defaults": {"zone": 2},
		  "vms": [{"name": "a", "subscription": "s", "region": "eastus", "os": "linux", "zone": 1, "updateDomain": 1},
		          {"name": "b", "subscription": "s", "region": "eastus", "os": "windows", "zone": "3"}, {"name": "c", "subscription": "s", "region": "eastus", "os": "linux"}]}`,
	} {
		doc, ok := parseJSON("f.json", []byte(src), false)
		if !ok || doc.json == nil {
			t.Fatalf("sample %d: not read as JSON", i)
		}
		direct, err := build(doc)
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if i != 1 && jsonv2.Unmarshal(doc.json, &file{}, jsonv2.RejectUnknownMembers(true)) != nil {
			t.Errorf("sample %d does not decode directly", i)
		}
		doc.json = nil
		viaDocument, err := build(doc)
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if !reflect.DeepEqual(direct, viaDocument) {
			t.Errorf("sample %d:\ndirect   %+v\ndocument %+v", i, direct, viaDocument)
		}
		if i == 2 && (direct.VMs[0].Zone != "1" || direct.VMs[2].Zone != "2") {
			t.Errorf("sample %d: zones %q, %q", i, direct.VMs[0].Zone, direct.VMs[2].Zone)
		}
		if i == 1 && (direct.VMs[0].Zone != "1" || direct.VMs[0].UpdateDomain != 1 || direct.VMs[1].InstallMinutes != 90) {
			t.Errorf("sample %d: zone %q, update domain %d, install minutes %d", i, direct.VMs[0].Zone, direct.VMs[0].UpdateDomain, direct.VMs[1].InstallMinutes)
		}
	}
}
