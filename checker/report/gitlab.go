package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// gitlabFormat writes a GitLab Code Quality report
// (artifacts:reports:codequality), the subset of the Code Climate issue
// format GitLab documents at
// https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format:
// a JSON array with one issue per finding no waiver accepts, each with
//
//   - description: the message, the resource and the fix;
//   - check_name: the rule ID;
//   - fingerprint: the identity SARIF's partialFingerprints use (rule,
//     file, resource, property path; not the line), so GitLab follows an
//     issue across commits that move it;
//   - severity: error → major, warning → minor, info → info; an input
//     that could not be checked (exit 2) is critical, with check_name
//     "patchcheck/input";
//   - location.path relative to the working directory, with forward
//     slashes, and location.lines.begin (1 when the line is unknown).
//
// The encoded document goes through safetext.JSON, like every JSON
// output.
type gitlabFormat struct{}

type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// gitlabSeverity maps a finding's severity onto GitLab's scale (info,
// minor, major, critical, blocker). An error is major: a configuration
// Azure rejects or that leaves a VM unpatched; critical is kept for
// inputs patchcheck could not check at all.
func gitlabSeverity(s model.Severity) string {
	switch s {
	case model.Error:
		return "major"
	case model.Warning:
		return "minor"
	}
	return "info"
}

func (gitlabFormat) Format(w io.Writer, r *Report) error {
	loc := newLocator(r)
	fps := newFingerprints(loc)
	issues := []gitlabIssue{}
	for _, f := range r.Files {
		if f.Status == Errored {
			path := loc.display(f.Path)
			issues = append(issues, gitlabIssue{
				Description: "patchcheck could not check this input: " + f.Error.Message,
				CheckName:   "patchcheck/input",
				Fingerprint: fps.of(path, model.Finding{RuleID: "patchcheck/input"}),
				Severity:    "critical",
				Location:    gitlabLocation{Path: path, Lines: gitlabLines{Begin: max(f.Error.Line, 1)}},
			})
			continue
		}
		for _, x := range f.Findings {
			path := loc.display(f.FindingFile(x))
			// Every finding takes its fingerprint, waived or not, so
			// that each has the same one as in SARIF.
			fp := fps.of(path, x)
			if x.Suppression != nil {
				continue
			}
			issues = append(issues, gitlabIssue{
				Description: fmt.Sprintf("%s: %s (resource %s%s). Fix: %s", x.RuleID, x.Message, x.Resource, viaNote(x), x.Remediation),
				CheckName:   x.RuleID,
				Fingerprint: fp,
				Severity:    gitlabSeverity(x.Severity),
				Location:    gitlabLocation{Path: path, Lines: gitlabLines{Begin: max(x.Line, 1)}},
			})
		}
	}
	data, err := json.MarshalIndent(issues, "", "  ")
	if err != nil {
		return fmt.Errorf("gitlab: %w", err)
	}
	data = append(safetext.JSON(data), '\n')
	_, err = w.Write(data)
	return err
}
