package checker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

const wifVM = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-01"

// wifWindows is a Windows VM's state as what-if prints it.
func wifWindows(mode string, updates bool) string {
	return fmt.Sprintf(`{
        "id": %q, "name": "web-01", "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01", "location": "westeurope",
        "properties": {
          "osProfile": {"windowsConfiguration": {"enableAutomaticUpdates": %v,
            "patchSettings": {"patchMode": %q}}},
          "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2019-Datacenter"}}
        }
      }`, wifVM, updates, mode)
}

// wifLinux is a Linux VM's state with the given patchMode value.
func wifLinux(mode string) string {
	return fmt.Sprintf(`{
        "id": %q, "name": "web-01", "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2024-07-01",
        "properties": {
          "osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": %q}}},
          "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}
        }
      }`, wifVM, mode)
}

// wif renders az CLI what-if output of one change (before or after "" is
// left out).
func wif(id, changeType, before, after, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"changes\": [\n    {\n      \"changeType\": %q,\n      \"resourceId\": %q", changeType, id)
	if before != "" {
		fmt.Fprintf(&b, ",\n      \"before\": %s", before)
	}
	if after != "" {
		fmt.Fprintf(&b, ",\n      \"after\": %s", after)
	}
	if extra != "" {
		b.WriteString(",\n      " + extra)
	}
	b.WriteString("\n    }\n  ],\n  \"error\": null,\n  \"status\": \"Succeeded\"\n}\n")
	return b.String()
}

func checkWhatIf(t *testing.T, l *checker.Linter, src string) report.File {
	t.Helper()
	return l.Check(context.Background(), checker.Input{Path: "w.json", Explicit: true}, []byte(src))
}

