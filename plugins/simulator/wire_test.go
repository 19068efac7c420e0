package simulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestWireRoundTrip: a request and its forecast come out of the wire
// encoding as they went in, as far as anything can tell (their JSON, which
// is also what patchcheck prints, is byte-identical), for random fleets and
// for one large enough to be split into chunks.
func TestWireRoundTrip(t *testing.T) {
	// Chunks are encoded and decoded on as many cores as there are: make
	// sure there are several, so that is tested on a one-CPU runner too.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	big := simulatortest.LargeFleet(40_000)
	bigF, err := reference.New().Simulate(context.Background(), big)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(simulator.EncodedChunks(big, bigF)); n < 9 {
		t.Fatalf("the 40,000-VM fleet and forecast went in %d chunks, want at least 3+3+3", n)
	}
	reqs := []simulator.Request{big}
	for seed := range int64(40) {
		reqs = append(reqs, simulatortest.RandomFleet(seed))
	}
	for i, req := range reqs {
		f, err := reference.New().Simulate(context.Background(), req)
		if err != nil {
			t.Fatalf("fleet %d: %v", i, err)
		}
		gotReq, err := simulator.WireRequest(req)
		if err != nil {
			t.Fatalf("fleet %d: request: %v", i, err)
		}
		sameJSON(t, i, "request", req, gotReq)
		gotF, err := simulator.WireForecast(f, req.Fleet.VMs)
		if err != nil {
			t.Fatalf("fleet %d: forecast: %v", i, err)
		}
		sameJSON(t, i, "forecast", f, gotF)
	}
}

// TestWireMinimalValues: the smallest values each part can take (empty
// strings, no times, empty but present lists) survive too; decoders bound
// counts by the least bytes an item takes, so these must not be refused.
func TestWireMinimalValues(t *testing.T) {
	req := simulator.Request{Fleet: simulator.Fleet{VMs: []simulator.VM{{}, {PowerSchedule: []simulator.PowerWindow{}, PowerOff: []simulator.Outage{{}}}}}}
	gotReq, err := simulator.WireRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, 0, "request", req, gotReq)
	f := &simulator.Forecast{VMs: make([]simulator.VMResult, 3), Plan: []simulator.Step{{}, {VMs: []string{}}, {VMs: []string{""}}}}
	// Results that repeat their VM's name and placement, and results that do not.
	for _, vms := range [][]simulator.VM{make([]simulator.VM, 3), {{Name: "a"}, {Region: "r"}, {UpdateDomain: 1}}} {
		gotF, err := simulator.WireForecast(f, vms)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, 0, "forecast", f, gotF)
	}
}

func sameJSON(t *testing.T, i int, what string, want, got any) {
	t.Helper()
	a, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		n := 0
		for n < min(len(a), len(b)) && a[n] == b[n] {
			n++
		}
		t.Fatalf("fleet %d: %s changed on the wire near byte %d:\nsent %s\ngot  %s", i, what, n, clip(a, n), clip(b, n))
	}
}

func clip(b []byte, at int) string {
	return string(b[max(0, at-80):min(len(b), at+80)])
}

// FuzzWireDecode feeds arbitrary bytes to the bulk decoders, which read
// what a plugin (possibly a broken or hostile one) sends: they must return
// an error, never panic or allocate without bound.
func FuzzWireDecode(f *testing.F) {
	req := simulatortest.RandomFleet(1)
	fc, err := reference.New().Simulate(context.Background(), req)
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range simulator.EncodedChunks(req, fc) {
		f.Add(c)
		f.Add(c[:len(c)/2])
	}
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		simulator.DecodeChunks(data)
	})
}

// BenchmarkWire measures the bulk encoding on its own, both ways: what the
// plugin hop costs beyond moving the bytes (BenchmarkSimulateTransport in
// cmd/patchcheck measures the whole hop).
func BenchmarkWire(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		req := simulatortest.LargeFleet(n)
		f, err := reference.New().Simulate(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("request/vms=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := simulator.WireRequest(req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "VMs/s")
		})
		b.Run(fmt.Sprintf("forecast/vms=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := simulator.WireForecast(f, req.Fleet.VMs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "VMs/s")
		})
	}
}

// TestWireDayCounts: day counts sent as hundredths come back bit for bit,
// and the ones that are not whole hundredths go as they are.
func TestWireDayCounts(t *testing.T) {
	values := []float64{0, math.Copysign(0, -1), 0.01, 0.1, 12.34, -3.5, 30.99, 0.125, 1.0 / 3, 1e-7, 1e12, 1e300, -1e300, math.MaxFloat64, math.SmallestNonzeroFloat64}
	f := &simulator.Forecast{}
	for _, v := range values {
		f.VMs = append(f.VMs, simulator.VMResult{DaysAfterRelease: &v})
	}
	got, err := simulator.WireForecast(f, make([]simulator.VM, len(values)))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		if d := got.VMs[i].DaysAfterRelease; d == nil || math.Float64bits(*d) != math.Float64bits(v) {
			t.Errorf("%v came back as %v", v, d)
		}
	}
}
