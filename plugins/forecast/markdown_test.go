package forecast

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// reasonsForecast is bigForecast with a reason of its own for every VM
// not compliant (a simulator may word each one differently), so that its
// reasons table is as long as its list of VMs.
func reasonsForecast() *simulator.Forecast {
	f := bigForecast()
	for i := range f.VMs {
		if !f.VMs[i].Compliant {
			f.VMs[i].Reason = fmt.Sprintf("pöwered off in window %c%c", 'a'+i%26, 'a'+i/26%26)
		}
	}
	return f
}

// TestMarkdownForecastBudget: within its limits the forecast keeps its
// curve, phases, regions and assumptions, then the reasons, then the VMs
// not compliant, and its last line says how many rows were left out and
// where every VM is; without a limit, or when all fits, it is whole.
func TestMarkdownForecastBudget(t *testing.T) {
	f := reasonsForecast()
	whole := renderWith(t, f, Options{})
	tests := []struct {
		name        string
		opts        Options
		cut         bool
		wantLeft    string
		wantMissing bool // some rows of VMs not compliant are kept
	}{
		{"no limit", Options{}, false, "", true},
		{"a limit it fits in", Options{MarkdownLimit: utf8.RuneCountInString(whole)}, false, "", true},
		{"characters", Options{MarkdownLimit: 4000, FullReport: "forecast.json"}, true, "rows of VMs not compliant left out", false},
		{"bytes", Options{MarkdownByteLimit: 5000}, true, "within 5000 bytes", false},
		{"room for some VMs", Options{MarkdownLimit: len(whole) - 1500}, true, "of 50 rows of VMs not compliant left out", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := renderWith(t, f, tc.opts)
			if tc.opts.MarkdownLimit > 0 && utf8.RuneCountInString(out) > tc.opts.MarkdownLimit || tc.opts.MarkdownByteLimit > 0 && len(out) > tc.opts.MarkdownByteLimit {
				t.Errorf("%d characters, %d bytes: over the limits %+v", utf8.RuneCountInString(out), len(out), tc.opts)
			}
			if (out != whole) != tc.cut {
				t.Errorf("cut %v, want %v", out != whole, tc.cut)
			}
			for _, section := range []string{"## Patch forecast", "### Phases", "### Regions", "### Assumptions", "| Seed |"} {
				if !strings.Contains(out, section) {
					t.Errorf("%q left out", section)
				}
			}
			if tc.wantLeft != "" && !strings.HasSuffix(strings.TrimSpace(out), ".") || !strings.Contains(out, tc.wantLeft) {
				t.Errorf("no %q in the last line: %q", tc.wantLeft, out[max(0, len(out)-300):])
			}
			if tc.opts.FullReport != "" && !strings.Contains(out, "Every VM is listed in forecast.json.") {
				t.Error("the last line does not name the full report")
			}
			missing := strings.Contains(out, "### Not compliant at the deadline\n\n| VM | Region | Phase | Reason |\n|---|---|---|---|\n| ")
			if missing != tc.wantMissing {
				t.Errorf("rows of VMs not compliant kept: %v, want %v", missing, tc.wantMissing)
			}
			problems, err := safetexttest.CheckMarkdown(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("rendered: %s", p)
			}
		})
	}
}

func renderWith(t *testing.T, f *simulator.Forecast, opts Options) string {
	t.Helper()
	fm, err := New("markdown", opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := fm.Format(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
