package engine

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
)

// BenchmarkQuery measures uncached evaluations of every group's prepared
// query for a Windows VM with two findings: the most a VM costs when it
// shares no group's input with any VM before it.
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
			input := members{t: e.terms, vm: &vm}
			for _, g := range e.groups {
				input.inputValue(e.profile, g.fields)
			}
		}
	})
	b.Run("eval", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			input := members{t: e.terms, vm: &vm}
			for _, g := range e.groups {
				if !g.applies(&vm) {
					continue
				}
				if _, err := g.query.Eval(context.Background(), rego.EvalParsedInput(input.inputValue(e.profile, g.fields))); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
