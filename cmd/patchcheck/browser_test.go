package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/forecast"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// TestHTMLReportInBrowser opens forecast reports in headless Chromium
// (Debian's chromium; .ci/run installs it when absent) and checks that the
// pages render their charts and tables without errors: the bundled fleet,
// and a 500-VM fleet over ten regions, whose timeline must name every
// phase and region instead of stopping after the first rows. What the
// pages must say is read from the JSON forecast of the same run, so the
// test follows the model rather than pinning its numbers. Screenshots are
// kept in $PATCHCHECK_ARTIFACTS (a temporary folder otherwise).
func TestHTMLReportInBrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("PATCHCHECK_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is required (PATCHCHECK_REQUIRE_BROWSER is set) but not on PATH")
		}
		t.Skip("chromium not installed; .ci/run installs it")
	}
	artifacts := os.Getenv("PATCHCHECK_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(os.TempDir(), "patchcheck-artifacts")
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	t.Run("contoso", func(t *testing.T) {
		fleet := filepath.Join("..", "..", "testdata", "fleets", "contoso.yaml")
		fc, report := simulateReport(t, fleet, 20)
		dom := openReport(t, browser, report, filepath.Join(artifacts, "forecast-report.png"), 1800)
		wants := []string{`<figure id="curve"><svg`, `<figure id="timeline"><svg`, "Rollout plan", "p10–p90", `<aside id="assumptions">`,
			fmt.Sprintf(`id="kpi-compliant"><b>%.1f%%</b>`, 100*forecast.Compliance(fc))}
		missing := 0
		for _, v := range fc.VMs {
			if !v.Compliant {
				missing++
				wants = append(wants, "<td>"+v.Name+"</td>")
			}
		}
		for _, want := range wants {
			if !strings.Contains(dom, want) {
				t.Errorf("rendered page lacks %q", want)
			}
		}
		if rows := strings.Count(tableOf(t, dom, "missing"), "<tr><td>"); missing > 0 && rows != missing {
			t.Errorf("the table of VMs not compliant has %d rows, want %d", rows, missing)
		}
	})

	t.Run("500 VMs in 10 regions", func(t *testing.T) {
		fleet := filepath.Join(t.TempDir(), "fleet500.yaml")
		if err := os.WriteFile(fleet, largeFleet(), 0o644); err != nil {
			t.Fatal(err)
		}
		fc, report := simulateReport(t, fleet, 5)
		dom := openReport(t, browser, report, filepath.Join(artifacts, "forecast-report-500.png"), 4000)
		timeline := between(t, dom, `<figure id="timeline">`, "</figure>")
		phases := tableOf(t, dom, "phases")
		for _, p := range fc.Phases {
			if !strings.Contains(phases, fmt.Sprintf("<td>Phase %d</td>", p.Index)) {
				t.Errorf("phase %d is not in the phase table", p.Index)
			}
			if !strings.Contains(timeline, fmt.Sprintf("Phase %d — ", p.Index)) {
				t.Errorf("phase %d is not on the timeline", p.Index)
			}
		}
		regions := tableOf(t, dom, "regions")
		orchestrated := map[string]bool{}
		for _, s := range fc.Plan {
			orchestrated[s.Region] = true
		}
		for _, r := range largeFleetRegions {
			if !strings.Contains(regions, "<td>"+r+"</td>") {
				t.Errorf("region %s is not in the region table", r)
			}
			if orchestrated[r] && !strings.Contains(timeline, "· "+r+" — ") {
				t.Errorf("region %s has plan steps but no row on the timeline", r)
			}
		}
		if len(fc.Plan) == 0 {
			t.Error("the forecast of 500 VMs has no plan")
		}
		if !regexp.MustCompile(`<p class="note" id="timeline-note">(All \d+ steps|The plan has \d+ steps)`).MatchString(dom) {
			t.Error("the page does not say how the timeline shows the plan")
		}
		if strings.Contains(dom, "<td>-1</td>") || !strings.Contains(tableOf(t, dom, "missing"), "<td>not orchestrated</td>") {
			t.Error(`the VMs outside platform orchestration are not shown as "not orchestrated"`)
		}
		for _, status := range []string{"succeeded", "halted", "not started"} {
			if !strings.Contains(between(t, dom, `id="timeline-legend"`, "</p>"), "</span>"+status) {
				t.Errorf("the timeline legend lacks %q", status)
			}
		}
	})
}

