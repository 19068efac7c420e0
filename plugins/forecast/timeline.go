package forecast

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// The timeline of the HTML report is grouped phase → region → group. A
// 500-VM fleet over ten regions has hundreds of plan steps, and a chart
// of hundreds of bars is unreadable, but cutting it off after the first
// rows made a 28-day rollout look as if it ended on day 6. So every phase
// and every region always has its row, spanning all of its steps, and
// the steps themselves are drawn only as far as a row budget allows: the
// first k of each region, the rest folded into one "more groups" row
// with their span. The page says what was folded.

// maxTimelineRows is the row budget of the timeline chart: at half a
// centimetre a row, about a screen, so the date axis at its foot stays in
// reach of its top rows.
const maxTimelineRows = 60

// rowKind is what a timeline row stands for.
type rowKind int

const (
	rowPhase  rowKind = iota // a phase: its window
	rowRegion                // a region within a phase: the span of its steps
	rowStep                  // one plan step
	rowMore                  // the remaining steps of a region, folded
)

// timelineRow is one bar of the timeline.
type timelineRow struct {
	Kind   rowKind
	Phase  int
	Status string // the phase's status, which colours the bar
	Region string
	Label  string
	Span   span // Steps == 0 and Kind == rowPhase: a phase with no window (not started)
	// Start and End override Span for a phase row, whose window comes from
	// the phase itself rather than from steps.
	HasWindow  bool
	Start, End time.Time
}

// window is the row's bar, ok false when it has none.
func (r timelineRow) window() (start, end time.Time, ok bool) {
	if r.HasWindow {
		return r.Start, r.End, true
	}
	if r.Span.Steps > 0 {
		return r.Span.Start, r.Span.End, true
	}
	return time.Time{}, time.Time{}, false
}

// timeline is the rows to draw and what was folded to fit them.
type timeline struct {
	Rows      []timelineRow
	Steps     int // steps in the plan
	PerRegion int // steps drawn per region; -1 when every step is drawn
	Folded    int // steps not drawn as their own row
	FoldedVMs int // VMs of those steps
}

// Note says on the page how the timeline relates to the plan, so a folded
// chart is never mistaken for the whole plan.
func (t timeline) Note() string {
	switch {
	case t.Steps == 0:
		return "The simulator reported no plan steps; the phases are drawn from their own windows."
	case t.Folded == 0:
		return fmt.Sprintf("All %d steps of the plan (groups of VMs updated together) are drawn, each under its phase and region.", t.Steps)
	case t.PerRegion == 0:
		return fmt.Sprintf("The plan has %d steps (groups of VMs updated together), too many to draw one by one: each region is one bar "+
			"from the start of its first group to the end of its last, so gaps between groups are not shown. "+
			"The region table below gives each region's window; --format json lists every step.", t.Steps)
	}
	return fmt.Sprintf("The plan has %d steps (groups of VMs updated together), too many to draw one by one: each region shows its first %d "+
		"and one “more groups” row for the rest, from the start of the first to the end of the last of them "+
		"(%d steps, %d VMs in such rows). --format json lists every step.", t.Steps, t.PerRegion, t.Folded, t.FoldedVMs)
}

