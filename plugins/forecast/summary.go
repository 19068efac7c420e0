package forecast

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// This file holds what the formats for people (text, HTML, Markdown) say
// alike, so that they cannot drift apart: how a phase number and a phase
// status read, the count of VMs per reason, the assumptions and each
// region's rollout window.

// notOrchestrated is what people are told instead of the contract's phase
// -1: "phase -1" reads like a phase that runs before the canary.
const notOrchestrated = "not orchestrated"

// phaseLabel is a VM's or a region's phase for people.
func phaseLabel(n int) string {
	if n < 0 {
		return notOrchestrated
	}
	return strconv.Itoa(n)
}

// statusLabel is a phase status for people ("not-started" is a JSON token).
func statusLabel(s string) string {
	if s == simulator.PhaseNotStarted {
		return "not started"
	}
	if s == "" {
		return "unknown"
	}
	return s
}

// utcStamp is an instant for people, always in UTC so that rows compare.
func utcStamp(t time.Time) string { return t.UTC().Format("Mon 2006-01-02 15:04") }

// span is the first start and last end of some plan steps.
type span struct {
	Start, End time.Time
	Steps, VMs int
}

func (s *span) add(st simulator.Step) {
	if s.Steps == 0 || st.Start.Before(s.Start) {
		s.Start = st.Start
	}
	if s.Steps == 0 || st.End.After(s.End) {
		s.End = st.End
	}
	s.Steps++
	s.VMs += len(st.VMs)
}

// String is the window in UTC, empty when no step was added.
func (s span) String() string {
	if s.Steps == 0 {
		return ""
	}
	return utcStamp(s.Start) + " → " + utcStamp(s.End) + " UTC"
}

// regionSpans is each region's window in the plan (all its steps, of any
// phase): the one-row-per-region view of the timeline.
func regionSpans(plan []simulator.Step) map[string]*span {
	out := map[string]*span{}
	for _, st := range plan {
		s := out[st.Region]
		if s == nil {
			s = &span{}
			out[st.Region] = s
		}
		s.add(st)
	}
	return out
}

// phaseWindow is a phase's window in UTC, or why it has none.
func phaseWindow(p simulator.Phase) string {
	switch {
	case p.Start == nil:
		return "not started"
	case p.End == nil:
		return "from " + utcStamp(*p.Start) + " UTC"
	}
	return utcStamp(*p.Start) + " → " + utcStamp(*p.End) + " UTC"
}

// reasonCount is the VMs that share one reason, up to the numbers and
// dates in its text.
type reasonCount struct {
	Key          string // the reason with every number written #
	VMs          int
	NotCompliant int
	Example      string // the first VM's full reason
	ExampleVM    string
}

// noReason stands for a VM not compliant whose simulator gave no reason.
const noReason = "(no reason given by the simulator)"

