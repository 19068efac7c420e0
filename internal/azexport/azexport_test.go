package azexport

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

const (
	vmID  = "/subscriptions/s1/resourceGroups/RG-WEB/providers/Microsoft.Compute/virtualMachines/web-01"
	cliVM = `{"id": "` + vmID + `", "name": "web-01", "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
  "zones": ["2"], "powerState": "VM deallocated", "availabilitySet": null,
  "osProfile": {"linuxConfiguration": null, "windowsConfiguration": {"enableAutomaticUpdates": true, "provisionVmAgent": true,
    "timeZone": "W. Europe Standard Time", "patchSettings": {"patchMode": "AutomaticByPlatform", "assessmentMode": "ImageDefault"}}},
  "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2019-Datacenter", "id": null},
    "osDisk": {"osType": "Windows"}}}`
	restVM = `{"id": "/subscriptions/s1/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/app-01", "name": "app-01",
  "type": "microsoft.compute/virtualmachines", "location": "westus", "subscriptionId": "s1", "zones": null,
  "properties": {"availabilitySet": {"id": "/subscriptions/s1/resourceGroups/RG-APP/providers/Microsoft.Compute/availabilitySets/APP-AS"},
    "osProfile": {"linuxConfiguration": {"provisionVMAgent": false, "patchSettings": {"patchMode": "ImageDefault"}}},
    "storageProfile": {"imageReference": {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i"}, "osDisk": {"osType": "Linux"}},
    "extended": {"instanceView": {"powerState": {"code": "PowerState/running"}}}}}`
	instanceView = `{"id": "` + vmID + `", "name": "web-01", "location": "westeurope",
  "instanceView": {"platformUpdateDomain": 3, "vmAgent": {"vmAgentVersion": "2.7.41491.1102"},
    "statuses": [{"code": "ProvisioningState/succeeded"}, {"code": "PowerState/stopped"}]},
  "storageProfile": {"osDisk": {"osType": "Windows"}}}`
	uniformSet = `{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/batch", "name": "batch",
  "type": "Microsoft.Compute/virtualMachineScaleSets", "location": "eastus", "zones": ["1", "2"], "sku": {"name": "Standard_D2s_v3", "capacity": 4},
  "orchestrationMode": "Uniform",
  "virtualMachineProfile": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}},
    "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}`
)