// buildTimeline lays out the plan in at most maxRows rows, unless the
// phases and regions alone need more: those rows are always drawn.
func buildTimeline(f *simulator.Forecast, maxRows int) timeline {
	type regionSteps struct {
		region string
		steps  []simulator.Step
	}
	type phaseRows struct {
		phase   simulator.Phase
		known   bool // in f.Phases
		regions []*regionSteps
	}
	var phases []*phaseRows
	byIndex := map[int]*phaseRows{}
	for _, p := range f.Phases {
		if byIndex[p.Index] != nil {
			continue // a repeated index: the first describes the phase
		}
		pr := &phaseRows{phase: p, known: true}
		byIndex[p.Index] = pr
		phases = append(phases, pr)
	}
	slices.SortStableFunc(phases, func(a, b *phaseRows) int { return cmp.Compare(a.phase.Index, b.phase.Index) })
	// Steps of a phase the simulator did not list still belong on the
	// chart; they are added after the listed phases, in index order.
	var extra []*phaseRows
	regionOf := map[string]*regionSteps{}
	for _, st := range f.Plan {
		pr := byIndex[st.Phase]
		if pr == nil {
			pr = &phaseRows{phase: simulator.Phase{Index: st.Phase}}
			byIndex[st.Phase] = pr
			extra = append(extra, pr)
		}
		key := fmt.Sprintf("%d\x00%s", st.Phase, st.Region)
		rs := regionOf[key]
		if rs == nil {
			rs = &regionSteps{region: st.Region}
			regionOf[key] = rs
			pr.regions = append(pr.regions, rs)
		}
		rs.steps = append(rs.steps, st)
	}
	slices.SortStableFunc(extra, func(a, b *phaseRows) int { return cmp.Compare(a.phase.Index, b.phase.Index) })
	phases = append(phases, extra...)

	t := timeline{Steps: len(f.Plan), PerRegion: -1}
	fixed, most := len(phases), 0
	for _, pr := range phases {
		// Regions in the phase's own order, then any it did not list.
		order := map[string]int{}
		for i, r := range pr.phase.Regions {
			if _, ok := order[r]; !ok {
				order[r] = i
			}
		}
		slices.SortStableFunc(pr.regions, func(a, b *regionSteps) int {
			ia, oka := order[a.region]
			ib, okb := order[b.region]
			switch {
			case oka && okb:
				return cmp.Compare(ia, ib)
			case oka != okb:
				if oka {
					return -1
				}
				return 1
			}
			return strings.Compare(a.region, b.region)
		})
		for _, rs := range pr.regions {
			slices.SortStableFunc(rs.steps, func(a, b simulator.Step) int { return a.Start.Compare(b.Start) })
			fixed++
			most = max(most, len(rs.steps))
		}
	}

	// rows(k) is the step rows when each region draws its first k steps and
	// folds the rest into one row; it grows with k, so the largest k that
	// fits is found by counting up.
	rows := func(k int) int {
		n := 0
		for _, pr := range phases {
			for _, rs := range pr.regions {
				if len(rs.steps) <= k {
					n += len(rs.steps)
				} else {
					n += k + 1
				}
			}
		}
		return n
	}
	budget := maxRows - fixed
	if rows(most) > budget {
		t.PerRegion = 0
		for k := 1; k < most && rows(k) <= budget; k++ {
			t.PerRegion = k
		}
	}

	for _, pr := range phases {
		p := pr.phase
		label := fmt.Sprintf("Phase %d — %s", p.Index, statusLabel(p.Status))
		if !pr.known {
			label = fmt.Sprintf("Phase %d — not in the simulator's phase list", p.Index)
		}
		row := timelineRow{Kind: rowPhase, Phase: p.Index, Status: p.Status, Label: label}
		if p.Start != nil {
			row.HasWindow, row.Start, row.End = true, *p.Start, *p.Start
			if p.End != nil {
				row.End = *p.End
			}
		}
		for _, rs := range pr.regions {
			for _, st := range rs.steps {
				row.Span.add(st)
			}
		}
		t.Rows = append(t.Rows, row)
		for _, rs := range pr.regions {
			rr := timelineRow{Kind: rowRegion, Phase: p.Index, Status: p.Status, Region: rs.region}
			for _, st := range rs.steps {
				rr.Span.add(st)
			}
			rr.Label = fmt.Sprintf("P%d · %s — %s, %s", p.Index, rs.region, plural(len(rs.steps), "group"), plural(rr.Span.VMs, "VM"))
			t.Rows = append(t.Rows, rr)
			drawn := len(rs.steps)
			if t.PerRegion >= 0 {
				drawn = min(drawn, t.PerRegion)
			}
			for _, st := range rs.steps[:drawn] {
				sr := timelineRow{Kind: rowStep, Phase: p.Index, Status: p.Status, Region: rs.region,
					Label: fmt.Sprintf("%s · %s — %s", rs.region, shorten(st.Group, 48), plural(len(st.VMs), "VM"))}
				sr.Span.add(st)
				t.Rows = append(t.Rows, sr)
			}
			if rest := rs.steps[drawn:]; len(rest) > 0 {
				mr := timelineRow{Kind: rowMore, Phase: p.Index, Status: p.Status, Region: rs.region}
				for _, st := range rest {
					mr.Span.add(st)
				}
				t.Folded += mr.Span.Steps
				t.FoldedVMs += mr.Span.VMs
				if drawn > 0 { // with no step drawn the region row is the fold
					mr.Label = fmt.Sprintf("%s · %d more groups — %s", rs.region, len(rest), plural(mr.Span.VMs, "VM"))
					t.Rows = append(t.Rows, mr)
				}
			}
		}
	}
	return t
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// shorten keeps chart labels from squeezing the bars; the full group name
// is in the JSON.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
