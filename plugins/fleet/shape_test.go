package fleet

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/patchcheck/patchcheck/schemas"
)

// vmValues are values for each VM member, each list with the good ones
// first: the schema takes goods[field] of them.
var vmValues = map[string][]any{
	"name":                   {"vm-1", "web 01", "", 5, nil},
	"subscription":           {"s", "sub-01", "TODO", "", 7},
	"region":                 {"eastus", "westus2", "East US", "", "eastus\n"},
	"zone":                   {"1", "2", 3, 1.0, "4", 0, "", true},
	"availabilitySet":        {"as", "", 1},
	"updateDomain":           {0, 19, 4.0, 20, 1.5, -1, 1e3, "3"},
	"os":                     {"linux", "windows", "Linux", ""},
	"image":                  {map[string]any{"publisher": "P", "offer": "O", "sku": "S"}, map[string]any{"publisher": "P"}, map[string]any{}, map[string]any{"publisher": "P", "offer": "O", "sku": "S", "version": "1"}, "img"},
	"customImage":            {true, false, "true"},
	"patchMode":              {"AutomaticByPlatform", "Manual", "automaticbyplatform"},
	"enableAutomaticUpdates": {false, true, "false"},
	"agentVersion":           {"2.2.53.1", "2", "2.2.53.1.5", "v2", ""},
	"timeZone":               {"UTC", "Mars/Base", "", 1},
	"offPeak":                {map[string]any{"start": "22:00", "end": "06:00"}, map[string]any{"start": "24:00", "end": "06:00"}, map[string]any{"start": "22:00"}, map[string]any{"start": "22:00", "end": "06:00", "tz": "UTC"}},
	"powerSchedule": {[]any{}, []any{map[string]any{"days": []any{"Mon", "Fri"}, "start": "08:00", "end": "18:00"}},
		[]any{map[string]any{"days": []any{}, "start": "08:00", "end": "18:00"}}, []any{map[string]any{"days": []any{"Mon", "Mon"}, "start": "08:00", "end": "18:00"}},
		[]any{map[string]any{"days": []any{"Funday"}, "start": "08:00", "end": "18:00"}}, []any{map[string]any{"days": []any{"Mon"}, "start": "8:00", "end": "18:00"}}, "weekdays"},
	"powerOff":             {[]any{}, []any{map[string]any{"from": "2026-12-10", "to": "2026-12-20"}}, []any{map[string]any{"from": "2026-13-01", "to": "2026-12-20"}}, []any{map[string]any{"from": "2026-12-10"}}},
	"installMinutes":       {60, 10080, 1, 0, 10081, 60.5},
	"failureProbability":   {0, 1, 0.25, 1.5, -0.1},
	"unhealthyProbability": {0.5, 0, 2},
	"enablement":           {"done", "pending", "Done"},
	"colour":               {"red"},
}

// goods is how many of vmValues[field] the schema takes; the rest it
// refuses.
var goods = map[string]int{"name": 2, "subscription": 2, "region": 2, "zone": 4, "availabilitySet": 1, "updateDomain": 3, "os": 2,
	"image": 1, "customImage": 2, "patchMode": 2, "enableAutomaticUpdates": 2, "agentVersion": 2, "timeZone": 2, "offPeak": 1,
	"powerSchedule": 2, "powerOff": 2, "installMinutes": 3, "failureProbability": 3, "unhealthyProbability": 2, "enablement": 2, "colour": 0}

