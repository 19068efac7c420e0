package fleet

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/internal/regions"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// refusal is one fleet refused for one reason, written in YAML and in JSON
// (JSON files are read without positions first, then again to place the
// error: both must land on the line).
type refusal struct {
	name       string
	yaml, json string
	yamlWant   wantErr
	jsonWant   wantErr
}

func TestRegionRefusals(t *testing.T) {
	const rel = "release: {month: \"2026-12\"}\n"
	const jrel = "{\"release\": {\"month\": \"2026-12\"},\n"
	tests := []refusal{
		{
			name:     "unknown region, near miss",
			yaml:     rel + "vms:\n  - {name: a, subscription: s, region: eastu, os: linux}\n",
			json:     jrel + "\"vms\": [\n  {\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastu\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{3, "vms[0].region", `unknown region "eastu"; did you mean "eastus"? If eastu is a region the embedded table lacks, declare it under regions:`},
			jsonWant: wantErr{3, "vms[0].region", `did you mean "eastus"?`},
		},
		{
			name:     "unknown region, nothing near",
			yaml:     rel + "vms:\n  - name: a\n    subscription: s\n    region: marsbase\n    os: linux\n",
			json:     jrel + "\"vms\": [\n  {\"name\": \"a\",\n   \"subscription\": \"s\",\n   \"region\": \"marsbase\",\n   \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{5, "vms[0].region", `unknown region "marsbase": not in the embedded region table (plugins/internal/regions/region-pairs.json); if it is a region the table lacks, declare it under regions: {name: marsbase`},
			jsonWant: wantErr{5, "vms[0].region", `unknown region "marsbase": not in the embedded region table`},
		},
		{
			name:     "unknown region in defaults",
			yaml:     rel + "defaults:\n  region: westeurop\nvms:\n  - {name: a, subscription: s, os: linux}\n",
			json:     jrel + "\"defaults\": {\n  \"region\": \"westeurop\"},\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{3, "defaults.region", `unknown region "westeurop"; did you mean "westeurope"?`},
			jsonWant: wantErr{3, "defaults.region", `did you mean "westeurope"?`},
		},
		{
			name:     "unknown region in the plan",
			yaml:     rel + "vms:\n  - {name: a, subscription: s, region: eastus, os: linux}\nphases:\n  - [eastus]\n  - [norteurope]\n",
			json:     jrel + "\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\"}],\n\"phases\": [[\"eastus\"],\n  [\"norteurope\"]]}\n",
			yamlWant: wantErr{6, "phases[1][0]", `unknown region "norteurope"; did you mean "northeurope"?`},
			jsonWant: wantErr{4, "phases[1][0]", `did you mean "northeurope"?`},
		},
		{
			name:     "zone in a region without zones",
			yaml:     rel + "vms:\n  - name: a\n    subscription: s\n    region: westus\n    zone: \"1\"\n    os: linux\n",
			json:     jrel + "\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"westus\",\n  \"zone\": 1, \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{6, "vms[0].zone", `zone "1" in region "westus", which has no availability zones (embedded region table); leave zone out, or use an availability set`},
			jsonWant: wantErr{3, "vms[0].zone", `zone "1" in region "westus", which has no availability zones`},
		},
		{
			name:     "zone from defaults, region of the VM without zones",
			yaml:     rel + "defaults:\n  zone: 2\nvms:\n  - {name: a, subscription: s, region: eastus, os: linux}\n  - {name: b, subscription: s, region: westcentralus, os: linux}\n",
			json:     jrel + "\"defaults\": {\"zone\": \"2\"},\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\"},\n  {\"name\": \"b\", \"subscription\": \"s\", \"region\": \"westcentralus\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{6, "vms[1].region", `region "westcentralus" has no availability zones (embedded region table), yet the VM gets zone "2" from defaults (line 3)`},
			jsonWant: wantErr{4, "vms[1].region", `yet the VM gets zone "2" from defaults (line 2)`},
		},
		{
			name:     "zone and region from defaults: once, at defaults",
			yaml:     rel + "defaults:\n  region: ukwest\n  zone: \"3\"\nvms:\n  - {name: a, subscription: s, os: linux}\n  - {name: b, subscription: s, os: linux}\n",
			json:     jrel + "\"defaults\": {\"region\": \"ukwest\",\n  \"zone\": 3},\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"os\": \"linux\"}, {\"name\": \"b\", \"subscription\": \"s\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{4, "defaults.zone", `zone "3" for VMs in region "ukwest" (defaults.region), which has no availability zones`},
			jsonWant: wantErr{3, "defaults.zone", `zone "3" for VMs in region "ukwest"`},
		},
		{
			name:     "zone in a declared region without zones",
			yaml:     rel + "regions:\n  - {name: contosoedge, pairedRegion: eastus}\nvms:\n  - {name: a, subscription: s, region: contosoedge, zone: 1, os: linux}\n",
			json:     jrel + "\"regions\": [\n  {\"name\": \"contosoedge\", \"hasAvailabilityZones\": false}],\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"contosoedge\",\n  \"zone\": \"1\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{5, "vms[0].zone", `which is declared without availability zones at regions[0] (line 3: set hasAvailabilityZones: true there if it has them)`},
			jsonWant: wantErr{5, "vms[0].zone", `declared without availability zones at regions[0] (line 3`},
		},
		{
			name:     "zone and set in a region without zones: said once",
			yaml:     rel + "vms:\n  - {name: a, subscription: s, region: westus, zone: 1, availabilitySet: as, os: linux}\n",
			json:     jrel + "\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"westus\",\n  \"zone\": 1, \"availabilitySet\": \"as\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{3, "vms[0].availabilitySet", "zone and availabilitySet are mutually exclusive"},
			jsonWant: wantErr{3, "vms[0].availabilitySet", "zone and availabilitySet are mutually exclusive"},
		},
		{
			name:     "release date outside the month",
			yaml:     "release:\n  month: \"2026-12\"\n  date: \"2026-11-30T18:00:00Z\"\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\n",
			json:     "{\"release\": {\"month\": \"2026-12\",\n  \"date\": \"2026-12-01T08:00:00+09:00\"},\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{3, "release.date", `the release date 2026-11-30T18:00:00Z is in 2026-11 (UTC), outside release.month "2026-12"`},
			jsonWant: wantErr{2, "release.date", `the release date 2026-11-30T23:00:00Z is in 2026-11 (UTC), outside release.month "2026-12"`},
		},
		{
			name:     "plan leaves out a region of the fleet",
			yaml:     rel + "vms:\n  - {name: a, subscription: s, region: eastus, os: linux}\n  - {name: b, subscription: s, region: eastus, os: linux}\n  - {name: c, subscription: s, region: northeurope, os: linux}\nphases:\n  - [eastus]\n",
			json:     jrel + "\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\"},\n  {\"name\": \"c\", \"subscription\": \"s\", \"region\": \"northeurope\", \"os\": \"linux\"}],\n\"phases\": [[\"eastus\"]]}\n",
			yamlWant: wantErr{6, "phases", `the plan leaves out region "northeurope", used by vms[2] (line 5); add it to a phase`},
			jsonWant: wantErr{4, "phases", `the plan leaves out region "northeurope", used by vms[1] (line 3)`},
		},
		{
			name:     "plan leaves out the defaults' region",
			yaml:     rel + "defaults: {region: uksouth}\nvms:\n  - {name: a, subscription: s, os: linux}\nphases: [[ukwest]]\n",
			json:     jrel + "\"defaults\": {\"region\": \"uksouth\"},\n\"vms\": [\n  {\"name\": \"a\", \"subscription\": \"s\", \"os\": \"linux\"}],\n\"phases\": [[\"ukwest\"]]}\n",
			yamlWant: wantErr{5, "phases", `the plan leaves out region "uksouth", used by vms[0] (line 4)`},
			jsonWant: wantErr{5, "phases", `the plan leaves out region "uksouth", used by vms[0] (line 4)`},
		},
		{
			name:     "paired regions in one phase (a one-way pair)",
			yaml:     rel + "vms:\n  - {name: a, subscription: s, region: eastus, os: linux}\n  - {name: b, subscription: s, region: westus3, os: linux}\nphases:\n  - [eastus,\n     westus3]\n",
			json:     jrel + "\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"eastus\", \"os\": \"linux\"},\n  {\"name\": \"b\", \"subscription\": \"s\", \"region\": \"westus3\", \"os\": \"linux\"}],\n\"phases\": [[\"westus3\",\n  \"eastus\"]]}\n",
			yamlWant: wantErr{7, "phases[0][1]", `region "westus3" is paired with "eastus" (phases[0][0], line 6) and cannot share its phase`},
			jsonWant: wantErr{5, "phases[0][1]", `region "eastus" is paired with "westus3" (phases[0][0], line 4)`},
		},
		{
			name:     "paired with a declared region in one phase",
			yaml:     rel + "regions:\n  - {name: contosoedge, pairedRegion: northeurope, hasAvailabilityZones: true}\nvms:\n  - {name: a, subscription: s, region: contosoedge, zone: 1, os: linux}\nphases:\n  - [northeurope, contosoedge]\n",
			json:     jrel + "\"regions\": [{\"name\": \"contosoedge\", \"pairedRegion\": \"northeurope\"}],\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"contosoedge\", \"os\": \"linux\"}],\n\"phases\": [[\"northeurope\", \"contosoedge\"]]}\n",
			yamlWant: wantErr{7, "phases[0][1]", `region "contosoedge" is paired with "northeurope"`},
			jsonWant: wantErr{4, "phases[0][1]", `region "contosoedge" is paired with "northeurope"`},
		},
		{
			name:     "declared region the table has",
			yaml:     rel + "regions:\n  - name: westus\n    pairedRegion: eastus\nvms: [{name: a, subscription: s, region: westus, os: linux}]\n",
			json:     jrel + "\"regions\": [\n  {\"name\": \"westus\", \"pairedRegion\": \"eastus\"}],\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"westus\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{3, "regions[0].name", `region "westus" is in the embedded region table already (West US, paired with eastus, no availability zones); declare under regions only regions the table lacks`},
			jsonWant: wantErr{3, "regions[0].name", `region "westus" is in the embedded region table already`},
		},
		{
			name:     "region declared twice",
			yaml:     rel + "regions:\n  - {name: contosoedge}\n  - {name: contosoedge, hasAvailabilityZones: true}\nvms: [{name: a, subscription: s, region: contosoedge, os: linux}]\n",
			json:     jrel + "\"regions\": [{\"name\": \"contosoedge\"},\n  {\"name\": \"contosoedge\"}],\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"contosoedge\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{4, "regions[1].name", `region "contosoedge" is declared already at regions[0].name (line 3); declare a region once`},
			jsonWant: wantErr{3, "regions[1].name", `is declared already at regions[0].name (line 2)`},
		},
		{
			name:     "declared region paired with an unknown region",
			yaml:     rel + "regions:\n  - name: contosoedge\n    pairedRegion: contosocore\nvms: [{name: a, subscription: s, region: contosoedge, os: linux}]\n",
			json:     jrel + "\"regions\": [{\"name\": \"contosoedge\",\n  \"pairedRegion\": \"contosocore\"}],\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"contosoedge\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{4, "regions[0].pairedRegion", `unknown region "contosocore" as the pair of declared region "contosoedge"`},
			jsonWant: wantErr{3, "regions[0].pairedRegion", `unknown region "contosocore" as the pair of declared region "contosoedge"`},
		},
		{
			name:     "declared region paired with itself",
			yaml:     rel + "regions: [{name: contosoedge, pairedRegion: contosoedge}]\nvms: [{name: a, subscription: s, region: contosoedge, os: linux}]\n",
			json:     jrel + "\"regions\": [{\"name\": \"contosoedge\", \"pairedRegion\": \"contosoedge\"}],\n\"vms\": [{\"name\": \"a\", \"subscription\": \"s\", \"region\": \"contosoedge\", \"os\": \"linux\"}]}\n",
			yamlWant: wantErr{2, "regions[0].pairedRegion", `is paired with itself`},
			jsonWant: wantErr{2, "regions[0].pairedRegion", `is paired with itself`},
		},
		{
			name:     "no VMs",
			yaml:     rel + "vms: []\n",
			json:     jrel + "\"vms\": []}\n",
			yamlWant: wantErr{2, "vms", "the fleet has no VMs"},
			jsonWant: wantErr{2, "vms", "the fleet has no VMs"},
		},
	}
	for _, tt := range tests {
		for _, form := range []struct {
			kind, file, src string
			want            wantErr
		}{{"yaml", "fleet.yaml", tt.yaml, tt.yamlWant}, {"json", "fleet.json", tt.json, tt.jsonWant}} {
			t.Run(tt.name+"/"+form.kind, func(t *testing.T) {
				if got := looksLikeJSON([]byte(form.src)); got != (form.kind == "json") {
					t.Fatalf("the %s case reads as JSON: %v", form.kind, got)
				}
				_, err := load(form.file, []byte(form.src))
				var errs Errors
				if !errors.As(err, &errs) {
					t.Fatalf("Load: %v, want Errors", err)
				}
				if len(errs) != 1 {
					t.Errorf("got %d errors, want 1:\n%v", len(errs), err)
				}
				e := errs[0]
				if e.Line != form.want.line || e.Field != form.want.field || !strings.Contains(e.Message, form.want.text) || e.Column < 1 {
					t.Errorf("got %d:%d %q %q\nwant line %d field %q message containing %q", e.Line, e.Column, e.Field, e.Message, form.want.line, form.want.field, form.want.text)
				}
				if !strings.HasPrefix(e.Error(), form.file+":") {
					t.Errorf("Error() = %q, want FILE:LINE:COLUMN: first", e.Error())
				}
			})
		}
	}
}

