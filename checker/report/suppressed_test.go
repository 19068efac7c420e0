package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

// TestWaivedFindingsNotActive: formats that cannot mark a finding as
// suppressed (annotations, JUnit, markdown) must not show a waived finding
// as an error; SARIF and JSON show it, marked, and text and markdown count it.
func TestWaivedFindingsNotActive(t *testing.T) {
	r := &report.Report{Tool: "patchcheck", Version: "0.0.0-test", Profile: report.Profile{Name: "2021-02"},
		Files: []report.File{{Path: "vm.json", Status: report.Checked, VMs: 1, Findings: []model.Finding{
			{RuleID: "PC001", Title: "Active rule", Severity: model.Error, Position: model.Position{Line: 3, Column: 5}, Message: "ACTIVE-FINDING", Resource: "vm1"},
			{RuleID: "PC007", Title: "Waived rule", Severity: model.Error, Position: model.Position{Line: 9, Column: 7}, Message: "WAIVED-FINDING", Resource: "vm1",
				Suppression: &model.Suppression{Kind: "inSource", Reason: "legacy app", Expires: "2099-01-01", Where: "vm.json:12"}},
		}}}}
	tests := []struct {
		format     string
		wantWaived bool
	}{
		{"github", false}, {"azure-devops", false}, {"junit", false}, {"markdown", false},
		{"text", false}, {"sarif", true}, {"json", true},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			f, err := report.New(tc.format, report.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Format(&buf, r); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.Contains(out, "ACTIVE-FINDING") {
				t.Errorf("the active finding is missing:\n%s", out)
			}
			if got := strings.Contains(out, "WAIVED-FINDING"); got != tc.wantWaived {
				t.Errorf("waived finding shown = %v, want %v:\n%s", got, tc.wantWaived, out)
			}
			if (tc.format == "text" || tc.format == "markdown") && !strings.Contains(out, "1 finding suppressed by waivers") {
				t.Errorf("no count of waived findings:\n%s", out)
			}
		})
	}
	if s := r.Summarize(); s.Errors != 1 || s.Suppressed != 1 {
		t.Errorf("summary errors/suppressed = %d/%d, want 1/1", s.Errors, s.Suppressed)
	}
}
