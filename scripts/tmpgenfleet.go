//go:build ignore

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	req := simulatortest.LargeFleet(n)
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, `{"release": {"month": "2026-12"}, "vms": [`)
	for i, vm := range req.Fleet.VMs {
		m := map[string]any{"name": vm.Name, "subscription": vm.Subscription, "region": vm.Region, "os": vm.OS,
			"image": map[string]string{"publisher": vm.Image.Publisher, "offer": vm.Image.Offer, "sku": vm.Image.Sku},
			"patchMode": vm.PatchMode, "enableAutomaticUpdates": vm.EnableAutomaticUpdates, "timeZone": vm.TimeZone,
			"offPeak": map[string]string{"start": vm.OffPeak.Start, "end": vm.OffPeak.End}, "installMinutes": vm.InstallMinutes,
			"failureProbability": vm.FailureProbability}
		if vm.Zone != "" {
			m["zone"] = vm.Zone
		}
		if vm.AvailabilitySet != "" {
			m["availabilitySet"] = vm.AvailabilitySet
			m["updateDomain"] = vm.UpdateDomain
		}
		if vm.PowerSchedule != nil {
			m["powerSchedule"] = vm.PowerSchedule
		}
		b, _ := json.Marshal(m)
		w.Write(b)
		if i < len(req.Fleet.VMs)-1 {
			w.WriteString(",")
		}
		w.WriteString("\n")
	}
	fmt.Fprintln(w, "]}")
	w.Flush()
}