// TestRegionsAccepted: what the region checks must let through.
func TestRegionsAccepted(t *testing.T) {
	for name, src := range map[string]string{
		"zone in a region with zones":               "vms: [{name: a, subscription: s, region: eastus2, zone: 3, os: linux}]\n",
		"zone where the table does not know":        "vms: [{name: a, subscription: s, region: usgovtexas, zone: 1, os: linux}]\n",
		"availability set in a region without zone": "vms: [{name: a, subscription: s, region: westus, availabilitySet: as, os: linux}]\n",
		"zone in defaults, VMs in sets or zones":    "defaults: {zone: 1}\nvms: [{name: a, subscription: s, region: eastus, os: linux}, {name: b, subscription: s, region: eastus, zone: 2, os: linux}]\n",
		"declared region with zones, in the plan":   "regions: [{name: contosoedge, pairedRegion: northeurope, hasAvailabilityZones: true}]\nvms: [{name: a, subscription: s, region: contosoedge, zone: 2, os: linux}, {name: b, subscription: s, region: northeurope, os: linux}]\nphases: [[northeurope], [contosoedge]]\n",
		"declared pair named before it is declared": "regions: [{name: edgea, pairedRegion: edgeb}, {name: edgeb, pairedRegion: edgea}]\nvms: [{name: a, subscription: s, region: edgea, os: linux}]\n",
		"plan naming regions no VM uses":            "vms: [{name: a, subscription: s, region: eastus, os: linux}]\nphases: [[westcentralus], [eastus, northeurope]]\n",
		"release date in the month, other offset":   "vms: [{name: a, subscription: s, region: eastus, os: linux}]\n",
	} {
		src = "release: {month: \"2026-12\", date: \"2026-12-31T15:59:00-08:00\"}\n" + src
		if _, err := load("fleet.yaml", []byte(src)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestDeclaredRegionsLoaded: the regions: list reaches the fleet, with its
// defaults (unpaired, no zones).
func TestDeclaredRegionsLoaded(t *testing.T) {
	f := mustLoad(t, `
release: {month: "2026-12"}
regions:
  - {name: contosoedge, pairedRegion: northeurope, hasAvailabilityZones: true}
  - {name: contosolab}
vms:
  - {name: a, subscription: s, region: contosoedge, zone: 1, os: linux}
  - {name: b, subscription: s, region: contosolab, os: linux}
`)
	want := []simulator.DeclaredRegion{{Name: "contosoedge", PairedRegion: "northeurope", HasAvailabilityZones: true}, {Name: "contosolab"}}
	if !reflect.DeepEqual(f.Regions, want) {
		t.Errorf("regions = %+v, want %+v", f.Regions, want)
	}
	got := DeclaredRegions(f)
	wantTable := []regions.Region{{Name: "contosoedge", PairedRegion: "northeurope", HasAvailabilityZones: true}, {Name: "contosolab"}}
	if !reflect.DeepEqual(got, wantTable) {
		t.Errorf("DeclaredRegions = %+v, want %+v", got, wantTable)
	}
}

// TestDefaultPlanIgnoresTheFleet: the plan the host sends depends on no
// fleet but for its declared regions, and a fleet that adds VMs in a new
// (declared) region moves no existing region to another phase.
func TestDefaultPlanIgnoresTheFleet(t *testing.T) {
	tab, err := regionTable()
	if err != nil {
		t.Fatal(err)
	}
	base := tab.DefaultPlan(nil)
	for _, src := range []string{minimal, string(mustRead(t, "testdata/fleet.yaml")), string(mustRead(t, "../../testdata/fleets/contoso.yaml"))} {
		f := mustLoad(t, src)
		if got := tab.DefaultPlan(DeclaredRegions(f)); !reflect.DeepEqual(got, base) {
			t.Errorf("a fleet without declared regions changed the plan:\n%v\nwant %v", got, base)
		}
	}

	phaseOf := func(plan [][]string) map[string]int {
		m := map[string]int{}
		for i, p := range plan {
			for _, r := range p {
				m[r] = i
			}
		}
		return m
	}
	before := mustLoad(t, minimal)
	after := mustLoad(t, minimal[:strings.Index(minimal, "vms:")]+`regions:
  - {name: contosoedge, pairedRegion: eastus, hasAvailabilityZones: true}
  - {name: contosolab}
`+minimal[strings.Index(minimal, "vms:"):]+`  - {name: c, subscription: s, region: contosoedge, zone: 1, os: linux}
  - {name: d, subscription: s, region: contosolab, os: linux}
`)
	if len(after.VMs) != len(before.VMs)+2 {
		t.Fatalf("%d VMs after, %d before", len(after.VMs), len(before.VMs))
	}
	p0, p1 := phaseOf(tab.DefaultPlan(DeclaredRegions(before))), phaseOf(tab.DefaultPlan(DeclaredRegions(after)))
	for r, i := range p0 {
		if p1[r] != i {
			t.Errorf("region %s moved from phase %d to %d when VMs were added in new regions", r, i, p1[r])
		}
	}
	for _, r := range []string{"contosoedge", "contosolab"} {
		if _, ok := p1[r]; !ok {
			t.Errorf("declared region %s is in no phase", r)
		}
	}
	if p1["contosoedge"] == p1["eastus"] {
		t.Error("contosoedge shares a phase with eastus, its pair")
	}
	c := tab.With(DeclaredRegions(after)).Conflicts()
	if !slices.Contains(c["eastus"], "contosoedge") {
		t.Errorf("eastus conflicts %v: want the declared pair", c["eastus"])
	}
}
