package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// fleetFile is the generated fleet of n VMs (simulatortest.LargeFleet) as a
// JSON fleet file, as scripts/benchfleet writes it, or as a block-style
// YAML file. "json-distinct" is the JSON fleet with every VM in its own
// availability set, so that no two VMs are alike but for their names.
func fleetFile(tb testing.TB, format string, n int) []byte {
	tb.Helper()
	req := simulatortest.LargeFleet(n)
	if format == "json-distinct" {
		for i := range req.Fleet.VMs {
			req.Fleet.VMs[i].Zone, req.Fleet.VMs[i].AvailabilitySet = "", fmt.Sprintf("as-%d", i)
		}
	}
	var file bytes.Buffer
	if err := simulatortest.WriteFleetFile(&file, req); err != nil {
		tb.Fatal(err)
	}
	if format != "yaml" {
		return file.Bytes()
	}
	var doc map[string]any
	if err := json.Unmarshal(file.Bytes(), &doc); err != nil {
		tb.Fatal(err)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestGeneratedFleetFileLoads: the benchmarks' fleet files are valid
// fleets holding the generated VMs, in JSON and in YAML alike.
func TestGeneratedFleetFileLoads(t *testing.T) {
	req := simulatortest.LargeFleet(50)
	var fleets []any
	for _, format := range []string{"json", "yaml"} {
		data := fleetFile(t, format, 50)
		if format == "yaml" && looksLikeJSON(data) {
			t.Fatal("the YAML file is JSON")
		}
		f, err := load("fleet."+format, data)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.VMs) != 50 || f.VMs[49].Name != req.Fleet.VMs[49].Name || f.VMs[1].AvailabilitySet != req.Fleet.VMs[1].AvailabilitySet {
			t.Fatalf("%s: loaded %d VMs, last %+v", format, len(f.VMs), f.VMs[len(f.VMs)-1])
		}
		fleets = append(fleets, f)
	}
	if !reflect.DeepEqual(fleets[0], fleets[1]) {
		t.Errorf("the JSON and YAML files load differently:\n%+v\n%+v", fleets[0], fleets[1])
	}
}

// BenchmarkLoad loads generated fleet files: JSON at 10k, 100k and 1M VMs,
// JSON of VMs all different at 100k, YAML at 20k. Each file is made inside its sub-benchmark, so that
// -bench 'Load/json/vms=1000000$' makes only that one.
func BenchmarkLoad(b *testing.B) {
	for _, c := range []struct {
		format string
		n      int
	}{{"json", 10_000}, {"json", 100_000}, {"json", 1_000_000}, {"json-distinct", 100_000}, {"yaml", 20_000}} {
		b.Run(fmt.Sprintf("%s/vms=%d", c.format, c.n), func(b *testing.B) {
			file := fleetFile(b, c.format, c.n)
			azure := seedSettings()
			b.SetBytes(int64(len(file)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Load("fleet", file, azure); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*c.n)/b.Elapsed().Seconds(), "VMs/s")
		})
	}
}
