package fleet

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzImport: any export is imported or refused with every problem at
// file:line:column; an imported fleet always loads, in YAML and JSON, with
// every VM (simulate runs it as it is).
func FuzzImport(f *testing.F) {
	// Small seeds, one a shape, touching every path: the fuzzer minimises
	// what it finds, and a fixture of kilobytes stalls it.
	const id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/"
	for _, s := range []string{
		`[{"id": "` + id + `virtualMachines/a", "location": "westus", "storageProfile": {"osDisk": {"osType": "Linux"}}, "zones": ["1"], "powerState": "VM deallocated"}]`,
		`[{"id": "` + id + `virtualMachines/w", "name": "w", "location": "West Europe", "zones": ["2"], "powerState": "VM running",
		   "osProfile": {"linuxConfiguration": null, "windowsConfiguration": {"enableAutomaticUpdates": false, "timeZone": "W. Europe Standard Time", "patchSettings": {"patchMode": "Manual"}}},
		   "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2019-Datacenter", "id": null}},
		   "instanceView": {"platformUpdateDomain": 1, "vmAgent": {"vmAgentVersion": "2.7.1"}, "statuses": [{"code": "PowerState/stopped"}]}}]`,
		`{"count": 2, "data": [{"id": "` + id + `virtualMachineScaleSets/s", "type": "microsoft.compute/virtualmachinescalesets", "location": "nowhere", "sku": {"capacity": 2}, "zones": ["1", "3"],
		   "properties": {"orchestrationMode": "Uniform", "virtualMachineProfile": {"osProfile": {"windowsConfiguration": {"timeZone": "Foo"}}}}},
		   {"id": "` + id + `virtualMachineScaleSets/f", "location": "eastus", "properties": {"orchestrationMode": "Flexible"}}], "skip_token": "t"}`,
		`[{"id": "` + id + `virtualMachines/a", "location": "westus", "storageProfile": {"osDisk": {"osType": "Linux"}}, "availabilitySet": {"id": "` + id + `availabilitySets/x"}},
		  {"id": "` + id + `availabilitySets/X", "properties": {"platformUpdateDomainCount": 2}}]`,
		`[{"id": "` + id + `virtualMachineScaleSets/s/virtualMachines/3", "location": "westus", "storageProfile": {"imageReference": {"id": "/x"}, "osDisk": {"osType": "Linux"}}},
		  {"id": "` + id + `virtualMachineScaleSets/s", "location": "westus", "sku": {"capacity": 9}, "virtualMachineProfile": {"osProfile": {"linuxConfiguration": {}}}}]`,
		`{"value": [{"id": "` + id + `virtualMachines/a", "name": "a\n#b", "location": "East US", "properties": {"osProfile": {"linuxConfiguration": {}},
		   "extended": {"instanceView": {"powerState": {"code": "PowerState/deallocated"}}}}}], "nextLink": null}`,
		`[{"id": "` + id + `virtualMachines/a", "location": "westus", "storageProfile": {"osDisk": {"osType": "Linux"}}}, {"id": "` + id + `virtualMachines/A", "location": "eastus"}]`,
		`[{"id": "` + id + `virtualMachines/a", "location": "westus", "storageProfile": {"osDisk": {"osType": "Linux"}}},
		  {"id": "/subscriptions/t/resourceGroups/h/providers/Microsoft.Compute/virtualMachines/a", "location": "westus", "storageProfile": {"osDisk": {"osType": "Linux"}}}]`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, stayOff bool) {
		im, err := Import([]ImportSource{{Name: "f.json", Data: data}}, ImportOptions{Month: "2026-12", StoppedStayOff: stayOff})
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.json:") && !strings.HasPrefix(line, "no virtual machines") && !strings.HasPrefix(line, "…") {
					t.Fatalf("an error without its place: %q", line)
				}
			}
			return
		}
		for _, format := range ImportFormats() {
			var out bytes.Buffer
			if err := im.Write(&out, format); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			fl, err := load("imported."+format, out.Bytes())
			if err != nil {
				t.Fatalf("the imported %s fleet does not load: %v\n%s", format, err, out.String())
			}
			if len(fl.VMs) != im.VMCount() {
				t.Fatalf("%s: %d VMs loaded of %d imported", format, len(fl.VMs), im.VMCount())
			}
		}
	})
}