// TestFitsAgreesWithSchema: on random VMs, some valid and some not, with
// and without a defaults block, the Go judgement (the typed decode, then
// fits) takes exactly what the schema takes, except for the VMs the
// reader always leaves to the schema (a null or an empty string in them).
func TestFitsAgreesWithSchema(t *testing.T) {
	v, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(13, 4))
	fields := make([]string, 0, len(vmValues))
	for f := range vmValues {
		fields = append(fields, f)
	}
	// Every value, good and bad, takes its turn.
	seen := map[string]bool{}
	counts := map[bool]int{}
	for n := range 6000 {
		vm := map[string]any{"name": "vm-1"}
		for _, f := range fields {
			if r.IntN(3) > 0 && f != "name" || goods[f] == 0 && r.IntN(20) > 0 {
				continue
			}
			values := vmValues[f]
			i := len(values) - 1 - r.IntN(len(values)) // one in len(values) bad and good alike
			if r.IntN(12) > 0 && goods[f] > 0 {
				i = r.IntN(goods[f]) // else good
			}
			vm[f] = values[i]
			seen[f+"/"+string(rune('0'+i))] = true
		}
		if n%50 == 0 {
			vm["region"] = nil // a null
		}
		var defaults map[string]any
		if r.IntN(3) > 0 {
			defaults = map[string]any{}
			for _, f := range []string{"subscription", "region", "os"} {
				if r.IntN(2) == 0 {
					defaults[f] = vmValues[f][0]
				}
			}
		}
		text, err := json.Marshal(vm)
		if err != nil {
			t.Fatal(err)
		}

		doc := map[string]any{"vms": []any{plain(t, text)}}
		var typedDefaults *fileVM
		if defaults != nil {
			doc["defaults"] = defaults
			d, _ := json.Marshal(defaults)
			typedDefaults = new(fileVM)
			if err := jsonv2.Unmarshal(d, typedDefaults, strict); err != nil {
				t.Fatal(err)
			}
		}
		schemaOK := true
		if err := v.schema.Validate(doc); err != nil {
			failures, _ := v.schema.Failures(err)
			for _, f := range failures {
				if _, ok := cutPointer(f.Pointer, "/vms/0"); ok {
					schemaOK = false
				}
			}
		}
		var typed fileVM
		decoded := jsonv2.Unmarshal(text, &typed, strict) == nil
		leftOut := bytes.Contains(text, []byte("null")) || bytes.Contains(text, []byte(`""`))
		goOK := decoded && typed.fits(typedDefaults, shapeMemo{})
		switch {
		case leftOut:
			if goOK && !schemaOK {
				// Allowed: the reader sends it to the schema anyway.
				counts[false]++
			}
			continue
		case goOK != schemaOK:
			t.Fatalf("Go says %v (decoded %v), the schema says %v, for %s with defaults %v", goOK, decoded, schemaOK, text, defaults)
		}
		counts[schemaOK]++
	}
	if counts[true] < 500 || counts[false] < 500 {
		t.Fatalf("random VMs: %d valid, %d invalid; widen the generator", counts[true], counts[false])
	}
	for f, values := range vmValues {
		for i := range values {
			if !seen[f+"/"+string(rune('0'+i))] {
				t.Errorf("%s value %d (%v) never tried", f, i, values[i])
			}
		}
	}
}

// plain decodes JSON as the schema validator takes it.
func plain(t *testing.T, text []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(text))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestVMsAreJudgedAlone guards the reader's premise: the schema judges
// each VM on its own, given the defaults block (explainVM validates a VM
// as the only VM of a file with the file's defaults; fits judges it in
// Go). No keyword may relate one VM to another, or a VM to anything but
// the defaults.
func TestVMsAreJudgedAlone(t *testing.T) {
	data, err := fs.ReadFile(schemas.FS(), schemas.Fleet)
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	vms := schema["properties"].(map[string]any)["vms"].(map[string]any)
	for k := range vms {
		switch k {
		case "type", "minItems", "items", "x-message", "x-empty":
		default:
			t.Errorf("vms has %q: check that the reader still judges each VM alone", k)
		}
	}
	for _, rule := range schema["allOf"].([]any) {
		text, _ := json.Marshal(rule)
		for _, k := range []string{"uniqueItems", "contains", "maxItems", "prefixItems", "release", "settings", "regions", "phases"} {
			if strings.Contains(string(text), `"`+k+`"`) {
				t.Errorf("the root allOf uses %s: check that the reader still judges each VM alone, with the defaults", k)
			}
		}
	}
	// fits mirrors the VM's members one for one.
	vm := schema["$defs"].(map[string]any)["vm"].(map[string]any)["properties"].(map[string]any)
	typed := reflect.TypeFor[fileVM]()
	if typed.NumField() != len(vm) {
		t.Errorf("fileVM has %d fields, the schema's VM %d members", typed.NumField(), len(vm))
	}
	for i := range typed.NumField() {
		name, _, _ := strings.Cut(typed.Field(i).Tag.Get("json"), ",")
		if _, ok := vm[name]; !ok {
			t.Errorf("fileVM.%s (%s) is not a member of the schema's VM", typed.Field(i).Name, name)
		}
		if _, ok := vmValues[name]; !ok {
			t.Errorf("TestFitsAgreesWithSchema tries no values of %s", name)
		}
	}
}
