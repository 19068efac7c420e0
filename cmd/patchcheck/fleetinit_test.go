package main

import (
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/plugins/fleet"
)

// TestSkeletonVMs: only what a template states reaches the skeleton; an
// unresolved value or an unknown OS is left empty for a TODO.
func TestSkeletonVMs(t *testing.T) {
	lit := func(v any) model.Fact { return model.Fact{Value: v, State: model.Literal} }
	expr := model.Fact{Value: "[parameters('mode')]", State: model.Expression}
	yes := true
	tests := []struct {
		vm   model.VM
		want fleet.SkeletonVM
	}{
		{model.VM{Name: "web", OS: model.OS{Value: "windows"}, PatchMode: lit("AutomaticByPlatform"), EnableAutomaticUpdates: lit(true),
			Image:     model.Image{Kind: model.ImageMarketplace, Publisher: lit("MicrosoftWindowsServer"), Offer: lit("WindowsServer"), Sku: expr},
			Placement: model.Placement{Location: "East US 2", Zone: "1", TimeZone: "Pacific Standard Time"}},
			fleet.SkeletonVM{Name: "web", OS: "windows", PatchMode: "AutomaticByPlatform", EnableAutomaticUpdates: &yes,
				Marketplace: true, Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer",
				Location: "East US 2", Zone: "1", TimeZone: "Pacific Standard Time"}},
		{model.VM{Name: "app", OS: model.OS{Value: "unknown"}, PatchMode: expr, Image: model.Image{Kind: model.ImageCustom},
			Placement: model.Placement{Location: "westus", AvailabilitySet: "app-as"}},
			fleet.SkeletonVM{Name: "app", CustomImage: true, Location: "westus", AvailabilitySet: "app-as"}},
	}
	for _, tt := range tests {
		got := skeletonVMs([]model.VM{tt.vm})[0]
		if got.EnableAutomaticUpdates != nil && tt.want.EnableAutomaticUpdates != nil && *got.EnableAutomaticUpdates == *tt.want.EnableAutomaticUpdates {
			got.EnableAutomaticUpdates = tt.want.EnableAutomaticUpdates
		}
		if got != tt.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.vm.Name, got, tt.want)
		}
	}
}
