package forecast

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/internal/textbudget"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// markdownFormat writes a summary for a pipeline job summary or a
// pull-request comment. Within limit characters and byteLimit bytes (0:
// no limit), the compliance curve, the phases, the regions and the
// assumptions are always written; the rows of reasons, then those of VMs
// not compliant, follow while they fit, and a last line says how many
// were left out and where every VM is (fullReport).
type markdownFormat struct {
	limit, byteLimit int
	fullReport       string
}

func (m markdownFormat) Format(w io.Writer, f *simulator.Forecast) error {
	var head strings.Builder
	b := &head
	fmt.Fprintf(b, "## Patch forecast: release %s\n\n", f.Release.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(b, "**%.1f%%** of %d VMs compliant by the deadline (%s). Simulator %s, seed %d, %d trial(s).",
		100*Compliance(f), len(f.VMs), f.Deadline.UTC().Format("2006-01-02"), md(f.Simulator.Name+" "+f.Simulator.Version), f.Seed, f.Trials)
	if s := planSpan(f.Plan); s.Steps > 0 {
		fmt.Fprintf(b, " The last plan step ends %s UTC (day %.1f).", s.End.UTC().Format("2006-01-02 15:04"), daysAfter(f, s.End))
	}
	b.WriteString("\n\n| Day | Date (UTC) | Compliant | p10 | p50 | p90 |\n|---|---|---|---|---|---|\n")
	for _, c := range f.Curve {
		if c.Day%7 == 0 || c.Day == len(f.Curve)-1 {
			fmt.Fprintf(b, "| %d | %s | %.0f%% | %.0f%% | %.0f%% | %.0f%% |\n", c.Day, f.Release.Add(time.Duration(c.Day)*24*time.Hour).UTC().Format("Mon 01-02"),
				100*c.Compliant, 100*c.P10, 100*c.P50, 100*c.P90)
		}
	}

	b.WriteString("\n### Phases\n\n| Phase | Status | Window (UTC) | Regions | VMs | Patched | Unhealthy |\n|---|---|---|---|---|---|---|\n")
	for _, p := range f.Phases {
		fmt.Fprintf(b, "| %d | %s | %s | %s | %d | %d | %d |\n", p.Index, md(statusLabel(p.Status)), phaseWindow(p), md(joinRegions(p.Regions)), p.VMs, p.Patched, p.Unhealthy)
	}

	spans := regionSpans(f.Plan)
	b.WriteString("\n### Regions\n\n| Region | Phase | VMs | Eligible | Compliant | Rollout window (UTC) |\n|---|---|---|---|---|---|\n")
	for _, r := range f.Regions {
		window := ""
		if s := spans[r.Region]; s != nil {
			window = s.String()
		}
		fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %s |\n", md(r.Region), phaseLabel(r.Phase), r.VMs, r.Eligible, r.Compliant, window)
	}

	var reasonsHead string
	var reasons []string
	if rc := reasonCounts(f.VMs); len(rc) > 0 {
		reasonsHead = "\n### VMs per reason\n\nReasons that differ only in numbers or dates are counted together (numbers as #).\n\n" +
			"| VMs | Not compliant | Reason | Example |\n|---|---|---|---|\n"
		for _, r := range foldReasons(rc) {
			example := r.Example
			if r.ExampleVM != "" {
				example = r.ExampleVM + ": " + example
			}
			reasons = append(reasons, fmt.Sprintf("| %d | %d | %s | %s |\n", r.VMs, r.NotCompliant, md(r.Key), md(example)))
		}
	}

	var missingHead, more string
	var missing []string
	notCompliant := 0
	for _, v := range f.VMs {
		if v.Compliant {
			continue
		}
		notCompliant++
		if notCompliant > maxListed {
			continue
		}
		missing = append(missing, fmt.Sprintf("| %s | %s | %s | %s |\n", md(v.Name), md(v.Region), phaseLabel(v.Phase), md(v.Reason)))
	}
	if notCompliant > 0 {
		missingHead = "\n### Not compliant at the deadline\n\n| VM | Region | Phase | Reason |\n|---|---|---|---|\n"
	}
	if notCompliant > maxListed {
		more = fmt.Sprintf("\n… and %d more (see --format json or csv).\n", notCompliant-maxListed)
	}

	var tail strings.Builder
	tail.WriteString("\n### Assumptions\n\n| Assumption | Value |\n|---|---|\n")
	for _, a := range assumptionRows(f) {
		fmt.Fprintf(&tail, "| %s | %s |\n", a.Name, md(a.Value))
	}

	keptReasons, keptMissing := m.fit(head.String()+reasonsHead+missingHead+more+tail.String(), reasons, missing)
	var out strings.Builder
	out.WriteString(head.String())
	if len(reasons) > 0 {
		out.WriteString(reasonsHead)
		for _, r := range reasons[:keptReasons] {
			out.WriteString(r)
		}
	}
	if notCompliant > 0 {
		out.WriteString(missingHead)
		for _, r := range missing[:keptMissing] {
			out.WriteString(r)
		}
	}
	out.WriteString(more)
	out.WriteString(tail.String())
	if keptReasons < len(reasons) || keptMissing < len(missing) {
		out.WriteString(m.leftOutLine(len(reasons)-keptReasons, len(reasons), len(missing)-keptMissing, len(missing)))
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// fit returns how many reason rows, then VM rows, fit the limits after
// fixed, keeping room for the line that says what was left out: the
// reasons first, as they count every VM; the first row that does not fit
// ends both lists.
func (m markdownFormat) fit(fixed string, reasons, missing []string) (keptReasons, keptMissing int) {
	limit := textbudget.Limit{Chars: m.limit, Bytes: m.byteLimit}
	whole := textbudget.New(limit)
	whole.Add(fixed)
	for _, r := range append(append([]string(nil), reasons...), missing...) {
		whole.Add(r)
	}
	if whole.Fits("", 0) {
		return len(reasons), len(missing)
	}
	budget := textbudget.New(limit)
	budget.Add(fixed)
	reserve := len(m.leftOutLine(len(reasons), len(reasons), len(missing), len(missing)))
	for keptReasons < len(reasons) && budget.TryAdd(reasons[keptReasons], reserve) {
		keptReasons++
	}
	if keptReasons < len(reasons) {
		return keptReasons, 0
	}
	for keptMissing < len(missing) && budget.TryAdd(missing[keptMissing], reserve) {
		keptMissing++
	}
	return keptReasons, keptMissing
}

// leftOutLine says how many rows a capped forecast left out and where
// every VM is.
func (m markdownFormat) leftOutLine(reasons, allReasons, vms, allVMs int) string {
	where := "`--format json` or `csv`"
	if m.fullReport != "" {
		where = md(m.fullReport)
	}
	limit := fmt.Sprintf("%d characters", m.limit)
	switch {
	case m.limit > 0 && m.byteLimit > 0:
		limit = fmt.Sprintf("%d characters and %d bytes", m.limit, m.byteLimit)
	case m.byteLimit > 0:
		limit = fmt.Sprintf("%d bytes", m.byteLimit)
	}
	return fmt.Sprintf("\n**%d of %d reason rows and %d of %d rows of VMs not compliant left out** to keep this forecast within %s. Every VM is listed in %s.\n",
		reasons, allReasons, vms, allVMs, limit, where)
}

// md is fleet or simulator text made safe for a Markdown table cell or
// line: a | would end the cell, <, >, &, backticks, brackets, *, _, ~ and
// $ would become markup, @, # and URLs mentions, references and links, a
// control character would end the row or reach a terminal, and "##vso["
// or a leading "::" a CI command (safetext.Markdown).
func md(s string) string { return safetext.Markdown(s) }
