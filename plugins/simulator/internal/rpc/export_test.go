package rpc

import (
	"math/rand/v2"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator/model"
)

// SeedForecastMessages are the marshalled messages of a random forecast of
// vms VMs, as a plugin sends it (seeds for fuzz_test.go).
func SeedForecastMessages(t testing.TB, vms int) [][]byte {
	var s responseStream
	sendForecast(t, &s, randomForecast(rand.New(rand.NewPCG(7, 8)), vms), vms)
	return s.msgs
}

// ReceiveForecast reads the marshalled messages msgs as the host reads a
// plugin's answer to a request of vms VMs.
func ReceiveForecast(msgs [][]byte, vms int) (*model.Forecast, error) {
	s := &responseStream{msgs: msgs}
	return receiveForecast(s.recv, vms)
}
