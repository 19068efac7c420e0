package report_test

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/report"
)

func formatBundled(t *testing.T, format string) string {
	t.Helper()
	r := lintBundled(t, "2021-02")
	f, err := report.New(format, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestGitHubSyntax checks every annotation against the workflow-command
// syntax GitHub documents: ::LEVEL file=F,line=L,col=C,title=T::MESSAGE,
// with %, CR, LF (and, in properties, : and ,) escaped.
func TestGitHubSyntax(t *testing.T) {
	cmd := regexp.MustCompile(`^::(error|warning|notice) file=[^,:\r\n]+(,line=\d+,col=\d+)?,title=[^,:\r\n]+::[^\r\n]+$`)
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(formatBundled(t, "github")), "\n") {
		if strings.HasPrefix(line, "::") {
			n++
			if !cmd.MatchString(line) {
				t.Errorf("not a valid workflow command: %s", line)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d annotations", n)
	}
}

// TestAzureDevOpsSyntax checks every line against the logging-command
// syntax: ##vso[task.logissue type=error|warning;sourcepath=…;linenumber=…;columnnumber=…;code=…]message.
func TestAzureDevOpsSyntax(t *testing.T) {
	issue := regexp.MustCompile(`^##vso\[task\.logissue type=(error|warning);sourcepath=[^;\]]+(;linenumber=\d+;columnnumber=\d+)?(;code=PC\d{3})?\][^\r\n]+$`)
	complete := regexp.MustCompile(`^##vso\[task\.complete result=Failed;\].+$`)
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(formatBundled(t, "azure-devops")), "\n") {
		switch {
		case issue.MatchString(line):
			n++
		case complete.MatchString(line):
		default:
			t.Errorf("not a valid logging command: %s", line)
		}
	}
	if n < 10 {
		t.Fatalf("only %d issues", n)
	}
}

func TestJUnitIsWellFormed(t *testing.T) {
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(formatBundled(t, "junit")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 8 || doc.Failures < 10 || doc.Errors != 1 || doc.Tests < doc.Failures+doc.Errors {
		t.Fatalf("suites %d tests %d failures %d errors %d", len(doc.Suites), doc.Tests, doc.Failures, doc.Errors)
	}
}

func TestMarkdownTable(t *testing.T) {
	md := formatBundled(t, "markdown")
	for _, want := range []string{"## patchcheck: ⛔ some inputs could not be checked", "| Severity | Rule | Location |", "| error | PC001 | `testdata/templates/mixed-problems.jsonc:18:52` |", "### Inputs that could not be checked"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}
