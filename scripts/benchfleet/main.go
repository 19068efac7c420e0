// Command benchfleet writes a fleet file (JSON) of N generated VMs, the same
// fleet the simulator benchmarks use (simulatortest.LargeFleet), so that the
// whole `patchcheck simulate` command can be measured on a large fleet:
//
//	go run ./scripts/benchfleet 100000 > /tmp/fleet.json
//	go run ./scripts/benchrun exec -runs 1 -- patchcheck simulate --format json /tmp/fleet.json
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

func main() {
	n, err := strconv.Atoi(os.Args[len(os.Args)-1])
	if len(os.Args) != 2 || err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "usage: benchfleet N   (writes a JSON fleet of N VMs to standard output)")
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	if err := write(w, simulatortest.LargeFleet(n)); err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchfleet:", err)
		os.Exit(1)
	}
}

// write prints the request's fleet in the fleet file format (SPEC §4.1),
// one VM per line.
func write(w io.Writer, req simulator.Request) error {
	if _, err := fmt.Fprintf(w, "{\"release\": {\"month\": %q},\n\"vms\": [\n", req.Fleet.Release.Month); err != nil {
		return err
	}
	for i, vm := range req.Fleet.VMs {
		m := map[string]any{"name": vm.Name, "subscription": vm.Subscription, "region": vm.Region, "os": vm.OS,
			"image": vm.Image, "patchMode": vm.PatchMode, "enableAutomaticUpdates": vm.EnableAutomaticUpdates,
			"timeZone": vm.TimeZone, "offPeak": vm.OffPeak, "installMinutes": vm.InstallMinutes,
			"failureProbability": vm.FailureProbability}
		if vm.Zone != "" {
			m["zone"] = vm.Zone
		}
		if vm.AvailabilitySet != "" {
			m["availabilitySet"] = vm.AvailabilitySet
			m["updateDomain"] = vm.UpdateDomain
		}
		if len(vm.PowerSchedule) > 0 {
			m["powerSchedule"] = vm.PowerSchedule
		}
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		sep := ",\n"
		if i == len(req.Fleet.VMs)-1 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(w, "%s%s", b, sep); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]}\n")
	return err
}
