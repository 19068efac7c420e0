package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/plugins/fleet"
	"github.com/patchcheck/patchcheck/plugins/regions"
)

// TestFleetInitSkeletonLoads: once its TODOs are filled, the skeleton
// fleet init writes is a fleet simulate accepts, display-name locations
// included (the fleet file wants programmatic region names, which the
// loader now checks against the region table).
func TestFleetInitSkeletonLoads(t *testing.T) {
	lit := func(v any) model.Fact { return model.Fact{Value: v, State: model.Literal} }
	vms := []model.VM{
		{Name: "web", OS: model.OS{Value: "windows"}, PatchMode: lit("AutomaticByPlatform"), EnableAutomaticUpdates: lit(true),
			Image:     model.Image{Kind: model.ImageMarketplace, Publisher: lit("MicrosoftWindowsServer"), Offer: lit("WindowsServer"), Sku: lit("2019-Datacenter")},
			Placement: model.Placement{Location: "East US 2", Zone: "1", TimeZone: "Pacific Standard Time"}},
		{Name: "app", OS: model.OS{Value: "linux"}, Image: model.Image{Kind: model.ImageCustom},
			Placement: model.Placement{Location: "westus", AvailabilitySet: "app-as"}},
		{Name: "db", OS: model.OS{Value: "linux"}, Placement: model.Placement{Location: "North Europe"}},
	}
	var out bytes.Buffer
	if err := writeFleet(&out, vms, []string{"main.json"}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	filled := strings.ReplaceAll(out.String(), "TODO", "contoso")
	f, err := fleet.Load("fleet.yaml", []byte(filled))
	if err != nil {
		t.Fatalf("the filled skeleton does not load: %v\n%s", err, filled)
	}
	want := []string{"eastus2", "westus", "northeurope"}
	for i, vm := range f.VMs {
		if vm.Region != want[i] {
			t.Errorf("VM %s: region %q, want %q", vm.Name, vm.Region, want[i])
		}
	}
}

func TestProgrammaticRegion(t *testing.T) {
	tab, err := regions.Load()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"East US":           "eastus",
		"west us 2":         "westus2",
		"Central US EUAP":   "centraluseuap",
		"eastus":            "eastus",
		"Contoso Edge":      "contosoedge", // unknown: shaped like Azure's names, left to the loader
		"":                  "",
		"[parameters('x')]": "[parameters('x')]",
	} {
		if got := programmaticRegion(tab, in); got != want {
			t.Errorf("programmaticRegion(%q) = %q, want %q", in, got, want)
		}
	}
}
