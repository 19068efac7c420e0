package fleet

import (
	"fmt"
	"io"
	"testing"
)

// azVMListD is `az vm list --show-details -o json` for n VMs, each as the
// CLI prints it (members import does not read included, as they cost
// reading): a mix of Windows and Linux, zones, availability sets, custom
// images and deallocated VMs over a few subscriptions and regions.
func azVMListD(n int) []byte {
	regions := []string{"eastus", "westeurope", "westus", "northeurope", "southeastasia", "eastus2"}
	out := make([]byte, 0, n*2200)
	out = append(out, "[\n"...)
	for i := range n {
		if i > 0 {
			out = append(out, ",\n"...)
		}
		sub := fmt.Sprintf("%08x-1bf0-4dda-aec3-cb9272f09590", i%7)
		rg := fmt.Sprintf("RG-%03d", i%300)
		region := regions[i%len(regions)]
		zones, avset := "null", "null"
		switch {
		case region == "westus":
			avset = fmt.Sprintf(`{"id": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/availabilitySets/AS-%d", "resourceGroup": %q}`, sub, rg, i%50, rg)
		case i%3 != 0:
			zones = fmt.Sprintf(`["%d"]`, 1+i%3)
		}
		power := "VM running"
		if i%17 == 0 {
			power = "VM deallocated"
		}
		osProfile := `{"adminPassword": null, "adminUsername": "azureuser", "allowExtensionOperations": true, "computerName": "vm", "customData": null,
      "linuxConfiguration": {"disablePasswordAuthentication": true, "enableVmAgentPlatformUpdates": false, "patchSettings": {"assessmentMode": "ImageDefault", "automaticByPlatformSettings": null, "patchMode": "AutomaticByPlatform"}, "provisionVmAgent": true, "ssh": {"publicKeys": [{"keyData": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC", "path": "/home/azureuser/.ssh/authorized_keys"}]}},
      "requireGuestProvisionSignal": true, "secrets": [], "windowsConfiguration": null}`
		image := `{"communityGalleryImageId": null, "exactVersion": "18.04.202401161", "id": null, "offer": "UbuntuServer", "publisher": "Canonical", "sharedGalleryImageId": null, "sku": "18.04-LTS", "version": "latest"}`
		osType := "Linux"
		if i%2 == 0 {
			osType = "Windows"
			osProfile = `{"adminPassword": null, "adminUsername": "azureuser", "allowExtensionOperations": true, "computerName": "vm", "customData": null, "linuxConfiguration": null,
      "requireGuestProvisionSignal": true, "secrets": [], "windowsConfiguration": {"additionalUnattendContent": null, "enableAutomaticUpdates": true, "enableVmAgentPlatformUpdates": false,
      "patchSettings": {"assessmentMode": "ImageDefault", "automaticByPlatformSettings": null, "enableHotpatching": false, "patchMode": "AutomaticByPlatform"}, "provisionVmAgent": true, "timeZone": "W. Europe Standard Time", "winRm": null}}`
			image = `{"communityGalleryImageId": null, "exactVersion": "17763.5696.240406", "id": null, "offer": "WindowsServer", "publisher": "MicrosoftWindowsServer", "sharedGalleryImageId": null, "sku": "2019-Datacenter", "version": "latest"}`
		}
		if i%23 == 0 {
			image = fmt.Sprintf(`{"id": "/subscriptions/%s/resourceGroups/RG-IMAGES/providers/Microsoft.Compute/galleries/golden/images/base/versions/1.0.%d"}`, sub, i%9)
		}
		out = fmt.Appendf(out, `  {
    "additionalCapabilities": null, "availabilitySet": %s, "billingProfile": null,
    "diagnosticsProfile": {"bootDiagnostics": {"enabled": true, "storageUri": null}}, "extendedLocation": null, "fqdns": "",
    "hardwareProfile": {"vmSize": "Standard_D2s_v3", "vmSizeProperties": null}, "host": null,
    "id": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/virtualMachines/vm-%06d", "identity": null, "instanceView": null,
    "licenseType": null, "location": %q, "macAddresses": "00-0D-3A-2B-4C-5D", "name": "vm-%06d",
    "networkProfile": {"networkApiVersion": null, "networkInterfaceConfigurations": null, "networkInterfaces": [{"deleteOption": null, "id": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/networkInterfaces/vm-%06d-nic", "primary": null, "resourceGroup": %q}]},
    "osProfile": %s,
    "plan": null, "platformFaultDomain": null, "powerState": %q, "priority": null, "privateIps": "10.0.0.4", "provisioningState": "Succeeded", "publicIps": "",
    "resourceGroup": %q, "resources": null, "securityProfile": null,
    "storageProfile": {"dataDisks": [], "diskControllerType": null, "imageReference": %s,
      "osDisk": {"caching": "ReadWrite", "createOption": "FromImage", "deleteOption": "Delete", "diskSizeGb": 30, "managedDisk": {"id": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/disks/vm-%06d_OsDisk_1", "resourceGroup": %q, "storageAccountType": "Premium_LRS"}, "name": "vm-%06d_OsDisk_1", "osType": %q, "vhd": null}},
    "tags": {"env": "prod", "owner": "team-%d"}, "timeCreated": "2024-03-01T09:12:44.1234567+00:00", "type": "Microsoft.Compute/virtualMachines",
    "userData": null, "virtualMachineScaleSet": null, "vmId": "5f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b", "zones": %s
  }`, avset, sub, rg, i, region, i, sub, rg, i, rg, osProfile, power, rg, image, sub, rg, i, rg, i, osType, i%40, zones)
	}
	return append(out, "\n]\n"...)
}

// TestBenchExportImports: the benchmark's export is a valid one, and its
// fleet loads.
func TestBenchExportImports(t *testing.T) {
	im, err := Import([]ImportSource{{"bench.json", azVMListD(60)}}, ImportOptions{Month: "2026-12", StoppedStayOff: true})
	if err != nil {
		t.Fatal(err)
	}
	var out countingWriter
	if err := im.Write(&out, "json"); err != nil || im.VMCount() != 60 {
		t.Fatalf("%d VMs, %v", im.VMCount(), err)
	}
	if _, err := load("bench.json", out.b); err != nil {
		t.Fatal(err)
	}
}

type countingWriter struct{ b []byte }

func (w *countingWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// BenchmarkImport: 100,000 VMs of az vm list -d through import to a JSON
// fleet file (go test -run '^$' -bench BenchmarkImport ./plugins/fleet).
func BenchmarkImport(b *testing.B) {
	data := azVMListD(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		im, err := Import([]ImportSource{{"vms.json", data}}, ImportOptions{Month: "2026-12"})
		if err != nil {
			b.Fatal(err)
		}
		if err := im.Write(io.Discard, "json"); err != nil {
			b.Fatal(err)
		}
	}
}
