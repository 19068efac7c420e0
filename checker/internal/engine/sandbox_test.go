package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/checker/internal/engine"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
)

// userRule is a user policy (package patchcheck.rules.<pkg>) whose deny
// rule has the given body and reports msg as its message.
func userRule(pkg, id, meta, body string) string {
	return "package patchcheck.rules." + pkg + `

# METADATA
# title: t
# description: d
# custom:
#   id: ` + id + `
#   severity: warning
#   remediation: r
` + meta + `deny contains f if {
` + body + `
}
`
}

// writeFiles writes name -> content under a new temporary folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// anyVM is a VM every rule evaluates.
func anyVM() model.VM {
	return model.VM{
		Kind: model.KindVM, Name: "web", Type: "Microsoft.Compute/virtualMachines",
		Loc:              model.Loc{Pointer: "/resources/0", Line: 4, Column: 5},
		OS:               model.OS{Value: "linux", Source: "osProfile.linuxConfiguration"},
		PatchMode:        model.Fact{State: model.Literal, Value: "Manual", Property: "patchMode"},
		APIVersion:       model.APIVersion{Fact: model.Fact{State: model.Absent}},
		Image:            model.Image{Kind: model.ImageNone},
		ProvisionVMAgent: model.Fact{State: model.Default, Value: true},
	}
}

// lintWith adds the user policy folder dir to the built-in policies and
// evaluates one VM: the error of whichever step refused, or the findings.
func lintWith(ctx context.Context, t *testing.T, dir string) ([]model.Finding, error) {
	t.Helper()
	p := load(t)
	if err := p.AddDir(dir); err != nil {
		return nil, err
	}
	e, err := engine.New(ctx, p, "2021-02")
	if err != nil {
		return nil, err
	}
	return e.Evaluate(ctx, "vm.json", []model.VM{anyVM()})
}