// TestWhatIfLint lints what-if results end to end: the after state is
// checked as exact values, the before state is PC009's baseline, and the
// changes that could not be checked are never a silent pass.
func TestWhatIfLint(t *testing.T) {
	modify := wif(wifVM, "Modify", wifWindows("Manual", false), wifWindows("AutomaticByPlatform", true), "")
	tests := []struct {
		name, profile, src string
		want               string // rule IDs and severities
		wantIn             string // in some finding's message
		vms, noProfile     int
		reason             string // in the file's note
	}{
		{"Windows Modify: Manual to AutomaticByPlatform and updates turned on, judged against before",
			"2021-02", modify, "PC009:error PC009:error", "patchMode changes from Manual (deployed) to AutomaticByPlatform: Azure does not support this switch under profile 2021-02 (what-if Modify)", 1, 0, ""},
		{"the current profile allows the switch with updates off before, not the change of updates",
			"current", modify, "PC009:error", "enableAutomaticUpdates changes from false (deployed) to true", 1, 0, ""},
		{"NoChange: the same before and after raise no PC009",
			"2021-02", wif(wifVM, "NoChange", wifWindows("AutomaticByOS", true), wifWindows("AutomaticByOS", true), ""), "PC007:warning", "(what-if NoChange)", 1, 0, ""},
		{"Linux Create: clean, no baseline",
			"2021-02", wif(wifVM, "Create", "null", wifLinux("AutomaticByPlatform"), ""), "", "", 1, 0, ""},
		{"a bracketed string in after is a value Azure evaluated: PC010, not PC011",
			"2021-02", wif(wifVM, "Create", "", wifLinux("[parameters('patchMode')]"), ""), "PC010:error", `the string "[parameters('patchMode')]" is not an allowed value`, 1, 0, ""},
		{"Delete is listed in the file's note",
			"2021-02", wif(wifVM, "Delete", wifWindows("Manual", false), "null", ""), "", "", 0, 0, "what-if deletes 1 VM or scale set, not checked: " + wifVM},
		{"Ignore of an existing VM is info",
			"2021-02", wif(wifVM, "Ignore", wifWindows("Manual", false), "", ""), "PC011:info", "what-if Ignore: it exists", 0, 0, ""},
		{"Unsupported is a warning with Azure's reason",
			"2021-02", wif(wifVM, "Unsupported", "", "", `"unsupportedReason": "reference() is not evaluated"`), "PC011:warning", "was not checked, so its patch settings after the deployment are unknown: what-if Unsupported: reference() is not evaluated", 0, 0, ""},
		{"Create without an after state is a warning",
			"2021-02", wif(wifVM, "Create", "", "", ""), "PC011:warning", "gives no after state", 0, 0, ""},
		{"a scale set without a profile is counted",
			"2021-02", wif("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss", "Create", "",
				`{"type": "Microsoft.Compute/virtualMachineScaleSets", "properties": {"orchestrationMode": "Flexible"}}`, ""), "", "", 0, 1, ""},
	}
	linters := map[string]*checker.Linter{"2021-02": newLinter(t, "2021-02"), "current": newLinter(t, "current")}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := checkWhatIf(t, linters[tt.profile], tt.src)
			if f.Status != report.Checked || f.Kind != "what-if" {
				t.Fatalf("status %s kind %q error %+v, want a checked what-if", f.Status, f.Kind, f.Error)
			}
			if got := ruleIDs(f); got != tt.want {
				t.Errorf("findings %q, want %q\n%+v", got, tt.want, f.Findings)
			}
			if f.VMs != tt.vms || f.NoProfile != tt.noProfile || !strings.Contains(f.Reason, tt.reason) || tt.reason == "" && f.Reason != "" {
				t.Errorf("%d VMs, %d without profile, note %q; want %d, %d, %q", f.VMs, f.NoProfile, f.Reason, tt.vms, tt.noProfile, tt.reason)
			}
			found := tt.wantIn == ""
			for _, x := range f.Findings {
				found = found || strings.Contains(x.Message, tt.wantIn)
				if x.Resource != wifVM || x.ResourceType != "Microsoft.Compute/virtualMachines" || x.Line < 1 || x.File != "" && x.File != "w.json" {
					t.Errorf("finding %s names %q (%s) at %v: want the resource ID, in the what-if", x.RuleID, x.Resource, x.ResourceType, x.Position)
				}
				if x.RuleID == "PC009" && (len(x.Related) == 0 || !strings.Contains(x.Related[0].Message, "web-01 before the deployment, as what-if reports it") || !strings.Contains(x.Related[0].Pointer, "/changes/0/before")) {
					t.Errorf("PC009 %+v: want it to point at the change's before state", x.Related)
				}
				if x.RuleID != "PC011" && !strings.Contains(x.Pointer, "/changes/0/after/") {
					t.Errorf("%s at %s, want a property inside the after state", x.RuleID, x.Pointer)
				}
			}
			if !found {
				t.Errorf("no finding says %q:\n%+v", tt.wantIn, f.Findings)
			}
		})
	}
}

// TestWhatIfFindingPosition: a finding points at the line and column of
// the property inside the change's after state.
func TestWhatIfFindingPosition(t *testing.T) {
	src := wif(wifVM, "Create", "", wifLinux("AutomaticByOS"), "")
	f := checkWhatIf(t, newLinter(t, "2021-02"), src)
	if len(f.Findings) != 1 || f.Findings[0].RuleID != "PC001" {
		t.Fatalf("findings %+v, want one PC001", f.Findings)
	}
	x := f.Findings[0]
	line := strings.Split(src, "\n")[x.Line-1]
	if want := `"patchMode": "AutomaticByOS"`; !strings.HasPrefix(line[x.Column-1:], want) {
		t.Errorf("PC001 at %d:%d (%q), want the patchMode property", x.Line, x.Column, line)
	}
	if !strings.HasSuffix(x.Message, "(what-if Create)") {
		t.Errorf("message %q does not name the change", x.Message)
	}
}

