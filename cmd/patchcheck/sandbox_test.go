package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// linuxManualVM breaks PC001 (Manual is a Windows mode).
const linuxManualVM = `{"resources": [{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2021-03-01", "name": "web",
  "properties": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "Manual"}}},
  "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}]}
`

// policy is a user rule module with the given package, ID, extra METADATA
// lines and deny body.
func policy(pkg, id, meta, body string) string {
	return "package patchcheck.rules." + pkg + "\n\n# METADATA\n# title: t\n# description: d\n# custom:\n#   id: " + id +
		"\n#   severity: warning\n#   remediation: r\n" + meta + "deny contains f if {\n" + body + "\n}\n"
}

// tree writes files (name -> content) under a new folder and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lintIn runs patchcheck lint with args in dir and returns the exit code
// and everything it wrote.
func lintIn(ctx context.Context, t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	t.Chdir(dir)
	var out bytes.Buffer
	code := run(ctx, append([]string{"lint"}, args...), strings.NewReader(""), &out, &out)
	return code, out.String()
}

// TestUserPoliciesStayInTheirSandbox: a user policy can neither reach the
// network or files through a schema $ref, nor replace a built-in rule,
// whether it comes from --policy or from the policies: of a parent
// .patchcheck.yaml. Each is refused with exit 2, naming the file.
func TestUserPoliciesStayInTheirSandbox(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Write([]byte(`{"enum": ["FROM-THE-NETWORK"]}`))
	}))
	defer srv.Close()
	secret := filepath.Join(tree(t, map[string]string{"secret.json": `{"enum": ["TOP-SECRET"]}`}), "secret.json")
	leak := func(ref string) string {
		return `	r := json.match_schema("\"nope\"", {"$ref": "` + ref + `"})
	f := {"at": "vm", "message": sprintf("%v", [r])}`
	}
	quiet := `	input.profile == "none"
	f := {"at": "vm", "message": "m"}`
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string
		cwd   string // relative to the tree; "" = its root
		want  []string
	}{
		{"schema $ref over HTTP", map[string]string{"org/evil.rego": policy("evil", "ORG1", "", leak(srv.URL+"/x"))},
			[]string{"--policy", "org", "vm.json"}, "", []string{"org/evil.rego:11: rego_type_error: undefined function json.match_schema"}},
		{"schema $ref to a file", map[string]string{"org/evil.rego": policy("evil", "ORG1", "", leak("file://"+filepath.ToSlash(secret)))},
			[]string{"--policy", "org", "vm.json"}, "", []string{"org/evil.rego:11: rego_type_error: undefined function json.match_schema"}},
		{"PC001 replaced through --policy", map[string]string{"org/pc001.rego": policy("pc001", "PC001", "#   reads: [os]\n", quiet)},
			[]string{"--policy", "org", "vm.json"}, "", []string{"org/pc001.rego:1: package patchcheck.rules.pc001 belongs to the built-in policies"}},
		{"PC001 replaced through a parent .patchcheck.yaml", map[string]string{
			".patchcheck.yaml": "policies: [org]\n", "org/pc001.rego": policy("pc001", "PC001", "#   reads: [os]\n", quiet),
			"infra/vm.json": linuxManualVM,
		}, []string{"vm.json"}, "infra", []string{"org/pc001.rego:1: package patchcheck.rules.pc001 belongs to the built-in policies"}},
		{"a built-in rule's ID", map[string]string{"org/mine.rego": policy("mine", "PC001", "", quiet)},
			[]string{"--policy", "org", "vm.json"}, "", []string{"org/mine.rego:7: custom.id PC001 is the ID of a built-in rule"}},
		{"the library", map[string]string{"org/lib.rego": "package patchcheck.lib\n\nprofile := {}\n"},
			[]string{"--policy", "org", "vm.json"}, "", []string{"org/lib.rego:1: package patchcheck.lib belongs to the built-in policies"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"vm.json": linuxManualVM}
			for k, v := range tc.files {
				files[k] = v
			}
			root := tree(t, files)
			before := requests.Load()
			code, out := lintIn(context.Background(), t, filepath.Join(root, tc.cwd), tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; output:\n%s", code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(filepath.ToSlash(out), w) {
					t.Errorf("output does not say %q:\n%s", w, out)
				}
			}
			if n := requests.Load() - before; n != 0 {
				t.Errorf("%d request(s) reached the loopback server", n)
			}
			if strings.Contains(out, "TOP-SECRET") || strings.Contains(out, "FROM-THE-NETWORK") {
				t.Errorf("the output carries what a $ref loaded:\n%s", out)
			}
		})
	}
}

