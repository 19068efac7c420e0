package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
)

// hostileReport holds text a pull request controls (file names, resource
// names, messages that quote template values, a user rule's metadata) in
// every field a format prints.
func hostileReport(p string) *report.Report {
	finding := func(id string, sev model.Severity, line int) model.Finding {
		return model.Finding{RuleID: id, Severity: sev, Title: p, Message: p, Remediation: p, Position: model.Position{File: p, Line: line, Column: 2},
			Pointer: "/resources/0" + p, Resource: p, ResourceType: p, ResourcePointer: "/resources/0" + p,
			Related: []model.Related{{Position: model.Position{File: p, Line: 1, Column: 1}, Message: p}},
			Via:     []model.Related{{Position: model.Position{File: p, Line: 4, Column: 5}, Pointer: "/resources/1" + p, Message: p}}}
	}
	waived := finding("PC007", model.Warning, 9)
	waived.Suppression = &model.Suppression{Kind: "external", Reason: p, Expires: "2999-01-01", Where: p}
	return &report.Report{
		Tool: "patchcheck", Version: "0.0.0-test", Profile: report.Profile{Name: "2021-02", Title: p}, Config: p,
		Rules: []model.Rule{{ID: "PC001", Severity: model.Error, Title: p, Description: p, Remediation: p},
			{ID: "USR" + p, Severity: model.Info, Title: p, Description: p, Remediation: p}},
		Files: []report.File{
			{Path: p, Status: report.Errored, Error: &report.FileError{Line: 3, Column: 4, Message: p}, Findings: []model.Finding{}},
			{Path: "ok" + p, Status: report.Errored, Error: &report.FileError{Message: p}, Findings: []model.Finding{}},
			{Path: p, Status: report.Skipped, Kind: "parameters", Reason: p, Findings: []model.Finding{}},
			{Path: p, Status: report.Checked, Kind: "template", Parameters: []string{p}, VMs: 2, Findings: []model.Finding{
				finding("PC001", model.Error, 3), finding("USR"+p, model.Info, 5), finding("PC004", model.Warning, 7), waived}},
			{Path: p, Status: report.Checked, Kind: "template", Reason: p, VMs: 1, Linked: []string{p}, Findings: []model.Finding{}},
		},
	}
}

// TestUntrustedTextInEveryFormat feeds hostile text through every lint
// format and reads the output as the GitHub runner, the Azure Pipelines
// agent and a terminal would: only the annotations patchcheck means to
// write may be commands, and no raw control character gets through.
func TestUntrustedTextInEveryFormat(t *testing.T) {
	payloads := append([]string{safetexttest.Payload()}, safetexttest.Payloads...)
	for _, format := range report.Formats() {
		for _, p := range payloads {
			t.Run(format+"/"+strings.ToValidUTF8(p[:min(len(p), 12)], "?"), func(t *testing.T) {
				r := hostileReport(p)
				f, err := report.New(format, report.Options{})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := f.Format(&buf, r); err != nil {
					t.Fatal(err)
				}
				c := safetexttest.Scan(buf.Bytes(), "")
				for _, raw := range c.Raw {
					t.Errorf("raw character: %s", raw)
				}
				// The annotations patchcheck writes: one per input that
				// could not be checked and one per active finding.
				want := 2 + 3
				wantGitHub, wantAzure := 0, 0
				switch format {
				case "github":
					wantGitHub = want
				case "azure-devops":
					wantAzure = want + 1 // and task.complete
				}
				for _, l := range c.GitHub {
					if wantGitHub == 0 || !regexp.MustCompile(`^::(error|warning|notice) file=`).MatchString(l) {
						t.Errorf("GitHub command not written by patchcheck: %q", l)
					}
				}
				if len(c.GitHub) != wantGitHub {
					t.Errorf("%d GitHub commands, want %d:\n%s", len(c.GitHub), wantGitHub, strings.Join(c.GitHub, "\n"))
				}
				for _, l := range c.Azure {
					if wantAzure == 0 || !regexp.MustCompile(`^##vso\[task\.(logissue type=(error|warning);|complete result=Failed;\])`).MatchString(l) || strings.Count(strings.ToLower(l), "##vso[") != 1 {
						t.Errorf("Azure Pipelines command not written by patchcheck: %q", l)
					}
				}
				if len(c.Azure) != wantAzure {
					t.Errorf("%d Azure Pipelines commands, want %d:\n%s", len(c.Azure), wantAzure, strings.Join(c.Azure, "\n"))
				}
				for _, l := range c.Legacy {
					t.Errorf("legacy ##[ command: %q", l)
				}
				if t.Failed() {
					t.Logf("output:\n%s", buf.String())
				}
			})
		}
	}
}

// TestColorOnlyOwnEscapes: with colour on, the only escape sequences in the
// text format are the SGR codes patchcheck writes itself.
func TestColorOnlyOwnEscapes(t *testing.T) {
	f, err := report.New("text", report.Options{Color: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, hostileReport(safetexttest.Payload())); err != nil {
		t.Fatal(err)
	}
	own := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	if !own.Match(buf.Bytes()) {
		t.Fatal("no colour at all")
	}
	rest := own.ReplaceAll(buf.Bytes(), nil)
	c := safetexttest.Scan(rest, "")
	if len(c.Raw)+len(c.GitHub)+len(c.Azure)+len(c.Legacy) > 0 {
		t.Errorf("%+v", c)
	}
}
