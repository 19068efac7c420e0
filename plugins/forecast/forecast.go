// Package forecast writes a simulator's forecast for people (text, a
// self-contained HTML report, Markdown) and programs (JSON per SPEC §4.2,
// CSV with one row per VM).
package forecast

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// Formatter writes a forecast in one format.
type Formatter interface {
	Format(w io.Writer, f *simulator.Forecast) error
}

// Formats lists the format names.
func Formats() []string { return []string{"text", "json", "csv", "html", "markdown"} }

// Options tune formatters that have choices.
type Options struct {
	// MarkdownLimit caps the Markdown forecast in characters (what a
	// pull-request comment holds) and MarkdownByteLimit in bytes (what a
	// GitHub job summary holds; docs/outputs.md gives both); 0 means no cap. Past a cap,
	// rows of reasons and of VMs not compliant are left out, and the
	// forecast says how many.
	MarkdownLimit     int
	MarkdownByteLimit int
	// FullReport says where every VM is listed, for a forecast that
	// leaves rows out; "" gives a generic hint.
	FullReport string
}

// New returns the formatter called name.
func New(name string, opts Options) (Formatter, error) {
	switch strings.ToLower(name) {
	case "text":
		return textFormat{}, nil
	case "json":
		return jsonFormat{}, nil
	case "csv":
		return csvFormat{}, nil
	case "html":
		return htmlFormat{}, nil
	case "markdown":
		return markdownFormat{limit: opts.MarkdownLimit, byteLimit: opts.MarkdownByteLimit, fullReport: opts.FullReport}, nil
	}
	return nil, fmt.Errorf("unknown format %q (choose one of %s)", name, strings.Join(Formats(), ", "))
}

// Compliance is the share of the fleet compliant at the deadline in the
// reported run (the last point of the curve).
func Compliance(f *simulator.Forecast) float64 {
	if len(f.Curve) == 0 {
		return 0
	}
	return f.Curve[len(f.Curve)-1].Compliant
}

// csvFormat writes one row per VM. Text cells (names, reasons) go through
// safetext.CSVCell: control characters shown as escapes, no CI command,
// and a quote before what a spreadsheet would evaluate as a formula.
type csvFormat struct{}

func (csvFormat) Format(w io.Writer, f *simulator.Forecast) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "region", "zone", "availabilitySet", "updateDomain", "phase", "eligible",
		"assessedAt", "installStart", "installEnd", "localInstall", "attempts", "installWindows", "catchUp", "daysAfterRelease", "compliant", "reason"})
	for _, v := range f.VMs {
		days := ""
		if v.DaysAfterRelease != nil {
			days = strconv.FormatFloat(*v.DaysAfterRelease, 'f', 2, 64)
		}
		cell := safetext.CSVCell
		cw.Write([]string{cell(v.Name), cell(v.Region), cell(v.Zone), cell(v.AvailabilitySet), strconv.Itoa(v.UpdateDomain), strconv.Itoa(v.Phase),
			strconv.FormatBool(v.Eligible), stamp(v.AssessedAt), stamp(v.InstallStart), stamp(v.InstallEnd), cell(v.LocalInstall),
			strconv.Itoa(v.Attempts), strconv.Itoa(v.InstallWindows), strconv.FormatBool(v.CatchUp), days, strconv.FormatBool(v.Compliant), cell(v.Reason)})
	}
	cw.Flush()
	return cw.Error()
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// textFormat is for a terminal or a CI log: every name, reason or status
// from the fleet or the simulator goes through safetext.Text.
type textFormat struct{}

// maxListed bounds the non-compliant VMs listed in text; JSON and CSV list all.
const maxListed = 50