// slowPolicy would run 10^10 iterations (building nothing, so memory stays
// flat).
var slowPolicy = map[string]string{"org/slow.rego": policy("slow", "SLOW1", "",
	"\tr := numbers.range(1, 100000)\n\tcount([1 | some i in r; some j in r; i == j + 100001]) > 0\n\tf := {\"at\": \"vm\", \"message\": \"m\"}")}

// TestLintTimeouts: a rule that runs away is stopped by --timeout (or
// --file-timeout), within a few seconds, with exit 2 naming the template,
// the rule and the limit.
func TestLintTimeouts(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"--timeout", []string{"--timeout", "2s"}, []string{
			"vm.json", "rule SLOW1 (package patchcheck.rules.slow, org/slow.rego) on VM web: stopped: the run took longer than --timeout 2s"}},
		{"--file-timeout", []string{"--file-timeout", "1s", "--format", "json"}, []string{
			"patchcheck: vm.json: rule SLOW1 (package patchcheck.rules.slow, org/slow.rego) on VM web: stopped: evaluating the file took longer than --file-timeout 1s",
			"patchcheck: other.json: rule SLOW1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"vm.json": linuxManualVM, "other.json": linuxManualVM}
			for k, v := range slowPolicy {
				files[k] = v
			}
			root := tree(t, files)
			start := time.Now()
			code, out := lintIn(context.Background(), t, root, append(tc.args, "--policy", "org", "vm.json", "other.json")...)
			if took := time.Since(start); took > 15*time.Second {
				t.Errorf("took %s", took)
			}
			if code != 2 {
				t.Errorf("exit %d, want 2; output:\n%s", code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(filepath.ToSlash(out), w) {
					t.Errorf("output does not say %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "timed out before generating") {
				t.Errorf("the output carries a built-in's own time-out message:\n%s", out)
			}
		})
	}
	if code, out := lintIn(context.Background(), t, t.TempDir(), "--timeout", "-1s", "x.json"); code != 2 || !strings.Contains(out, "--timeout -1s") {
		t.Errorf("a negative --timeout: exit %d, output %q", code, out)
	}
}

// TestLintInterrupted: an interrupt signal, caught the way main catches it,
// stops a runaway rule with exit 2, and the output says "interrupted", not
// that anything timed out.
func TestLintInterrupted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no way to send os.Interrupt to the own process")
	}
	files := map[string]string{"vm.json": linuxManualVM}
	for k, v := range slowPolicy {
		files[k] = v
	}
	root := tree(t, files)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(time.Second, func() {
		if err := self.Signal(os.Interrupt); err != nil {
			t.Errorf("send interrupt: %v", err)
		}
	})
	defer timer.Stop()
	start := time.Now()
	code, out := lintIn(ctx, t, root, "--policy", "org", "vm.json")
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("took %s", took)
	}
	if code != 2 || !strings.Contains(out, "interrupted (interrupt signal received)") || !strings.Contains(out, "vm.json") {
		t.Errorf("exit %d, output:\n%s\nwant exit 2 and vm.json interrupted", code, out)
	}
	if strings.Contains(out, "timed out") || strings.Contains(out, "took longer") {
		t.Errorf("an interrupt reported as a time-out:\n%s", out)
	}
}
