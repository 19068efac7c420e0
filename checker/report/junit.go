package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// junitFormat writes JUnit XML, which CI systems show as test results
// (docs/outputs.md): one test suite per input file, and in it
//
//   - one test case per finding no waiver accepts, named by rule ID,
//     line:column (file:line:column for a template the input links to),
//     resource and title, unique in its suite (GitLab merges cases of one
//     name); a finding at or above failOn is a <failure>, one below it a
//     passing case that holds the finding in <system-out>, so that the
//     test tab agrees with the exit code;
//   - an <error> case for an input that could not be checked, a <skipped>
//     case for a skipped one, and a passing case for a clean one, so every
//     input is counted.
//
// classname is the input's path with '.' written '_': Jenkins splits a
// classname at its last dot into package and class, which would make
// "vm.json" the class "json" of the package "vm".
//
// encoding/xml escapes line breaks and drops the control characters XML
// cannot hold; safetext.XML then writes '#' and the remaining ones as
// character references, so that no value puts "##vso[" in a CI log.
type junitFormat struct{ failOn model.Severity }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// junitClassname is a path as a classname without dots.
func junitClassname(path string) string { return strings.ReplaceAll(path, ".", "_") }

func (j junitFormat) Format(w io.Writer, r *Report) error {
	failOn := j.failOn
	if failOn.Rank() == 0 {
		failOn = model.Error
	}
	loc := newLocator(r)
	out := junitSuites{Name: "patchcheck (profile " + r.Profile.Name + ")"}
	for _, f := range r.Files {
		path := loc.display(f.Path)
		class := junitClassname(path)
		suite := junitSuite{Name: path}
		switch f.Status {
		case Errored:
			suite.Cases = append(suite.Cases, junitCase{Name: "input", Classname: class,
				Error: &junitProblem{Message: f.Error.Message, Type: "input", Text: f.Error.In(path).String() + ": " + f.Error.Message}})
			suite.Errors++
		case Skipped:
			suite.Cases = append(suite.Cases, junitCase{Name: "input", Classname: class, Skipped: &junitProblem{Message: f.Reason}})
			suite.Skipped++
		default:
			if len(f.Active()) == 0 {
				suite.Cases = append(suite.Cases, junitCase{Name: fmt.Sprintf("%d VMs", f.VMs), Classname: class})
			}
		}
		names := map[string]bool{}
		for _, x := range f.Active() {
			c := junitCase{Name: junitCaseName(loc, f, x, names), Classname: class}
			via := ""
			if len(x.Via) > 0 {
				via = "\nvia: " + ViaText(x)
			}
			at := f.findingAt(x)
			at.File = loc.display(at.File)
			text := fmt.Sprintf("%s: %s %s: %s%s\nfix: %s", at, x.Severity, x.RuleID, x.Message, via, x.Remediation)
			if x.Severity.Rank() >= failOn.Rank() {
				c.Failure = &junitProblem{Message: x.Message, Type: string(x.Severity), Text: text}
				suite.Failures++
			} else {
				c.SystemOut = text + fmt.Sprintf("\n(%s is below --fail-on %s: reported, not failed)", x.Severity, failOn)
			}
			suite.Cases = append(suite.Cases, c)
		}
		suite.Tests = len(suite.Cases)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Suites = append(out.Suites, suite)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	buf.WriteString("\n")
	_, err := w.Write(safetext.XML(buf.Bytes()))
	return err
}

// junitCaseName names a finding's test case: "PC001 18:52 vm-01: title",
// with the file before the line when the finding is in a template the
// input links to, and " (2)", " (3)" after a name already taken in the
// suite.
func junitCaseName(loc locator, f File, x model.Finding, taken map[string]bool) string {
	where := fmt.Sprintf("%d:%d", x.Line, x.Column)
	if file := f.FindingFile(x); file != f.Path {
		where = loc.display(file) + ":" + where
	}
	base := fmt.Sprintf("%s %s %s: %s", x.RuleID, where, x.Resource, x.Title)
	name := base
	for n := 2; taken[name]; n++ {
		name = fmt.Sprintf("%s (%d)", base, n)
	}
	taken[name] = true
	return name
}
