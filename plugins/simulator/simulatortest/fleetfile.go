package simulatortest

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// WriteFleetFile writes the request's fleet as a fleet file (SPEC §4.1,
// JSON, one VM per line), for benchmarks of the whole command and of
// fleet loading.
func WriteFleetFile(w io.Writer, req simulator.Request) error {
	if _, err := fmt.Fprintf(w, "{\"release\": {\"month\": %q},\n\"vms\": [\n", req.Fleet.Release.Month); err != nil {
		return err
	}
	for i, vm := range req.Fleet.VMs {
		m := map[string]any{"name": vm.Name, "subscription": vm.Subscription, "region": vm.Region, "os": vm.OS,
			"image": vm.Image, "enableAutomaticUpdates": vm.EnableAutomaticUpdates,
			"timeZone": vm.TimeZone, "offPeak": vm.OffPeak, "installMinutes": vm.InstallMinutes,
			"failureProbability": vm.FailureProbability}
		if vm.PatchMode != "" { // none: Azure's default, as in the request
			m["patchMode"] = vm.PatchMode
		}
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
