package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

type gitlabIssue struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

// gitlabSchema compiles testdata/gitlab-codequality.schema.json, the
// fields GitLab documents for a Code Quality report.
func gitlabSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "gitlab-codequality.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	if err := c.AddResource("gitlab.json", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("gitlab.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func formatGitLab(t *testing.T, schema *jsonschema.Schema, r *report.Report) []gitlabIssue {
	t.Helper()
	f, err := report.New("gitlab", report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(v); err != nil {
		t.Errorf("not the Code Quality format GitLab documents: %#v", err)
	}
	var issues []gitlabIssue
	if err := json.Unmarshal(buf.Bytes(), &issues); err != nil {
		t.Fatal(err)
	}
	return issues
}

// TestGitLabCodeQuality: the bundled examples give one issue per active
// finding and per input that could not be checked, in the documented
// format, with severities mapped (error major, warning minor, info info,
// an unreadable input critical), fingerprints unique and equal to the
// SARIF report's, and paths relative to the working directory.
func TestGitLabCodeQuality(t *testing.T) {
	schema := gitlabSchema(t) // before lintBundled moves to the repository root
	sarif := sarifSchemas(t)
	for _, profile := range []string{"2021-02", "current"} {
		t.Run(profile, func(t *testing.T) {
			r := lintBundled(t, profile)
			issues := formatGitLab(t, schema, r)
			s := r.Summarize()
			count := map[string]int{}
			fps := map[string]bool{}
			for _, is := range issues {
				count[is.Severity]++
				if fps[is.Fingerprint] {
					t.Errorf("fingerprint %s twice", is.Fingerprint)
				}
				fps[is.Fingerprint] = true
			}
			if count["major"] != s.Errors || count["minor"] != s.Warnings || count["info"] != s.Infos || count["critical"] != s.Errored {
				t.Errorf("severities %v for %+v", count, s)
			}
			for _, res := range checkSARIF(t, sarif, formatSARIF(t, r)).Runs[0].Results {
				if !fps[res.PartialFingerprints["patchcheck/v1"]] {
					t.Errorf("SARIF result %s has fingerprint %s, which the GitLab report lacks", res.RuleID, res.PartialFingerprints["patchcheck/v1"])
				}
			}
		})
	}
}

// TestGitLabPaths: location.path is relative to the working directory
// with forward slashes, a waived finding is left out, and a finding
// without a line begins at line 1.
func TestGitLabPaths(t *testing.T) {
	x := func(file string, line int) model.Finding {
		return model.Finding{RuleID: "PC001", Severity: model.Warning, Message: "m", Position: model.Position{File: file, Line: line, Column: 1}}
	}
	waived := x("in/waived.json", 3)
	waived.Suppression = &model.Suppression{Kind: "external"}
	r := &report.Report{Tool: "patchcheck", WorkDir: "/work/repo", Files: []report.File{
		{Path: "/work/repo/in/a b.json", Status: report.Checked, Findings: []model.Finding{x("/work/repo/in/a b.json", 7), waived, x("./in//c.json", 0)}},
	}}
	issues := formatGitLab(t, gitlabSchema(t), r)
	if len(issues) != 2 || issues[0].Location.Path != "in/a b.json" || issues[0].Location.Lines.Begin != 7 ||
		issues[1].Location.Path != "in/c.json" || issues[1].Location.Lines.Begin != 1 || issues[0].CheckName != "PC001" || issues[0].Severity != "minor" {
		t.Errorf("issues %+v", issues)
	}
}
