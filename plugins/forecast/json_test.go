package forecast

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestJSONIsTheEncodersOutput: the streamed JSON is byte for byte what
// json.Encoder with a two-space indent writes, for real forecasts and for
// a plan and VM list that are nil or empty.
func TestJSONIsTheEncodersOutput(t *testing.T) {
	var forecasts []*simulator.Forecast
	for seed := range int64(20) {
		f, err := reference.New().Simulate(context.Background(), simulatortest.RandomFleet(seed))
		if err != nil {
			t.Fatal(err)
		}
		forecasts = append(forecasts, f)
	}
	odd := *forecasts[0]
	odd.Plan, odd.VMs = nil, []simulator.VMResult{}
	odd.Simulator.Name = "a <name> with \"plan\": null\n  \"vms\": null & more"
	forecasts = append(forecasts, &odd, &simulator.Forecast{})
	for i, f := range forecasts {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := (jsonFormat{}).Format(&got, f); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			n := 0
			for n < min(got.Len(), want.Len()) && got.Bytes()[n] == want.Bytes()[n] {
				n++
			}
			t.Fatalf("forecast %d differs at byte %d:\ngot  %q\nwant %q", i, n, got.Bytes()[max(0, n-60):min(got.Len(), n+60)], want.Bytes()[max(0, n-60):min(want.Len(), n+60)])
		}
	}
}
