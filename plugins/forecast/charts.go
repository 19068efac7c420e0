package forecast

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// pageFonts is the one font stack of the report, for the page and for the
// text inside its charts. gonum/plot measures chart text with Liberation
// Sans, which Arial and Helvetica match metric for metric, so labels fit
// whichever of them the browser has.
const pageFonts = `'Liberation Sans',Arial,Helvetica,sans-serif`

// Colours of the phase statuses, shared by the chart and the page's legend
// and tables (html.go's stylesheet spells the same values).
var statusColours = map[string]color.NRGBA{
	simulator.PhaseSucceeded:  {R: 46, G: 125, B: 50, A: 255},
	simulator.PhaseHalted:     {R: 198, G: 40, B: 40, A: 255},
	simulator.PhaseNotStarted: {R: 144, G: 144, B: 144, A: 255},
}

// otherColour is a status the contract does not name (a third-party
// simulator's), drawn neutral rather than guessed.
var otherColour = color.NRGBA{R: 31, G: 119, B: 180, A: 255}

var deadlineColour = color.NRGBA{R: 198, G: 40, B: 40, A: 255}

// newPlot is a plot whose every text is set in the sans-serif face; the
// default face is serif.
func newPlot() *plot.Plot {
	p := plot.New()
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Font.Variant = "Sans"
	}
	return p
}

// svgFontFamily matches the font-family vgsvg writes for each text.
var svgFontFamily = regexp.MustCompile(`font-family:[^;"]*`)

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
	// vgsvg names only "Liberation Sans", which many machines lack; the
	// browser would then fall back to its default, a serif face.
	return svgFontFamily.ReplaceAllLiteralString(out, "font-family:"+pageFonts), nil
}

// dayTicks marks whole days after the release, each labelled with the day
// and its calendar date in UTC, so the chart answers both "how long after
// the release" and "when".
type dayTicks struct{ release time.Time }

func (d dayTicks) Ticks(lo, hi float64) []plot.Tick {
	first, last := int(math.Ceil(lo)), int(math.Floor(hi))
	step := 0
	for _, s := range []int{1, 2, 7, 14, 28} {
		if (last-first)/s <= 9 { // about ten labels fit the width
			step = s
			break
		}
	}
	if step == 0 {
		// Months or years: a simulator's odd times, not a monthly rollout;
		// still a handful of labels, without a minor tick per day.
		step = (last-first)/9 + 1
	}
	minor := 1
	if step > 28 {
		minor = step
	}
	var ticks []plot.Tick
	for day := first - first%minor; day <= last; day += minor {
		if day < first {
			continue
		}
		t := plot.Tick{Value: float64(day)}
		if day%step == 0 {
			t.Label = fmt.Sprintf("day %d\n%s", day, d.release.Add(time.Duration(day)*24*time.Hour).UTC().Format("2 Jan"))
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// percentTicks labels a 0–100 axis in percent.
type percentTicks struct{}

func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for v := 0; v <= 100; v += 10 {
		if float64(v) < lo || float64(v) > hi {
			continue
		}
		t := plot.Tick{Value: float64(v)}
		if v%20 == 0 {
			t.Label = fmt.Sprintf("%d%%", v)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// daysAfter is t on the charts' x axis.
func daysAfter(f *simulator.Forecast, t time.Time) float64 { return t.Sub(f.Release).Hours() / 24 }

// deadlineLine is the deadline marker from y0 to y1, or nil when the
// forecast has no deadline.
func deadlineLine(f *simulator.Forecast, y0, y1 float64) (*plotter.Line, error) {
	if f.Deadline.IsZero() {
		return nil, nil
	}
	x := daysAfter(f, f.Deadline)
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: y0}, {X: x, Y: y1}})
	if err != nil {
		return nil, err
	}
	l.Color = deadlineColour
	l.Width = vg.Points(1.5)
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	return l, nil
}

// deadlineLabel names the marker at its top, right of the line.
func deadlineLabel(f *simulator.Forecast, y float64) (*plotter.Labels, error) {
	l, err := plotter.NewLabels(plotter.XYLabels{
		XYs:    plotter.XYs{{X: daysAfter(f, f.Deadline), Y: y}},
		Labels: []string{"deadline " + f.Deadline.UTC().Format("2 Jan 15:04") + " UTC"},
	})
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font.Variant = "Sans"
		l.TextStyle[i].Font.Size = vg.Points(9)
		l.TextStyle[i].Color = deadlineColour
		l.TextStyle[i].XAlign = draw.XRight
		l.TextStyle[i].YAlign = draw.YTop
	}
	l.Offset = vg.Point{X: -vg.Points(3), Y: -vg.Points(2)}
	return l, nil
}

// curveSVG draws the share of the fleet patched by each day: the p50 line
// over the p10–p90 band across trials, the reported run (trial 0) dashed
// when there are several trials, and the deadline.
func curveSVG(f *simulator.Forecast) (string, error) {
	p := newPlot()
	p.Title.Text = "Share of the fleet patched"
	p.X.Label.Text = "days after the release (dates UTC)"
	p.Y.Label.Text = "patched"
	p.Y.Min, p.Y.Max = 0, 100
	p.Y.Tick.Marker = percentTicks{}
	p.X.Tick.Marker = dayTicks{release: f.Release}
	p.Add(plotter.NewGrid())
	if f.Trials > 1 && len(f.Curve) > 0 {
		band := make(plotter.XYs, 0, 2*len(f.Curve))
		for _, c := range f.Curve {
			band = append(band, plotter.XY{X: float64(c.Day), Y: 100 * c.P90})
		}
		for i := len(f.Curve) - 1; i >= 0; i-- {
			band = append(band, plotter.XY{X: float64(f.Curve[i].Day), Y: 100 * f.Curve[i].P10})
		}
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return "", err
		}
		poly.Color = color.NRGBA{R: 120, G: 160, B: 230, A: 90}
		poly.LineStyle.Width = 0
		p.Add(poly)
	}
	median := make(plotter.XYs, len(f.Curve))
	run := make(plotter.XYs, len(f.Curve))
	for i, c := range f.Curve {
		run[i] = plotter.XY{X: float64(c.Day), Y: 100 * c.Compliant}
		median[i] = plotter.XY{X: float64(c.Day), Y: 100 * c.P50}
	}
	if f.Trials <= 1 {
		median = run // one trial: its run is its median, whatever a simulator put in p50
	} else {
		line, err := plotter.NewLine(run)
		if err != nil {
			return "", err
		}
		line.Color = color.NRGBA{R: 20, G: 80, B: 170, A: 255}
		line.Width = vg.Points(1)
		line.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(line)
	}
	line, err := plotter.NewLine(median)
	if err != nil {
		return "", err
	}
	line.Color = color.NRGBA{R: 20, G: 80, B: 170, A: 255}
	line.Width = vg.Points(2)
	p.Add(line)
	p.X.Min = 0
	if n := len(f.Curve); n > 0 {
		p.X.Max = float64(f.Curve[n-1].Day)
	}
	if !f.Deadline.IsZero() {
		p.X.Max = math.Max(p.X.Max, daysAfter(f, f.Deadline)) + 0.5
		dl, err := deadlineLine(f, 0, 100)
		if err != nil {
			return "", err
		}
		lab, err := deadlineLabel(f, 100)
		if err != nil {
			return "", err
		}
		p.Add(dl, lab)
	}
	return svg(p, 18*vg.Centimeter, 9*vg.Centimeter)
}

