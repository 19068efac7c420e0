//go:build unix

package checker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/config"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

// childVM is a linked template deploying one Windows VM on a supported
// image; its name and patch mode are parameters with defaults. api is its
// Compute API version.
func childVM(api, defaultMode string) string {
	return fmt.Sprintf(`{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {
    "vmName": {"type": "string", "defaultValue": "child"},
    "patchMode": {"type": "string", "defaultValue": %q}
  },
  "resources": [
    {
      "type": "Microsoft.Compute/virtualMachines",
      "apiVersion": %q,
      "name": "[parameters('vmName')]",
      "properties": {
        "osProfile": {"windowsConfiguration": {"enableAutomaticUpdates": true, "patchSettings": {"patchMode": "[parameters('patchMode')]"}}},
        "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2019-Datacenter", "version": "latest"}}
      }
    }
  ]
}`, defaultMode, api)
}

// deployment renders a deployment resource linking link (the JSON of its
// templateLink) and passing patchMode, unless it is "".
func deployment(name, link, patchMode string) string {
	params := ""
	if patchMode != "" {
		params = fmt.Sprintf(`,
        "parameters": {"patchMode": {"value": %q}}`, patchMode)
	}
	return fmt.Sprintf(`{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": %q,
      "properties": {"mode": "Incremental", "templateLink": %s%s}}`, name, link, params)
}

// parentTemplate renders a quickstart-style parent holding deployments.
func parentTemplate(deployments ...string) string {
	return `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {
    "_artifactsLocation": {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]"},
    "_artifactsLocationSasToken": {"type": "securestring", "defaultValue": ""},
    "sas": {"type": "securestring", "defaultValue": "?sv=2022-11-02&sig=SECRET"}
  },
  "resources": [
    ` + strings.Join(deployments, ",\n    ") + `
  ]
}`
}

func linkedFindings(f report.File) (linked, unfollowed []model.Finding) {
	for _, x := range f.Findings {
		switch {
		case x.ResourceType == "Microsoft.Resources/deployments":
			unfollowed = append(unfollowed, x)
		case len(x.Via) > 0:
			linked = append(linked, x)
		}
	}
	return linked, unfollowed
}

