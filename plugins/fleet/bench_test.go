package fleet

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestGeneratedFleetFileLoads: the benchmarks' fleet file is a valid fleet
// holding the generated VMs.
func TestGeneratedFleetFileLoads(t *testing.T) {
	req := simulatortest.LargeFleet(50)
	var b bytes.Buffer
	if err := simulatortest.WriteFleetFile(&b, req); err != nil {
		t.Fatal(err)
	}
	f, err := Load("fleet.json", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.VMs) != 50 || f.VMs[49].Name != req.Fleet.VMs[49].Name || f.VMs[1].AvailabilitySet != req.Fleet.VMs[1].AvailabilitySet {
		t.Fatalf("loaded %d VMs, last %+v", len(f.VMs), f.VMs[len(f.VMs)-1])
	}
}

// BenchmarkLoad loads a generated JSON fleet file (simulatortest.LargeFleet
// written by WriteFleetFile, as scripts/benchfleet does).
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		var file bytes.Buffer
		if err := simulatortest.WriteFleetFile(&file, simulatortest.LargeFleet(n)); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("vms=%d", n), func(b *testing.B) {
			b.SetBytes(int64(file.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load("fleet.json", file.Bytes()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "VMs/s")
		})
	}
}