func (textFormat) Format(w io.Writer, f *simulator.Forecast) error {
	bw := bufio.NewWriter(w)
	text := safetext.Text
	fmt.Fprintf(bw, "forecast by %s %s · seed %d · %d trial(s)\n", text(f.Simulator.Name), text(f.Simulator.Version), f.Seed, f.Trials)
	fmt.Fprintf(bw, "release  %s\ndeadline %s\n\n", f.Release.UTC().Format("Mon 2006-01-02 15:04 MST"), f.Deadline.UTC().Format("Mon 2006-01-02 15:04 MST"))

	local := map[string]string{} // VM -> local install offset, to show steps in local time
	for _, v := range f.VMs {
		local[v.Name] = v.LocalInstall
	}
	byPhaseRegion := map[string][]simulator.Step{}
	for _, s := range f.Plan {
		k := fmt.Sprintf("%d/%s", s.Phase, s.Region)
		byPhaseRegion[k] = append(byPhaseRegion[k], s)
	}
	fmt.Fprintln(bw, "PLAN")
	for _, p := range f.Phases {
		window := "not started"
		if p.Start != nil {
			window = fmt.Sprintf("%s → %s UTC", p.Start.UTC().Format("01-02 15:04"), p.End.UTC().Format("01-02 15:04"))
		}
		if len(p.Regions) == 0 {
			fmt.Fprintf(bw, "phase %d  %-11s %s  (none of this fleet's regions)\n", p.Index, text(statusLabel(p.Status)), window)
			continue
		}
		regions := make([]string, len(p.Regions))
		for i, r := range p.Regions {
			regions[i] = text(r)
		}
		fmt.Fprintf(bw, "phase %d  %-11s %s  [%s]  %d VMs, %d patched, %d unhealthy\n", p.Index, text(statusLabel(p.Status)), window, strings.Join(regions, ", "), p.VMs, p.Patched, p.Unhealthy)
		for _, r := range p.Regions {
			for _, s := range byPhaseRegion[fmt.Sprintf("%d/%s", p.Index, r)] {
				when := fmt.Sprintf("%s → %s UTC%s", s.Start.UTC().Format("01-02 15:04"), s.End.UTC().Format("01-02 15:04"), localRange(s, local))
				if !s.End.After(s.Start) {
					// No VM of the step installed in its turn (off, not yet
					// enabled, failed, or its phase over): no install to span.
					when = fmt.Sprintf("%s UTC, its turn: nothing installed", s.Start.UTC().Format("01-02 15:04"))
				}
				fmt.Fprintf(bw, "    %-14s %-45s %s  %d VM(s)\n", text(r), text(s.Group), when, len(s.VMs))
			}
		}
	}

	compliant, eligible := counts(f)
	fmt.Fprintf(bw, "\nCOMPLIANCE\n%d of %d VMs compliant by the deadline (%.1f%%); %d eligible for platform orchestration\n",
		compliant, len(f.VMs), 100*Compliance(f), eligible)
	if len(f.Curve) > 0 {
		fmt.Fprint(bw, "day   ")
		for _, d := range []int{0, 3, 7, 14, 21, len(f.Curve) - 1} {
			if d < len(f.Curve) {
				c := f.Curve[d]
				if f.Trials > 1 {
					fmt.Fprintf(bw, " %d: %.0f%% (p10 %.0f%%, p90 %.0f%%) ", c.Day, 100*c.Compliant, 100*c.P10, 100*c.P90)
				} else {
					fmt.Fprintf(bw, " %d: %.0f%% ", c.Day, 100*c.Compliant)
				}
			}
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, "\nREGIONS")
	for _, r := range f.Regions {
		phase := "phase " + phaseLabel(r.Phase)
		if r.Phase < 0 {
			phase = notOrchestrated
		}
		fmt.Fprintf(bw, "    %-18s %-16s %4d VMs  %4d eligible  %4d compliant\n", text(r.Region), phase, r.VMs, r.Eligible, r.Compliant)
	}
	if rc := reasonCounts(f.VMs); len(rc) > 0 {
		fmt.Fprintln(bw, "\nVMS PER REASON (numbers as #)")
		for _, r := range foldReasons(rc) {
			fmt.Fprintf(bw, "    %5d  %s", r.VMs, text(r.Key))
			if r.NotCompliant != r.VMs {
				fmt.Fprintf(bw, " (%d not compliant)", r.NotCompliant)
			}
			fmt.Fprintln(bw)
			if r.Example != "" && r.Example != r.Key {
				fmt.Fprintf(bw, "           e.g. %s: %s\n", text(r.ExampleVM), text(r.Example))
			}
		}
	}
	listed := 0
	for _, v := range f.VMs {
		if v.Compliant {
			continue
		}
		if listed == 0 {
			fmt.Fprintln(bw, "\nNOT COMPLIANT BY THE DEADLINE")
		}
		if listed == maxListed {
			fmt.Fprintf(bw, "    … and %d more (see --format json or csv)\n", len(f.VMs)-compliant-maxListed)
			break
		}
		fmt.Fprintf(bw, "    %-20s %-14s %s\n", text(v.Name), text(v.Region), text(v.Reason))
		listed++
	}
	fmt.Fprintln(bw, "\nASSUMPTIONS")
	for _, a := range assumptionRows(f) {
		fmt.Fprintf(bw, "    %-24s %s\n", a.Name, text(a.Value))
	}
	return bw.Flush()
}

// localRange renders a step in local time when its VMs share one UTC offset.
func localRange(s simulator.Step, local map[string]string) string {
	offset := ""
	for _, name := range s.VMs {
		l := local[name]
		if len(l) < 6 {
			continue
		}
		o := l[len(l)-6:]
		if strings.HasSuffix(l, "Z") {
			o = "Z"
		}
		if offset != "" && offset != o {
			return ""
		}
		offset = o
	}
	if offset == "" {
		return ""
	}
	loc := time.UTC
	if offset != "Z" {
		t, err := time.Parse("-07:00", offset)
		if err != nil {
			return ""
		}
		loc = t.Location()
	}
	return fmt.Sprintf(" (local %s → %s %s)", s.Start.In(loc).Format("15:04"), s.End.In(loc).Format("15:04"), offset)
}
