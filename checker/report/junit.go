package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"

	"github.com/patchcheck/patchcheck/internal/safetext"
)

// junitFormat writes JUnit XML, which most CI systems show as test
// results: one test suite per file, one test case per VM rule finding, and a
// passing test case for a file without findings, so every input is counted.
// encoding/xml escapes line breaks and drops the control characters XML
// cannot hold; safetext.XML then writes '#' and the remaining ones as
// character references, so that no value puts "##vso[" in a CI log.
type junitFormat struct{}

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
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func (junitFormat) Format(w io.Writer, r *Report) error {
	out := junitSuites{Name: "patchcheck (profile " + r.Profile.Name + ")"}
	for _, f := range r.Files {
		suite := junitSuite{Name: f.Path}
		switch f.Status {
		case Errored:
			suite.Cases = append(suite.Cases, junitCase{Name: "input", Classname: f.Path,
				Error: &junitProblem{Message: f.Error.Message, Type: "input", Text: f.Error.In(f.Path).String() + ": " + f.Error.Message}})
			suite.Errors++
		case Skipped:
			suite.Cases = append(suite.Cases, junitCase{Name: "input", Classname: f.Path, Skipped: &junitProblem{Message: f.Reason}})
			suite.Skipped++
		default:
			if len(f.Active()) == 0 {
				suite.Cases = append(suite.Cases, junitCase{Name: fmt.Sprintf("%d VMs", f.VMs), Classname: f.Path})
			}
		}
		for _, x := range f.Active() {
			via := ""
			if len(x.Via) > 0 {
				via = "\nvia: " + ViaText(x)
			}
			suite.Cases = append(suite.Cases, junitCase{
				Name: fmt.Sprintf("%s %s (%s)", x.RuleID, x.Title, x.Resource), Classname: f.Path,
				Failure: &junitProblem{Message: x.Message, Type: string(x.Severity),
					Text: fmt.Sprintf("%s: %s %s: %s%s\nfix: %s", f.findingAt(x), x.Severity, x.RuleID, x.Message, via, x.Remediation)},
			})
			suite.Failures++
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
		return err
	}
	buf.WriteString("\n")
	_, err := w.Write(safetext.XML(buf.Bytes()))
	return err
}