// TestLinkResolution lints a parent template whose one deployment links
// a template in each way real templates do, and in the ways a hostile one
// could, and checks which are followed (the linked VM is checked with the
// patchMode the deployment passes) and which stay unknown (PC011, with the
// reason), within a time limit.
func TestLinkResolution(t *testing.T) {
	const limit = 2048 // --max-file-size for this test
	tests := []struct {
		name     string
		git      bool   // the tree is a repository (.git in repo/)
		link     string // templateLink JSON
		followed string // the linked file's path relative to repo/app, when followed
		reason   string // substring of the PC011 message, when not
	}{
		{name: "relativePath", link: `{"relativePath": "nested/vm.json"}`, followed: "nested/vm.json"},
		{name: "uri from _artifactsLocation", link: `{"uri": "[uri(parameters('_artifactsLocation'), concat('nested/vm.json', parameters('_artifactsLocationSasToken')))]"}`, followed: "nested/vm.json"},
		{name: "concat with a SAS token", link: `{"uri": "[concat(parameters('_artifactsLocation'), 'nested/vm.json', parameters('sas'))]"}`, followed: "nested/vm.json"},
		{name: "remote URL", link: `{"uri": "https://raw.githubusercontent.com/example/templates/main/vm.json"}`, reason: "at a remote URL patchcheck does not fetch (https://raw.githubusercontent.com/example/templates/main/vm.json)"},
		{name: "up to a sibling, outside any repository", link: `{"relativePath": "../shared/vm.json"}`, reason: "is outside the folder of"},
		{name: "up to a sibling in the repository", git: true, link: `{"relativePath": "../shared/vm.json"}`, followed: "../shared/vm.json"},
		{name: "uri up to a sibling in the repository", git: true, link: `{"uri": "[uri(parameters('_artifactsLocation'), '../shared/vm.json')]"}`, followed: "../shared/vm.json"},
		{name: "out of the repository", git: true, link: `{"relativePath": "../../outside/vm.json"}`, reason: "is outside the repository it belongs to"},
		{name: "uri out of the repository", git: true, link: `{"uri": "[concat(parameters('_artifactsLocation'), '../../outside/vm.json')]"}`, reason: "is outside the repository it belongs to"},
		{name: "etc/passwd", git: true, link: `{"relativePath": "../../../../../../../../../../etc/passwd"}`, reason: "is outside the repository"},
		{name: "uri to etc/passwd", git: true, link: `{"uri": "[uri(parameters('_artifactsLocation'), '../../../../../../../../../../etc/passwd')]"}`, reason: "is outside the repository"},
		{name: "local URI written by hand", link: `{"uri": "patchcheck-local://local/etc/passwd"}`, reason: "is outside the folder of"},
		{name: "symbolic link leading out", git: true, link: `{"relativePath": "nested/escape.json"}`, reason: "is a symbolic link that leads outside the repository"},
		{name: "symbolic link inside", git: true, link: `{"relativePath": "nested/inside.json"}`, followed: "nested/inside.json"},
		{name: "missing file", link: `{"relativePath": "nested/missing.json"}`, reason: "there is no file"},
		{name: "FIFO", link: `{"relativePath": "nested/fifo.json"}`, reason: "is a named pipe (FIFO), not a regular file"},
		{name: "folder", link: `{"relativePath": "nested"}`, reason: "is a folder, not a regular file"},
		{name: "over the size cap", link: `{"relativePath": "nested/big.json"}`, reason: "larger than the 2.0 KiB limit (--max-file-size)"},
		{name: "invalid JSON", link: `{"relativePath": "nested/broken.json"}`, reason: "is not valid JSON (line 1, column"},
		{name: "cycle", link: `{"relativePath": "nested/back.json"}`, reason: "which is being deployed already (a cycle)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top := t.TempDir()
			repo := filepath.Join(top, "repo")
			app := filepath.Join(repo, "app")
			if tt.git {
				if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			parent := filepath.Join(app, "azuredeploy.json")
			write(t, parent, parentTemplate(deployment("linked", tt.link, "Manual")))
			child := childVM("2022-03-01", "AutomaticByOS")
			write(t, filepath.Join(app, "nested", "vm.json"), child)
			write(t, filepath.Join(repo, "shared", "vm.json"), child)
			write(t, filepath.Join(top, "outside", "vm.json"), child)
			write(t, filepath.Join(app, "nested", "big.json"), child+strings.Repeat(" ", limit))
			write(t, filepath.Join(app, "nested", "broken.json"), `{"resources": [`)
			write(t, filepath.Join(app, "nested", "back.json"), parentTemplate(deployment("back", `{"relativePath": "../azuredeploy.json"}`, "Manual")))
			for name, target := range map[string]string{"escape.json": "../../../outside/vm.json", "inside.json": "../../shared/vm.json"} {
				if err := os.Symlink(target, filepath.Join(app, "nested", name)); err != nil {
					t.Fatal(err)
				}
			}
			fifo := filepath.Join(app, "nested", "fifo.json")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			t.Cleanup(func() {
				if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close()
				}
			})
			l, err := checker.New(context.Background(), checker.Options{Profile: "2021-02", Version: "test", MaxFileSize: limit})
			if err != nil {
				t.Fatal(err)
			}
			r := runWithin(t, l, []checker.Input{{Path: parent, Explicit: true}}, nil, 20*time.Second)
			if len(r.Files) != 1 || r.Files[0].Status != report.Checked {
				t.Fatalf("files %+v", r.Files)
			}
			f := r.Files[0]
			linked, unfollowed := linkedFindings(f)
			if tt.followed != "" {
				want := filepath.Join(app, filepath.FromSlash(tt.followed))
				if f.VMs != 1 || len(unfollowed) != 0 || len(f.Linked) != 1 || f.Linked[0] != want {
					t.Fatalf("%d VMs, linked %v (want %s), unfollowed %+v", f.VMs, f.Linked, want, unfollowed)
				}
				// Manual with enableAutomaticUpdates true: PC002, from the
				// value the deployment passes, in the linked file.
				var pc002 *model.Finding
				for i := range linked {
					if linked[i].RuleID == "PC002" {
						pc002 = &linked[i]
					}
				}
				if pc002 == nil || pc002.File != want || pc002.Via[0].File != parent || pc002.Via[0].Message != "deployment 'linked'" {
					t.Fatalf("want PC002 in %s via %s; findings %+v", want, parent, f.Findings)
				}
				return
			}
			if f.VMs != 0 || len(linked) != 0 || len(unfollowed) != 1 {
				t.Fatalf("%d VMs, linked findings %+v, unfollowed %+v", f.VMs, linked, unfollowed)
			}
			u := unfollowed[0]
			in, deployment := parent, "linked"
			if tt.name == "cycle" {
				// Followed once: the link back from the linked file is not.
				in, deployment = filepath.Join(app, "nested", "back.json"), "back"
			}
			if u.RuleID != "PC011" || u.Severity != model.Warning || !strings.Contains(u.Message, tt.reason) || u.File != in || u.Resource != deployment {
				t.Errorf("PC011 %+v, want a message containing %q", u, tt.reason)
			}
			if strings.Contains(u.Message, "SECRET") || strings.Contains(u.Message, "root:") {
				t.Errorf("message repeats a secret or a file's content: %s", u.Message)
			}
		})
	}
}

