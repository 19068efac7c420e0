package forecast

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// htmlFormat writes one self-contained page: the assumptions, the
// compliance curve with its p10–p90 band, a timeline of the plan grouped
// phase → region, the phases, the regions, the VMs per reason and the VMs
// not compliant at the deadline. Charts are inline SVG drawn with
// gonum/plot; nothing is loaded from the network. html/template escapes
// markup; text from the fleet or the simulator also goes through
// safetext.Text (the template's "text"), because html/template leaves
// control characters and line breaks as they are, and a page written to a
// CI log must neither start a command nor drive the terminal.
type htmlFormat struct{}

// maxListedHTML bounds the rows of VMs not compliant: a million-VM fleet
// would otherwise make a page no browser opens. The reason table counts
// them all, and the page says how many are left out.
const maxListedHTML = 1000

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"statusClass": statusClass, "statusLabel": statusLabel, "phaseLabel": phaseLabel, "text": safetext.Text,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>patchcheck forecast {{.Month}}</title>
<style>
body{font-family:` + pageFonts + `;margin:2rem;color:#1b1f24;max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.kpi{display:flex;flex-wrap:wrap;gap:1.5rem}.kpi div{background:#f3f5f8;padding:.8rem 1.2rem;border-radius:6px}
.kpi b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #dde1e6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}td.n,th.n{text-align:right}svg{max-width:100%;height:auto}figure{margin:1rem 0}
#assumptions{background:#f7f8fa;border:1px solid #dde1e6;border-radius:6px;padding:.4rem 1.2rem;margin-top:1.5rem}
#assumptions h2{margin-top:.6rem}#assumptions dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1.2rem;font-size:.9rem}
#assumptions dt{font-weight:bold}#assumptions dd{margin:0}
.legend{font-size:.9rem;display:flex;flex-wrap:wrap;gap:.4rem 1.4rem;align-items:center}
.sw{display:inline-block;width:1.6em;height:.8em;margin-right:.4em;vertical-align:middle;border-radius:2px}
.st-succeeded{background:#2e7d32}.st-halted{background:#c62828}.st-not-started{background:#909090}.st-other{background:#1f77b4}
.fold{opacity:.3}.band{background:rgba(120,160,230,.35)}
.line{height:0;border-top:3px solid #1450aa;border-radius:0}.run{height:0;border-top:2px dashed #1450aa;border-radius:0}
.deadline{height:0;border-top:2px dashed #c62828;border-radius:0}
td.status{white-space:nowrap}td.status .sw{width:.8em}
.note{font-size:.9rem;color:#444}
</style></head><body>
<h1>Patch forecast: release {{.Release}}</h1>
<p>Simulator {{.Simulator}} · seed {{.Seed}} · {{.Trials}} trial(s) · deadline {{.Deadline}}</p>
<div class="kpi">
<div id="kpi-compliant"><b>{{.CompliantPct}}</b>compliant by the deadline</div>
<div><b>{{.VMs}}</b>VMs</div><div><b>{{.Eligible}}</b>platform-orchestrated</div>
<div><b>{{.NotCompliant}}</b>not compliant</div><div><b>{{.LastEnd}}</b>last plan step ends</div></div>
<aside id="assumptions"><h2>Assumptions</h2><dl>
{{range .Assumptions}}<dt>{{.Name}}</dt><dd>{{text .Value}}</dd>
{{end}}</dl></aside>
<h2>Compliance by day</h2>
<figure id="curve">{{.Curve}}</figure>
<p class="legend" id="curve-legend">{{if gt .Trials 1}}<span><span class="sw band"></span>p10–p90 across {{.Trials}} trials</span>
<span><span class="sw line"></span>p50 (median of the trials)</span>
<span><span class="sw run"></span>the reported run (trial 0), as in the tables</span>
{{else}}<span><span class="sw line"></span>the run (one trial: no p10–p90 band; use --trials for one)</span>
{{end}}<span><span class="sw deadline"></span>deadline {{.Deadline}}</span></p>
<h2>Rollout timeline</h2>
<p class="note" id="timeline-note">{{.TimelineNote}}</p>
<figure id="timeline">{{.Gantt}}</figure>
<p class="legend" id="timeline-legend"><b>Phase status:</b>
<span><span class="sw st-succeeded"></span>succeeded</span>
<span><span class="sw st-halted"></span>halted</span>
<span><span class="sw st-not-started"></span>not started (no bar)</span>
{{if .OtherStatus}}<span><span class="sw st-other"></span>another status (see the phase table)</span>
{{end}}<span>Darkest: the phase's window; then each region's span; lightest: groups{{if .Folded}}, palest: several groups folded into one row{{end}}.</span>
<span><span class="sw deadline"></span>deadline</span></p>
<h2>Phases</h2>
<p class="note">Regions of this fleet in bold.</p>
<table id="phases"><thead><tr><th>Phase</th><th>Status</th><th>Window (UTC)</th><th>Regions</th><th class="n">VMs</th><th class="n">Patched</th><th class="n">Unhealthy</th></tr></thead><tbody>
{{range .Phases}}<tr><td>Phase {{.Index}}</td><td class="status"><span class="sw {{statusClass .Status}}"></span>{{text (statusLabel .Status)}}</td><td>{{.Window}}</td><td>{{range $i, $r := .Regions}}{{if $i}}, {{end}}{{if $r.InFleet}}<b>{{text $r.Name}}</b>{{else}}{{text $r.Name}}{{end}}{{else}}—{{end}}</td><td class="n">{{.VMs}}</td><td class="n">{{.Patched}}</td><td class="n">{{.Unhealthy}}</td></tr>
{{else}}<tr><td colspan="7">The simulator reported no phases.</td></tr>{{end}}
</tbody></table>
<h2>Regions</h2>
<table id="regions"><thead><tr><th>Region</th><th>Phase</th><th class="n">VMs</th><th class="n">Eligible</th><th class="n">Compliant</th><th>Rollout window (UTC)</th><th class="n">Groups</th></tr></thead><tbody>
{{range .Regions}}<tr><td>{{text .Region}}</td><td>{{phaseLabel .Phase}}</td><td class="n">{{.VMs}}</td><td class="n">{{.Eligible}}</td><td class="n">{{.Compliant}}</td><td>{{.Window}}</td><td class="n">{{.Groups}}</td></tr>
{{else}}<tr><td colspan="7">The simulator reported no regions.</td></tr>{{end}}
</tbody></table>
<h2>VMs per reason</h2>
<p class="note">Reasons that differ only in their numbers or dates are counted together (numbers shown as #), with one VM's full reason as an example.</p>
<table id="reasons"><thead><tr><th class="n">VMs</th><th class="n">Not compliant</th><th>Reason</th><th>Example</th></tr></thead><tbody>
{{range .Reasons}}<tr><td class="n">{{.VMs}}</td><td class="n">{{.NotCompliant}}</td><td>{{text .Key}}</td><td>{{if .ExampleVM}}{{text .ExampleVM}}: {{end}}{{text .Example}}</td></tr>
{{else}}<tr><td colspan="4">No VM has a reason: every VM is compliant by the deadline.</td></tr>{{end}}
</tbody></table>
<h2>Not compliant at the deadline</h2>
{{if .MissingNote}}<p class="note" id="missing-note">{{.MissingNote}}</p>
{{end}}<table id="missing"><thead><tr><th>VM</th><th>Region</th><th>Phase</th><th>Reason</th></tr></thead><tbody>
{{range .Missing}}<tr><td>{{text .Name}}</td><td>{{text .Region}}</td><td>{{phaseLabel .Phase}}</td><td>{{text .Reason}}</td></tr>
{{else}}<tr><td colspan="4">Every VM is compliant by the deadline.</td></tr>{{end}}
</tbody></table>
</body></html>
`))

// statusClass is the stylesheet class of a phase status; a status the
// contract does not name gets the neutral one.
func statusClass(s string) string {
	switch s {
	case simulator.PhaseSucceeded, simulator.PhaseHalted, simulator.PhaseNotStarted:
		return "st-" + s
	}
	return "st-other"
}

type htmlPhase struct {
	simulator.Phase
	Window  string
	Regions []phaseRegion
}

// phaseRegion is a region of a phase; the Azure-wide plan lists every
// public region, so the fleet's own stand out.
type phaseRegion struct {
	Name    string
	InFleet bool
}

type htmlRegion struct {
	simulator.RegionSummary
	Window string
	Groups int
}

func (htmlFormat) Format(w io.Writer, f *simulator.Forecast) error {
	curve, err := curveSVG(f)
	if err != nil {
		return fmt.Errorf("draw the compliance curve: %w", err)
	}
	tl := buildTimeline(f, maxTimelineRows)
	gantt, err := ganttSVG(f, tl)
	if err != nil {
		return fmt.Errorf("draw the timeline: %w", err)
	}
	compliant, eligible := counts(f)
	var missing []simulator.VMResult
	for _, v := range f.VMs {
		if !v.Compliant && len(missing) < maxListedHTML {
			missing = append(missing, v)
		}
	}
	missingNote := ""
	if n := len(f.VMs) - compliant; n > len(missing) {
		missingNote = fmt.Sprintf("The first %d of the %d VMs not compliant are listed; the reason table above counts them all, and --format csv lists every VM.", len(missing), n)
	}
	inFleet := map[string]bool{}
	for _, r := range f.Regions {
		inFleet[r.Region] = true
	}
	other := false
	phases := make([]htmlPhase, len(f.Phases))
	for i, p := range f.Phases {
		phases[i] = htmlPhase{Phase: p, Window: phaseWindow(p)}
		for _, r := range p.Regions {
			phases[i].Regions = append(phases[i].Regions, phaseRegion{r, inFleet[r]})
		}
		other = other || statusClass(p.Status) == "st-other"
	}
	spans := regionSpans(f.Plan)
	regions := make([]htmlRegion, len(f.Regions))
	for i, r := range f.Regions {
		regions[i] = htmlRegion{RegionSummary: r}
		if s := spans[r.Region]; s != nil {
			regions[i].Window, regions[i].Groups = s.String(), s.Steps
		}
	}
	lastEnd := "—"
	if s := planSpan(f.Plan); s.Steps > 0 {
		lastEnd = s.End.UTC().Format("2 Jan 15:04") + fmt.Sprintf(" UTC (day %.1f)", daysAfter(f, s.End))
	}
	deadline := ""
	if !f.Deadline.IsZero() {
		deadline = f.Deadline.UTC().Format("Mon 2006-01-02 15:04 MST")
	}
	return page.Execute(w, map[string]any{
		"Month": f.Release.UTC().Format("2006-01"), "Release": f.Release.UTC().Format("Mon 2006-01-02 15:04 MST"),
		"Deadline": deadline, "Simulator": safetext.Text(f.Simulator.Name) + " " + safetext.Text(f.Simulator.Version),
		"Seed": f.Seed, "Trials": f.Trials, "CompliantPct": fmt.Sprintf("%.1f%%", 100*Compliance(f)),
		"VMs": len(f.VMs), "Eligible": eligible, "NotCompliant": len(f.VMs) - compliant, "LastEnd": lastEnd,
		"Assumptions": assumptionRows(f),
		// The SVGs are gonum/plot's; the only input text in them, the
		// region and group names of the timeline's labels, is passed
		// through safetext.Text (ganttSVG) and escaped by its SVG writer
		// (html.EscapeString).
		"Curve": template.HTML(curve), "Gantt": template.HTML(gantt),
		"TimelineNote": tl.Note(), "Folded": tl.Folded > 0, "OtherStatus": other,
		"Phases": phases, "Regions": regions, "Reasons": foldReasons(reasonCounts(f.VMs)),
		"Missing": missing, "MissingNote": missingNote,
	})
}

// planSpan is the whole plan's window.
func planSpan(plan []simulator.Step) span {
	var s span
	for _, st := range plan {
		s.add(st)
	}
	return s
}

func joinRegions(rs []string) string {
	if len(rs) == 0 {
		return "—"
	}
	return strings.Join(rs, ", ")
}
