package forecast

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestJSONIsTheEncodersOutput: the streamed JSON is byte for byte what
// json.Encoder with a two-space indent writes (with '#' and the characters
// a terminal or CI runner acts on as \u escapes, safetext.JSON), for real
// forecasts and for a plan and VM list that are nil or empty.
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
	forecasts = append(forecasts, &odd, &simulator.Forecast{}, oddElements())
	for i, f := range forecasts {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
		want = *bytes.NewBuffer(safetext.JSON(want.Bytes()))
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

// TestElementWritersKnowEveryField: a field added to VMResult or Step must
// be added to the hand-written element writers too.
func TestElementWritersKnowEveryField(t *testing.T) {
	if n := reflect.TypeFor[simulator.VMResult]().NumField(); n != resultFields {
		t.Errorf("VMResult has %d fields, appendResult writes %d", n, resultFields)
	}
	if n := reflect.TypeFor[simulator.Step]().NumField(); n != stepFields {
		t.Errorf("Step has %d fields, appendStep writes %d", n, stepFields)
	}
}

// oddElements is a forecast whose elements take every path of the
// hand-written writers: strings encoding/json escapes, floats at the edges
// of its exponent form, nil and empty lists, times with and without
// fractions and zones.
func oddElements() *simulator.Forecast {
	zone := time.FixedZone("", -(3*3600 + 30*60))
	at := func(t time.Time) *time.Time { return &t }
	days := func(f float64) *float64 { return &f }
	var vms []simulator.VMResult
	for i, s := range []string{"", "plain", "<b>&amp;", "a<b", "a>b", "a&b", `a"b`, "quote\" back\\slash", "tab\tnew\nline\x01", "é ü 中", "\u2028\u2029", "bad \xff utf8", "~ DEL \x7f", "##vso[task.complete] # ##[error]", "nel \u0085 rlo \u202e"} {
		vms = append(vms, simulator.VMResult{Name: s, Region: s, Zone: s, AvailabilitySet: s, Reason: s, LocalInstall: s, UpdateDomain: -i, Phase: i - 1, Eligible: i%2 == 0, Compliant: i%3 == 0, Attempts: i, InstallWindows: i % 4, CatchUp: i%2 == 1})
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1.5e-10, 1e20, 1e21, 1.2345e22, -3e-9, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64}
	times := []time.Time{time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 18, 0, 0, 500, zone), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)}
	for i, f := range floats {
		t := times[i%len(times)]
		vms = append(vms, simulator.VMResult{Name: "f", DaysAfterRelease: days(f), AssessedAt: at(t), InstallStart: at(t.Add(-time.Minute)), InstallEnd: at(t)})
	}
	plan := []simulator.Step{
		{Phase: 1, Region: "<r>", Group: "g & h", Start: times[0], End: times[1], VMs: []string{"a", "<b>", ""}},
		{VMs: []string{}},
		{Start: times[2], End: times[3]},
	}
	return &simulator.Forecast{VMs: vms, Plan: plan}
}

// TestJSONRefusesWhatTheEncoderRefuses: a value encoding/json cannot write
// is an error, as it is for the encoder, not a made-up rendering.
func TestJSONRefusesWhatTheEncoderRefuses(t *testing.T) {
	late := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	inf := math.Inf(1)
	for name, f := range map[string]*simulator.Forecast{
		"year 10000 in a result": {VMs: []simulator.VMResult{{InstallEnd: &late}}},
		"year 10000 in a step":   {Plan: []simulator.Step{{End: late}}},
		"infinite days":          {VMs: []simulator.VMResult{{DaysAfterRelease: &inf}}},
	} {
		if err := json.NewEncoder(io.Discard).Encode(f); err == nil {
			t.Fatalf("%s: encoding/json accepts it; the case tests nothing", name)
		}
		if err := (jsonFormat{}).Format(io.Discard, f); err == nil {
			t.Errorf("%s: written without an error", name)
		}
	}
}
