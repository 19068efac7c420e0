package engine

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
)

// BenchmarkQuery measures one uncached evaluation of the prepared query for
// a Windows VM with two findings: the cost every distinct VM pays.
func BenchmarkQuery(b *testing.B) {
	p, err := Load(policies.FS())
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(context.Background(), p, "current")
	if err != nil {
		b.Fatal(err)
	}
	lit := func(v any) model.Fact { return model.Fact{State: model.Literal, Value: v, Property: "p"} }
	vm := model.VM{
		Kind: model.KindVM, OS: model.OS{Value: "windows", Source: "osProfile.windowsConfiguration"},
		APIVersion:    model.APIVersion{Fact: lit("2021-03-01"), Date: "2021-03-01"},
		PatchSettings: model.Presence{Present: true}, PatchMode: lit("Manual"),
		EnableAutomaticUpdates: lit(true), ProvisionVMAgent: lit(true),
		Image: model.Image{Kind: model.ImageMarketplace, Key: "microsoftwindowsserver:windowsserver:2019-datacenter",
			Publisher: lit("MicrosoftWindowsServer"), Offer: lit("WindowsServer"), Sku: lit("2019-Datacenter")},
	}
	b.Run("input", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			e.terms.inputValue(e.profile, &vm, false)
		}
	})
	b.Run("eval", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rs, err := e.groups[0].query.Eval(context.Background(), rego.EvalParsedInput(e.terms.inputValue(e.profile, &vm, false)))
			if err != nil || len(rs) != 1 {
				b.Fatal(err)
			}
		}
	})
}