// TestManyLinks: a thousand deployments linking one template are checked
// promptly (the template is read once: TestLinkerReadsOnce), and links
// past arm.MaxLinkedTemplates make the input an error rather than an
// endless expansion.
func TestManyLinks(t *testing.T) {
	dir := t.TempDir()
	var deps []string
	for i := range 1000 {
		deps = append(deps, deployment(fmt.Sprintf("d%d", i), `{"relativePath": "nested/vm.json"}`, "AutomaticByPlatform"))
	}
	write(t, filepath.Join(dir, "azuredeploy.json"), parentTemplate(deps...))
	write(t, filepath.Join(dir, "nested", "vm.json"), childVM("2022-03-01", "AutomaticByOS"))
	l := newLinter(t, "2021-02")
	r := runWithin(t, l, []checker.Input{{Path: filepath.Join(dir, "azuredeploy.json"), Explicit: true}}, nil, 60*time.Second)
	f := r.Files[0]
	if f.Status != report.Checked || f.VMs != 1000 || len(f.Linked) != 1 {
		t.Fatalf("status %s, %d VMs, linked %v", f.Status, f.VMs, f.Linked)
	}

	// Five deployments per file, seven files deep: 5^6 paths to the VM.
	for i := range 6 {
		var deps []string
		for j := range 5 {
			deps = append(deps, deployment(fmt.Sprintf("l%d", j), fmt.Sprintf(`{"relativePath": "t%d.json"}`, i+1), "AutomaticByPlatform"))
		}
		write(t, filepath.Join(dir, fmt.Sprintf("t%d.json", i)), parentTemplate(deps...))
	}
	write(t, filepath.Join(dir, "t6.json"), childVM("2022-03-01", "AutomaticByOS"))
	r = runWithin(t, l, []checker.Input{{Path: filepath.Join(dir, "t0.json"), Explicit: true}}, nil, 60*time.Second)
	if f := r.Files[0]; f.Status != report.Errored || !strings.Contains(f.Error.Message, "follows at most 4096 linked templates") {
		t.Errorf("status %s, error %+v", f.Status, f.Error)
	}
}

