package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// githubFormat writes GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request:
// ::error file=F,line=L,col=C,title=T::message
type githubFormat struct{}

func githubLevel(s model.Severity) string {
	switch s {
	case model.Error:
		return "error"
	case model.Warning:
		return "warning"
	}
	return "notice"
}

// Values in annotations come from the inputs. Each is first made
// printable by safetext.Text (control characters shown as escapes, no
// "##vso[" or "##[" left, which the Azure Pipelines agent and the GitHub
// runner's legacy syntax would read anywhere in the line), then escaped as
// the runner documents for its commands: the runner's unescaping gives
// back exactly the Text of the value.
var (
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	vsoPropertyEscaper    = strings.NewReplacer("%", "%AZP25", ";", "%3B", "\r", "%0D", "\n", "%0A", "]", "%5D")
	vsoDataEscaper        = strings.NewReplacer("%", "%AZP25", "\r", "%0D", "\n", "%0A")
)

// githubProperty escapes a property value of a workflow command.
func githubProperty(s string) string { return githubPropertyEscaper.Replace(safetext.Text(s)) }

// githubData escapes a workflow command's message.
func githubData(s string) string { return githubDataEscaper.Replace(safetext.Text(s)) }

func (githubFormat) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range r.Files {
		path := sarifURI(f.Path)
		if f.Status == Errored {
			props := "file=" + githubProperty(path)
			if f.Error.Line > 0 {
				props += fmt.Sprintf(",line=%d,col=%d", f.Error.Line, f.Error.Column)
			}
			fmt.Fprintf(bw, "::error %s,title=%s::%s\n", props, githubProperty("patchcheck: input could not be checked"), githubData(f.Error.Message))
		}
		for _, x := range f.Active() {
			fmt.Fprintf(bw, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", githubLevel(x.Severity), githubProperty(sarifURI(f.FindingFile(x))), x.Line, x.Column,
				githubProperty(x.RuleID+" "+x.Title), githubData(x.Message+" (resource "+x.Resource+viaNote(x)+"). Fix: "+x.Remediation))
		}
	}
	s := r.Summarize()
	fmt.Fprintf(bw, "patchcheck: %d files, %d errored, %d errors, %d warnings, %d info (profile %s)\n", s.Files, s.Errored, s.Errors, s.Warnings, s.Infos, safetext.Text(r.Profile.Name))
	return bw.Flush()
}

// azureDevOpsFormat writes Azure Pipelines logging commands:
// ##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=ID]message
// Azure DevOps has no "info" issue type, so info findings are warnings
// with their severity in the message.
type azureDevOpsFormat struct{}

// vsoProperty escapes a property value of a logging command.
func vsoProperty(s string) string { return vsoPropertyEscaper.Replace(safetext.Text(s)) }

// vsoData escapes a logging command's message.
func vsoData(s string) string { return vsoDataEscaper.Replace(safetext.Text(s)) }

// viaNote says, in an annotation, which deployments led to a linked
// template's finding.
func viaNote(x model.Finding) string {
	if len(x.Via) == 0 {
		return ""
	}
	return ", linked template reached via " + ViaText(x)
}

func (azureDevOpsFormat) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range r.Files {
		path := sarifURI(f.Path)
		if f.Status == Errored {
			props := "type=error;sourcepath=" + vsoProperty(path)
			if f.Error.Line > 0 {
				props += fmt.Sprintf(";linenumber=%d;columnnumber=%d", f.Error.Line, f.Error.Column)
			}
			fmt.Fprintf(bw, "##vso[task.logissue %s]%s\n", props, vsoData("patchcheck: "+f.Error.Message))
		}
		for _, x := range f.Active() {
			typ, prefix := "warning", ""
			switch x.Severity {
			case model.Error:
				typ = "error"
			case model.Info:
				prefix = "(info) "
			}
			fmt.Fprintf(bw, "##vso[task.logissue type=%s;sourcepath=%s;linenumber=%d;columnnumber=%d;code=%s]%s\n", typ, vsoProperty(sarifURI(f.FindingFile(x))), x.Line, x.Column,
				vsoProperty(x.RuleID), vsoData(prefix+x.RuleID+": "+x.Message+" (resource "+x.Resource+viaNote(x)+"). Fix: "+x.Remediation))
		}
	}
	s := r.Summarize()
	if s.Errored > 0 || s.Errors > 0 {
		fmt.Fprintf(bw, "##vso[task.complete result=Failed;]patchcheck: %d errors, %d inputs could not be checked\n", s.Errors, s.Errored)
	}
	return bw.Flush()
}
