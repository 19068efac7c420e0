package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
)

func formatMarkdown(t *testing.T, r *report.Report, opts report.Options) string {
	t.Helper()
	f, err := report.New("markdown", opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestMarkdownRendersNoMarkupFromInputs renders the Markdown report of
// findings whose every value is hostile with a GFM renderer: nothing from
// the inputs becomes a link, an image, HTML, a mention, an issue
// reference, or a cell of its own.
func TestMarkdownRendersNoMarkupFromInputs(t *testing.T) {
	for _, p := range append([]string{safetexttest.MarkdownPayload()}, safetexttest.MarkdownPayloads...) {
		out := formatMarkdown(t, hostileReport(p), report.Options{})
		problems, err := safetexttest.CheckMarkdown(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range problems {
			t.Errorf("%q: %s", p, pr)
		}
		if t.Failed() {
			t.Logf("output:\n%s", out)
			return
		}
	}
}

// manyFindings is a report of n errors, n warnings and n infos, with
// non-ASCII messages, and one input that could not be checked.
func manyFindings(n int) *report.Report {
	r := &report.Report{Tool: "patchcheck", WorkDir: "/w", Profile: report.Profile{Name: "2021-02"}}
	var fs []model.Finding
	for i := range n {
		for _, sev := range []model.Severity{model.Info, model.Warning, model.Error} {
			fs = append(fs, model.Finding{RuleID: "PC001", Severity: sev, Title: "t", Message: fmt.Sprintf("ünïcödé message %d of %s", i, sev),
				Remediation: "fix", Resource: "vm", Position: model.Position{File: "a.json", Line: i + 1, Column: 1}})
		}
	}
	r.Files = []report.File{{Path: "a.json", Status: report.Checked, Findings: fs},
		{Path: "broken.json", Status: report.Errored, Error: &report.FileError{Line: 1, Column: 1, Message: "invalid JSON"}}}
	return r
}

// TestMarkdownBudget: within its limits (characters, bytes or both), the
// report keeps its verdict and counts, the inputs that could not be
// checked, then findings by severity, and ends with a line saying how many
// were left out and where they all are; without a limit, or when all
// fits, it is whole.
func TestMarkdownBudget(t *testing.T) {
	r := manyFindings(200)
	whole := formatMarkdown(t, r, report.Options{})
	tests := []struct {
		name       string
		opts       report.Options
		cut        bool
		wantLeft   string
		wantLevels []string // severities that must keep a row
	}{
		{"no limit", report.Options{}, false, "", []string{"error", "warning", "info"}},
		{"a limit it fits in", report.Options{MarkdownLimit: utf8.RuneCountInString(whole)}, false, "", []string{"error", "warning", "info"}},
		{"characters", report.Options{MarkdownLimit: 20000, FullReport: "out.sarif"}, true, "of 600 findings and 0 of 1 input that could not be checked left out", []string{"error"}},
		{"bytes", report.Options{MarkdownByteLimit: 20000}, true, "left out** to keep this report within 20000 bytes", []string{"error"}},
		{"both", report.Options{MarkdownLimit: 30000, MarkdownByteLimit: 25000}, true, "within 30000 characters and 25000 bytes", []string{"error"}},
		{"room for errors and warnings", report.Options{MarkdownLimit: len(whole) * 3 / 4}, true, "of 600 findings", []string{"error", "warning"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := formatMarkdown(t, r, tc.opts)
			if tc.opts.MarkdownLimit > 0 && utf8.RuneCountInString(out) > tc.opts.MarkdownLimit {
				t.Errorf("%d characters, over the limit of %d", utf8.RuneCountInString(out), tc.opts.MarkdownLimit)
			}
			if tc.opts.MarkdownByteLimit > 0 && len(out) > tc.opts.MarkdownByteLimit {
				t.Errorf("%d bytes, over the limit of %d", len(out), tc.opts.MarkdownByteLimit)
			}
			if (out != whole) != tc.cut {
				t.Errorf("cut %v, want %v", out != whole, tc.cut)
			}
			if !strings.HasPrefix(out, "## patchcheck: ⛔ some inputs could not be checked\n\nProfile `2021-02`") || !strings.Contains(out, "- `broken.json:1:1`: invalid JSON") {
				t.Errorf("the verdict, counts or the input that could not be checked are missing:\n%.400s", out)
			}
			if tc.wantLeft != "" && !strings.Contains(out, tc.wantLeft) {
				t.Errorf("no %q in the last line: %q", tc.wantLeft, out[max(0, len(out)-300):])
			}
			if tc.opts.FullReport != "" && !strings.HasSuffix(out, "Every one is listed in out.sarif.\n") {
				t.Errorf("the last line does not name the full report: %q", out[max(0, len(out)-200):])
			}
			rows := map[string]int{}
			for _, sev := range []string{"error", "warning", "info"} {
				rows[sev] = strings.Count(out, "\n| "+sev+" |")
			}
			for _, sev := range tc.wantLevels {
				if rows[sev] == 0 {
					t.Errorf("no %s row", sev)
				}
			}
			// A lower severity keeps rows only when every row above it is kept.
			if rows["warning"] > 0 && rows["error"] < 200 || rows["info"] > 0 && rows["warning"] < 200 {
				t.Errorf("rows kept by severity: %v", rows)
			}
			problems, err := safetexttest.CheckMarkdown(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("rendered: %s", p)
			}
		})
	}
}

// TestMarkdownBudgetKeepsOrder: the rows kept are listed in report order,
// whatever order the severities chose them in.
func TestMarkdownBudgetKeepsOrder(t *testing.T) {
	out := formatMarkdown(t, manyFindings(50), report.Options{MarkdownLimit: 9000})
	last := 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| error |") && !strings.HasPrefix(line, "| warning |") && !strings.HasPrefix(line, "| info |") {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(line[strings.Index(line, "`a.json:")+len("`a.json:"):], "%d", &n); err != nil {
			t.Fatal(err)
		}
		if n < last {
			t.Fatalf("line %d listed after line %d", n, last)
		}
		last = n
	}
	if last == 0 {
		t.Fatal("no rows")
	}
}
