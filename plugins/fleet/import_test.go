package fleet

import (
	"bytes"
	goflag "flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// The package has a type named flag.
var updateImport = goflag.Bool("update", false, "rewrite the golden fleets of testdata/import/golden")

// importFiles imports the files of testdata/import.
func importFiles(t *testing.T, opts ImportOptions, names ...string) (*Imported, error) {
	t.Helper()
	var sources []ImportSource
	for _, n := range names {
		sources = append(sources, ImportSource{Name: n, Data: mustRead(t, filepath.Join("testdata/import", n))})
	}
	return Import(sources, opts)
}

// TestImportGolden: each shape Azure's tools print, alone and merged,
// becomes the golden fleet file; every golden file loads as a valid fleet
// of the VMs imported (simulate runs it as it is).
func TestImportGolden(t *testing.T) {
	dec := ImportOptions{Month: "2026-12"}
	tests := []struct {
		golden string
		opts   ImportOptions
		inputs []string
	}{
		{"az-vm-list-d.yaml", dec, []string{"az-vm-list-d.json"}},
		{"az-vm-list-d-stay-off.yaml", ImportOptions{Month: "2026-12", StoppedStayOff: true}, []string{"az-vm-list-d.json"}},
		{"az-vm-list-d-stay-off.json", ImportOptions{Month: "2026-12", StoppedStayOff: true}, []string{"az-vm-list-d.json"}},
		{"az-vm-list+instance-view.yaml", dec, []string{"az-vm-list.json", "get-instance-view-app-01.json"}},
		{"resource-graph.yaml", dec, []string{"resource-graph.json"}},
		{"resource-graph+instances.yaml", dec, []string{"resource-graph.json", "vmss-list-instances.json"}},
		{"search-azgraph.yaml", dec, []string{"search-azgraph.json", "search-azgraph-page.json"}},
		{"rest-list.yaml", dec, []string{"rest-list.json"}},
		{"edge-cases.yaml", dec, []string{"edge-cases.json"}},
		{"edge-cases.json", dec, []string{"edge-cases.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			im, err := importFiles(t, tt.opts, tt.inputs...)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := im.Write(&out, strings.TrimPrefix(filepath.Ext(tt.golden), ".")); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata/import/golden", tt.golden)
			if *updateImport {
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := mustRead(t, path); !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%s differs from the import (go test ./plugins/fleet -run ImportGolden -update rewrites it):\n%s", path, out.String())
			}
			f, err := load(path, out.Bytes())
			if err != nil {
				t.Fatalf("the imported fleet does not load: %v", err)
			}
			if len(f.VMs) != im.VMCount() {
				t.Errorf("loaded %d VMs, imported %d", len(f.VMs), im.VMCount())
			}
		})
	}
}

// writeAndLoad writes im in format and loads the result as a fleet,
// failing the test when either fails.
func writeAndLoad(t *testing.T, im *Imported, format string) simulator.Fleet {
	t.Helper()
	var out bytes.Buffer
	if err := im.Write(&out, format); err != nil {
		t.Fatal(err)
	}
	f, err := load("imported."+format, out.Bytes())
	if err != nil {
		t.Fatalf("the imported fleet does not load: %v\n%s", err, out.String())
	}
	return f
}

