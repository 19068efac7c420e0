package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/checker/internal/engine"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
)

func load(t testing.TB) *engine.Policies {
	t.Helper()
	p, err := engine.Load(policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRegoUnitTests runs every *_test.rego through OPA's tester.
func TestRegoUnitTests(t *testing.T) {
	results, err := engine.RunTests(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 30 {
		t.Fatalf("ran %d Rego tests, expected at least 30: are the *_test.rego files embedded?", len(results))
	}
	for _, r := range results {
		if !r.Pass() {
			t.Errorf("%s.%s: %v (output: %s)", r.Package, r.Name, r.Error, r.Output)
		}
	}
}

func TestCatalogFromMetadata(t *testing.T) {
	for _, profile := range []string{"2021-02", "current"} {
		e, err := engine.New(context.Background(), load(t), profile)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range e.Rules() {
			ids = append(ids, r.ID)
		}
		want := "PC001 PC002 PC003 PC004 PC005 PC006 PC007 PC008 PC009 PC010 PC011 PC012 PC013 PC014 PC015 PC016 PC017 PC018 PC019 PC020 PC021 PC022"
		if got := strings.Join(ids, " "); got != want {
			t.Errorf("%s: catalog %q, want %q", profile, got, want)
		}
		if err := engine.CheckMetadata(e.Rules()); err != nil {
			t.Error(err)
		}
	}
}

func TestUnknownProfile(t *testing.T) {
	_, err := engine.New(context.Background(), load(t), "2019")
	if err == nil || !strings.Contains(err.Error(), "2021-02, current") {
		t.Fatalf("want an error listing the profiles, got %v", err)
	}
}

// TestNetworkBuiltinsRefused proves the pinned capabilities keep policies
// off the network.
func TestNetworkBuiltinsRefused(t *testing.T) {
	p := load(t)
	for _, src := range []string{
		"package patchcheck.rules.evil\ndeny contains x if { x := http.send({\"method\": \"get\", \"url\": \"http://example.com\"}) }",
		"package patchcheck.rules.evil\ndeny contains x if { x := net.lookup_ip_addr(\"example.com\") }",
		"package patchcheck.rules.evil\ndeny contains x if { x := opa.runtime() }",
	} {
		extra, err := parseModule(src)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Compile(extra); err == nil {
			t.Errorf("compiled a policy that reaches outside:\n%s", src)
		}
	}
}

func TestEvaluatePinsFindingsToFacts(t *testing.T) {
	e, err := engine.New(context.Background(), load(t), "2021-02")
	if err != nil {
		t.Fatal(err)
	}
	vm := model.VM{
		Kind: model.KindVM, Name: "x", Type: "Microsoft.Compute/virtualMachines",
		Loc:              model.Loc{Pointer: "/resources/0", Line: 4, Column: 5},
		OS:               model.OS{Value: "unknown", Source: "nothing"},
		PatchMode:        model.Fact{State: model.Absent},
		APIVersion:       model.APIVersion{Fact: model.Fact{State: model.Absent}},
		Image:            model.Image{Kind: model.ImageNone},
		ProvisionVMAgent: model.Fact{State: model.Default, Value: true},
	}
	moved := vm
	moved.Loc = model.Loc{Pointer: "/resources/7", Line: 40, Column: 9}
	for _, tc := range []struct {
		vm   model.VM
		line int
	}{{vm, 4}, {moved, 40}} { // the second is a cache hit and must still get its own position
		fs, err := e.Evaluate(context.Background(), "f.json", []model.VM{tc.vm})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].RuleID != "PC012" || fs[0].Line != tc.line || fs[0].File != "f.json" ||
			fs[0].Severity != model.Warning || fs[0].Title == "" || fs[0].Remediation == "" {
			t.Fatalf("got %+v, want one complete PC012 at line %d", fs, tc.line)
		}
	}
}

// TestNonDeterministicBuiltinsRefused: results are cached per input, which is
// only exact if no policy can read the clock or draw random numbers.
func TestNonDeterministicBuiltinsRefused(t *testing.T) {
	p := load(t)
	for _, call := range []string{"time.now_ns()", `rand.intn("x", 10)`, `uuid.rfc4122("x")`} {
		extra, err := parseModule("package patchcheck.rules.evil\ndeny contains x if { x := " + call + " }")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Compile(extra); err == nil {
			t.Errorf("compiled a policy calling %s", call)
		}
	}
}

// TestReadsMustListDirectReads: a rule that names input.vm.X without X in
// its custom.reads is refused at start-up instead of silently seeing X as
// absent; without custom.reads a rule reads everything.
func TestReadsMustListDirectReads(t *testing.T) {
	rule := func(reads string) string {
		return `package patchcheck.rules.mine

import data.patchcheck.lib

# METADATA
# title: t
# description: d
# custom:
#   id: MY001
#   severity: warning
#   remediation: r
` + reads + `deny contains f if {
	input.vm.os.value == "linux"
	input.vm.patchMode.value == "Manual"
	f := lib.finding("patchMode", "m")
}
`
	}
	for _, tc := range []struct {
		reads, wantErr string
	}{
		{"#   reads: [os]\n", "MY001 reads input.vm.patchMode but its custom.reads does not list it"},
		{"#   reads: [os, patchMode]\n", ""},
		{"", ""},
		{"#   reads: [os, patchmode]\n", `custom.reads names "patchmode", which is not a member of input.vm`},
	} {
		p := load(t)
		m, err := ast.ParseModuleWithOpts("mine.rego", rule(tc.reads), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		p.Modules["mine.rego"] = m
		_, err = engine.New(context.Background(), p, "2021-02")
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("reads %q: %v", tc.reads, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("reads %q: got %v, want an error containing %q", tc.reads, err, tc.wantErr)
		}
	}
}