// TestReadShapes: every shape is recognised by content, and the values a
// fleet or a baseline needs are read from where that shape keeps them.
func TestReadShapes(t *testing.T) {
	type want struct {
		kind               Kind
		next               string
		n                  int
		typ, os, mode      string
		power, agent       string
		zones, availSet    string
		updateDomain       int
		custom, rest, auto bool
		capacity           int
	}
	tests := []struct {
		name, in string
		want     want
	}{
		{"az vm list -d", "[" + cliVM + "]", want{kind: KindCLI, n: 1, typ: TypeVM, os: "windows", mode: "AutomaticByPlatform", power: "deallocated", zones: "2", updateDomain: -1, auto: true}},
		{"az vm show -d", cliVM, want{kind: KindCLI, n: 1, typ: TypeVM, os: "windows", mode: "AutomaticByPlatform", power: "deallocated", zones: "2", updateDomain: -1, auto: true}},
		{"az vm get-instance-view", instanceView, want{kind: KindCLI, n: 1, typ: TypeVM, power: "stopped", agent: "2.7.41491.1102", updateDomain: 3}},
		{"az graph query", `{"count": 1, "data": [` + restVM + `], "skip_token": "abc", "total_records": 2400}`,
			want{kind: KindResourceGraph, next: "abc", n: 1, typ: TypeVM, os: "linux", mode: "ImageDefault", power: "running", availSet: "APP-AS", custom: true, rest: true, updateDomain: -1}},
		{"Search-AzGraph | ConvertTo-Json", "[" + restVM + "]", want{kind: KindRows, n: 1, typ: TypeVM, os: "linux", mode: "ImageDefault", power: "running", availSet: "APP-AS", custom: true, rest: true, updateDomain: -1}},
		{"Search-AzGraph page kept whole", `{"SkipToken": null, "Data": [` + restVM + `], "Count": 1}`, want{kind: KindResourceGraph, n: 1, typ: TypeVM, os: "linux", mode: "ImageDefault", power: "running", availSet: "APP-AS", custom: true, rest: true, updateDomain: -1}},
		{"REST list", `{"value": [` + restVM + `], "nextLink": "https://management.azure.com/next"}`, want{kind: KindRESTList, next: "https://management.azure.com/next", n: 1, typ: TypeVM, os: "linux", mode: "ImageDefault", power: "running", availSet: "APP-AS", custom: true, rest: true, updateDomain: -1}},
		{"REST resource", restVM, want{kind: KindResource, n: 1, typ: TypeVM, os: "linux", mode: "ImageDefault", power: "running", availSet: "APP-AS", custom: true, rest: true, updateDomain: -1}},
		{"az vmss list", "[" + uniformSet + "]", want{kind: KindCLI, n: 1, typ: TypeScaleSet, os: "linux", mode: "AutomaticByPlatform", zones: "1,2", capacity: 4, updateDomain: -1}},
		{"empty list", "[]", want{kind: KindCLI, updateDomain: -1}},
		{"empty Resource Graph result", `{"count": 0, "data": [], "skip_token": null}`, want{kind: KindResourceGraph, updateDomain: -1}},
		{"type from the id, nulls everywhere", `[{"id": "` + vmID + `", "osProfile": null, "storageProfile": null, "zones": null, "powerState": null}]`, want{kind: KindCLI, n: 1, typ: TypeVM, updateDomain: -1}},
		// VirtualMachineScaleSetVMs Get and List print an instance with the
		// type of a VM: its id says what it is.
		{"scale-set instance typed as a VM", `{"value": [{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/pool/virtualMachines/3",
  "name": "pool_3", "type": "Microsoft.Compute/virtualMachines", "instanceId": "3", "location": "westus",
  "properties": {"osProfile": {"linuxConfiguration": {}}}}]}`, want{kind: KindRESTList, n: 1, typ: TypeScaleSetVM, os: "linux", rest: true, updateDomain: -1}},
		{"names in any case", `[{"ID": "` + vmID + `", "OSProfile": {"WindowsConfiguration": {"PatchSettings": {"PatchMode": "Manual"}}}}]`, want{kind: KindCLI, n: 1, typ: TypeVM, os: "windows", mode: "Manual", updateDomain: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Read("in.json", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if d.Kind != w.kind || d.NextPage != w.next || len(d.Resources) != w.n {
				t.Fatalf("kind %q next %q %d resources; want %q %q %d", d.Kind, d.NextPage, len(d.Resources), w.kind, w.next, w.n)
			}
			if w.n == 0 {
				return
			}
			r := d.Resources[0]
			ud := -1
			if r.UpdateDomain.Set {
				ud = r.UpdateDomain.V
			}
			cap := 0
			if r.Capacity.Set {
				cap = r.Capacity.V
			}
			got := want{kind: d.Kind, next: d.NextPage, n: len(d.Resources), typ: r.Type.V, os: r.OS.V, mode: r.PatchMode.V, power: r.PowerState.V,
				agent: r.AgentVersion.V, zones: strings.Join(r.Zones.V, ","), availSet: lastSegment(r.AvailabilitySet.V), updateDomain: ud,
				custom: r.Image.Custom(), rest: r.REST, auto: r.EnableAutomaticUpdates.V, capacity: cap}
			if got != w {
				t.Errorf("\n got %+v\nwant %+v", got, w)
			}
		})
	}
}

func lastSegment(id string) string { return id[strings.LastIndexByte(id, '/')+1:] }

// TestReadPlaces: every value is placed where the file has it.
func TestReadPlaces(t *testing.T) {
	d, err := Read("vms.json", []byte("[\n"+cliVM+"\n]"))
	if err != nil {
		t.Fatal(err)
	}
	r := d.Resources[0]
	for _, tt := range []struct {
		what string
		off  int
		want string
	}{
		{"the resource", r.Off, "vms.json:2:1"},
		{"zones", r.Zones.Off, "vms.json:3:12"},
		{"powerState", r.PowerState.Off, "vms.json:3:33"},
		{"windowsConfiguration", r.OS.Off, "vms.json:4:69"},
		{"patchMode", r.PatchMode.Off, "vms.json:5:75"},
		{"osType", r.OSDiskType.Off, "vms.json:7:26"},
	} {
		if got := d.Where(tt.off); got != tt.want {
			t.Errorf("%s at %s, want %s", tt.what, got, tt.want)
		}
	}
}

// TestReadRefuses: what is not an export, or is broken, is an error at
// file:line:column saying what was expected.
func TestReadRefuses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "e.json:1:1: the file is empty"},
		{"white space", " \n ", "e.json:1:1: the file is empty"},
		{"truncated", "[\n" + cliVM[:200], "e.json:3:"},
		{"truncated message", `[{"id": "x", "name": "a"`, "the file ends in the middle of a value"},
		{"not JSON", "az vm list: command not found\n", "e.json:1:1: not valid JSON"},
		{"a syntax error inside", "[\n{\"id\": \"x\",,}]", "e.json:2:12: not valid JSON"},
		{"a string", `"hello"`, "e.json:1:1: a string: expected the JSON"},
		{"a list of strings", `["a"]`, "e.json:1:2: a string in the list of resources"},
		{"two values", "[]\n[]", "e.json:2:1: a second JSON value"},
		{"a template", `{"$schema": "https://schema.management.azure.com/...", "contentVersion": "1.0.0.0", "resources": []}`, "an ARM template"},
		{"an instance view alone", `{"platformUpdateDomain": 1, "vmAgent": {}}`, "an instance view without its VM"},
		{"another object", `{"title": "notes"}`, `found an object with members "title"`},
		{"Resource Graph table format", `{"count": 1, "data": {"columns": [], "rows": []}}`, "e.json:1:22: a Resource Graph result in table format"},
		{"two lists", `{"data": [], "value": []}`, `e.json:1:14: a second list of resources "value"`},
		{"a number for a string", "[{\"id\": \"x\",\n \"location\": 5}]", "e.json:2:14: [0].location: a number, expected a string"},
		{"an object for a string", `{"data": [{"properties": {"osProfile": {"windowsConfiguration": {"timeZone": {}}}}}]}`, "data[0].properties.osProfile.windowsConfiguration.timeZone: an object, expected a string"},
		{"a string for an object", `[{"osProfile": "windows"}]`, "e.json:1:16: [0].osProfile: a string, expected an object"},
		{"PowerShell's depth limit", `[{"id": "x", "properties": {"osProfile": "@{windowsConfiguration=; linuxConfiguration=}"}}]`, "run ConvertTo-Json -Depth 100"},
		{"a fraction for an update domain", `[{"instanceView": {"platformUpdateDomain": 1.5}}]`, "[0].instanceView.platformUpdateDomain: 1.5, expected a whole number"},
		{"both OS configurations", "[{\"osProfile\": {\"windowsConfiguration\": {},\n \"linuxConfiguration\": {}}}]", "e.json:2:24: the VM has both"},
		{"a bad skip token", `{"data": [], "skip_token": 5}`, "skip_token: a number, expected a string or null"},
		{"duplicate names", `[{"id": "a", "ID": "b"}]`, "e.json:1:"},
		{"invalid UTF-8", "[{\"name\": \"\xff\"}]", "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read("e.json", []byte(tt.in))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestReadEncodings: Windows PowerShell 5.1 writes UTF-16 with a byte order
// mark, PowerShell 7 and Out-File -Encoding utf8BOM UTF-8 with one; both
// read, with places as an editor shows them.
func TestReadEncodings(t *testing.T) {
	encode := func(text, enc string) []byte {
		switch enc {
		case "utf-8 bom":
			return append([]byte("\xef\xbb\xbf"), text...)
		case "utf-16le", "utf-16be":
			out := []byte{0xff, 0xfe}
			if enc == "utf-16be" {
				out = []byte{0xfe, 0xff}
			}
			for _, u := range utf16.Encode([]rune(text)) {
				if enc == "utf-16le" {
					out = append(out, byte(u), byte(u>>8))
				} else {
					out = append(out, byte(u>>8), byte(u))
				}
			}
			return out
		}
		return []byte(text)
	}
	good := "[\n  {\"id\": \"" + vmID + "\", \"name\": \"wéb\", \"location\": \"westus\"}\n]"
	bad := strings.Replace(good, `"westus"`, "5", 1)
	for _, enc := range []string{"utf-8", "utf-8 bom", "utf-16le", "utf-16be"} {
		d, err := Read("ps.json", encode(good, enc))
		if err != nil || len(d.Resources) != 1 || d.Resources[0].Name.V != "wéb" || d.Where(d.Resources[0].Location.Off) != "ps.json:2:131" {
			t.Errorf("%s: got %v, %+v", enc, err, d)
		}
		_, err = Read("ps.json", encode(bad, enc))
		if err == nil || !strings.HasPrefix(err.Error(), "ps.json:2:131: [0].location: a number") {
			t.Errorf("%s: got %v, want the location refused at 2:131 (code points: é is one)", enc, err)
		}
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		id   string
		want ID
		ok   bool
	}{
		{vmID, ID{Subscription: "s1", ResourceGroup: "RG-WEB", Type: TypeVM, Name: "web-01"}, true},
		{"/SUBSCRIPTIONS/s1/RESOURCEGROUPS/rg/PROVIDERS/Microsoft.Compute/virtualMachineScaleSets/batch/virtualMachines/7",
			ID{Subscription: "s1", ResourceGroup: "rg", Type: TypeScaleSetVM, Name: "7", Parent: "/SUBSCRIPTIONS/s1/RESOURCEGROUPS/rg/PROVIDERS/Microsoft.Compute/virtualMachineScaleSets/batch"}, true},
		{"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/availabilitySets/AS", ID{Subscription: "s1", ResourceGroup: "rg", Type: TypeAvailabilitySet, Name: "AS"}, true},
		{"", ID{}, false},
		{"web-01", ID{}, false},
		{"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines", ID{}, false},
		{"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/", ID{}, false},
		{"/subscriptions//resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/a", ID{}, false},
		{"/tenants/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/a", ID{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseID(tt.id)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseID(%q) = %+v, %v; want %+v, %v", tt.id, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPowerState(t *testing.T) {
	for in, want := range map[string]string{
		"VM running": "running", "VM deallocated": "deallocated", "vm Stopped": "stopped", "PowerState/deallocating": "deallocating",
		"PowerState/running": "running", " VM starting ": "starting", "": "", "unknown": "unknown",
	} {
		if got := powerState(Str{V: in}).V; got != want {
			t.Errorf("powerState(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestScanStops: Scan hands each resource over in the order of the file,
// and an error of its function ends the reading and comes back unchanged.
func TestScanStops(t *testing.T) {
	stop := errors.New("enough")
	var names []string
	_, err := Scan("s.json", []byte(`{"value": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}`), func(d *Document, r *Resource) error {
		names = append(names, r.Name.V)
		if len(names) == 2 {
			return stop
		}
		return nil
	})
	if err != stop || strings.Join(names, ",") != "a,b" {
		t.Errorf("got %v after %v, want the function's error after a,b", err, names)
	}
}
