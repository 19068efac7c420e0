package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// lintBundled lints the bundled examples from the repository root, so paths
// in the output are the ones a user sees.
func lintBundled(t *testing.T, profile string) *report.Report {
	t.Helper()
	t.Chdir("../..")
	l, err := checker.New(context.Background(), checker.Options{Profile: profile, Version: "0.0.0-test", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	inputs := checker.Discover([]string{"testdata/templates", "testdata/broken/truncated.json"})
	r := l.Run(context.Background(), inputs, strings.NewReader(""))
	// The golden files must not depend on where the repository is.
	r.WorkDir = goldenWorkDir
	return r
}

// goldenWorkDir stands for the repository's folder in golden files.
const goldenWorkDir = "/src/patchcheck"

func TestGolden(t *testing.T) {
	for _, profile := range []string{"2021-02", "current"} {
		for _, format := range report.Formats() {
			t.Run(profile+"/"+format, func(t *testing.T) {
				r := lintBundled(t, profile)
				f, err := report.New(format, report.Options{})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := f.Format(&buf, r); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "golden", "lint-"+profile+"."+format)
				checkGolden(t, golden, buf.Bytes())
			})
		}
	}
}

// TestGoldenInputs pins the findings on testdata/inputs: one realistic
// input of each shape (parameter file, AVM-style module, nested deployment
// passing patchMode down, Bicep symbolic names, instance view).
func TestGoldenInputs(t *testing.T) {
	for _, profile := range []string{"2021-02", "current"} {
		t.Run(profile, func(t *testing.T) {
			t.Chdir("../..")
			l, err := checker.New(context.Background(), checker.Options{Profile: profile, Version: "0.0.0-test", Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			r := l.Run(context.Background(), checker.Discover([]string{"testdata/inputs"}), strings.NewReader(""))
			f, _ := report.New("text", report.Options{})
			var buf bytes.Buffer
			if err := f.Format(&buf, r); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", "inputs-"+profile+".text")
			checkGolden(t, golden, buf.Bytes())
		})
	}
}

// TestJSONMatchesSchema proves the documented schema describes the output.
func TestJSONMatchesSchema(t *testing.T) {
	r := lintBundled(t, "2021-02")
	var buf bytes.Buffer
	f, _ := report.New("json", report.Options{})
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	validateLintReport(t, buf.Bytes())
	sum := r.Summarize()
	if sum.Errored != 1 || sum.Skipped != 1 || sum.Checked < 5 || sum.Files != sum.Checked+sum.Skipped+sum.Errored {
		t.Fatalf("summary does not account for every input: %+v", sum)
	}
}

func TestSARIFShape(t *testing.T) {
	r := lintBundled(t, "current")
	var buf bytes.Buffer
	f, _ := report.New("sarif", report.Options{})
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Properties map[string]any `json:"properties"`
			Tool       struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("version %q runs %d", doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.Properties["profile"] != "current" {
		t.Errorf("profile missing from run properties: %v", run.Properties)
	}
	ids := map[string]bool{}
	for _, rule := range run.Tool.Driver.Rules {
		if ids[rule.ID] {
			t.Errorf("rule %s described twice", rule.ID)
		}
		ids[rule.ID] = true
	}
	levels := map[string]bool{}
	for _, res := range run.Results {
		levels[res.Level] = true
		loc := res.Locations[0].PhysicalLocation
		if !ids[res.RuleID] || loc.Region.StartLine < 1 || loc.Region.StartColumn < 1 || !strings.HasPrefix(loc.ArtifactLocation.URI, "testdata/templates/") {
			t.Errorf("bad result %+v", res)
		}
	}
	if !levels["error"] || !levels["warning"] || !levels["note"] {
		t.Errorf("levels %v: want error, warning and note (info)", levels)
	}
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful {
		t.Errorf("a broken input must mark the invocation unsuccessful: %+v", run.Invocations)
	}
}

// TestGoldenRealworld pins the findings on testdata/realworld: each folder
// is one pattern of public templates (a module behind a pattern module, a
// quickstart with a linked template, string booleans, ...), written for
// patchcheck rather than copied, linted as a user would lint that folder.
func TestGoldenRealworld(t *testing.T) {
	t.Chdir("../..")
	cases, err := os.ReadDir(filepath.Join("testdata", "realworld"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		for _, profile := range []string{"2021-02", "current"} {
			t.Run(c.Name()+"/"+profile, func(t *testing.T) {
				l, err := checker.New(context.Background(), checker.Options{Profile: profile, Version: "0.0.0-test", Workers: 2})
				if err != nil {
					t.Fatal(err)
				}
				r := l.Run(context.Background(), checker.Discover([]string{filepath.Join("testdata", "realworld", c.Name())}), strings.NewReader(""))
				f, _ := report.New("text", report.Options{})
				var buf bytes.Buffer
				if err := f.Format(&buf, r); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "golden", "realworld", c.Name()+"-"+profile+".text")
				checkGolden(t, golden, buf.Bytes())
			})
		}
	}
}

// checkGolden compares out with the golden file, or writes it with -update.
func checkGolden(t *testing.T, golden string, out []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./checker/report -update to create it)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("%s differs from the output; rerun with -update if the change is intended\n--- got ---\n%s", golden, out)
	}
}
