package forecast

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// markdownFormat writes a summary for a pipeline job summary or a
// pull-request comment.
type markdownFormat struct{}

func (markdownFormat) Format(w io.Writer, f *simulator.Forecast) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Patch forecast: release %s\n\n", f.Release.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "**%.1f%%** of %d VMs compliant by the deadline (%s). Simulator %s, seed %d, %d trial(s).",
		100*Compliance(f), len(f.VMs), f.Deadline.UTC().Format("2006-01-02"), md(f.Simulator.Name+" "+f.Simulator.Version), f.Seed, f.Trials)
	if s := planSpan(f.Plan); s.Steps > 0 {
		fmt.Fprintf(&b, " The last plan step ends %s UTC (day %.1f).", s.End.UTC().Format("2006-01-02 15:04"), daysAfter(f, s.End))
	}
	b.WriteString("\n\n| Day | Date (UTC) | Compliant | p10 | p50 | p90 |\n|---|---|---|---|---|---|\n")
	for _, c := range f.Curve {
		if c.Day%7 == 0 || c.Day == len(f.Curve)-1 {
			fmt.Fprintf(&b, "| %d | %s | %.0f%% | %.0f%% | %.0f%% | %.0f%% |\n", c.Day, f.Release.Add(time.Duration(c.Day)*24*time.Hour).UTC().Format("Mon 01-02"),
				100*c.Compliant, 100*c.P10, 100*c.P50, 100*c.P90)
		}
	}

	b.WriteString("\n### Phases\n\n| Phase | Status | Window (UTC) | Regions | VMs | Patched | Unhealthy |\n|---|---|---|---|---|---|---|\n")
	for _, p := range f.Phases {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %d | %d | %d |\n", p.Index, md(statusLabel(p.Status)), phaseWindow(p), md(joinRegions(p.Regions)), p.VMs, p.Patched, p.Unhealthy)
	}

	spans := regionSpans(f.Plan)
	b.WriteString("\n### Regions\n\n| Region | Phase | VMs | Eligible | Compliant | Rollout window (UTC) |\n|---|---|---|---|---|---|\n")
	for _, r := range f.Regions {
		window := ""
		if s := spans[r.Region]; s != nil {
			window = s.String()
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s |\n", md(r.Region), phaseLabel(r.Phase), r.VMs, r.Eligible, r.Compliant, window)
	}

	if rc := reasonCounts(f.VMs); len(rc) > 0 {
		b.WriteString("\n### VMs per reason\n\nReasons that differ only in numbers or dates are counted together (numbers as #).\n\n" +
			"| VMs | Not compliant | Reason | Example |\n|---|---|---|---|\n")
		for _, r := range foldReasons(rc) {
			example := r.Example
			if r.ExampleVM != "" {
				example = r.ExampleVM + ": " + example
			}
			fmt.Fprintf(&b, "| %d | %d | %s | %s |\n", r.VMs, r.NotCompliant, md(r.Key), md(example))
		}
	}

	missing := 0
	for _, v := range f.VMs {
		if v.Compliant {
			continue
		}
		if missing == 0 {
			b.WriteString("\n### Not compliant at the deadline\n\n| VM | Region | Phase | Reason |\n|---|---|---|---|\n")
		}
		missing++
		if missing > maxListed {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", md(v.Name), md(v.Region), phaseLabel(v.Phase), md(v.Reason))
	}
	if missing > maxListed {
		fmt.Fprintf(&b, "\n… and %d more (see --format json or csv).\n", missing-maxListed)
	}

	b.WriteString("\n### Assumptions\n\n| Assumption | Value |\n|---|---|\n")
	for _, a := range assumptionRows(f) {
		fmt.Fprintf(&b, "| %s | %s |\n", a.Name, md(a.Value))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// md is fleet or simulator text made safe for a Markdown table cell or
// line: a | would end the cell, <, >, &, backticks, brackets, *, _ and ~
// would become markup, a control character would end the row or reach a
// terminal, and "##vso[" or a leading "::" a CI command (safetext.Markdown).
func md(s string) string { return safetext.Markdown(s) }
