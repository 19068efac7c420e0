package report_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

// sarifSchemas compiles the schemas SARIF output is validated against,
// with format checks: the subset of SARIF 2.1.0 patchcheck writes
// (testdata, written for these tests) and, when PATCHCHECK_SARIF_SCHEMA
// names a copy of it, the OASIS schema itself
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json).
func sarifSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	files := map[string]string{"subset": filepath.Join("testdata", "sarif-2.1.0-subset.schema.json")}
	if p := os.Getenv("PATCHCHECK_SARIF_SCHEMA"); p != "" {
		files["OASIS"] = p
	}
	out := map[string]*jsonschema.Schema{}
	for name, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("the %s SARIF schema: %v", name, err)
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat = true
		url := "file:///" + filepath.ToSlash(filepath.Base(path))
		if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
			t.Fatalf("the %s SARIF schema: %v", name, err)
		}
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("the %s SARIF schema: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// sarifDoc is what the tests read back from SARIF.
type sarifDoc struct {
	Runs []struct {
		OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds"`
		Tool               struct {
			Driver struct {
				Rules []struct {
					ID      string `json:"id"`
					HelpURI string `json:"helpUri"`
					Help    struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			WorkingDirectory           sarifArtifact `json:"workingDirectory"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []sarifLocation `json:"locations"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID              string            `json:"ruleId"`
			Level               string            `json:"level"`
			Locations           []sarifLocation   `json:"locations"`
			RelatedLocations    []sarifLocation   `json:"relatedLocations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn"`
			EndLine     int `json:"endLine"`
			EndColumn   int `json:"endColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

// uriReference is RFC 3986's URI-reference, as far as patchcheck writes
// them: path characters, percent-encoded bytes, and nothing that starts a
// query or a fragment.
var uriReference = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*:)?([A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-F]{2})*$`)

// checkSARIF validates SARIF output against the schemas and the rules the
// schemas cannot say: every uri is an RFC 3986 reference without query or
// fragment, relative ones are relative to %SRCROOT% (which the run and its
// invocation name), regions stay on one line and end at or after their
// start, every result has patchcheck's fingerprint.
func checkSARIF(t *testing.T, schemas map[string]*jsonschema.Schema, out []byte) sarifDoc {
	t.Helper()
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	for name, s := range schemas {
		if err := s.Validate(v); err != nil {
			t.Errorf("invalid against the %s SARIF schema: %#v", name, err)
		}
	}
	var doc sarifDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for _, run := range doc.Runs {
		root := run.OriginalURIBaseIDs["%SRCROOT%"].URI
		if root == "" || !strings.HasSuffix(root, "/") || run.Invocations[0].WorkingDirectory.URI != root {
			t.Errorf("%%SRCROOT%% %q, working directory %q: want one file: URI ending in /", root, run.Invocations[0].WorkingDirectory.URI)
		}
		var locs []sarifLocation
		for _, res := range run.Results {
			locs = append(append(locs, res.Locations...), res.RelatedLocations...)
			if len(res.PartialFingerprints["patchcheck/v1"]) != 32 {
				t.Errorf("result %s without a fingerprint", res.RuleID)
			}
		}
		for _, n := range run.Invocations[0].ToolExecutionNotifications {
			locs = append(locs, n.Locations...)
		}
		for _, l := range locs {
			a := l.PhysicalLocation.ArtifactLocation
			if !uriReference.MatchString(a.URI) {
				t.Errorf("uri %q is not a URI reference without query or fragment", a.URI)
			}
			u, err := url.Parse(a.URI)
			switch {
			case err != nil:
				t.Errorf("uri %q: %v", a.URI, err)
			case u.IsAbs() && (a.URIBaseID != "" || u.Scheme != "file"):
				t.Errorf("absolute uri %q with base %q: want a file: URI without base", a.URI, a.URIBaseID)
			case !u.IsAbs() && a.URI != "stdin" && a.URIBaseID != "%SRCROOT%":
				t.Errorf("relative uri %q without %%SRCROOT%%", a.URI)
			}
			if r := l.PhysicalLocation.Region; r != nil && (r.EndLine != r.StartLine || r.EndColumn < r.StartColumn || r.StartColumn < 1) {
				t.Errorf("region %+v of %s: want one line, end at or after start", *r, a.URI)
			}
		}
	}
	return doc
}

func formatSARIF(t *testing.T, r *report.Report) []byte {
	t.Helper()
	f, err := report.New("sarif", report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSARIFValidates: the bundled examples' SARIF, in both profiles,
// passes the schemas and the rules of checkSARIF; patchcheck's own rules
// link to their section of docs/rules.md and carry their help.
func TestSARIFValidates(t *testing.T) {
	schemas := sarifSchemas(t) // before lintBundled moves to the repository root
	for _, profile := range []string{"2021-02", "current"} {
		t.Run(profile, func(t *testing.T) {
			doc := checkSARIF(t, schemas, formatSARIF(t, lintBundled(t, profile)))
			run := doc.Runs[0]
			if len(run.Results) < 5 {
				t.Fatalf("%d results", len(run.Results))
			}
			for _, rule := range run.Tool.Driver.Rules {
				if rule.HelpURI != report.RuleHelpURI(rule.ID) || !strings.HasSuffix(rule.HelpURI, "/docs/rules.md#"+strings.ToLower(rule.ID)) ||
					!strings.Contains(rule.Help.Text, "\n\nFix: ") || !strings.Contains(rule.Help.Markdown, "**Fix:**") {
					t.Errorf("rule %s: helpUri %q, help %+v", rule.ID, rule.HelpURI, rule.Help)
				}
			}
			if run.OriginalURIBaseIDs["%SRCROOT%"].URI != "file:///src/patchcheck/" {
				t.Errorf("%%SRCROOT%% = %+v", run.OriginalURIBaseIDs)
			}
		})
	}
}

// TestRuleHelpAnchorsExist: every helpUri's anchor is a heading of
// docs/rules.md, which `patchcheck rules --format markdown` writes.
func TestRuleHelpAnchorsExist(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	r := lintBundled(t, "current")
	for _, rule := range r.Rules {
		if !rule.Builtin {
			t.Errorf("%s is not marked built-in", rule.ID)
		}
		if !bytes.Contains(data, []byte("\n## "+rule.ID+"\n")) {
			t.Errorf("docs/rules.md has no heading for %s (%s)", rule.ID, report.RuleHelpURI(rule.ID))
		}
	}
}

// hostilePaths are file names a repository may hold, with the uri SARIF
// must give each from the working directory /work/repo.
var hostilePaths = []struct {
	path, uri, base string
}{
	{"infra/vm.json", "infra/vm.json", "%SRCROOT%"},
	{"./infra//vm.json", "infra/vm.json", "%SRCROOT%"},
	{"dir with space/a b.json", "dir%20with%20space/a%20b.json", "%SRCROOT%"},
	{"x#1.json", "x%231.json", "%SRCROOT%"},
	{"50%.json", "50%25.json", "%SRCROOT%"},
	{"what?.json", "what%3F.json", "%SRCROOT%"},
	{"c:d.json", "c%3Ad.json", "%SRCROOT%"},
	{`back\slash.json`, "back%5Cslash.json", "%SRCROOT%"},
	{"ünïcode/名前.json", "%C3%BCn%C3%AFcode/%E5%90%8D%E5%89%8D.json", "%SRCROOT%"},
	{"/work/repo/abs/in side.json", "abs/in%20side.json", "%SRCROOT%"},
	{"/elsewhere/a b#c.json", "file:///elsewhere/a%20b%23c.json", ""},
	{"../up.json", "file:///work/up.json", ""},
	{"/work/repository/not-inside.json", "file:///work/repository/not-inside.json", ""},
	{"-", "stdin", ""},
}

func hostilePathReport() *report.Report {
	r := &report.Report{Tool: "patchcheck", Version: "0.0.0-test", Profile: report.Profile{Name: "2021-02"}, WorkDir: "/work/repo",
		Rules: []model.Rule{{ID: "PC001", Severity: model.Error, Title: "t", Description: "d", Remediation: "fix", Builtin: true}}}
	for i, p := range hostilePaths {
		x := model.Finding{RuleID: "PC001", Severity: model.Error, Title: "t", Message: "m", Remediation: "fix",
			Position: model.Position{File: p.path, Line: i + 1, Column: 3}, EndColumn: 9, Pointer: "/resources/0/x", Resource: "vm", ResourcePointer: "/resources/0",
			Related: []model.Related{{Position: model.Position{File: p.path, Line: 1, Column: 1}, Message: "value"}}}
		r.Files = append(r.Files, report.File{Path: p.path, Status: report.Checked, Findings: []model.Finding{x}})
	}
	r.Files = append(r.Files, report.File{Path: "broken #.json", Status: report.Errored, Error: &report.FileError{Line: 2, Column: 1, Message: "bad"}})
	return r
}

// TestSARIFHostileFileNames: names with spaces, #, %, ?, colons,
// backslashes and non-ASCII letters become valid URI references that
// resolve against %SRCROOT% to the file; a file outside the working
// directory is an absolute file: URI; and the document still validates.
func TestSARIFHostileFileNames(t *testing.T) {
	doc := checkSARIF(t, sarifSchemas(t), formatSARIF(t, hostilePathReport()))
	run := doc.Runs[0]
	root, err := url.Parse(run.OriginalURIBaseIDs["%SRCROOT%"].URI)
	if err != nil || root.String() != "file:///work/repo/" {
		t.Fatalf("%%SRCROOT%% %v (%v)", root, err)
	}
	if len(run.Results) != len(hostilePaths) {
		t.Fatalf("%d results, want %d", len(run.Results), len(hostilePaths))
	}
	for i, p := range hostilePaths {
		a := run.Results[i].Locations[0].PhysicalLocation.ArtifactLocation
		if a.URI != p.uri || a.URIBaseID != p.base {
			t.Errorf("%q: uri %q base %q, want %q base %q", p.path, a.URI, a.URIBaseID, p.uri, p.base)
			continue
		}
		if rel := run.Results[i].RelatedLocations[0].PhysicalLocation.ArtifactLocation; rel != a {
			t.Errorf("%q: related location %+v, want %+v", p.path, rel, a)
		}
		if p.path == "-" {
			continue
		}
		// Resolved as a consumer would, the uri names the file again.
		ref, err := url.Parse(a.URI)
		if err != nil {
			t.Fatal(err)
		}
		want := p.path
		if !filepath.IsAbs(want) {
			want = filepath.Join("/work/repo", want)
		}
		if got := root.ResolveReference(ref).Path; got != filepath.ToSlash(filepath.Clean(want)) {
			t.Errorf("%q: resolves to %q, want %q", p.path, got, want)
		}
	}
	n := run.Invocations[0].ToolExecutionNotifications
	if len(n) != 1 || n[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "broken%20%23.json" {
		t.Errorf("notifications %+v", n)
	}
}

// TestSARIFFingerprints: a finding keeps its fingerprint when its line,
// its column, its message or its resource's place in the resources list
// change, and changes it when its rule, file, resource or property does;
// two results of one identity get different fingerprints.
func TestSARIFFingerprints(t *testing.T) {
	base := model.Finding{RuleID: "PC001", Severity: model.Error, Message: "m", Position: model.Position{File: "a.json", Line: 10, Column: 5},
		Pointer: "/resources/0/properties/osProfile/patchMode", Resource: "vm", ResourceType: "Microsoft.Compute/virtualMachines", ResourcePointer: "/resources/0"}
	tests := []struct {
		name   string
		change func(*model.Finding)
		same   bool
	}{
		{"lines moved", func(x *model.Finding) { x.Line, x.Column = 40, 9 }, true},
		{"resource moved in the list", func(x *model.Finding) {
			x.ResourcePointer, x.Pointer = "/resources/3", "/resources/3/properties/osProfile/patchMode"
		}, true},
		{"message quoting another value", func(x *model.Finding) { x.Message = "other" }, true},
		{"type spelled in another case", func(x *model.Finding) { x.ResourceType = "microsoft.compute/VirtualMachines" }, true},
		{"another rule", func(x *model.Finding) { x.RuleID = "PC002" }, false},
		{"another file", func(x *model.Finding) { x.File = "b.json" }, false},
		{"another resource", func(x *model.Finding) { x.Resource = "vm2" }, false},
		{"another property", func(x *model.Finding) { x.Pointer = "/resources/0/properties/osProfile/other" }, false},
		{"reached through a deployment", func(x *model.Finding) {
			x.Via = []model.Related{{Position: model.Position{File: "main.json", Line: 3, Column: 1}, Pointer: "/resources/1"}}
		}, false},
	}
	schemas := sarifSchemas(t)
	fp := func(xs ...model.Finding) []string {
		r := &report.Report{Tool: "patchcheck", WorkDir: "/work/repo", Files: []report.File{{Path: "a.json", Status: report.Checked, Findings: xs}}}
		var out []string
		for _, res := range checkSARIF(t, schemas, formatSARIF(t, r)).Runs[0].Results {
			out = append(out, res.PartialFingerprints["patchcheck/v1"])
		}
		return out
	}
	want := fp(base)[0]
	for _, tc := range tests {
		x := base
		tc.change(&x)
		if got := fp(x)[0]; (got == want) != tc.same {
			t.Errorf("%s: fingerprint %s, base %s, want same=%v", tc.name, got, want, tc.same)
		}
	}
	twice := fp(base, base)
	if twice[0] != want || twice[1] == want {
		t.Errorf("two results of one identity: %v (first should be %s, second another)", twice, want)
	}
}
