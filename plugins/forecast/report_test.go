package forecast

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// The reports for people are tested on forecasts built here rather than by
// the reference model, so they pin what the page says about a given
// forecast, whatever the model predicts.

var bigRegions = []string{"eastus", "westus2", "northeurope", "westeurope", "uksouth", "japaneast", "australiaeast", "centralindia", "brazilsouth", "canadacentral"}

// bigForecast is a 500-VM forecast over ten regions with an Azure-wide
// plan: a canary phase without fleet VMs, four phases holding the fleet's
// regions (the last halted, its steps reaching day 28) and a phase never
// started. Each region has 25 steps of two VMs; every 25th VM is outside
// platform orchestration.
func bigForecast() *simulator.Forecast {
	release := time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)
	at := func(days float64) time.Time { return release.Add(time.Duration(days * 24 * float64(time.Hour))) }
	ptr := func(t time.Time) *time.Time { return &t }
	type phaseDef struct {
		regions    []string
		status     string
		start, end float64
	}
	defs := []phaseDef{
		{[]string{"westcentralus"}, simulator.PhaseSucceeded, 0, 2},
		{[]string{"australiaeast", "canadacentral"}, simulator.PhaseSucceeded, 3, 6},
		{[]string{"eastus", "japaneast", "northeurope", "southeastasia"}, simulator.PhaseSucceeded, 7, 12},
		{[]string{"westus2", "uksouth", "centralindia"}, simulator.PhaseSucceeded, 13, 19},
		{[]string{"westeurope", "brazilsouth"}, simulator.PhaseHalted, 20, 28},
		{[]string{"southafricanorth", "swedencentral"}, simulator.PhaseNotStarted, 0, 0},
	}
	halt := 48.0
	f := &simulator.Forecast{
		Simulator: simulator.Description{Name: "synthetic", Version: "1"},
		Release:   release, Deadline: at(30), Seed: 7, Trials: 20,
		Assumptions: &simulator.Assumptions{
			Profile: "current", Plan: simulator.PlanAzureDefault,
			DefaultOffPeak: simulator.Window{Start: "22:00", End: "06:00"},
			Settings: simulator.Settings{AssessmentIntervalHours: 72, EnablementMinutes: 200, HealthThreshold: 0.2,
				PhaseBakeHours: 24, PhaseHours: 48, HaltHours: &halt, BatchShare: 0.2, DeadlineDays: 30},
		},
	}
	phaseOf := map[string]int{}
	for i, d := range defs {
		p := simulator.Phase{Index: i, Regions: d.regions, Status: d.status}
		if d.status != simulator.PhaseNotStarted {
			p.Start, p.End = ptr(at(d.start)), ptr(at(d.end))
		}
		f.Phases = append(f.Phases, p)
		for _, r := range d.regions {
			phaseOf[r] = i
		}
	}
	for ri, region := range bigRegions {
		d := defs[phaseOf[region]]
		sum := simulator.RegionSummary{Region: region, Phase: phaseOf[region]}
		for s := range 25 {
			// Steps spread evenly over the phase's window.
			from := d.start + (d.end-d.start)*float64(s)/25
			step := simulator.Step{Phase: phaseOf[region], Region: region, Group: fmt.Sprintf("zone %d, subscription sub-%d, batch %d", s%3+1, s%2, s/6),
				Start: at(from), End: at(from + (d.end-d.start)/25)}
			for k := range 2 {
				i := ri*50 + 2*s + k
				v := simulator.VMResult{Name: fmt.Sprintf("vm-%03d", i), Region: region, Zone: fmt.Sprint(s%3 + 1), Phase: phaseOf[region], Eligible: true, Attempts: 1, InstallWindows: 1}
				switch {
				case i%25 == 0:
					v.Phase, v.Eligible, v.Attempts, v.InstallWindows = -1, false, 0, 0
					v.Reason = "not platform-orchestrated: patchMode Manual"
				case d.status == simulator.PhaseHalted && i%3 == 0:
					v.Reason = fmt.Sprintf("patched on day %.1f, after the 30-day deadline: its phase %d started on day %.1f", 30+float64(i%7)/3, phaseOf[region], d.start)
					v.CatchUp = true
				case i%17 == 0:
					v.Reason = fmt.Sprintf("powered off during every off-peak window from its turn on %s to the deadline", at(from).Format(time.DateOnly))
				default:
					v.Compliant = true
					v.InstallStart, v.InstallEnd = ptr(at(from)), ptr(at(from+0.04))
					v.AssessedAt = ptr(at(from - 0.5))
					days := from + 0.04
					v.DaysAfterRelease = &days
				}
				if v.Phase >= 0 {
					step.VMs = append(step.VMs, v.Name)
				}
				if v.Eligible {
					sum.Eligible++
				}
				if v.Compliant {
					sum.Compliant++
				}
				sum.VMs++
				f.VMs = append(f.VMs, v)
			}
			f.Plan = append(f.Plan, step)
		}
		f.Regions = append(f.Regions, sum)
	}
	compliant := 0
	for _, v := range f.VMs {
		if v.Compliant {
			compliant++
		}
		if v.Phase >= 0 {
			f.Phases[v.Phase].VMs++
			if v.Compliant {
				f.Phases[v.Phase].Patched++
			}
		}
	}
	for day := 0; day <= 30; day++ {
		share := float64(compliant) / float64(len(f.VMs)) * min(1, float64(day)/28)
		f.Curve = append(f.Curve, simulator.CurvePoint{Day: day, Compliant: share, P10: share * 0.9, P50: share, P90: min(1, share*1.05)})
	}
	return f
}

