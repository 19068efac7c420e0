package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// githubFormat writes GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request:
// ::error file=F,line=L,col=C,title=T::message
//
// GitHub shows at most perLevel (10) annotations of each level (error,
// warning, notice) a step: later ones are dropped without a word. So the
// first perLevel of each level are annotations, in report order (an input
// that could not be checked is an error annotation like a finding); the
// others are plain log lines, and one notice, which takes the last notice
// place, says how many were not annotated and where they are all listed.
type githubFormat struct {
	perLevel   int
	fullReport string // Options.FullReport
}

// GitHubAnnotationsPerLevel is how many annotations of one level GitHub
// shows for a step.
const GitHubAnnotationsPerLevel = 10

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

// annotation is one workflow command to be, with the log line that
// replaces it past GitHub's limit.
type annotation struct {
	level   string
	command string // the whole "::level …::message" line
	plain   string // the same for the log, not a command
}

func (g githubFormat) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	loc := newLocator(r)
	var all []annotation
	for _, f := range r.Files {
		path := loc.display(f.Path)
		if f.Status == Errored {
			props := "file=" + githubProperty(path)
			if f.Error.Line > 0 {
				props += fmt.Sprintf(",line=%d,col=%d", f.Error.Line, f.Error.Column)
			}
			title := "patchcheck: input could not be checked"
			all = append(all, annotation{level: "error",
				command: fmt.Sprintf("::error %s,title=%s::%s", props, githubProperty(title), githubData(f.Error.Message)),
				plain:   fmt.Sprintf("patchcheck: %s: error: %s: %s", f.Error.In(safetext.Text(path)), title, safetext.Text(f.Error.Message))})
		}
		for _, x := range f.Active() {
			file := loc.display(f.FindingFile(x))
			level := githubLevel(x.Severity)
			message := x.Message + " (resource " + x.Resource + viaNote(x) + "). Fix: " + x.Remediation
			all = append(all, annotation{level: level,
				command: fmt.Sprintf("::%s file=%s,line=%d,col=%d,title=%s::%s", level, githubProperty(file), x.Line, x.Column,
					githubProperty(x.RuleID+" "+x.Title), githubData(message)),
				plain: fmt.Sprintf("patchcheck: %s: %s: %s %s: %s", model.Position{File: safetext.Text(file), Line: x.Line, Column: x.Column}, level, safetext.Text(x.RuleID), safetext.Text(x.Title), safetext.Text(message))})
		}
	}
	room := g.room(all)
	shown := map[string]int{}
	var hidden []annotation
	for _, a := range all {
		if shown[a.level] < room[a.level] {
			shown[a.level]++
			fmt.Fprintln(bw, a.command)
			continue
		}
		hidden = append(hidden, a)
	}
	if len(hidden) > 0 {
		fmt.Fprintf(bw, "::notice title=%s::%s\n", githubProperty("patchcheck: "+strconv.Itoa(len(hidden))+" more not annotated"), githubData(g.hiddenNote(hidden)))
		for _, a := range hidden {
			fmt.Fprintln(bw, a.plain)
		}
	}
	s := r.Summarize()
	shard := ""
	if r.Shard != nil {
		shard = ", " + r.Shard.String()
	}
	fmt.Fprintf(bw, "patchcheck: %d files, %d errored, %d errors, %d warnings, %d info (profile %s%s)\n", s.Files, s.Errored, s.Errors, s.Warnings, s.Infos, safetext.Text(r.Profile.Name), shard)
	return bw.Flush()
}

// room is how many annotations of each level are written: perLevel, but
// one notice fewer when some annotation will not fit, for the notice that
// says so.
func (g githubFormat) room(all []annotation) map[string]int {
	count := map[string]int{}
	for _, a := range all {
		count[a.level]++
	}
	room := map[string]int{"error": g.perLevel, "warning": g.perLevel, "notice": g.perLevel}
	if g.perLevel <= 0 {
		room = map[string]int{"error": len(all), "warning": len(all), "notice": len(all)}
		return room
	}
	if count["error"] > g.perLevel || count["warning"] > g.perLevel || count["notice"] > g.perLevel {
		room["notice"] = g.perLevel - 1
	}
	return room
}

// hiddenNote says how many annotations were left out, by level, and
// where every finding is listed.
func (g githubFormat) hiddenNote(hidden []annotation) string {
	n := map[string]int{}
	for _, a := range hidden {
		n[a.level]++
	}
	where := g.fullReport
	if where == "" {
		where = "a --format sarif or markdown report"
	}
	return fmt.Sprintf("GitHub shows %d annotations of each level a step, so %d errors, %d warnings and %d notices are not annotated. "+
		"They are in this step's log, after this notice, and every finding is in %s.", g.perLevel, n["error"], n["warning"], n["notice"], where)
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
	loc := newLocator(r)
	for _, f := range r.Files {
		path := loc.display(f.Path)
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
			fmt.Fprintf(bw, "##vso[task.logissue type=%s;sourcepath=%s;linenumber=%d;columnnumber=%d;code=%s]%s\n", typ, vsoProperty(loc.display(f.FindingFile(x))), x.Line, x.Column,
				vsoProperty(x.RuleID), vsoData(prefix+x.RuleID+": "+x.Message+" (resource "+x.Resource+viaNote(x)+"). Fix: "+x.Remediation))
		}
	}
	s := r.Summarize()
	if s.Errored > 0 || s.Errors > 0 {
		fmt.Fprintf(bw, "##vso[task.complete result=Failed;]patchcheck: %d errors, %d inputs could not be checked\n", s.Errors, s.Errored)
	}
	return bw.Flush()
}
