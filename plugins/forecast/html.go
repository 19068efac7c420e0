package forecast

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// htmlFormat writes one self-contained page: the compliance curve with its
// p10–p90 band, a timeline of the plan, and the VMs not compliant at the
// deadline. Charts are inline SVG drawn with gonum/plot; nothing is loaded
// from the network.
type htmlFormat struct{}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>patchcheck forecast {{.Month}}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1b1f24;max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.kpi{display:flex;gap:1.5rem}.kpi div{background:#f3f5f8;padding:.8rem 1.2rem;border-radius:6px}
.kpi b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #dde1e6;padding:.35rem .5rem;text-align:left}
th{background:#f3f5f8}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Patch forecast: release {{.Release}}</h1>
<p>Simulator {{.Simulator}} · seed {{.Seed}} · {{.Trials}} trial(s) · deadline {{.Deadline}}</p>
<div class="kpi">
<div id="kpi-compliant"><b>{{.CompliantPct}}</b>compliant by the deadline</div>
<div><b>{{.VMs}}</b>VMs</div><div><b>{{.Eligible}}</b>platform-orchestrated</div>
<div><b>{{len .Missing}}</b>not compliant</div></div>
<h2>Compliance by day</h2>
<figure id="curve">{{.Curve}}</figure>
<h2>Rollout timeline</h2>
<figure id="timeline">{{.Gantt}}</figure>
<h2>Not compliant at the deadline</h2>
<table id="missing"><thead><tr><th>VM</th><th>Region</th><th>Phase</th><th>Reason</th></tr></thead><tbody>
{{range .Missing}}<tr><td>{{.Name}}</td><td>{{.Region}}</td><td>{{.Phase}}</td><td>{{.Reason}}</td></tr>
{{else}}<tr><td colspan="4">Every VM is compliant by the deadline.</td></tr>{{end}}
</tbody></table>
</body></html>
`))

func (htmlFormat) Format(w io.Writer, f *simulator.Forecast) error {
	curve, err := curveSVG(f)
	if err != nil {
		return fmt.Errorf("draw the compliance curve: %w", err)
	}
	gantt, err := ganttSVG(f)
	if err != nil {
		return fmt.Errorf("draw the timeline: %w", err)
	}
	var missing []simulator.VMResult
	eligible := 0
	for _, v := range f.VMs {
		if !v.Compliant {
			missing = append(missing, v)
		}
		if v.Eligible {
			eligible++
		}
	}
	return page.Execute(w, map[string]any{
		"Month": f.Release.UTC().Format("2006-01"), "Release": f.Release.UTC().Format("Mon 2006-01-02 15:04 MST"),
		"Deadline": f.Deadline.UTC().Format("2006-01-02 15:04 MST"), "Simulator": f.Simulator.Name + " " + f.Simulator.Version,
		"Seed": f.Seed, "Trials": f.Trials, "CompliantPct": fmt.Sprintf("%.1f%%", 100*Compliance(f)),
		"VMs": len(f.VMs), "Eligible": eligible, "Missing": missing,
		// Both SVGs are produced by gonum/plot from numbers, never from input text.
		"Curve": template.HTML(curve), "Gantt": template.HTML(gantt),
	})
}

func svg(p *plot.Plot, w, h vg.Length) (string, error) {
	wt, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	out := buf.String()
	if i := strings.Index(out, "<svg"); i > 0 {
		out = out[i:] // drop the XML prolog, not allowed inside HTML
	}
	return out, nil
}

func curveSVG(f *simulator.Forecast) (string, error) {
	p := plot.New()
	p.Title.Text = "Share of the fleet patched"
	p.X.Label.Text = "days after release"
	p.Y.Label.Text = "compliant"
	p.Y.Min, p.Y.Max = 0, 1
	if f.Trials > 1 && len(f.Curve) > 0 {
		band := make(plotter.XYs, 0, 2*len(f.Curve))
		for _, c := range f.Curve {
			band = append(band, plotter.XY{X: float64(c.Day), Y: c.P90})
		}
		for i := len(f.Curve) - 1; i >= 0; i-- {
			band = append(band, plotter.XY{X: float64(f.Curve[i].Day), Y: f.Curve[i].P10})
		}
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return "", err
		}
		poly.Color = color.NRGBA{R: 120, G: 160, B: 230, A: 90}
		poly.LineStyle.Width = 0
		p.Add(poly)
		p.Legend.Add("p10–p90", poly)
	}
	pts := make(plotter.XYs, len(f.Curve))
	for i, c := range f.Curve {
		pts[i] = plotter.XY{X: float64(c.Day), Y: c.Compliant}
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return "", err
	}
	line.Color = color.RGBA{R: 20, G: 80, B: 170, A: 255}
	line.Width = vg.Points(2)
	p.Add(line)
	p.Legend.Add("this forecast", line)
	p.Legend.Top, p.Legend.Left = false, false
	return svg(p, 18*vg.Centimeter, 9*vg.Centimeter)
}

// ganttSVG draws one bar per plan step (phase · region · group) over days
// after release.
func ganttSVG(f *simulator.Forecast) (string, error) {
	p := plot.New()
	p.Title.Text = "Rollout plan"
	p.X.Label.Text = "days after release"
	steps := append([]simulator.Step(nil), f.Plan...)
	sort.SliceStable(steps, func(i, j int) bool {
		if steps[i].Phase != steps[j].Phase {
			return steps[i].Phase < steps[j].Phase
		}
		return steps[i].Start.Before(steps[j].Start)
	})
	const maxRows = 60 // a readable chart; the JSON has every step
	if len(steps) > maxRows {
		steps = steps[:maxRows]
	}
	days := func(t time.Time) float64 { return t.Sub(f.Release).Hours() / 24 }
	palette := []color.Color{
		color.RGBA{R: 31, G: 119, B: 180, A: 255}, color.RGBA{R: 255, G: 127, B: 14, A: 255},
		color.RGBA{R: 44, G: 160, B: 44, A: 255}, color.RGBA{R: 214, G: 39, B: 40, A: 255},
		color.RGBA{R: 148, G: 103, B: 189, A: 255}, color.RGBA{R: 140, G: 86, B: 75, A: 255},
	}
	labels := make([]string, len(steps))
	for i, s := range steps {
		row := float64(len(steps) - 1 - i)
		x0, x1 := days(s.Start), days(s.End)
		if x1-x0 < 0.05 {
			x1 = x0 + 0.05 // keep instant steps visible
		}
		rect, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: row - 0.35}, {X: x1, Y: row - 0.35}, {X: x1, Y: row + 0.35}, {X: x0, Y: row + 0.35}})
		if err != nil {
			return "", err
		}
		rect.Color = palette[s.Phase%len(palette)]
		rect.LineStyle.Width = 0
		p.Add(rect)
		labels[len(steps)-1-i] = fmt.Sprintf("P%d %s %s", s.Phase, s.Region, s.Group)
	}
	if len(labels) > 0 {
		p.NominalY(labels...)
	}
	p.X.Min = 0
	return svg(p, 24*vg.Centimeter, vg.Length(2+len(steps))*0.55*vg.Centimeter)
}

// markdownFormat writes a summary for a pipeline job summary or a
// pull-request comment.
type markdownFormat struct{}

func (markdownFormat) Format(w io.Writer, f *simulator.Forecast) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Patch forecast: release %s\n\n", f.Release.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "**%.1f%%** of %d VMs compliant by the deadline (%s). Simulator %s %s, seed %d, %d trial(s).\n\n",
		100*Compliance(f), len(f.VMs), f.Deadline.UTC().Format("2006-01-02"), f.Simulator.Name, f.Simulator.Version, f.Seed, f.Trials)
	b.WriteString("| Day | Compliant | p10 | p50 | p90 |\n|---|---|---|---|---|\n")
	for _, c := range f.Curve {
		if c.Day%7 == 0 || c.Day == len(f.Curve)-1 {
			fmt.Fprintf(&b, "| %d | %.0f%% | %.0f%% | %.0f%% | %.0f%% |\n", c.Day, 100*c.Compliant, 100*c.P10, 100*c.P50, 100*c.P90)
		}
	}
	b.WriteString("\n| Phase | Status | Regions | VMs | Patched |\n|---|---|---|---|---|\n")
	for _, p := range f.Phases {
		fmt.Fprintf(&b, "| %d | %s | %s | %d | %d |\n", p.Index, p.Status, strings.Join(p.Regions, ", "), p.VMs, p.Patched)
	}
	missing := 0
	for _, v := range f.VMs {
		if v.Compliant {
			continue
		}
		if missing == 0 {
			b.WriteString("\n### Not compliant at the deadline\n\n| VM | Region | Reason |\n|---|---|---|\n")
		}
		missing++
		if missing > maxListed {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", v.Name, v.Region, strings.ReplaceAll(v.Reason, "|", `\|`))
	}
	if missing > maxListed {
		fmt.Fprintf(&b, "\n… and %d more (see --format json or csv).\n", missing-maxListed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