func render(t *testing.T, format string, f *simulator.Forecast) string {
	t.Helper()
	fm, err := New(format, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := fm.Format(&b, f); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	if dir := os.Getenv("PATCHCHECK_REPORT_DIR"); dir != "" { // to look at the pages by eye
		os.WriteFile(fmt.Sprintf("%s/%s.%s", dir, strings.ReplaceAll(t.Name(), "/", "_"), format), b.Bytes(), 0o644)
	}
	return b.String()
}

// TestTimelineKeepsEveryStep: a plan too large to draw step by step is
// folded, never cut: every phase and every region keeps a row, every step
// is drawn or counted in a folded row, and the chart reaches the end of
// the last step.
func TestTimelineKeepsEveryStep(t *testing.T) {
	f := bigForecast()
	tl := buildTimeline(f, maxTimelineRows)
	if len(tl.Rows) > maxTimelineRows {
		t.Errorf("%d rows, budget %d", len(tl.Rows), maxTimelineRows)
	}
	if tl.Folded == 0 || tl.PerRegion < 0 || !strings.Contains(tl.Note(), "too many to draw") {
		t.Fatalf("250 steps drawn in %d rows without folding, or without saying so: %+v %q", len(tl.Rows), tl.PerRegion, tl.Note())
	}
	phases, regions := map[int]bool{}, map[string]bool{}
	drawn, vms := 0, 0
	var last time.Time
	for _, r := range tl.Rows {
		switch r.Kind {
		case rowPhase:
			phases[r.Phase] = true
		case rowRegion:
			regions[r.Region] = true
			if _, e, _ := r.window(); e.After(last) {
				last = e
			}
		case rowStep:
			drawn++
			vms += r.Span.VMs
		case rowMore:
			if !strings.Contains(r.Label, "more groups") {
				t.Errorf("folded row %q does not say it folds", r.Label)
			}
		}
	}
	if len(phases) != len(f.Phases) {
		t.Errorf("%d of %d phases have a row", len(phases), len(f.Phases))
	}
	for _, r := range bigRegions {
		if !regions[r] {
			t.Errorf("region %s has no row", r)
		}
	}
	planVMs := 0
	for _, s := range f.Plan {
		planVMs += len(s.VMs)
	}
	if drawn+tl.Folded != len(f.Plan) || vms+tl.FoldedVMs != planVMs {
		t.Errorf("%d steps drawn + %d folded, plan has %d; %d + %d VMs, plan has %d", drawn, tl.Folded, len(f.Plan), vms, tl.FoldedVMs, planVMs)
	}
	if want := planSpan(f.Plan).End; !last.Equal(want) {
		t.Errorf("the timeline ends %v, the plan %v", last, want)
	}

	// A budget that only the phases and regions fit: one bar per region.
	tight := buildTimeline(f, 10)
	if tight.PerRegion != 0 || tight.Folded != len(f.Plan) || !strings.Contains(tight.Note(), "each region is one bar") {
		t.Errorf("tight budget: per region %d, folded %d, note %q", tight.PerRegion, tight.Folded, tight.Note())
	}
	// A plan that fits is drawn whole, and the note says so.
	small := bigForecast()
	small.Plan = small.Plan[:20]
	whole := buildTimeline(small, maxTimelineRows)
	if whole.Folded != 0 || whole.PerRegion != -1 || !strings.Contains(whole.Note(), "All 20 steps") {
		t.Errorf("small plan: folded %d, per region %d, note %q", whole.Folded, whole.PerRegion, whole.Note())
	}
}

// TestHTMLReportOfALargeFleet: the page of a 500-VM, 10-region forecast
// names every phase and region, says the timeline is folded, counts VMs
// per reason, calls phase -1 "not orchestrated", shows the assumptions
// and sets all its text, charts included, in one sans-serif stack.
func TestHTMLReportOfALargeFleet(t *testing.T) {
	f := bigForecast()
	page := render(t, "html", f)
	section := func(id, end string) string {
		i := strings.Index(page, `id="`+id+`"`)
		j := strings.Index(page[max(i, 0):], end)
		if i < 0 || j < 0 {
			t.Fatalf("no element %s", id)
		}
		return page[i : i+j]
	}
	timeline := section("timeline", "</figure>")
	phases, regions, reasons, missing := section("phases", "</table>"), section("regions", "</table>"), section("reasons", "</table>"), section("missing", "</table>")
	for _, p := range f.Phases {
		if !strings.Contains(phases, fmt.Sprintf("<td>Phase %d</td>", p.Index)) || !strings.Contains(timeline, fmt.Sprintf("Phase %d — %s", p.Index, statusLabel(p.Status))) {
			t.Errorf("phase %d is missing from the phase table or the timeline", p.Index)
		}
	}
	for _, r := range bigRegions {
		if !strings.Contains(regions, "<td>"+r+"</td>") || !strings.Contains(timeline, "· "+r+" — 25 groups") {
			t.Errorf("region %s is missing from the region table or the timeline", r)
		}
	}
	if !strings.Contains(page, `id="timeline-note">The plan has 250 steps`) {
		t.Error("the folded timeline is not explained above it")
	}
	// The last step ends on day 28 (the halted phase), and the page says so.
	if !strings.Contains(page, "last plan step ends") || !strings.Contains(page, "(day 28.0)") {
		t.Error("the end of the plan is not given")
	}
	for _, status := range []string{"succeeded", "halted", "not started"} {
		if !regexp.MustCompile(`id="timeline-legend">[\s\S]*class="sw st-[a-z-]+"></span>` + status).MatchString(page) {
			t.Errorf("the legend lacks %q", status)
		}
	}
	if !strings.Contains(page, "deadline Thu 2027-01-07 18:00 UTC") || !strings.Contains(timeline, "deadline 7 Jan 18:00 UTC") || !strings.Contains(timeline, "8 Dec") {
		t.Error("no deadline marker or calendar dates on the timeline")
	}
	if !strings.Contains(section("curve", "</figure>"), ">80%<") {
		t.Error("the curve's y axis is not in percent")
	}

	// Reasons: 20 VMs outside orchestration (every 25th), and the late
	// installs counted as one reason whatever their day.
	want := map[string]int{}
	for _, v := range f.VMs {
		if v.Reason != "" {
			want[reasonKey(v.Reason)]++
		}
	}
	if len(want) != 3 {
		t.Fatalf("the synthetic fleet has %d reason keys, want 3: %v", len(want), want)
	}
	for key, n := range want {
		if !strings.Contains(reasons, fmt.Sprintf(`<tr><td class="n">%d</td><td class="n">%d</td><td>%s</td>`, n, n, key)) {
			t.Errorf("reason %q: count %d not shown\n%s", key, n, reasons)
		}
	}
	if want["not platform-orchestrated: patchMode Manual"] != 20 {
		t.Errorf("want 20 VMs outside orchestration: %v", want)
	}

	if strings.Contains(page, "<td>-1</td>") || strings.Contains(page, "phase -1") || !strings.Contains(missing, "<td>"+notOrchestrated+"</td>") {
		t.Error(`phase -1 is shown as a number, or "not orchestrated" is missing`)
	}
	box := section("assumptions", "</aside>")
	for _, s := range []string{"<dd>current</dd>", "Azure-wide default plan", "22:00–06:00", "48 h per phase", "24 h after a phase succeeds",
		"more than 20% of its patched VMs", "resumes 48 h after", "every 72 h", "<dt>Seed</dt><dd>7</dd>", "<dt>Trials</dt><dd>20</dd>"} {
		if !strings.Contains(box, s) {
			t.Errorf("the assumptions box lacks %q", s)
		}
	}

	// One font stack: the page's, in the stylesheet and in every SVG text.
	if strings.Contains(page, "Liberation Serif") || !strings.Contains(page, "body{font-family:"+pageFonts+";") {
		t.Error("the page and its charts do not share one sans-serif stack")
	}
	for _, m := range regexp.MustCompile(`font-family:([^;"]*)`).FindAllStringSubmatch(page, -1) {
		if m[1] != pageFonts {
			t.Errorf("a text in %q", m[1])
		}
	}
}

// TestReportsWithoutAssumptions: a third-party simulator may not echo its
// assumptions; every report says so instead of inventing them.
func TestReportsWithoutAssumptions(t *testing.T) {
	f := bigForecast()
	f.Assumptions = nil
	for _, format := range []string{"html", "markdown", "text"} {
		out := render(t, format, f)
		if !strings.Contains(out, "not reported by the simulator") || strings.Contains(out, "stays halted") {
			t.Errorf("%s: no note that the simulator reported no assumptions", format)
		}
	}
	halt := bigForecast()
	halt.Assumptions.Settings.HaltHours = nil
	if out := render(t, "html", halt); !strings.Contains(out, "stays halted for the rest of the month") {
		t.Error("nil haltHours is not shown as a rollout that stays halted")
	}
}

// TestNotOrchestratedInEveryReportForPeople: phase -1 reads "not
// orchestrated" in text, Markdown and HTML; CSV and JSON keep the number.
func TestNotOrchestratedInEveryReportForPeople(t *testing.T) {
	f := bigForecast()
	f.Regions = append(f.Regions, simulator.RegionSummary{Region: "ukwest", Phase: -1, VMs: 1})
	for _, format := range []string{"html", "markdown", "text"} {
		out := render(t, format, f)
		if !strings.Contains(out, notOrchestrated) || regexp.MustCompile(`(?i)phase\s+-1|[|>]\s*-1\s*[|<]`).MatchString(out) {
			t.Errorf("%s: phase -1 shown as a number", format)
		}
	}
	if !strings.Contains(render(t, "json", f), `"phase": -1`) {
		t.Error("JSON no longer carries phase -1")
	}
	rows, err := csv.NewReader(strings.NewReader(render(t, "csv", f))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][5] != "-1" {
		t.Errorf("CSV phase of vm-000 is %q, want -1", rows[1][5])
	}
}

// TestCSVColumns: installWindows and catchUp follow attempts.
func TestCSVColumns(t *testing.T) {
	f := bigForecast()
	rows, err := csv.NewReader(strings.NewReader(render(t, "csv", f))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(rows[0], ",")
	if !strings.Contains(head, ",attempts,installWindows,catchUp,daysAfterRelease,") {
		t.Fatalf("header %s", head)
	}
	for i, v := range f.VMs {
		row := rows[i+1]
		if row[12] != fmt.Sprint(v.InstallWindows) || row[13] != fmt.Sprint(v.CatchUp) || len(row) != len(rows[0]) {
			t.Fatalf("row %d: %v for %+v", i, row, v)
		}
	}
}

func TestReasonKey(t *testing.T) {
	for in, want := range map[string]string{
		"patched on day 31.2, after the 30-day deadline":                       "patched on day #, after the #-day deadline",
		"powered off during every off-peak window from its turn on 2026-12-10": "powered off during every off-peak window from its turn on #-#-#",
		"image Canonical:UbuntuServer:16.04-LTS is not supported":              "image Canonical:UbuntuServer:#-LTS is not supported",
		"off from 10:00 to 1,000. Then":                                        "off from # to #. Then",
		"no digits":                                                            "no digits",
		"":                                                                     "",
	} {
		if got := reasonKey(in); got != want {
			t.Errorf("reasonKey(%q) = %q, want %q", in, got, want)
		}
	}
	var many []simulator.VMResult
	for i := range 50 {
		many = append(many, simulator.VMResult{Name: "x", Reason: fmt.Sprintf("reason %c", 'A'+i)})
	}
	many = append(many, simulator.VMResult{Name: "quiet"})
	rc := reasonCounts(many)
	if len(rc) != 51 || rc[0].Key != noReason || rc[1].Key != "reason A" {
		t.Fatalf("%d groups, first %q", len(rc), rc[0].Key)
	}
	folded := foldReasons(rc)
	total := 0
	for _, r := range folded {
		total += r.VMs
	}
	if len(folded) != maxReasons || total != 51 || !strings.Contains(folded[len(folded)-1].Key, "22 other reasons") {
		t.Errorf("folded to %d rows covering %d VMs, last %q", len(folded), total, folded[len(folded)-1].Key)
	}
}

// hostile is fleet text that would be markup if copied as it is.
const hostile = "<script>alert(1)</script> | `code` [link](http://x) *em* _u_ &amp; \\ line\nbreak"

func hostileForecast() *simulator.Forecast {
	f := bigForecast()
	f.Simulator.Name = hostile
	f.VMs[1].Name, f.VMs[1].Region, f.VMs[1].Reason = hostile, hostile, hostile
	f.VMs[1].Compliant = false
	f.Plan[0].Region, f.Plan[0].Group = hostile, hostile
	f.Phases[0].Regions = []string{hostile}
	f.Regions[0].Region = hostile
	return f
}

// TestHTMLEscapesFleetText: names and reasons from the fleet or the
// simulator are text on the page, in its tables and in its charts.
func TestHTMLEscapesFleetText(t *testing.T) {
	page := render(t, "html", hostileForecast())
	if strings.Contains(page, "<script>") || strings.Contains(page, "alert(1)</script>") {
		t.Error("fleet text became markup")
	}
	if strings.Count(page, "&lt;script&gt;") < 4 {
		t.Error("fleet text is missing rather than escaped")
	}
}

// TestMarkdownEscapesFleetText: a cell of fleet text stays one cell of
// plain text: no extra column, no tag, no code, link or emphasis, no line
// break that ends the row (a line break shows as \n).
func TestMarkdownEscapesFleetText(t *testing.T) {
	out := render(t, "markdown", hostileForecast())
	unescaped := regexp.MustCompile("(^|[^\\\\])(\\\\\\\\)*[|`\\[\\]*_]")
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "alert(1)") {
			continue
		}
		if strings.ContainsAny(line, "<>") || !strings.Contains(line, `line\\nbreak`) {
			t.Errorf("markup or a line break in %q", line)
		}
		if !strings.HasPrefix(line, "| ") {
			continue // the heading's line has the report's own bold
		}
		// Remove the table's own pipes ("| " at the start, " | " between
		// cells, " |" at the end); no unescaped special character may stay.
		body := strings.TrimSuffix(strings.TrimPrefix(line, "| "), " |")
		for _, cell := range strings.Split(body, " | ") {
			if m := unescaped.FindString(cell); m != "" {
				t.Errorf("unescaped %q in cell %q", m, cell)
			}
		}
	}
	if !strings.Contains(out, `&lt;script&gt;alert(1)&lt;/script&gt; \| \`+"`code\\` \\[link\\](http:&#8203;//x) \\*em\\* \\_u\\_ &amp;amp; \\\\ line\\\\nbreak") {
		t.Errorf("escaped text not found in:\n%s", out)
	}
	problems, err := safetexttest.CheckMarkdown(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("rendered: %s", p)
	}
}

// TestReportsOfAnEmptyForecast: a simulator that reports little or
// nonsense still gets every format written, without a chart error.
func TestReportsOfAnEmptyForecast(t *testing.T) {
	release := time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)
	// The last: a plan but no release, so its steps are centuries after it.
	late := &simulator.Forecast{Trials: 1, Plan: []simulator.Step{{Region: "eastus", Start: release, End: release.Add(time.Hour)}}}
	for _, f := range []*simulator.Forecast{{}, {Release: release, Deadline: release.AddDate(0, 0, 30), Trials: 1}, late} {
		for _, format := range Formats() {
			render(t, format, f)
		}
	}
}
