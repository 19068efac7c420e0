package forecast

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// countingWriter counts what is written to it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// BenchmarkJSON writes the reference model's forecast of a generated fleet
// (simulatortest.LargeFleet) as JSON to io.Discard: the writer alone, the
// model runs once before the timer. 1M VMs is the size the forecast JSON
// has a budget for (docs/performance.md); -short skips it.
func BenchmarkJSON(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		if testing.Short() && n > 100_000 {
			continue
		}
		f, err := reference.New().Simulate(context.Background(), simulatortest.LargeFleet(n))
		if err != nil || len(f.VMs) != n {
			b.Fatalf("simulate %d VMs: %v", n, err)
		}
		var size countingWriter
		if err := (jsonFormat{}).Format(&size, f); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("vms=%d", n), func(b *testing.B) {
			b.SetBytes(size.n)
			b.ReportAllocs()
			for b.Loop() {
				if err := (jsonFormat{}).Format(io.Discard, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