// TestLinkedFindingsInTheReport: findings reached through a link are
// listed with the input that links them, name the linked file and the
// deployment; those of a deployment that passes no value are what the
// linked file's own check says, and are listed once; the summary counts
// inputs only.
func TestLinkedFindingsInTheReport(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "azuredeploy.json")
	child := filepath.Join(dir, "nested", "vm.json")
	// API 2020-06-01 gives PC004 (a warning for Windows under 2021-02)
	// from a literal. Two deployments pass Manual, which contradicts
	// enableAutomaticUpdates (PC002); two pass nothing.
	write(t, parent, parentTemplate(
		deployment("first", `{"relativePath": "nested/vm.json"}`, "Manual"),
		deployment("second", `{"relativePath": "nested/vm.json"}`, "Manual"),
		deployment("plain", `{"relativePath": "nested/vm.json"}`, ""),
		deployment("plain2", `{"relativePath": "nested/vm.json"}`, ""),
	))
	write(t, child, childVM("2020-06-01", "AutomaticByOS"))
	l := newLinter(t, "2021-02")

	count := func(f report.File, rule string, via bool) int {
		n := 0
		for _, x := range f.Findings {
			if x.RuleID == rule && (len(x.Via) > 0) == via {
				n++
			}
		}
		return n
	}
	t.Run("folder", func(t *testing.T) {
		r := runWithin(t, l, checker.Discover([]string{dir}), nil, 20*time.Second)
		if s := r.Summarize(); s.Files != 2 || s.Checked != 2 || s.VMs != 5 {
			t.Errorf("summary %+v: want 2 files (the inputs) and 5 VMs (one on its own, four through links)", s)
		}
		p, c := fileByPath(t, r, parent), fileByPath(t, r, child)
		// The linked file on its own: its default AutomaticByOS (PC007)
		// and the old API (PC004).
		if count(c, "PC004", false) != 1 || count(c, "PC007", false) != 1 || len(c.Findings) != 2 {
			t.Errorf("linked file on its own: %s", ruleIDs(c))
		}
		// Through first and second, which pass Manual: PC002, PC004 and
		// PC007 each; through plain and plain2 nothing the file's own
		// check does not say.
		if count(p, "PC002", true) != 2 || count(p, "PC004", true) != 2 || count(p, "PC007", true) != 2 || len(p.Findings) != 6 {
			t.Errorf("parent: %s", ruleIDs(p))
		}
		for _, x := range p.Findings {
			if x.File != child || len(x.Via) != 1 || x.Via[0].File != parent || x.Line == 0 {
				t.Errorf("finding %+v: want it in %s via %s", x, child, parent)
			}
			if x.RuleID == "PC007" && (len(x.Related) == 0 || x.Related[0].File != parent || !strings.Contains(x.Related[0].Message, "passed by deployment")) {
				t.Errorf("finding %+v: want the value's place in the parent", x)
			}
		}
		if via := p.Findings[0].Via[0].Message; via != "deployment 'first'" {
			t.Errorf("first finding via %s, want deployment 'first' (findings in deployment order)", via)
		}
	})
	t.Run("parent alone", func(t *testing.T) {
		r := runWithin(t, l, []checker.Input{{Path: parent, Explicit: true}}, nil, 20*time.Second)
		p := r.Files[0]
		// The linked file is not an input: its own findings are reported
		// through plain only, once.
		if len(r.Files) != 1 || count(p, "PC004", true) != 3 || count(p, "PC007", true) != 3 || count(p, "PC002", true) != 2 {
			t.Errorf("files %d, parent: %s", len(r.Files), ruleIDs(p))
		}
		for _, x := range p.Findings {
			if x.Via[0].Message == "deployment 'plain2'" {
				t.Errorf("plain2 repeats plain: %+v", x)
			}
		}
	})
	t.Run("inline waiver in the linked file", func(t *testing.T) {
		dir := t.TempDir()
		parent := filepath.Join(dir, "azuredeploy.json")
		// The parent's deployment and the linked VM share the pointer
		// /resources/0: a waiver is the linked VM's only if it is in the
		// linked file.
		write(t, parent, parentTemplate(deployment("first", `{"relativePath": "nested/vm.json"}`, "Manual")))
		write(t, filepath.Join(dir, "nested", "vm.json"), strings.Replace(childVM("2022-03-01", "AutomaticByOS"), `"name": "[parameters('vmName')]",`,
			`"name": "[parameters('vmName')]", "metadata": {"patchcheck": {"waivers": [{"rule": "PC002", "reason": "moving to AutomaticByPlatform", "expires": "2999-01-01"}]}},`, 1))
		r := runWithin(t, l, []checker.Input{{Path: parent, Explicit: true}}, nil, 20*time.Second)
		n := 0
		for _, x := range r.Files[0].Findings {
			switch {
			case x.RuleID == "PC002" && (x.Suppression == nil || x.Suppression.Kind != "inSource" || !strings.HasPrefix(x.Suppression.Where, filepath.Join(dir, "nested", "vm.json")+":")):
				t.Errorf("PC002 not waived by the linked file's inline waiver: %+v", x.Suppression)
			case x.RuleID == "PC002":
				n++
			case x.Suppression != nil:
				t.Errorf("%s waived: %+v", x.RuleID, x.Suppression)
			}
		}
		if n != 1 {
			t.Errorf("%d PC002 findings: %s", n, ruleIDs(r.Files[0]))
		}
	})
	t.Run("waivers", func(t *testing.T) {
		cfgPath := filepath.Join(dir, ".patchcheck.yaml")
		write(t, cfgPath, "waivers:\n  - rule: PC002\n    path: nested/vm.json\n    reason: moving to AutomaticByPlatform\n    expires: \"2999-01-01\"\n")
		t.Cleanup(func() { os.Remove(cfgPath) })
		cfg, err := config.Load(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		l, err := checker.New(context.Background(), checker.Options{Profile: "2021-02", Version: "test", Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		r := runWithin(t, l, []checker.Input{{Path: parent, Explicit: true}}, nil, 20*time.Second)
		if count(r.Files[0], "PC002", true) != 2 {
			t.Fatalf("findings %s", ruleIDs(r.Files[0]))
		}
		for _, x := range r.Files[0].Findings {
			if x.RuleID == "PC002" && x.Suppression == nil {
				t.Errorf("PC002 in the linked file is not waived by a waiver on its path: %+v", x)
			}
		}
	})
}

// TestLinkedVMsMeetTheirBaseline: a VM deployed through a link is judged
// against the deployed VM of the name the deployment gives it.
func TestLinkedVMsMeetTheirBaseline(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "app", "azuredeploy.json")
	write(t, parent, parentTemplate(strings.Replace(deployment("web", `{"relativePath": "nested/vm.json"}`, "AutomaticByPlatform"),
		`"parameters": {`, `"parameters": {"vmName": {"value": "web-01"}, `, 1)))
	write(t, filepath.Join(dir, "app", "nested", "vm.json"), childVM("2022-03-01", "AutomaticByOS"))
	deployed := filepath.Join(dir, "deployed.json")
	write(t, deployed, `[{"name": "web-01", "type": "Microsoft.Compute/virtualMachines", "osProfile": {"windowsConfiguration": {"enableAutomaticUpdates": false, "patchSettings": {"patchMode": "Manual"}}}}]`)
	l, err := checker.New(context.Background(), checker.Options{Profile: "2021-02", Version: "test", Baseline: []string{deployed}})
	if err != nil {
		t.Fatal(err)
	}
	r := runWithin(t, l, []checker.Input{{Path: parent, Explicit: true}}, nil, 20*time.Second)
	if ids := ruleIDs(r.Files[0]); !strings.Contains(ids, "PC009") {
		t.Errorf("want PC009 (Manual deployed, AutomaticByPlatform passed through the link), got %s", ids)
	}
}

// TestLinkedLongValuesAreClipped: a huge value of a linked template is
// quoted in a finding's message only up to a bound, as the input's are.
func TestLinkedLongValuesAreClipped(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "azuredeploy.json")
	write(t, parent, parentTemplate(deployment("first", `{"relativePath": "nested/vm.json"}`, "")))
	write(t, filepath.Join(dir, "nested", "vm.json"), childVM("2022-03-01", strings.Repeat("AB ", 1<<18)))
	r := runWithin(t, newLinter(t, "2021-02"), []checker.Input{{Path: parent, Explicit: true}}, nil, 20*time.Second)
	found := false
	for _, x := range r.Files[0].Findings {
		if len(x.Message) > 1200 {
			t.Errorf("%s message is %d bytes long: %.300s", x.RuleID, len(x.Message), x.Message)
		}
		found = found || (len(x.Via) == 1 && strings.Contains(x.Message, "…"))
	}
	if !found {
		t.Errorf("no clipped message through the link: [%s]", ruleIDs(r.Files[0]))
	}
}
