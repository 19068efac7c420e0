package checker_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/report"
)

// nestedDeployments renders a template whose VM sits inside depth nested
// deployments, each with an inline template.
func nestedDeployments(depth int) string {
	inner := `{"resources": [{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2021-03-01", "name": "deep",
  "properties": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "Manual"}}},
  "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}]}`
	for i := depth; i > 0; i-- {
		inner = fmt.Sprintf("{\"resources\": [{\"type\": \"Microsoft.Resources/deployments\", \"apiVersion\": \"2022-09-01\", \"name\": \"level%d\",\n\"properties\": {\"mode\": \"Incremental\", \"template\": %s}}]}", i, inner)
	}
	return inner
}

// TestNestedDeploymentDepth: nesting up to the bound is followed; past it
// the file is an error naming the deployment that goes too deep, never a
// clean "0 VMs".
func TestNestedDeploymentDepth(t *testing.T) {
	l := newLinter(t, "2021-02")
	t.Run("64 levels are followed", func(t *testing.T) {
		f := l.Check(context.Background(), checker.Input{Path: "t.json", Explicit: true}, []byte(nestedDeployments(64)))
		if f.Status != report.Checked || f.VMs != 1 || !strings.Contains(ruleIDs(f), "PC001") {
			t.Errorf("status %s, %d VMs, findings [%s], error %+v", f.Status, f.VMs, ruleIDs(f), f.Error)
		}
	})
	t.Run("70 levels are an error", func(t *testing.T) {
		f := l.Check(context.Background(), checker.Input{Path: "t.json", Explicit: true}, []byte(nestedDeployments(70)))
		if f.Status != report.Errored {
			t.Fatalf("status %s, %d VMs; want errored", f.Status, f.VMs)
		}
		// The 65th deployment is the first one not followed: it sits on
		// line 65 of the generated file.
		ptr := strings.Repeat("/resources/0/properties/template", 64) + "/resources/0"
		for _, want := range []string{ptr, "line 65", "nested deployments deeper than 64 levels"} {
			if !strings.Contains(f.Error.Message, want) {
				t.Errorf("error %q does not contain %q", f.Error.Message, want)
			}
		}
		if code := (&report.Report{Files: []report.File{f}}).ExitCode("error"); code != report.ExitError {
			t.Errorf("exit code %d, want %d", code, report.ExitError)
		}
	})
}

// TestLongValuesAreClippedInMessages: a huge template value is quoted in
// a finding's message only up to a bound.
func TestLongValuesAreClippedInMessages(t *testing.T) {
	huge := strings.Repeat("A", 1<<20)
	tests := []struct{ name, cfg, rule string }{
		{"1 MB patchMode", `"patchSettings": {"patchMode": "` + huge + `"}`, "PC010"},
		{"1 MB patchMode with spaces", `"patchSettings": {"patchMode": "` + strings.Repeat("AB ", 1<<18) + `"}`, "PC010"},
		{"1 MB patchMode with spaces and quotes", `"patchSettings": {"patchMode": "` + strings.Repeat(`A \"B\" `, 1<<17) + `"}`, "PC010"},
		{"1 MB unresolved expression", `"patchSettings": {"patchMode": "[parameters('` + huge + `')]"}`, "PC011"},
		{"1 MB unknown property", `"patchSettings": {"` + huge + `": 1}`, "PC010"},
	}
	l := newLinter(t, "2021-02")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := l.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(vm("2021-03-01", "linux", tt.cfg, ubuntu18)))
			found := false
			for _, x := range f.Findings {
				if len(x.Message) > 1200 {
					t.Errorf("%s message is %d bytes long: %.300s", x.RuleID, len(x.Message), x.Message)
				}
				if x.RuleID == tt.rule {
					found = true
					if !strings.Contains(x.Message, "…") {
						t.Errorf("%s message does not show it was clipped: %.300s", x.RuleID, x.Message)
					}
				}
			}
			if !found {
				t.Errorf("no %s finding: [%s]", tt.rule, ruleIDs(f))
			}
		})
	}
}
