package engine_test

import (
	"context"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/engine"
	"github.com/patchcheck/patchcheck/checker/model"
)

func benchVM() model.VM {
	loc := model.Loc{Pointer: "/resources/0", Line: 4, Column: 5}
	lit := func(v any) model.Fact { return model.Fact{State: model.Literal, Value: v, Property: "p", Loc: loc} }
	return model.VM{
		Kind: model.KindVM, Name: "x", Type: "Microsoft.Compute/virtualMachines", Loc: loc,
		OS:                     model.OS{Value: "windows", Source: "osProfile.windowsConfiguration"},
		APIVersion:             model.APIVersion{Fact: lit("2021-03-01"), Date: "2021-03-01"},
		PatchSettings:          model.Presence{Present: true, Loc: loc},
		PatchMode:              lit("Manual"),
		EnableAutomaticUpdates: lit(true),
		ProvisionVMAgent:       lit(true),
		Image: model.Image{Kind: model.ImageMarketplace, Key: "microsoftwindowsserver:windowsserver:2019-datacenter",
			Publisher: lit("MicrosoftWindowsServer"), Offer: lit("WindowsServer"), Sku: lit("2019-Datacenter"), Loc: loc},
	}
}

// BenchmarkEvaluate measures Evaluate on a file of three equal VMs (two
// findings each). After the first iteration every VM hits the result cache,
// so this is the cost of a repeated VM: cache lookup plus findings with
// positions. BenchmarkQuery measures a fresh rule evaluation.
func BenchmarkEvaluate(b *testing.B) {
	e, err := engine.New(context.Background(), load(b), "current")
	if err != nil {
		b.Fatal(err)
	}
	vms := []model.VM{benchVM(), benchVM(), benchVM()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(context.Background(), "f.json", vms); err != nil {
			b.Fatal(err)
		}
	}
}