// TestSchemaRefsStayInside: json.match_schema and json.verify_schema resolve
// $ref over HTTP and from local files. A user policy that tries either must
// be refused (or evaluate without any request or read): the loopback server
// counts requests, and the secret file's content must appear nowhere.
func TestSchemaRefsStayInside(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"type": "string", "enum": ["FROM-THE-NETWORK"]}`))
	}))
	defer srv.Close()
	secretDir := writeFiles(t, map[string]string{"secret.json": `{"type": "string", "enum": ["TOP-SECRET"]}`})
	fileRef := "file://" + filepath.ToSlash(filepath.Join(secretDir, "secret.json"))
	httpRef := srv.URL + "/schema.json"
	for _, tc := range []struct{ name, call string }{
		{"match_schema http", `json.match_schema("\"nope\"", {"$ref": "` + httpRef + `"})`},
		{"verify_schema http", `json.verify_schema({"$ref": "` + httpRef + `"})`},
		{"match_schema string schema http", `json.match_schema("\"nope\"", "{\"$ref\": \"` + httpRef + `\"}")`},
		{"match_schema file", `json.match_schema("\"nope\"", {"$ref": "` + fileRef + `"})`},
		{"verify_schema file", `json.verify_schema({"$ref": "` + fileRef + `"})`},
		// The schema comes from the input: the name of a resource.
		{"match_schema ref from input", `json.match_schema("\"nope\"", {"$ref": concat("", ["` + srv.URL + `/", input.vm.name])})`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := requests.Load()
			dir := writeFiles(t, map[string]string{"evil.rego": userRule("evil", "EVIL1", "",
				"\tr := "+tc.call+"\n\tf := {\"at\": \"vm\", \"message\": sprintf(\"%v\", [r])}")})
			findings, err := lintWith(context.Background(), t, dir)
			if got := requests.Load() - before; got != 0 {
				t.Errorf("the policy made %d request(s) to the loopback server", got)
			}
			for _, f := range findings {
				if strings.Contains(f.Message, "TOP-SECRET") || strings.Contains(f.Message, "FROM-THE-NETWORK") {
					t.Errorf("a finding carries what the $ref loaded: %s", f.Message)
				}
			}
			if err == nil {
				t.Fatalf("the policy compiled and ran (findings %#v); want it refused as using an unavailable built-in", findings)
			}
			if msg := err.Error(); !strings.Contains(msg, "evil.rego") || !strings.Contains(msg, "undefined function json.") {
				t.Errorf("error %q: want the policy file named and the built-in refused as undefined", msg)
			}
		})
	}
}

// TestSchemaAnnotationsNeverLoaded: a METADATA schema with a file $ref is
// never resolved (type checking against annotations is off), so compiling
// a user policy cannot read a file or block on a FIFO.
func TestSchemaAnnotationsNeverLoaded(t *testing.T) {
	dir := writeFiles(t, map[string]string{"ann.rego": userRule("ann", "ANN1",
		"# schemas:\n#   - input: {\"$ref\": \"file:///nonexistent/patchcheck/schema.json\"}\n",
		"\tinput.vm.name == \"nope\"\n\tf := {\"at\": \"vm\", \"message\": \"m\"}")})
	if _, err := lintWith(context.Background(), t, dir); err != nil {
		t.Fatalf("a policy with a schema annotation: %v", err)
	}
}

// TestRefusedBuiltinsUndefined: every built-in the review refuses (the
// network, files, the clock, random numbers) is undefined for policies.
func TestRefusedBuiltinsUndefined(t *testing.T) {
	p := load(t)
	refused := 0
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		r, ok := policies.ReviewedBuiltins()[b.Name]
		if !ok || r.Allowed || b.Infix != "" {
			continue
		}
		refused++
		extra, err := parseModule("package patchcheck.rules.evil\nx := " + b.Name + "()")
		if err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		_, err = p.Compile(extra)
		if err == nil || !strings.Contains(err.Error(), "undefined function "+b.Name) {
			t.Errorf("%s: compile error %v, want undefined function", b.Name, err)
		}
	}
	if refused < 10 {
		t.Errorf("only %d refused built-ins checked", refused)
	}
}

// TestCapabilitiesHoldAtLoad: the engine refuses a capabilities file that
// lets policies reach any host or call a built-in the review refuses, so a
// badly regenerated file cannot open the sandbox.
func TestCapabilitiesHoldAtLoad(t *testing.T) {
	embedded, err := fs.ReadFile(policies.FS(), "capabilities.json")
	if err != nil {
		t.Fatal(err)
	}
	variant := func(change func(caps map[string]any)) string {
		var caps map[string]any
		if err := json.Unmarshal(embedded, &caps); err != nil {
			t.Fatal(err)
		}
		change(caps)
		data, err := json.Marshal(caps)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	addBuiltin := func(name string) func(map[string]any) {
		return func(caps map[string]any) {
			caps["builtins"] = append(caps["builtins"].([]any), map[string]any{"name": name,
				"decl": map[string]any{"type": "function", "args": []any{}, "result": map[string]any{"type": "any"}}})
		}
	}
	for _, tc := range []struct {
		name, caps, wantErr string
	}{
		{"no allow_net", variant(func(caps map[string]any) { delete(caps, "allow_net") }), "allow_net"},
		{"a host", variant(func(caps map[string]any) { caps["allow_net"] = []any{"example.com"} }), "allow_net"},
		{"http.send", variant(addBuiltin("http.send")), "http.send"},
		{"unreviewed", variant(addBuiltin("made.up")), "made.up"},
		{"embedded", string(embedded), ""},
	} {
		_, err := engine.Load(overlay{"capabilities.json": tc.caps})
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: got %v, want an error naming %s", tc.name, err, tc.wantErr)
		}
	}
}

// overlay serves the embedded policies with some files replaced.
type overlay map[string]string

func (o overlay) Open(name string) (fs.File, error) {
	if content, ok := o[name]; ok {
		return fstest.MapFS{name: {Data: []byte(content)}}.Open(name)
	}
	return policies.FS().Open(name)
}

// TestBuiltinPackagesAndIDsReserved: a user module may not define a package
// of the built-in policies (which would merge with it: a narrower custom.reads
// switches PC001 off), patchcheck.lib or anything under it, a package that
// contains a built-in one, nor take a built-in rule's ID. Each refusal names
// the file and the line.
func TestBuiltinPackagesAndIDsReserved(t *testing.T) {
	ok := "\tinput.profile == \"none\"\n\tf := {\"at\": \"vm\", \"message\": \"m\"}"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // in the error; "" = accepted
	}{
		{"own package and ID", map[string]string{"mine.rego": userRule("mine", "ORG001", "", ok)}, ""},
		{"PC001 replaced", map[string]string{"pc001.rego": userRule("pc001", "PC001", "#   reads: [os]\n", ok)},
			"pc001.rego:1: package patchcheck.rules.pc001 belongs to the built-in policies"},
		{"built-in package, own ID", map[string]string{"x.rego": userRule("pc004", "ORG004", "", ok)},
			"x.rego:1: package patchcheck.rules.pc004 belongs to the built-in policies"},
		{"inside a built-in package", map[string]string{"x.rego": userRule("pc001.extra", "ORG005", "", ok)},
			"x.rego:1: package patchcheck.rules.pc001.extra belongs to the built-in policies"},
		{"lib", map[string]string{"lib.rego": "package patchcheck.lib\n\nprofile := {}\n"},
			"lib.rego:1: package patchcheck.lib belongs to the built-in policies"},
		{"lib test", map[string]string{"mine.rego": userRule("mine", "ORG001", "", ok), "lib_test.rego": "package patchcheck.lib.more_test\n\ntest_x if true\n"},
			"lib_test.rego:1: package patchcheck.lib.more_test belongs to the built-in policies"},
		{"built-in test package", map[string]string{"mine.rego": userRule("mine", "ORG001", "", ok), "fx_test.rego": "package patchcheck.test.fixtures\n\nwindows_vm := {}\n"},
			"fx_test.rego:1: package patchcheck.test.fixtures belongs to the built-in policies"},
		{"around built-in packages", map[string]string{"mine.rego": userRule("mine", "ORG001", "", ok), "up_test.rego": "package patchcheck\n\nprofiles := {}\n"},
			"up_test.rego:1: package patchcheck holds built-in policies"},
		{"generated entry points", map[string]string{"mine.rego": userRule("mine", "ORG001", "", ok), "e_test.rego": "package patchcheck.entry.g0\n\nfindings := set()\n"},
			"e_test.rego:1: package patchcheck.entry.g0 belongs to the built-in policies"},
		{"quoted package", map[string]string{"q.rego": strings.Replace(userRule("x", "ORG006", "", ok), "patchcheck.rules.x", `patchcheck["rules"].pc001`, 1)},
			"q.rego:1: package patchcheck.rules.pc001 belongs to the built-in policies"},
		{"built-in ID", map[string]string{"id.rego": userRule("mine", "PC001", "", ok)},
			"id.rego:7: custom.id PC001 is the ID of a built-in rule"},
		{"built-in ID, other case", map[string]string{"id.rego": userRule("mine", "pc003", "", ok)},
			"id.rego:7: custom.id pc003 is the ID of a built-in rule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			_, err := lintWith(context.Background(), t, dir)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == "":
			case err == nil:
				t.Fatalf("accepted; want %q", tc.want)
			case !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestEvaluationStops: a rule that would run for hours stops when its
// context ends, saying why (the cause of the context: a time-out, an
// interrupt) and which rule was being evaluated, never a built-in's own
// time-out message.
func TestEvaluationStops(t *testing.T) {
	// 10^10 iterations that build nothing, so memory stays flat.
	slow := "\tcount([1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); i == j + 100001]) > 0\n\tf := {\"at\": \"vm\", \"message\": \"m\"}"
	// The same with the ranges built once: the evaluator's own check stops it.
	loop := "\tr := numbers.range(1, 100000)\n\tcount([1 | some i in r; some j in r; i == j + 100001]) > 0\n\tf := {\"at\": \"vm\", \"message\": \"m\"}"
	// numbers.range(1, 1e10) is a built-in that checks cancellation itself.
	big := "\tcount(numbers.range(1, 10000000000)) > 0\n\tf := {\"at\": \"vm\", \"message\": \"m\"}"
	timeout := errors.New("the run took longer than --timeout 1s")
	for _, tc := range []struct {
		name, body string
		stop       func(context.Context) (context.Context, context.CancelFunc)
		want       string
	}{
		{"time-out", slow, func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeoutCause(ctx, 300*time.Millisecond, timeout)
		}, "stopped: the run took longer than --timeout 1s"},
		{"time-out in the evaluator", loop, func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeoutCause(ctx, 300*time.Millisecond, timeout)
		}, "stopped: the run took longer than --timeout 1s"},
		{"interrupt", slow, func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancelCause(ctx)
			time.AfterFunc(300*time.Millisecond, func() { cancel(errors.New("interrupt signal received")) })
			return ctx, func() { cancel(nil) }
		}, "stopped: interrupt signal received"},
		{"interrupt without cause", slow, func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(300*time.Millisecond, cancel)
			return ctx, cancel
		}, "stopped: interrupted"},
		{"built-in's own check", big, func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeoutCause(ctx, 300*time.Millisecond, timeout)
		}, "stopped: the run took longer than --timeout 1s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"slow.rego": userRule("slow", "SLOW1", "", tc.body)})
			p := load(t)
			if err := p.AddDir(dir); err != nil {
				t.Fatal(err)
			}
			e, err := engine.New(context.Background(), p, "2021-02")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := tc.stop(context.Background())
			defer cancel()
			start := time.Now()
			_, err = e.Evaluate(ctx, "vm.json", []model.VM{anyVM()})
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %s to stop", took)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "rule SLOW1 (package patchcheck.rules.slow, ") ||
				!strings.Contains(err.Error(), "slow.rego) on VM web") {
				t.Fatalf("error %v, want it to name rule SLOW1 of slow.rego, VM web and %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "timed out before generating") {
				t.Errorf("error %q carries the built-in's own time-out message", err)
			}
			if !errors.Is(err, engine.ErrStopped) {
				t.Errorf("error %q is not engine.ErrStopped", err)
			}
		})
	}
}

// TestRuleForIgnoresUserRules: Go code that reports for a built-in rule
// (the configuration's expired waivers) finds it by custom.applies; a
// user's rule that declares the same applies, with an ID that sorts first,
// must not take its place.
func TestRuleForIgnoresUserRules(t *testing.T) {
	dir := writeFiles(t, map[string]string{"mine.rego": userRule("aaa_waivers", "AAA1", "#   applies: waiverProblems\n",
		"\tsome problem in input.vm.waiverProblems\n\tf := {\"at\": \"vm\", \"message\": problem.message}")})
	p := load(t)
	if err := p.AddDir(dir); err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(context.Background(), p, "2021-02")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := e.RuleFor("waiverProblems"); !ok || r.ID != "PC022" {
		t.Errorf("RuleFor(waiverProblems) = %q, %v; want PC022", r.ID, ok)
	}
	if _, ok := e.RuleFor("nothing"); ok {
		t.Error("RuleFor(nothing) found a rule")
	}
}