// TestWhatIfExplicitBaselineWins: --baseline, when it has a VM of the same
// name, replaces the change's before state, as it would for any input.
func TestWhatIfExplicitBaselineWins(t *testing.T) {
	dir := t.TempDir()
	deployed := filepath.Join(dir, "deployed.json")
	if err := os.WriteFile(deployed, []byte(`[{"name": "WEB-01", "type": "Microsoft.Compute/virtualMachines",
  "osProfile": {"windowsConfiguration": {"enableAutomaticUpdates": true, "patchSettings": {"patchMode": "AutomaticByOS"}}}}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := checker.New(context.Background(), checker.Options{Profile: "2021-02", Version: "test", Baseline: []string{deployed}})
	if err != nil {
		t.Fatal(err)
	}
	// Against before (Manual, updates off) this is two PC009; against the
	// baseline file (AutomaticByOS, updates on) it is an allowed switch.
	f := checkWhatIf(t, l, wif(wifVM, "Modify", wifWindows("Manual", false), wifWindows("AutomaticByPlatform", true), ""))
	if got := ruleIDs(f); got != "" {
		t.Errorf("findings %q, want none: --baseline says the VM runs AutomaticByOS with updates on\n%+v", got, f.Findings)
	}
}

// TestWhatIfBroken: a failed what-if, and a what-if that does not parse or
// that patchcheck cannot read, are errors (exit 2) at file:line:column.
func TestWhatIfBroken(t *testing.T) {
	failed := "{\n  \"status\": \"Failed\",\n  \"error\": {\"code\": \"InvalidTemplateDeployment\", \"message\": \"The template deployment 'web' is not valid.\\u001b[31m\",\n    \"details\": [{\"code\": \"QuotaExceeded\", \"message\": \"Operation results in exceeding quota limits of Core.\"}]}\n}\n"
	full := wif(wifVM, "Modify", wifWindows("Manual", false), wifWindows("AutomaticByPlatform", true), "")
	tests := []struct {
		name, input, src string
		line, col        int
		msg              string
	}{
		{"a failed what-if gives Azure's code and message", "", failed, 3, 3,
			"the what-if did not succeed (status \"Failed\"): Azure's error: InvalidTemplateDeployment: The template deployment 'web' is not valid.\x1b[31m (details: QuotaExceeded: Operation results in exceeding quota limits of Core.)"},
		{"malformed JSON", "", strings.Replace(full, `"changeType": "Modify",`, `"changeType": "Modify"`, 1), 5, 7, "invalid JSON"},
		{"truncated", "", full[:len(full)/2], 0, 0, "invalid JSON"},
		{"forced: no status", "what-if", `{"changes": []}`, 1, 1, "has no status"},
		{"forced: a template", "what-if", `{"resources": []}`, 1, 1, "has no status"},
		{"a VM change without changeType", "", strings.Replace(full, `"changeType": "Modify",`, "", 1), 3, 5, "has no changeType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := checker.New(context.Background(), checker.Options{Version: "test", Input: tt.input})
			if err != nil {
				t.Fatal(err)
			}
			f := checkWhatIf(t, l, tt.src)
			if f.Status != report.Errored || f.Error == nil {
				t.Fatalf("status %s, findings %+v: want an error", f.Status, f.Findings)
			}
			if tt.line > 0 && (f.Error.Line != tt.line || f.Error.Column != tt.col) || f.Error.Line < 1 || f.Error.Column < 1 || !strings.Contains(f.Error.Message, tt.msg) {
				t.Errorf("error %q at %d:%d, want %q at %d:%d", f.Error.Message, f.Error.Line, f.Error.Column, tt.msg, tt.line, tt.col)
			}
			r := &report.Report{Files: []report.File{f}}
			if code := r.ExitCode(model.Error); code != report.ExitError {
				t.Errorf("exit code %d, want %d", code, report.ExitError)
			}
			// Azure's message is untrusted text: the report keeps it, the
			// formats neutralise it.
			for _, format := range []string{"text", "github"} {
				fm, err := report.New(format, report.Options{})
				if err != nil {
					t.Fatal(err)
				}
				var buf strings.Builder
				if err := fm.Format(&buf, r); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(buf.String(), "\x1b") {
					t.Errorf("%s output holds a raw escape character:\n%q", format, buf.String())
				}
			}
		})
	}
}
