package forecast

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// untrustedForecast puts text a fleet file or a third-party simulator
// controls (VM, region, zone, set and group names, reasons, statuses, the
// simulator's name, assumptions) in every field a format prints.
func untrustedForecast(p string) *simulator.Forecast {
	release := time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)
	at := func(days float64) *time.Time {
		t := release.Add(time.Duration(days * 24 * float64(time.Hour)))
		return &t
	}
	days := 3.5
	f := &simulator.Forecast{
		Simulator: simulator.Description{Name: p, Version: p},
		Release:   release, Deadline: *at(30), Seed: 1, Trials: 3,
		Assumptions: &simulator.Assumptions{Profile: p, Plan: p, DefaultOffPeak: simulator.Window{Start: p, End: p}},
		Phases: []simulator.Phase{
			{Index: 0, Regions: []string{p, "r" + p}, Start: at(1), End: at(4), Status: p, VMs: 3, Patched: 1},
			{Index: 1, Regions: []string{"=cmd|' /C calc'!A0"}, Status: simulator.PhaseNotStarted},
		},
		Plan: []simulator.Step{
			{Phase: 0, Region: p, Group: p, Start: *at(1), End: *at(2), VMs: []string{p, "+" + p}},
			{Phase: 0, Region: "r" + p, Group: "g" + p, Start: *at(2), End: *at(4), VMs: []string{"@" + p}},
		},
		VMs: []simulator.VMResult{
			{Name: p, Region: p, Zone: p, AvailabilitySet: p, Phase: 0, Eligible: true, AssessedAt: at(1), InstallStart: at(3), InstallEnd: at(3.5),
				LocalInstall: p, Attempts: 1, InstallWindows: 1, DaysAfterRelease: &days, Compliant: true, Reason: p},
			{Name: "+" + p, Region: p, Zone: "-1" + p, AvailabilitySet: "=" + p, Phase: 0, Eligible: true, Attempts: 2, Reason: "#1vso[task.setvariable variable=x]" + p},
			{Name: "@" + p, Region: "r" + p, Phase: -1, Reason: "=HYPERLINK(\"http://x\")" + p},
			{Name: "\t=1+1", Region: "\r=1", Phase: -1},
		},
		Regions: []simulator.RegionSummary{{Region: p, Phase: 0, VMs: 2, Eligible: 2, Compliant: 1}, {Region: "r" + p, Phase: -1, VMs: 1}},
	}
	for day := 0; day <= 30; day++ {
		f.Curve = append(f.Curve, simulator.CurvePoint{Day: day, Compliant: 0.3, P10: 0.2, P50: 0.3, P90: 0.4})
	}
	return f
}

// TestUntrustedTextInEveryFormat feeds hostile text through every
// forecast format and reads the output as the GitHub runner, the Azure
// Pipelines agent and a terminal would: a forecast writes no command at
// all, and no raw control character.
func TestUntrustedTextInEveryFormat(t *testing.T) {
	payloads := append([]string{safetexttest.Payload()}, safetexttest.Payloads...)
	for _, format := range Formats() {
		for _, p := range payloads {
			t.Run(format+"/"+strings.ToValidUTF8(p[:min(len(p), 12)], "?"), func(t *testing.T) {
				f := untrustedForecast(p)
				out := render(t, format, f)
				allowed := ""
				if format == "html" {
					allowed = "\t" // gonum/plot indents its SVG with tabs
				}
				c := safetexttest.Scan([]byte(out), allowed)
				for _, raw := range c.Raw {
					t.Errorf("raw character: %s", raw)
				}
				for _, l := range append(append(c.GitHub, c.Azure...), c.Legacy...) {
					t.Errorf("command in the output: %q", l)
				}
				switch format {
				case "json":
					var back simulator.Forecast
					if err := json.Unmarshal([]byte(out), &back); err != nil {
						t.Fatal(err)
					}
					if back.VMs[1].Reason != strings.ToValidUTF8(f.VMs[1].Reason, "\uFFFD") || back.Simulator.Name != strings.ToValidUTF8(p, "\uFFFD") {
						t.Errorf("JSON changed a value: %q", back.VMs[1].Reason)
					}
				case "csv":
					rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					for _, row := range rows[1:] {
						for i, cell := range row {
							if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && rows[0][i] != "phase" {
								t.Errorf("column %s: a spreadsheet would evaluate %q", rows[0][i], cell)
							}
						}
					}
					if rows[3][5] != "-1" {
						t.Errorf("phase -1 written %q: numbers stay numbers", rows[3][5])
					}
				}
				if t.Failed() {
					t.Logf("output:\n%s", out)
				}
			})
		}
	}
}