// TestImportedValues: what each shape says reaches the fleet, and what it
// leaves out is assumed as documented.
func TestImportedValues(t *testing.T) {
	load := func(t *testing.T, opts ImportOptions, inputs ...string) map[string]vmSummary {
		im, err := importFiles(t, opts, inputs...)
		if err != nil {
			t.Fatal(err)
		}
		f := writeAndLoad(t, im, "json")
		got := map[string]vmSummary{}
		for _, v := range f.VMs {
			s := vmSummary{v.Subscription, v.Region, v.Zone, v.AvailabilitySet, v.UpdateDomain, v.OS, v.Image.Sku, v.CustomImage, v.PatchMode, v.EnableAutomaticUpdates, v.AgentVersion, v.TimeZone, len(v.PowerOff)}
			got[v.Name] = s
		}
		return got
	}
	const sub, sub2 = "7c1f5c1e-2b6d-4c8a-9e0f-3d2a1b4c5e6f", "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d"
	tests := []struct {
		name   string
		opts   ImportOptions
		inputs []string
		vm     string
		want   vmSummary
	}{
		{"windows, zone, time zone", ImportOptions{}, []string{"az-vm-list-d.json"}, "web-01",
			vmSummary{sub, "westeurope", "2", "", 0, "windows", "2019-Datacenter", false, "AutomaticByPlatform", true, "", "Europe/Berlin", 0}},
		{"availability set, upper-cased in the ID, update domain and agent from the instance view", ImportOptions{}, []string{"az-vm-list.json", "get-instance-view-app-01.json"}, "app-01",
			vmSummary{sub, "westus", "", "app-as", 3, "linux", "18.04-LTS", false, "AutomaticByPlatform", true, "2.7.41491.1102", "UTC", 0}},
		{"custom image", ImportOptions{}, []string{"az-vm-list-d.json"}, "custom-01",
			vmSummary{sub, "northeurope", "", "", 0, "linux", "", true, "AutomaticByPlatform", true, "", "UTC", 0}},
		{"Flexible scale-set VM", ImportOptions{}, []string{"resource-graph.json"}, "flex-set_1a2b3c4d",
			vmSummary{sub, "eastus", "1", "", 0, "linux", "18.04-LTS", false, "AutomaticByPlatform", true, "", "UTC", 0}},
		{"osProfile and image null: the OS from osDisk", ImportOptions{}, []string{"az-vm-list-d.json"}, "legacy-01",
			vmSummary{sub2, "eastus2", "", "", 0, "windows", "", false, "", true, "", "UTC", 0}},
		{"deallocated, --stopped-stay-off", ImportOptions{StoppedStayOff: true}, []string{"resource-graph.json"}, "ops-01",
			vmSummary{sub2, "westus2", "3", "", 0, "windows", "2019-Datacenter", false, "Manual", false, "", "America/Los_Angeles", 1}},
		{"deallocated, on without the flag", ImportOptions{}, []string{"resource-graph.json"}, "ops-01",
			vmSummary{sub2, "westus2", "3", "", 0, "windows", "2019-Datacenter", false, "Manual", false, "", "America/Los_Angeles", 0}},
		{"Uniform stand-in, zones in turn", ImportOptions{}, []string{"resource-graph.json"}, "batch_1",
			vmSummary{sub, "eastus", "2", "", 0, "linux", "18.04-LTS", false, "ImageDefault", true, "", "UTC", 0}},
		{"Uniform instance, the set's settings", ImportOptions{}, []string{"resource-graph.json", "vmss-list-instances.json"}, "batch_4",
			vmSummary{sub, "eastus", "2", "", 0, "linux", "18.04-LTS", false, "ImageDefault", true, "", "UTC", 0}},
		{"REST instance view", ImportOptions{}, []string{"rest-list.json"}, "app-02",
			vmSummary{sub, "westus", "", "app-as", 1, "linux", "18.04-LTS", false, "ImageDefault", true, "2.2.45", "UTC", 0}},
		{"display-name location, lower-case patch mode", ImportOptions{}, []string{"edge-cases.json"}, "rg-a/db-01",
			vmSummary{sub2, "eastus2", "", "rg-a/shared-as", 0, "linux", "7-LVM", false, "AutomaticByPlatform", true, "", "UTC", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Month = "2026-12"
			got, ok := load(t, tt.opts, tt.inputs...)[tt.vm]
			if !ok {
				t.Fatalf("no VM %s", tt.vm)
			}
			if got != tt.want {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

type vmSummary struct {
	Subscription, Region, Zone, AvailabilitySet string
	UpdateDomain                                int
	OS, Sku                                     string
	CustomImage                                 bool
	PatchMode                                   string
	EnableAutomaticUpdates                      bool
	AgentVersion, TimeZone                      string
	Outages                                     int
}

// TestImportShapes: inputs as Azure's tools print them in the wild become
// a fleet that loads (simulate runs it as it is), with these VMs.
func TestImportShapes(t *testing.T) {
	const rg = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/"
	linux := `"storageProfile": {"osDisk": {"osType": "Linux"}, "imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}`
	tests := []struct {
		name  string
		input string
		want  map[string]string // VM name -> zone
	}{
		{"scale-set instances typed as VMs (VirtualMachineScaleSetVMs List)",
			`{"value": [{"id": "` + rg + `virtualMachineScaleSets/pool/virtualMachines/0", "name": "pool_0", "type": "Microsoft.Compute/virtualMachines",
  "instanceId": "0", "location": "westus2", "zones": ["3"], "properties": {` + linux + `}}]}`,
			map[string]string{"pool_0": "3"}},
		// Azure names a Uniform set's instances SET_N, and a VM may be
		// named so too: in one resource group, resourceGroup/name and
		// subscription/resourceGroup/name still clash.
		{"a VM named like a stand-in of a set in its resource group",
			`[{"id": "` + rg + `virtualMachines/web_0", "name": "web_0", "location": "westus", ` + linux + `},
  {"id": "` + rg + `virtualMachineScaleSets/web", "name": "web", "location": "westus", "sku": {"capacity": 2}, "virtualMachineProfile": {` + linux + `}}]`,
			map[string]string{"s1/rg/web_0": "", "s1/rg/web/web_0": "", "web_1": ""}},
		{"a VM named like an instance of a set in its resource group",
			`[{"id": "` + rg + `virtualMachines/web_0", "name": "web_0", "location": "westus", ` + linux + `},
  {"id": "` + rg + `virtualMachineScaleSets/web/virtualMachines/0", "name": "web_0", "location": "westus", "instanceId": "0", ` + linux + `}]`,
			map[string]string{"s1/rg/web_0": "", "s1/rg/web/web_0": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := Import([]ImportSource{{Name: "in.json", Data: []byte(tt.input)}}, ImportOptions{Month: "2026-12"})
			if err != nil {
				t.Fatal(err)
			}
			f := writeAndLoad(t, im, "yaml")
			got := map[string]string{}
			for _, v := range f.VMs {
				got[v.Name] = v.Zone
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got VMs %v, want %v", got, tt.want)
			}
		})
	}
}

// TestImportRefuses: inputs that cannot make a fleet are errors at
// file:line:column, every one of them, and nothing is written.
func TestImportRefuses(t *testing.T) {
	const id = `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/`
	vm := func(name, extra string) string {
		return `{"id": "` + id + name + `", "name": "` + name + `", "location": "westus", "storageProfile": {"osDisk": {"osType": "Linux"}}` + extra + `}`
	}
	type src struct{ name, data string }
	tests := []struct {
		name    string
		sources []src
		want    []string
	}{
		{"malformed", []src{{"bad.json", "[\n  {\"id\": \"x\" \"name\": \"a\"}]"}}, []string{"bad.json:2:14: not valid JSON"}},
		{"truncated", []src{{"cut.json", "[\n" + vm("a", "")[:60]}}, []string{"cut.json:2:61: not valid JSON: the file ends in the middle of a value"}},
		{"every file is read", []src{{"cut.json", "[{"}, {"bad.json", "{\"title\": 1}"}}, []string{"cut.json:1:3:", "bad.json:1:1: not an export of Azure VMs"}},
		{"no id", []src{{"a.json", `[{"type": "Microsoft.Compute/virtualMachines", "name": "a"}]`}}, []string{"a.json:1:2: a microsoft.compute/virtualmachines without an id"}},
		{"neither type nor id", []src{{"a.json", `[{"name": "a"}]`}}, []string{"a.json:1:2: a resource with neither a type nor an id"}},
		{"an id that is not one", []src{{"a.json", `[{"id": "vm-1", "type": "Microsoft.Compute/virtualMachines"}]`}}, []string{`a.json:1:9: id "vm-1" is not an Azure resource ID`}},
		{"no location", []src{{"a.json", "[\n" + strings.Replace(vm("a", ""), `"location": "westus", `, "", 1) + "]"}}, []string{`a.json:2:1: "a" (` + id + `a) has no location`}},
		{"no OS", []src{{"a.json", `[{"id": "` + id + `a", "location": "westus"}]`}}, []string{"a.json:1:2: cannot tell the OS of " + id + "a"}},
		{"an unknown patch mode", []src{{"a.json", "[" + vm("a", `, "osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatfom"}}}`) + "]"}},
			[]string{`a.json:1:248: patchMode "AutomaticByPlatfom": expected one of AutomaticByPlatform`}},
		{"zone and availability set", []src{{"a.json", "[" + vm("a", `, "zones": ["1"], "availabilitySet": {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/availabilitySets/as"}`) + "]"}},
			[]string{"is in zone 1 and in an availability set"}},
		{"an update domain out of range", []src{{"a.json", "[" + vm("a", `, "availabilitySet": {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/availabilitySets/as"}, "instanceView": {"platformUpdateDomain": 20}`) + "]"}},
			[]string{"update domain 20, expected 0 to 19"}},
		{"two inputs disagree", []src{{"list.json", "[" + vm("a", `, "osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "ImageDefault"}}}`) + "]"},
			{"show.json", vm("A", `, "osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}}`)}},
			[]string{`show.json:1:247: patchSettings.patchMode of "a" (` + id + `a) is "AutomaticByPlatform" here but "ImageDefault" at list.json:1:248: the inputs disagree`}},
		{"two resources of one name in a resource group", []src{{"a.json", "[" + vm("a", "") + ",\n" + strings.Replace(vm("b", ""), `"name": "b"`, `"name": "a"`, 1) + "]"}},
			[]string{"a.json:2:1: two VMs would be named s1/rg/a in the fleet (this one and the one at a.json:1:2)"}},
		{"no VMs", []src{{"a.json", "[]"}, {"b.json", `{"count": 0, "data": [], "skip_token": null}`}}, []string{"no virtual machines in a.json, b.json"}},
		{"only other resources", []src{{"a.json", `[{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkInterfaces/n"}]`}}, []string{"no virtual machines in a.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sources []ImportSource
			for _, s := range tt.sources {
				sources = append(sources, ImportSource{Name: s.name, Data: []byte(s.data)})
			}
			im, err := Import(sources, ImportOptions{Month: "2026-12"})
			if err == nil {
				t.Fatalf("imported %d VMs, want an error", im.VMCount())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got:\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
	if _, err := Import(nil, ImportOptions{Month: "December"}); err == nil || !strings.Contains(err.Error(), `release month "December": expected YYYY-MM`) {
		t.Errorf("got %v for a bad month", err)
	}
}

// TestImportMerges: inputs merge by resource ID, whatever its case; a
// value one input lacks comes from another; the same value twice is no
// conflict; the result does not depend on the order of the inputs.
func TestImportMerges(t *testing.T) {
	list := mustRead(t, "testdata/import/az-vm-list.json")
	view := mustRead(t, "testdata/import/get-instance-view-app-01.json")
	lower := bytes.ToLower(view) // every ID and name in another case
	var outs []string
	for _, order := range [][]ImportSource{
		{{"list.json", list}, {"view.json", view}},
		{{"view.json", view}, {"list.json", list}},
		{{"list.json", list}, {"view.json", lower}, {"view2.json", view}},
		{{"list.json", list}, {"list2.json", list}, {"view.json", view}},
	} {
		im, err := Import(order, ImportOptions{Month: "2026-12"})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := im.Write(&out, "json"); err != nil {
			t.Fatal(err)
		}
		// The YAML too, notes and comments included, but for the header
		// naming the inputs.
		var y bytes.Buffer
		if err := im.Write(&y, "yaml"); err != nil {
			t.Fatal(err)
		}
		_, rest, _ := strings.Cut(y.String(), "It runs as it is")
		outs = append(outs, out.String()+rest)
	}
	for i := 1; i < len(outs); i++ {
		if outs[i] != outs[0] {
			t.Errorf("order %d gives another fleet:\n%s\nwant\n%s", i, outs[i], outs[0])
		}
	}
	if !strings.Contains(outs[0], `"name": "app-01", "subscription": "7c1f5c1e-2b6d-4c8a-9e0f-3d2a1b4c5e6f", "region": "westus", "availabilitySet": "app-as", "updateDomain": 3`) {
		t.Errorf("the instance view's update domain is not in:\n%s", outs[0])
	}
}

// TestUpdateDomainsSpread: VMs of a set without an instance view spread
// evenly over its update domains, around the ones an instance view gave,
// and the same VM gets the same domain whatever the order of the export.
func TestUpdateDomainsSpread(t *testing.T) {
	const set = `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/availabilitySets/as`
	export := func(names []string, known map[string]int) []byte {
		var b strings.Builder
		b.WriteString("[")
		for i, n := range names {
			if i > 0 {
				b.WriteString(",")
			}
			iv := ""
			if ud, ok := known[n]; ok {
				iv = fmt.Sprintf(`, "instanceView": {"platformUpdateDomain": %d}`, ud)
			}
			fmt.Fprintf(&b, `{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/%s", "location": "westus",
				"availabilitySet": {"id": %q}, "storageProfile": {"osDisk": {"osType": "Linux"}}%s}`, n, set, iv)
		}
		b.WriteString("]")
		return []byte(b.String())
	}
	domains := func(data []byte) (map[string]int, []int) {
		im, err := Import([]ImportSource{{"as.json", data}}, ImportOptions{Month: "2026-12"})
		if err != nil {
			t.Fatal(err)
		}
		by, count := map[string]int{}, make([]int, DefaultUpdateDomainCount)
		for _, v := range im.vms {
			by[v.name] = v.updateDomain
			count[v.updateDomain]++
		}
		return by, count
	}
	var names []string
	for i := range 12 {
		names = append(names, fmt.Sprintf("vm-%02d", i))
	}
	first, count := domains(export(names, nil))
	if !slices.Equal(count, []int{3, 3, 2, 2, 2}) {
		t.Errorf("12 VMs over 5 update domains: %v, want 3 3 2 2 2", count)
	}
	reversed := slices.Clone(names)
	slices.Reverse(reversed)
	if again, _ := domains(export(reversed, nil)); !maps2Equal(again, first) {
		t.Errorf("the order of the export moved VMs: %v, then %v", first, again)
	}
	_, count = domains(export(names, map[string]int{"vm-00": 0, "vm-01": 0, "vm-02": 0, "vm-03": 0}))
	if !slices.Equal(count, []int{4, 2, 2, 2, 2}) {
		t.Errorf("4 VMs known in UD 0, 8 to place: %v, want 4 2 2 2 2", count)
	}
}

func maps2Equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestImportedTextIsInert: a name from an export cannot break the fleet
// file or start a CI command in it, in YAML or JSON, and reads back as the
// same name.
func TestImportedTextIsInert(t *testing.T) {
	names := []string{
		"evil\n::error::pwned", "::warning file=x::y", "##vso[task.setvariable variable=a]b", "x ##[error]y", "a # comment",
		`quote " and \ backslash`, "\u202ertl\u2066", "tab\there", "line\u2028sep", "yes", "null", "1e3", "-", "- a", "a: b",
		"{a}", "[a]", "*alias", "&anchor", "!tag", "%dir", "@at", "`tick`", "'single'", " lead", "trail ", "café", "\x7f\u0085",
	}
	var b strings.Builder
	b.WriteString("[")
	for i, n := range names {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm%d", "name": %s, "location": "westus", "powerState": "VM deallocated", "storageProfile": {"osDisk": {"osType": "Linux"}}, "osProfile": {"windowsConfiguration": null, "linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}}}`, i, jsonQuote(n))
	}
	b.WriteString("]")
	im, err := Import([]ImportSource{{"hostile.json", []byte(b.String())}}, ImportOptions{Month: "2026-12"})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range ImportFormats() {
		var out bytes.Buffer
		if err := im.Write(&out, format); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "::") || strings.Contains(strings.ToLower(line), "##vso[") || strings.Contains(line, "##[") {
				t.Errorf("%s: a line a CI runner would take as a command: %q", format, line)
			}
		}
		f, err := load("hostile."+format, out.Bytes())
		if err != nil {
			t.Fatalf("%s: %v\n%s", format, err, out.String())
		}
		var got []string
		for _, v := range f.VMs {
			got = append(got, v.Name)
		}
		slices.Sort(got)
		want := slices.Clone(names)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: names read back as\n%q\nwant\n%q", format, got, want)
		}
	}
	var notes bytes.Buffer
	if err := im.WriteNotes(&notes); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(notes.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") || strings.Contains(line, "##") {
			t.Errorf("notes: %q", line)
		}
	}
}

func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestYAMLScalar: every string reads back as itself.
func TestYAMLScalar(t *testing.T) {
	for _, s := range []string{"", "a", "W. Europe Standard Time", "2019-Datacenter", "18.04-LTS", "true", "True", "NO", "~", "0x1F", "1_000",
		"a:b", "a: b", "a #b", "#x", "x#", "\"", "\\", "\x00", "\u00a0", "\ufeff", "ü", "日本", "a  b", ".inf", "<<", "=", "? x"} {
		doc := "k: " + yamlScalar(s) + "\n"
		var got map[string]string
		if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
			t.Errorf("%q written %q: %v", s, doc, err)
			continue
		}
		if got["k"] != s {
			t.Errorf("%q written %q reads back as %q", s, doc, got["k"])
		}
	}
}