// simulateReport forecasts fleet once as JSON and once as an HTML page
// with the same seed and trials, and returns the forecast and the page.
func simulateReport(t *testing.T, fleet string, trials int) (*simulator.Forecast, string) {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{"json": filepath.Join(dir, "forecast.json"), "html": filepath.Join(dir, "forecast.html")}
	for _, format := range []string{"json", "html"} {
		var stderr bytes.Buffer
		code := run(context.Background(), []string{"simulate", "--in-process", "--seed", "1", "--trials", fmt.Sprint(trials), "--format", format, "-o", out[format], fleet},
			strings.NewReader(""), &bytes.Buffer{}, &stderr)
		if code != 0 {
			t.Fatalf("simulate --format %s: exit %d: %s", format, code, stderr.String())
		}
	}
	data, err := os.ReadFile(out["json"])
	if err != nil {
		t.Fatal(err)
	}
	var fc simulator.Forecast
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatal(err)
	}
	return &fc, out["html"]
}

// openReport renders the page in Chromium, fails on a script error, keeps
// a screenshot and returns the DOM as Chromium serialises it.
func openReport(t *testing.T, browser, report, screenshot string, height int) string {
	t.Helper()
	chrome := func(args ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", fmt.Sprintf("--window-size=1200,%d", height)}
		cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, errOut.String())
		}
		return out.String(), errOut.String()
	}
	dom, logs := chrome("--dump-dom", "file://"+report)
	if m := regexp.MustCompile(`(?i)(uncaught|console\(\d+\)\].*error)`).FindString(logs); m != "" {
		t.Errorf("the page logged an error: %s", m)
	}
	screenshot, _ = filepath.Abs(screenshot)
	chrome("--screenshot="+screenshot, "file://"+report)
	if info, err := os.Stat(screenshot); err != nil || info.Size() < 10_000 {
		t.Fatalf("no screenshot: %v", err)
	}
	t.Logf("screenshot: %s", screenshot)
	return dom
}

// between is the part of s from the first from to the next to.
func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("the page has no %q", from)
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		t.Fatalf("%q is not closed by %q", from, to)
	}
	return s[i : i+j]
}

func tableOf(t *testing.T, dom, id string) string {
	return between(t, dom, `<table id="`+id+`">`, "</table>")
}

// largeFleetRegions are ten regions of the embedded table, all with
// availability zones, over five geographies.
var largeFleetRegions = []string{"eastus", "westus2", "northeurope", "westeurope", "uksouth", "japaneast", "australiaeast", "centralindia", "brazilsouth", "canadacentral"}

// largeFleet is a 500-VM fleet, 50 VMs a region: zonal VMs and one
// availability set a region, Windows and Linux, two subscriptions, some
// VMs on only in office hours and one in 25 outside platform
// orchestration, so the report has phases, many plan steps and reasons.
func largeFleet() []byte {
	timeZones := map[string]string{
		"eastus": "Eastern Standard Time", "westus2": "America/Los_Angeles", "northeurope": "Europe/Dublin", "westeurope": "W. Europe Standard Time",
		"uksouth": "Europe/London", "japaneast": "Asia/Tokyo", "australiaeast": "Australia/Sydney", "centralindia": "India Standard Time",
		"brazilsouth": "America/Sao_Paulo", "canadacentral": "America/Toronto",
	}
	var b strings.Builder
	b.WriteString("# Generated by TestHTMLReportInBrowser: 500 VMs over 10 regions.\n" +
		"release:\n  month: \"2026-12\"\n" +
		"defaults:\n  timeZone: UTC\n  offPeak: {start: \"22:00\", end: \"06:00\"}\n  installMinutes: 60\n  failureProbability: 0.02\n  patchMode: AutomaticByPlatform\n" +
		"vms:\n")
	for i := range 500 {
		region := largeFleetRegions[i%len(largeFleetRegions)]
		n := i / len(largeFleetRegions)
		placement := fmt.Sprintf(`zone: "%d"`, n%3+1)
		if n%5 == 0 {
			placement = fmt.Sprintf("availabilitySet: as-%s, updateDomain: %d", region, n%4)
		}
		image := "os: linux, image: {publisher: Canonical, offer: UbuntuServer, sku: 18.04-LTS}"
		if n%2 == 1 {
			image = "os: windows, image: {publisher: MicrosoftWindowsServer, offer: WindowsServer, sku: 2019-Datacenter}, enableAutomaticUpdates: true"
		}
		extra := ""
		switch {
		case i%25 == 0:
			extra = ", patchMode: Manual"
		case n%9 == 4:
			extra = `, powerSchedule: [{days: [Mon, Tue, Wed, Thu, Fri], start: "08:00", end: "19:00"}]`
		}
		fmt.Fprintf(&b, "  - {name: vm-%03d, subscription: sub-%d, region: %s, %s, timeZone: %s, %s%s}\n",
			i, i%2, region, placement, timeZones[region], image, extra)
	}
	return []byte(b.String())
}
