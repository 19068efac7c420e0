package report_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
)

func formatBundled(t *testing.T, format string) string {
	t.Helper()
	r := lintBundled(t, "2021-02")
	f, err := report.New(format, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestGitHubSyntax checks every annotation against the workflow-command
// syntax GitHub documents: ::LEVEL file=F,line=L,col=C,title=T::MESSAGE,
// with %, CR, LF (and, in properties, : and ,) escaped.
func TestGitHubSyntax(t *testing.T) {
	cmd := regexp.MustCompile(`^::(error|warning|notice) (file=[^,:\r\n]+(,line=\d+,col=\d+)?,)?title=[^,:\r\n]+::[^\r\n]+$`)
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(formatBundled(t, "github")), "\n") {
		if strings.HasPrefix(line, "::") {
			n++
			if !cmd.MatchString(line) {
				t.Errorf("not a valid workflow command: %s", line)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d annotations", n)
	}
}

// TestAzureDevOpsSyntax checks every line against the logging-command
// syntax: ##vso[task.logissue type=error|warning;sourcepath=…;linenumber=…;columnnumber=…;code=…]message.
func TestAzureDevOpsSyntax(t *testing.T) {
	issue := regexp.MustCompile(`^##vso\[task\.logissue type=(error|warning);sourcepath=[^;\]]+(;linenumber=\d+;columnnumber=\d+)?(;code=PC\d{3})?\][^\r\n]+$`)
	complete := regexp.MustCompile(`^##vso\[task\.complete result=Failed;\].+$`)
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(formatBundled(t, "azure-devops")), "\n") {
		switch {
		case issue.MatchString(line):
			n++
		case complete.MatchString(line):
		default:
			t.Errorf("not a valid logging command: %s", line)
		}
	}
	if n < 10 {
		t.Fatalf("only %d issues", n)
	}
}

func TestMarkdownTable(t *testing.T) {
	md := formatBundled(t, "markdown")
	for _, want := range []string{"## patchcheck: ⛔ some inputs could not be checked", "| Severity | Rule | Location |", "| error | PC001 | `testdata/templates/mixed-problems.jsonc:18:52` |", "### Inputs that could not be checked"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// TestGitHubAnnotationLimit: GitHub shows 10 annotations of each level a
// step, so patchcheck writes at most 10 errors, 10 warnings and 10
// notices, the last notice saying how many more there are and where; the
// others stay in the log as plain lines, which the runner does not read as
// commands.
func TestGitHubAnnotationLimit(t *testing.T) {
	build := func(errors, warnings, infos, errored int) *report.Report {
		r := &report.Report{Tool: "patchcheck", WorkDir: "/w"}
		var fs []model.Finding
		for i, n := range []struct {
			sev   model.Severity
			count int
		}{{model.Error, errors}, {model.Warning, warnings}, {model.Info, infos}} {
			for j := range n.count {
				fs = append(fs, model.Finding{RuleID: "PC001", Severity: n.sev, Title: "t", Message: "m", Position: model.Position{File: "a.json", Line: 100*i + j + 1, Column: 1}})
			}
		}
		r.Files = append(r.Files, report.File{Path: "a.json", Status: report.Checked, Findings: fs})
		for i := range errored {
			r.Files = append(r.Files, report.File{Path: fmt.Sprintf("bad%d.json", i), Status: report.Errored, Error: &report.FileError{Message: "broken"}})
		}
		return r
	}
	tests := []struct {
		name                      string
		r                         *report.Report
		full                      string
		errors, warnings, notices int // annotations written, the summary notice included
		plain                     int
		note                      string
	}{
		{"under the limit", build(10, 10, 10, 0), "", 10, 10, 10, 0, ""},
		{"errors over", build(12, 3, 0, 0), "", 10, 3, 1, 2, "2 errors, 0 warnings and 0 notices are not annotated"},
		{"inputs that could not be checked count as errors", build(9, 0, 0, 3), "", 10, 0, 1, 2, "2 errors, 0 warnings and 0 notices"},
		{"a notice place is kept for the note", build(0, 11, 10, 0), "report.sarif", 0, 10, 10, 2, "0 errors, 1 warnings and 1 notices are not annotated"},
		{"only notices over", build(0, 0, 11, 0), "the job summary", 0, 0, 10, 2, "0 errors, 0 warnings and 2 notices"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := report.New("github", report.Options{FullReport: tc.full})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Format(&buf, tc.r); err != nil {
				t.Fatal(err)
			}
			c := safetexttest.Scan(buf.Bytes(), "")
			levels := map[string]int{}
			for _, l := range c.GitHub {
				levels[strings.TrimPrefix(strings.Fields(l)[0], "::")]++
			}
			if levels["error"] != tc.errors || levels["warning"] != tc.warnings || levels["notice"] != tc.notices {
				t.Errorf("annotations %v, want %d errors, %d warnings, %d notices", levels, tc.errors, tc.warnings, tc.notices)
			}
			plain := strings.Count(buf.String(), "\npatchcheck: ") - 1 // less the summary line
			if plain != tc.plain {
				t.Errorf("%d plain lines, want %d:\n%s", plain, tc.plain, buf.String())
			}
			note := ""
			for _, l := range c.GitHub {
				if strings.HasPrefix(l, "::notice title=patchcheck%3A ") {
					note = l
				}
			}
			switch {
			case tc.note == "" && note != "":
				t.Errorf("a note under the limit: %s", note)
			case tc.note != "" && (!strings.Contains(note, tc.note) || !strings.Contains(note, "GitHub shows 10 annotations of each level a step")):
				t.Errorf("note %q, want %q in it", note, tc.note)
			case tc.full != "" && !strings.Contains(note, "every finding is in "+tc.full):
				t.Errorf("note %q does not say where the full report is (%s)", note, tc.full)
			}
		})
	}
}
