package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	plugin "github.com/hashicorp/go-plugin"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// servingEnv makes the test binary the example plugin itself: Open runs it
// again with this set, and TestMain then runs main instead of the tests.
const servingEnv = "PATCHCHECK_EXAMPLE_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(servingEnv) == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	plugin.CleanupClients()
	os.Exit(code)
}

// TestConformanceOverGRPC runs the conformance suite against the example
// as patchcheck runs it: an external plugin process, pinned by its
// checksum, every call crossing go-plugin's handshake and real gRPC.
func TestConformanceOverGRPC(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(b))
	sim, closeSim, err := simulator.Open(simulator.HostConfig{
		Path: self, Args: []string{"-test.run=^$"}, External: true, SHA256: sum,
		Env:          []string{servingEnv + "=1"},
		StartTimeout: time.Minute, CallTimeout: time.Minute, Stderr: os.Stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeSim()
	simulatortest.Run(t, sim)
}

// TestImportsOnlyTheContract: the example imports nothing of patchcheck but
// the contract, plugins/simulator and its messages, and depends on nothing
// more of patchcheck than they do.
func TestImportsOnlyTheContract(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		t.Skipf("no go command to list the dependencies: %v", err)
	}
	const contract = "github.com/patchcheck/patchcheck/plugins/simulator"
	list := func(format string, pkgs ...string) map[string]bool {
		out, err := exec.Command(goTool, append([]string{"list", "-f", format}, pkgs...)...).Output()
		if err != nil {
			t.Fatalf("go list %v: %v", pkgs, err)
		}
		set := map[string]bool{}
		for _, p := range strings.Fields(string(out)) {
			set[p] = true
		}
		return set
	}
	for p := range list(`{{join .Imports " "}}`, ".") {
		if strings.HasPrefix(p, "github.com/") && p != contract && p != contract+"/proto" {
			t.Errorf("the example imports %s, not only the contract", p)
		}
	}
	allowed := list(`{{join .Deps " "}} {{.ImportPath}}`, contract, contract+"/proto")
	deps := list(`{{join .Deps " "}}`, ".")
	if !deps[contract] {
		t.Errorf("the example does not depend on %s", contract)
	}
	for p := range deps {
		if strings.HasPrefix(p, "github.com/patchcheck/") && !allowed[p] {
			t.Errorf("the example depends on %s, which the contract does not", p)
		}
	}
}

// TestNeedsTheRequestsAgentMinimum: the example has no minimum Linux agent
// of its own, so a request without one is refused, not judged by nothing.
func TestNeedsTheRequestsAgentMinimum(t *testing.T) {
	req := simulatortest.Fixtures()[0].Request
	req.MinLinuxAgent = ""
	f, err := exampleSimulator{}.Simulate(t.Context(), req)
	if err == nil || f != nil || !strings.Contains(err.Error(), "minimum Linux agent") {
		t.Errorf("Simulate = %v, %v; want a refusal naming the minimum Linux agent", f != nil, err)
	}
}
