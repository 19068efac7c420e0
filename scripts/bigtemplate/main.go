// Command bigtemplate writes one ARM template of about SIZE bytes (never
// more): groups of one VM and nine other resources (three NICs, three
// public IPs, three disks), as a large generated deployment has them. It
// is what docs/performance.md measures lint's memory at the size cap with:
//
//	go run ./scripts/bigtemplate 64MiB > /tmp/t64.json
//	/usr/bin/time -f '%e s %M KB' patchcheck lint --format json /tmp/t64.json > /dev/null
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/dustin/go-humanize"
)

func main() {
	if len(os.Args) != 2 {
		usage()
	}
	size, err := humanize.ParseBytes(os.Args[1])
	if err != nil || size < 1024 {
		usage()
	}
	w := bufio.NewWriter(os.Stdout)
	head := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", ` +
		`"variables": {"subnetId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'default')]"}, "resources": [` + "\n"
	const tail = "\n]}\n"
	w.WriteString(head)
	written, vms := uint64(len(head)+len(tail)), 0
	for ; ; vms++ {
		chunk := group(vms)
		sep := ",\n"
		if vms == 0 {
			sep = ""
		}
		if written+uint64(len(sep)+len(chunk)) > size {
			break
		}
		w.WriteString(sep)
		w.WriteString(chunk)
		written += uint64(len(sep) + len(chunk))
	}
	w.WriteString(tail)
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "bigtemplate:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "bigtemplate: %d bytes, %d VMs, %d resources\n", written, vms, vms*10)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: bigtemplate SIZE   (e.g. 64MiB; writes one ARM template of at most SIZE bytes to standard output)")
	os.Exit(2)
}

type obj = map[string]any

// group renders VM i and its nine companions, one resource per line.
func group(i int) string {
	loc := "[resourceGroup().location]"
	nic := fmt.Sprintf("[resourceId('Microsoft.Network/networkInterfaces', 'nic%06d-0')]", i)
	rs := []obj{{
		"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2023-03-01", "name": fmt.Sprintf("vm%06d", i), "location": loc,
		"dependsOn": []string{nic},
		"properties": obj{
			"hardwareProfile": obj{"vmSize": "Standard_D2s_v5"},
			"osProfile": obj{"computerName": fmt.Sprintf("vm%06d", i), "adminUsername": "azureuser",
				"linuxConfiguration": obj{"disablePasswordAuthentication": true,
					"patchSettings": obj{"patchMode": "AutomaticByPlatform", "assessmentMode": "AutomaticByPlatform"}}},
			"storageProfile": obj{
				"imageReference": obj{"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS", "version": "latest"},
				"osDisk":         obj{"createOption": "FromImage", "managedDisk": obj{"storageAccountType": "Premium_LRS"}}},
			"networkProfile": obj{"networkInterfaces": []obj{{"id": nic}}},
		},
	}}
	for k := range 3 {
		rs = append(rs,
			obj{"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-04-01", "name": fmt.Sprintf("nic%06d-%d", i, k), "location": loc,
				"properties": obj{"ipConfigurations": []obj{{"name": "ipconfig1", "properties": obj{"privateIPAllocationMethod": "Dynamic",
					"subnet": obj{"id": "[variables('subnetId')]"}}}}}},
			obj{"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-04-01", "name": fmt.Sprintf("pip%06d-%d", i, k), "location": loc,
				"sku": obj{"name": "Standard"}, "properties": obj{"publicIPAllocationMethod": "Static"}},
			obj{"type": "Microsoft.Compute/disks", "apiVersion": "2023-04-02", "name": fmt.Sprintf("disk%06d-%d", i, k), "location": loc,
				"sku": obj{"name": "Premium_LRS"}, "properties": obj{"creationData": obj{"createOption": "Empty"}, "diskSizeGB": 128}})
	}
	out := ""
	for j, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			panic(err) // only literal maps above
		}
		if j > 0 {
			out += ",\n"
		}
		out += string(b)
	}
	return out
}
