package report_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

// junitElement is what one element of a JUnit report may hold.
type junitElement struct {
	attrs    map[string]bool // the attributes it may have: true when required
	children []string        // the elements it may contain
	text     bool            // whether it may contain text
}

// junit10 is the grammar of Jenkins' JUnit schema, junit-10.xsd
// (https://github.com/jenkinsci/xunit-plugin/blob/master/src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd,
// MIT licence), which GitLab's, Azure DevOps' and Jenkins' readers accept:
// each element's attributes (required ones true) and children. Only the
// elements patchcheck may write are listed; any other is refused.
var junit10 = map[string]junitElement{
	"testsuites": {attrs: map[string]bool{"name": false, "time": false, "tests": false, "failures": false, "errors": false}, children: []string{"testsuite"}},
	"testsuite": {attrs: map[string]bool{"name": true, "tests": true, "failures": true, "errors": true, "group": false, "time": false, "skipped": false,
		"timestamp": false, "hostname": false, "id": false, "package": false, "file": false, "log": false, "url": false},
		children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"}},
	"testcase": {attrs: map[string]bool{"name": true, "time": false, "classname": false, "group": false},
		children: []string{"skipped", "error", "failure", "system-out", "system-err"}},
	"failure":    {attrs: map[string]bool{"type": false, "message": false}, text: true},
	"error":      {attrs: map[string]bool{"type": false, "message": false}, text: true},
	"skipped":    {attrs: map[string]bool{"type": false, "message": false}, text: true},
	"system-out": {text: true},
	"system-err": {text: true},
}

// checkJUnitGrammar reads out as an XML parser would and checks it against
// junit10: the root is testsuites, every element is allowed where it is,
// with its required attributes and no other, and text only where allowed.
func checkJUnitGrammar(t *testing.T, out []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(out))
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			el, known := junit10[name]
			switch {
			case !known:
				t.Errorf("element <%s> is not in junit-10.xsd", name)
			case len(stack) == 0 && name != "testsuites":
				t.Errorf("root <%s>, want <testsuites>", name)
			case len(stack) > 0 && !contains(junit10[stack[len(stack)-1]].children, name):
				t.Errorf("<%s> inside <%s>", name, stack[len(stack)-1])
			}
			seen := map[string]bool{}
			for _, a := range tok.Attr {
				if _, ok := el.attrs[a.Name.Local]; !ok {
					t.Errorf("<%s %s>: not an attribute of %s", name, a.Name.Local, name)
				}
				seen[a.Name.Local] = true
			}
			for a, required := range el.attrs {
				if required && !seen[a] {
					t.Errorf("<%s> without its required %s", name, a)
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && !junit10[stack[len(stack)-1]].text && strings.TrimSpace(string(tok)) != "" {
				t.Errorf("text %q inside <%s>", tok, stack[len(stack)-1])
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// junitDoc is a JUnit report read back.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string    `xml:"name,attr"`
			Classname string    `xml:"classname,attr"`
			Failure   *struct{} `xml:"failure"`
			Error     *struct{} `xml:"error"`
			Skipped   *struct{} `xml:"skipped"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnit: for each --fail-on, the report follows junit-10.xsd; its
// counts add up; test case names are unique in their suite and classnames
// hold no dot; the findings at or above --fail-on, and only they, are
// failures (the others pass with the finding in system-out); and the
// report fails (has failures or errors) exactly when the exit code does.
func TestJUnit(t *testing.T) {
	for _, profile := range []string{"2021-02", "current"} {
		r := lintBundled(t, profile)
		s := r.Summarize()
		for _, tc := range []struct {
			failOn   model.Severity
			failures int
		}{
			{"", s.Errors},
			{model.Error, s.Errors},
			{model.Warning, s.Errors + s.Warnings},
			{model.Info, s.Errors + s.Warnings + s.Infos},
		} {
			t.Run(fmt.Sprintf("%s/%s", profile, tc.failOn), func(t *testing.T) {
				f, err := report.New("junit", report.Options{FailOn: tc.failOn})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := f.Format(&buf, r); err != nil {
					t.Fatal(err)
				}
				checkJUnitGrammar(t, buf.Bytes())
				var doc junitDoc
				if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				if doc.Failures != tc.failures || doc.Errors != s.Errored || len(doc.Suites) != s.Files {
					t.Errorf("failures %d errors %d suites %d, want %d, %d, %d", doc.Failures, doc.Errors, len(doc.Suites), tc.failures, s.Errored, s.Files)
				}
				tests, failures, errors := 0, 0, 0
				for _, suite := range doc.Suites {
					names := map[string]bool{}
					n := map[string]int{}
					for _, c := range suite.Cases {
						if names[c.Name] {
							t.Errorf("suite %s: two test cases named %q", suite.Name, c.Name)
						}
						names[c.Name] = true
						if strings.Contains(c.Classname, ".") || c.Classname == "" {
							t.Errorf("classname %q: Jenkins would split it at its dot", c.Classname)
						}
						switch {
						case c.Failure != nil:
							n["failures"]++
						case c.Error != nil:
							n["errors"]++
						case c.Skipped != nil:
							n["skipped"]++
						case strings.HasPrefix(c.Name, "PC") && !strings.Contains(c.SystemOut, "is below --fail-on"):
							t.Errorf("passing finding %q without its text in system-out", c.Name)
						}
					}
					if suite.Tests != len(suite.Cases) || suite.Failures != n["failures"] || suite.Errors != n["errors"] || suite.Skipped != n["skipped"] {
						t.Errorf("suite %s counts %d/%d/%d/%d, cases say %d/%v", suite.Name, suite.Tests, suite.Failures, suite.Errors, suite.Skipped, len(suite.Cases), n)
					}
					tests, failures, errors = tests+suite.Tests, failures+suite.Failures, errors+suite.Errors
				}
				if doc.Tests != tests || doc.Failures != failures || doc.Errors != errors {
					t.Errorf("totals %d/%d/%d, suites add up to %d/%d/%d", doc.Tests, doc.Failures, doc.Errors, tests, failures, errors)
				}
				failOn := tc.failOn
				if failOn == "" {
					failOn = model.Error
				}
				if code := r.ExitCode(failOn); (code != report.ExitClean) != (doc.Failures+doc.Errors > 0) {
					t.Errorf("exit code %d, but %d failures and %d errors", code, doc.Failures, doc.Errors)
				}
			})
		}
	}
}

// TestJUnitCaseNames: findings of one rule on one line, and two of one
// rule at one place, still get test cases of their own names; a finding
// in a linked template names its file.
func TestJUnitCaseNames(t *testing.T) {
	x := func(line, col int, file string) model.Finding {
		return model.Finding{RuleID: "PC010", Severity: model.Error, Title: "Schema violation", Message: "m", Resource: "vm",
			Position: model.Position{File: file, Line: line, Column: col}}
	}
	r := &report.Report{Tool: "patchcheck", WorkDir: "/w", Files: []report.File{{Path: "a.json", Status: report.Checked, Findings: []model.Finding{
		x(4, 3, "a.json"), x(4, 30, "a.json"), x(4, 30, "a.json"), x(4, 30, "a.json"), x(2, 1, "nested/b.json"),
	}}}}
	f, _ := report.New("junit", report.Options{})
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	checkJUnitGrammar(t, buf.Bytes())
	var doc junitDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range doc.Suites[0].Cases {
		names = append(names, c.Name)
	}
	want := []string{"PC010 4:3 vm: Schema violation", "PC010 4:30 vm: Schema violation", "PC010 4:30 vm: Schema violation (2)",
		"PC010 4:30 vm: Schema violation (3)", "PC010 nested/b.json:2:1 vm: Schema violation"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("names\n%q\nwant\n%q", names, want)
	}
	if c := doc.Suites[0].Cases[0].Classname; c != "a_json" {
		t.Errorf("classname %q, want a_json", c)
	}
}
