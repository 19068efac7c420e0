package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/patchcheck/patchcheck/internal/safetext"
)

// markdownFormat writes a summary for a pull-request comment or a job
// summary ($GITHUB_STEP_SUMMARY): the counts, then a table of findings and
// the inputs that could not be checked. Values from the inputs are escaped
// (safetext.Markdown, safetext.MarkdownCode) so that a name can neither
// end a table cell nor become a link, an image, HTML or a CI command.
type markdownFormat struct{}

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
	config := "none"
	if r.Config != "" {
		config = safetext.MarkdownCode(r.Config)
	}
	fmt.Fprintf(bw, "Profile %s, configuration %s. %d files: %d checked, %d skipped, %d errored; %d VMs; %d errors, %d warnings, %d info.\n\n",
		safetext.MarkdownCode(r.Profile.Name), config, s.Files, s.Checked, s.Skipped, s.Errored, s.VMs, s.Errors, s.Warnings, s.Infos)
	if s.Suppressed > 0 {
		fmt.Fprintf(bw, "%d %s suppressed by waivers (listed in the SARIF and JSON reports).\n\n", s.Suppressed, plural(s.Suppressed, "finding", "findings"))
	}
	if s.Errors+s.Warnings+s.Infos > 0 {
		fmt.Fprintln(bw, "| Severity | Rule | Location | Resource | Message | Fix |")
		fmt.Fprintln(bw, "|---|---|---|---|---|---|")
		for _, f := range r.Files {
			for _, x := range f.Active() {
				where := safetext.MarkdownCode(f.findingAt(x).String())
				if len(x.Via) > 0 {
					where += " via " + safetext.MarkdownCode(ViaText(x))
				}
				fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n", x.Severity, safetext.Markdown(x.RuleID), where,
					safetext.Markdown(x.Resource), safetext.Markdown(x.Message), safetext.Markdown(x.Remediation))
			}
		}
		fmt.Fprintln(bw)
	}
	if s.Errored > 0 {
		fmt.Fprintln(bw, "### Inputs that could not be checked")
		fmt.Fprintln(bw)
		for _, f := range r.Files {
			if f.Status == Errored {
				fmt.Fprintf(bw, "- %s: %s\n", safetext.MarkdownCode(f.Error.In(f.Path).String()), safetext.Markdown(f.Error.Message))
			}
		}
	}
	return bw.Flush()
}
