package fleet

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/internal/regions"
)

// TestSkeletonLoads: once its TODOs are filled, the skeleton is a fleet
// Load accepts, display-name locations included (the fleet file wants
// programmatic region names, which Load checks against the region table).
func TestSkeletonLoads(t *testing.T) {
	yes := true
	vms := []SkeletonVM{
		{Name: "web", OS: "windows", PatchMode: "AutomaticByPlatform", EnableAutomaticUpdates: &yes,
			Marketplace: true, Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer", Sku: "2019-Datacenter",
			Location: "East US 2", Zone: "1", TimeZone: "Pacific Standard Time"},
		{Name: "app", OS: "linux", CustomImage: true, Location: "westus", AvailabilitySet: "app-as"},
		{Name: "db", OS: "linux", Location: "North Europe"},
		{Name: "odd", Location: "[parameters('where')]"},
	}
	var out bytes.Buffer
	if err := WriteSkeleton(&out, vms, []string{"main.json"}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := load("fleet.yaml", out.Bytes()); err == nil || !strings.Contains(err.Error(), "TODO") {
		t.Errorf("a skeleton with TODOs loads (err %v)", err)
	}
	filled := strings.ReplaceAll(out.String(), "TODO", "contoso")
	filled = strings.ReplaceAll(filled, `"[parameters('where')]"`, "westeurope")
	filled = strings.Replace(filled, "os: contoso", "os: linux", 1)
	f, err := load("fleet.yaml", []byte(filled))
	if err != nil {
		t.Fatalf("the filled skeleton does not load: %v\n%s", err, filled)
	}
	want := []string{"eastus2", "westus", "northeurope", "westeurope"}
	for i, vm := range f.VMs {
		if vm.Region != want[i] {
			t.Errorf("VM %s: region %q, want %q", vm.Name, vm.Region, want[i])
		}
	}
	if f.Release.Month != "2026-12" {
		t.Errorf("release month %q, want 2026-12", f.Release.Month)
	}
}

// TestSkeletonSourcesStayInTheirComment: a template's file name is written
// in the header comment; a line break in it must not start YAML of its own.
func TestSkeletonSourcesStayInTheirComment(t *testing.T) {
	var out bytes.Buffer
	evil := "a.json\nrelease:\n  month: \"1999-01\""
	if err := WriteSkeleton(&out, []SkeletonVM{{Name: "vm", OS: "linux", Location: "westus"}}, []string{evil}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[0], "# ") || !strings.Contains(lines[0], "1999-01") || strings.Contains(out.String(), "\nrelease:\n  month: \"1999") {
		t.Errorf("the file name broke out of its comment:\n%s", out.String())
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
		"Contoso Edge":      "contosoedge", // unknown: shaped like Azure's names, left to Load
		"":                  "",
		"[parameters('x')]": "[parameters('x')]",
	} {
		if got := programmaticRegion(tab, in); got != want {
			t.Errorf("programmaticRegion(%q) = %q, want %q", in, got, want)
		}
	}
}
