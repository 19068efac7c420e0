package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// markdownFormat writes a summary for a pull-request comment or a job
// summary ($GITHUB_STEP_SUMMARY): the counts, then a table of findings and
// the inputs that could not be checked.
type markdownFormat struct{}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(s)
}

func (markdownFormat) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	s := r.Summarize()
	verdict := "✅ no findings"
	switch {
	case s.Errored > 0:
		verdict = "⛔ some inputs could not be checked"
	case s.Errors > 0:
		verdict = "❌ errors found"
	case s.Warnings+s.Infos > 0:
		verdict = "⚠️ warnings only"
	}
	fmt.Fprintf(bw, "## patchcheck: %s\n\n", verdict)
	fmt.Fprintf(bw, "Profile `%s`. %d files: %d checked, %d skipped, %d errored; %d VMs; %d errors, %d warnings, %d info.\n\n",
		r.Profile.Name, s.Files, s.Checked, s.Skipped, s.Errored, s.VMs, s.Errors, s.Warnings, s.Infos)
	if s.Suppressed > 0 {
		fmt.Fprintf(bw, "%d %s suppressed by waivers (listed in the SARIF and JSON reports).\n\n", s.Suppressed, plural(s.Suppressed, "finding", "findings"))
	}
	if s.Errors+s.Warnings+s.Infos > 0 {
		fmt.Fprintln(bw, "| Severity | Rule | Location | Resource | Message | Fix |")
		fmt.Fprintln(bw, "|---|---|---|---|---|---|")
		for _, f := range r.Files {
			for _, x := range f.Active() {
				fmt.Fprintf(bw, "| %s | %s | `%s:%d:%d` | %s | %s | %s |\n", x.Severity, x.RuleID, mdCell(f.Path), x.Line, x.Column,
					mdCell(x.Resource), mdCell(x.Message), mdCell(x.Remediation))
			}
		}
		fmt.Fprintln(bw)
	}
	if s.Errored > 0 {
		fmt.Fprintln(bw, "### Inputs that could not be checked")
		fmt.Fprintln(bw)
		for _, f := range r.Files {
			if f.Status == Errored {
				fmt.Fprintf(bw, "- `%s`: %s\n", mdCell(position(f.Path, f.Error.Line, f.Error.Column)), mdCell(f.Error.Message))
			}
		}
	}
	return bw.Flush()
}
