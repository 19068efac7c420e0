package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestHTMLReportInBrowser opens the forecast report in headless Chromium
// (Debian's chromium; .ci/run installs it when absent) and checks that the
// page renders its charts and table without errors. The screenshot is kept
// in $PATCHCHECK_ARTIFACTS (a temporary folder otherwise).
func TestHTMLReportInBrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("PATCHCHECK_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is required (PATCHCHECK_REQUIRE_BROWSER is set) but not on PATH")
		}
		t.Skip("chromium not installed; .ci/run installs it")
	}
	dir := t.TempDir()
	report := filepath.Join(dir, "forecast.html")
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"simulate", "--in-process", "--trials", "20", "--format", "html", "-o", report,
		filepath.Join("..", "..", "testdata", "fleets", "contoso.yaml")}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	if code != 0 {
		t.Fatalf("simulate exit %d: %s", code, stderr.String())
	}
	artifacts := os.Getenv("PATCHCHECK_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(os.TempDir(), "patchcheck-artifacts")
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	screenshot, _ := filepath.Abs(filepath.Join(artifacts, "forecast-report.png"))
	chrome := func(args ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", "--window-size=1200,1800"}
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
	for _, want := range []string{`<figure id="curve"><svg`, `<figure id="timeline"><svg`, `id="kpi-compliant"><b>78.6%</b>`, "<td>dev-01</td>", "Rollout plan", "p10–p90"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	if rows := strings.Count(dom, "<tr><td>"); rows != 3 {
		t.Errorf("table has %d rows, want the 3 non-compliant VMs", rows)
	}
	chrome("--screenshot="+screenshot, "file://"+report)
	if info, err := os.Stat(screenshot); err != nil || info.Size() < 10_000 {
		t.Fatalf("no screenshot: %v", err)
	}
	t.Logf("screenshot: %s", screenshot)
}
