package main

import (
	"bytes"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/fleet"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// TestWrittenFleetLoads: the file is a valid fleet holding the generated VMs.
func TestWrittenFleetLoads(t *testing.T) {
	req := simulatortest.LargeFleet(50)
	var b bytes.Buffer
	if err := write(&b, req); err != nil {
		t.Fatal(err)
	}
	f, err := fleet.Load("fleet.json", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.VMs) != 50 || f.VMs[49].Name != req.Fleet.VMs[49].Name || f.VMs[1].AvailabilitySet != req.Fleet.VMs[1].AvailabilitySet {
		t.Fatalf("loaded %d VMs, last %+v", len(f.VMs), f.VMs[len(f.VMs)-1])
	}
}
