package rpc_test

import (
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/internal/rpc"
)

// FuzzForecastMessages feeds arbitrary bytes, as the messages of a
// forecast stream, to what the host reads a plugin's answer with: it must
// return an error or a forecast that CheckForecast then judges, never panic
// or allocate without bound.
func FuzzForecastMessages(f *testing.F) {
	for _, m := range rpc.SeedForecastMessages(f, 3) {
		f.Add(m, m)
		f.Add(m[:len(m)/2], []byte{})
	}
	f.Add([]byte{}, []byte{0x22, 0x00})
	req := simulator.Request{Trials: 1, Fleet: simulator.Fleet{VMs: make([]simulator.VM, 3)}}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		fc, err := rpc.ReceiveForecast([][]byte{first, second}, 3)
		if err == nil {
			_ = simulator.CheckForecast(req, fc)
		}
	})
}