// reasonCounts groups the VMs that have a reason or are not compliant by
// their reason's key, largest group first. Reasons embed day counts,
// dates and attempts ("patched on day 31.2, after the 30-day deadline"),
// so grouping the raw texts would give one row per VM.
func reasonCounts(vms []simulator.VMResult) []reasonCount {
	keys := map[string]string{} // raw reason -> key: a fleet repeats a few texts many times
	index := map[string]int{}
	var out []reasonCount
	for _, v := range vms {
		if v.Reason == "" && v.Compliant {
			continue
		}
		key, ok := keys[v.Reason]
		if !ok {
			key = reasonKey(v.Reason)
			if v.Reason == "" {
				key = noReason
			}
			keys[v.Reason] = key
		}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, reasonCount{Key: key, Example: v.Reason, ExampleVM: v.Name})
		}
		out[i].VMs++
		if !v.Compliant {
			out[i].NotCompliant++
		}
	}
	slices.SortStableFunc(out, func(a, b reasonCount) int {
		if c := cmp.Compare(b.NotCompliant, a.NotCompliant); c != 0 {
			return c
		}
		if c := cmp.Compare(b.VMs, a.VMs); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// reasonKey writes every number of a reason as #: a run of digits, with
// the separators inside it ("31.2", "2026-12-10" gives "#-#-#", "10:00").
func reasonKey(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		for i < len(s) && (isDigit(s[i]) || (s[i] == '.' || s[i] == ',' || s[i] == ':') && i+1 < len(s) && isDigit(s[i+1])) {
			i++
		}
		b.WriteByte('#')
	}
	return strings.TrimSpace(b.String())
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// maxReasons bounds the reason rows; the rest are counted in one row.
const maxReasons = 30

// foldReasons keeps the first maxReasons groups and counts the rest in
// one "other reasons" row, so a simulator whose reasons embed names
// cannot make the table as long as the fleet.
func foldReasons(rc []reasonCount) []reasonCount {
	if len(rc) <= maxReasons {
		return rc
	}
	rest := reasonCount{Key: fmt.Sprintf("%d other reasons (see --format csv)", len(rc)-maxReasons+1)}
	for _, r := range rc[maxReasons-1:] {
		rest.VMs += r.VMs
		rest.NotCompliant += r.NotCompliant
	}
	return append(rc[:maxReasons-1:maxReasons-1], rest)
}

// assumption is one line of the assumptions box.
type assumption struct{ Name, Value string }

// assumptionRows are what the forecast assumed, for every format for
// people. A third-party simulator may not report them (Assumptions nil);
// the report says so rather than showing patchcheck's defaults, which that
// simulator may not use.
func assumptionRows(f *simulator.Forecast) []assumption {
	tail := []assumption{{"Seed", strconv.FormatInt(f.Seed, 10)}, {"Trials", strconv.Itoa(f.Trials)}}
	a := f.Assumptions
	if a == nil {
		return append([]assumption{{"Model assumptions", "not reported by the simulator"}}, tail...)
	}
	st := a.Settings
	plan := a.Plan
	switch a.Plan {
	case simulator.PlanAzureDefault:
		plan = "Azure-wide default plan (canary, pilot, then waves over every public region; an assumption)"
	case simulator.PlanExplicit:
		plan = "explicit plan from the fleet file"
	case "":
		plan = "not reported"
	}
	halt := "stays halted for the rest of the month"
	if st.HaltHours != nil {
		halt = "resumes " + hoursText(*st.HaltHours) + " after the halted phase ends"
	}
	offPeak := "not reported"
	if a.DefaultOffPeak.Start != "" || a.DefaultOffPeak.End != "" {
		offPeak = a.DefaultOffPeak.Start + "–" + a.DefaultOffPeak.End + " in each VM's time zone"
	}
	profile := a.Profile
	if profile == "" {
		profile = "not reported"
	}
	return append([]assumption{
		{"Profile", profile},
		{"Plan", plan},
		{"Default off-peak window", offPeak},
		{"Phase duration", hoursText(st.PhaseHours) + " per phase"},
		{"Bake time", hoursText(st.PhaseBakeHours) + " after a phase succeeds"},
		{"Health threshold", "a phase halts when more than " + strconv.FormatFloat(100*st.HealthThreshold, 'f', -1, 64) + "% of its patched VMs are unhealthy"},
		{"Halted rollout", halt},
		{"Assessment interval", "every " + hoursText(st.AssessmentIntervalHours)},
		{"Enablement", strconv.Itoa(st.EnablementMinutes) + " min of off-peak time, for VMs marked pending"},
		{"Batch share", strconv.FormatFloat(100*st.BatchShare, 'f', -1, 64) + "% of a subscription's VMs per batch"},
		{"Deadline", strconv.Itoa(st.DeadlineDays) + " days after the release"},
	}, tail...)
}

func hoursText(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) + " h" }

// counts are the fleet's totals.
func counts(f *simulator.Forecast) (compliant, eligible int) {
	for _, v := range f.VMs {
		if v.Compliant {
			compliant++
		}
		if v.Eligible {
			eligible++
		}
	}
	return compliant, eligible
}
