package rpc

import (
	"fmt"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator/model"
)

// BenchmarkMessages measures the protocol's messages on their own: a
// request's VMs and a forecast's results converted, marshalled, then
// unmarshalled and converted back, as the host and the plugin do, in one
// process without gRPC (BenchmarkSimulateTransport in cmd/patchcheck
// measures the whole hop). "read-empty-strings" reads the same request with
// every repeated string left empty: what a string table could save.
func BenchmarkMessages(b *testing.B) {
	const n = 100_000
	req := benchRequest(n, false)
	f := benchForecast(n)
	var reqs requestStream
	sendRequest(b, &reqs, req)
	var empty requestStream
	sendRequest(b, &empty, benchRequest(n, true))
	var resps responseStream
	sendForecast(b, &resps, f, n)
	b.Run("request/send", func(b *testing.B) {
		for b.Loop() {
			var s requestStream
			sendRequest(b, &s, req)
		}
	})
	for name, s := range map[string]*requestStream{"request/read": &reqs, "request/read-empty-strings": &empty} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				s.next = 0
				if _, err := readRequest(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("forecast/send", func(b *testing.B) {
		for b.Loop() {
			var s responseStream
			sendForecast(b, &s, f, n)
		}
	})
	b.Run("forecast/read", func(b *testing.B) {
		for b.Loop() {
			resps.next = 0
			if _, err := receiveForecast(resps.recv, n); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchRequest is a request of n VMs shaped like simulatortest.LargeFleet's
// (which this package's tests cannot import), with the repeated strings
// left empty when emptyStrings is set.
func benchRequest(n int, emptyStrings bool) model.Request {
	req := model.Request{Trials: 1, Fleet: model.Fleet{VMs: make([]model.VM, n)}}
	for i := range req.Fleet.VMs {
		vm := model.VM{
			Name: fmt.Sprintf("vm-%07d", i), InstallMinutes: 60, FailureProbability: 0.02, UnhealthyProbability: 0.01,
		}
		if !emptyStrings {
			vm.Subscription, vm.Region, vm.Zone = fmt.Sprintf("sub-%02d", i%20), fmt.Sprintf("region-%d", i%12), fmt.Sprint(1+i%3)
			vm.OS, vm.PatchMode, vm.TimeZone, vm.Enablement = "linux", "AutomaticByPlatform", "America/New_York", model.EnablementDone
			vm.Image = model.Image{Publisher: "canonical", Offer: "0001-com-ubuntu-server-jammy", Sku: "22_04-lts-gen2"}
			vm.OffPeak = model.Window{Start: "22:00", End: "06:00"}
		}
		req.Fleet.VMs[i] = vm
	}
	return req
}

// benchForecast is a forecast of n patched VMs.
func benchForecast(n int) *model.Forecast {
	f := &model.Forecast{Trials: 1, VMs: make([]model.VMResult, n)}
	t := time.Date(2026, 12, 9, 3, 0, 0, 0, time.UTC)
	for i := range f.VMs {
		s, e, days := t, t.Add(time.Hour), 1.25
		f.VMs[i] = model.VMResult{
			Name: fmt.Sprintf("vm-%07d", i), Region: fmt.Sprintf("region-%d", i%12), Zone: fmt.Sprint(1 + i%3),
			Phase: i % 5, Eligible: true, AssessedAt: &t, InstallStart: &s, InstallEnd: &e, InstallWindows: 1,
			LocalInstall: "2026-12-08T22:00:00-05:00", Attempts: 1, DaysAfterRelease: &days, Compliant: true,
		}
	}
	return f
}
