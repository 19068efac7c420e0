package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/internal/textbudget"
)

// markdownFormat writes a summary for a pull-request comment or a job
// summary ($GITHUB_STEP_SUMMARY): the verdict and the counts, then a table
// of findings and the inputs that could not be checked. Values from the
// inputs are escaped (safetext.Markdown, safetext.MarkdownCode) so that a
// name can neither end a table cell nor become a link, an image, a
// mention, HTML or a CI command.
//
// Within limit characters and byteLimit bytes (0: no limit), the verdict
// and counts are always written; the rows follow while they fit, the
// inputs that could not be checked first, then the findings by severity
// (errors first), each listed in report order; a last line says how many
// were left out and where every one is (fullReport).
type markdownFormat struct {
	limit, byteLimit int
	fullReport       string
}

// markdownRow is one line of the report that may be left out.
type markdownRow struct {
	text  string
	rank  int  // the higher, the sooner it is kept
	input bool // an input that could not be checked, not a finding
	kept  bool
}

func (m markdownFormat) Format(w io.Writer, r *Report) error {
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
	var head strings.Builder
	fmt.Fprintf(&head, "## patchcheck: %s\n\n", verdict)
	config := "none"
	if r.Config != "" {
		config = safetext.MarkdownCode(r.Config)
	}
	fmt.Fprintf(&head, "Profile %s, configuration %s. %d files: %d checked, %d skipped, %d errored; %d VMs; %d errors, %d warnings, %d info.\n\n",
		safetext.MarkdownCode(r.Profile.Name), config, s.Files, s.Checked, s.Skipped, s.Errored, s.VMs, s.Errors, s.Warnings, s.Infos)
	if r.Shard != nil {
		fmt.Fprintf(&head, "This run checked %s.\n\n", r.Shard)
	}
	if s.Suppressed > 0 {
		fmt.Fprintf(&head, "%d %s suppressed by waivers (listed in the SARIF and JSON reports).\n\n", s.Suppressed, plural(s.Suppressed, "finding", "findings"))
	}

	var findings, inputs []*markdownRow
	for _, f := range r.Files {
		for _, x := range f.Active() {
			where := safetext.MarkdownCode(f.findingAt(x).String())
			if len(x.Via) > 0 {
				where += " via " + safetext.MarkdownCode(ViaText(x))
			}
			findings = append(findings, &markdownRow{rank: x.Severity.Rank(), text: fmt.Sprintf("| %s | %s | %s | %s | %s | %s |\n", x.Severity, safetext.Markdown(x.RuleID), where,
				safetext.Markdown(x.Resource), safetext.Markdown(x.Message), safetext.Markdown(x.Remediation))})
		}
	}
	for _, f := range r.Files {
		if f.Status == Errored {
			inputs = append(inputs, &markdownRow{rank: model.Error.Rank() + 1, input: true,
				text: fmt.Sprintf("- %s: %s\n", safetext.MarkdownCode(f.Error.In(f.Path).String()), safetext.Markdown(f.Error.Message))})
		}
	}
	const (
		tableHead  = "| Severity | Rule | Location | Resource | Message | Fix |\n|---|---|---|---|---|---|\n"
		inputsHead = "### Inputs that could not be checked\n\n"
	)
	leftFindings, leftInputs := m.fit(head.String(), tableHead+"\n"+inputsHead, findings, inputs)

	bw.WriteString(head.String())
	if kept := keptRows(findings); len(kept) > 0 {
		bw.WriteString(tableHead)
		for _, row := range kept {
			bw.WriteString(row.text)
		}
		bw.WriteString("\n")
	}
	if kept := keptRows(inputs); len(kept) > 0 {
		bw.WriteString(inputsHead)
		for _, row := range kept {
			bw.WriteString(row.text)
		}
	}
	if leftFindings+leftInputs > 0 {
		bw.WriteString(m.leftOutLine(leftFindings, len(findings), leftInputs, len(inputs)))
	}
	return bw.Flush()
}

// fit marks the rows that fit the limits after head and the section
// headings, keeping room for the line that says what was left out, and
// returns how many findings and inputs were left out.
func (m markdownFormat) fit(head, headings string, findings, inputs []*markdownRow) (leftFindings, leftInputs int) {
	all := append(slices.Clone(inputs), findings...)
	limit := textbudget.Limit{Chars: m.limit, Bytes: m.byteLimit}
	whole := textbudget.New(limit)
	whole.Add(head + headings)
	for _, row := range all {
		whole.Add(row.text)
	}
	if whole.Fits("", 0) {
		for _, row := range all {
			row.kept = true
		}
		return 0, 0
	}
	budget := textbudget.New(limit)
	budget.Add(head + headings)
	reserve := len(m.leftOutLine(len(findings), len(findings), len(inputs), len(inputs)))
	slices.SortStableFunc(all, func(a, b *markdownRow) int { return b.rank - a.rank })
	for _, row := range all {
		// The first row that does not fit ends the list: what is shown
		// is always the most severe part.
		if !budget.TryAdd(row.text, reserve) {
			break
		}
		row.kept = true
	}
	for _, row := range all {
		switch {
		case row.kept:
		case row.input:
			leftInputs++
		default:
			leftFindings++
		}
	}
	return leftFindings, leftInputs
}

func keptRows(rows []*markdownRow) []*markdownRow {
	var out []*markdownRow
	for _, row := range rows {
		if row.kept {
			out = append(out, row)
		}
	}
	return out
}

// leftOutLine says how many rows a capped report left out and where every
// one of them is.
func (m markdownFormat) leftOutLine(findings, allFindings, inputs, allInputs int) string {
	what := fmt.Sprintf("%d of %d %s", findings, allFindings, plural(allFindings, "finding", "findings"))
	if allInputs > 0 {
		what += fmt.Sprintf(" and %d of %d %s that could not be checked", inputs, allInputs, plural(allInputs, "input", "inputs"))
	}
	where := "a `--format json`, `sarif` or `text` report (or this one with `--markdown-limit 0`)"
	if m.fullReport != "" {
		where = safetext.Markdown(m.fullReport)
	}
	return fmt.Sprintf("\n**%s left out** to keep this report within %s. Every one is listed in %s.\n", what, limitText(m.limit, m.byteLimit), where)
}

// limitText names the size limits of a report.
func limitText(chars, bytes int) string {
	switch {
	case chars > 0 && bytes > 0:
		return fmt.Sprintf("%d characters and %d bytes", chars, bytes)
	case bytes > 0:
		return fmt.Sprintf("%d bytes", bytes)
	}
	return fmt.Sprintf("%d characters", chars)
}
