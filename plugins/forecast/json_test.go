package forecast

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestJSONSaysWhatEncodingJSONSays: the forecast JSON holds the values
// encoding/json writes for the contract's structs (the layout and the
// escaping may differ): nil lists stay null, catchUp false stays out, a
// name that is not UTF-8 reads back with U+FFFD, numbers and times keep
// their form. It covers real forecasts, a plan and VM list that are nil
// or empty, and elements with every edge value.
func TestJSONSaysWhatEncodingJSONSays(t *testing.T) {
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
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := (jsonFormat{}).Format(&got, f); err != nil {
			t.Fatal(err)
		}
		var wantValue, gotValue any
		if err := json.Unmarshal(want, &wantValue); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got.Bytes(), &gotValue); err != nil {
			t.Fatalf("forecast %d: %v\n%s", i, err, got.Bytes())
		}
		if !reflect.DeepEqual(gotValue, wantValue) {
			t.Errorf("forecast %d reads back differently:\ngot  %v\nwant %v", i, gotValue, wantValue)
		}
	}
}

// oddElements is a forecast whose elements hold edge values: strings
// that need escaping or are not UTF-8, floats at the edges of the
// exponent form, nil and empty lists, times with and without fractions
// and zones.
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
// is an error, as it is for the encoder, not a made-up rendering; the
// error names where the value is, as a JSON pointer.
func TestJSONRefusesWhatTheEncoderRefuses(t *testing.T) {
	late := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	inf := math.Inf(1)
	tests := []struct {
		name  string
		f     *simulator.Forecast
		where string
	}{
		{"year 10000 in a result", &simulator.Forecast{VMs: []simulator.VMResult{{}, {InstallEnd: &late}}}, `"/vms/1/installEnd"`},
		{"year 10000 in a step", &simulator.Forecast{Plan: []simulator.Step{{End: late}}}, `"/plan/0/end"`},
		{"infinite days", &simulator.Forecast{VMs: []simulator.VMResult{{DaysAfterRelease: &inf}}}, `"/vms/0/daysAfterRelease"`},
	}
	for _, tc := range tests {
		if err := json.NewEncoder(io.Discard).Encode(tc.f); err == nil {
			t.Fatalf("%s: encoding/json accepts it; the case tests nothing", tc.name)
		}
		err := (jsonFormat{}).Format(io.Discard, tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.where) {
			t.Errorf("%s: error %v, want one naming %s", tc.name, err, tc.where)
		}
	}
}

// TestNeutralWriterCutsBetweenRunes: however the encoder's output is cut
// into writes, and however small the pieces neutralWriter passes on, the
// result is safetext.JSON of the whole document, so a rune it escapes is
// escaped even when a write ends inside it.
func TestNeutralWriterCutsBetweenRunes(t *testing.T) {
	f := untrustedForecast(safetexttest.Payload() + " \u2028 é \u0085 中 ##vso[x]")
	whole, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := safetext.JSON(whole)
	if bytes.Equal(want, whole) {
		t.Fatal("nothing to neutralise; the test tests nothing")
	}
	for _, size := range []int{1, 2, 3, 5, 64} {
		for _, write := range []int{1, 2, 3, 4, 7, 4096} {
			var got bytes.Buffer
			n := &neutralWriter{w: &got, size: size}
			for p := whole; len(p) > 0; p = p[min(write, len(p)):] {
				if _, err := n.Write(p[:min(write, len(p))]); err != nil {
					t.Fatal(err)
				}
			}
			if err := n.flush(true); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("pieces of %d bytes, writes of %d: the output differs from safetext.JSON of the whole", size, write)
			}
		}
	}
}

// writeRecorder counts the bytes written to it and keeps the largest
// write.
type writeRecorder struct{ total, largest int }

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.total += len(p)
	w.largest = max(w.largest, len(p))
	return len(p), nil
}

// TestJSONStreams: a forecast reaches the writer in pieces of about 64
// KiB while it is encoded, and writing it allocates less than a quarter of
// its size: the output is never held whole.
func TestJSONStreams(t *testing.T) {
	f, err := reference.New().Simulate(context.Background(), simulatortest.LargeFleet(10_000))
	if err != nil {
		t.Fatal(err)
	}
	var w writeRecorder
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := (jsonFormat{}).Format(&w, f); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if w.largest > 80<<10 || w.total < 40*w.largest {
		t.Errorf("%d bytes written, the largest write %d bytes", w.total, w.largest)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > uint64(w.total/4) {
		t.Errorf("writing %d bytes allocated %d", w.total, allocated)
	}
}