// ganttSVG draws the timeline's rows, top to bottom, over days after the
// release, with a band behind every other phase so the phase → region →
// group nesting reads at a glance.
func ganttSVG(f *simulator.Forecast, t timeline) (string, error) {
	p := newPlot()
	p.Title.Text = "Rollout plan: phase → region → group"
	p.X.Label.Text = "days after the release (dates UTC)"
	p.X.Tick.Marker = dayTicks{release: f.Release}
	n := len(t.Rows)
	lo, hi := 0.0, 1.0
	if !f.Deadline.IsZero() {
		hi = daysAfter(f, f.Deadline)
	}
	for _, r := range t.Rows {
		if s, e, ok := r.window(); ok {
			lo, hi = math.Min(lo, daysAfter(f, s)), math.Max(hi, daysAfter(f, e))
		}
	}
	lo, hi = math.Floor(lo), math.Ceil(hi)+0.5
	rect := func(x0, x1, y0, y1 float64, c color.Color) error {
		poly, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		if err != nil {
			return err
		}
		poly.Color = c
		poly.LineStyle.Width = 0
		p.Add(poly)
		return nil
	}
	// Bands: every other phase's rows on a light grey.
	phaseNo := -1
	for i := 0; i < n; {
		j := i + 1
		for j < n && t.Rows[j].Kind != rowPhase {
			j++
		}
		phaseNo++
		if phaseNo%2 == 1 {
			if err := rect(lo, hi, float64(n-j)-0.5, float64(n-i)-0.5, color.NRGBA{R: 240, G: 242, B: 245, A: 255}); err != nil {
				return "", err
			}
		}
		i = j
	}
	// Vertical lines at the labelled days, over the bands and under the
	// bars, to read a bar's dates on a tall chart.
	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	p.Add(grid)
	labels := make([]string, n)
	for i, r := range t.Rows {
		y := float64(n - 1 - i)
		labels[n-1-i] = safetext.Text(r.Label) // region and group names from the fleet or the simulator
		s, e, ok := r.window()
		if !ok {
			continue // a phase that never started has no bar
		}
		x0, x1 := daysAfter(f, s), daysAfter(f, e)
		if x1-x0 < 0.05 {
			x1 = x0 + 0.05 // keep instant steps visible
		}
		c, ok := statusColours[r.Status]
		if !ok {
			c = otherColour
		}
		half := 0.38
		switch r.Kind {
		case rowRegion:
			c.A, half = 200, 0.32
		case rowStep:
			c.A, half = 130, 0.26
		case rowMore:
			c.A, half = 70, 0.26
		}
		if err := rect(x0, x1, y-half, y+half, c); err != nil {
			return "", err
		}
	}
	if n > 0 {
		p.NominalY(labels...)
	}
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.X.Min, p.X.Max = lo, hi
	if !f.Deadline.IsZero() {
		dl, err := deadlineLine(f, -0.5, float64(n)-0.5)
		if err != nil {
			return "", err
		}
		lab, err := deadlineLabel(f, float64(n)-0.5)
		if err != nil {
			return "", err
		}
		p.Add(dl, lab)
	}
	return svg(p, 26*vg.Centimeter, vg.Length(3.2+0.5*float64(n))*vg.Centimeter)
}
