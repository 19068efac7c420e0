package report

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// sarifFormat writes SARIF 2.1.0 (SPEC §5) as GitHub code scanning and
// other SARIF consumers read it (docs/outputs.md):
//
//   - one rule descriptor per rule ID, with its default level, its help as
//     text and Markdown (description and fix) and, for patchcheck's own
//     rules, a helpUri into docs/rules.md;
//   - results at error/warning/note, each located by an artifactLocation
//     whose uri is a URI reference relative to %SRCROOT% (the working
//     directory, given in run.originalUriBaseIds and
//     invocations[0].workingDirectory), or an absolute file: URI for a
//     file outside it; a region on one line, from the property's name to
//     the end of its value where patchcheck knows it; and a
//     partialFingerprint that survives edits moving the finding's line;
//   - at most maxResults results (GitHub's limit per run): past it the
//     lowest-severity results are left out and a tool execution
//     notification says how many;
//   - the knowledge profile in the run's properties, the configuration
//     file in the invocation's, and files that could not be checked as
//     failed tool execution notifications.
//
// The encoded document goes through safetext.JSON, so that no value writes
// "##vso[" or a raw control character to a CI log.
type sarifFormat struct{ maxResults int }

// MaxSARIFResults is how many results a SARIF run holds at most: GitHub
// code scanning refuses a run with more.
const MaxSARIFResults = 25000

const (
	informationURI = "https://github.com/patchcheck/patchcheck"
	// rulesDocURI is docs/rules.md on the repository's main branch; a
	// rule's section is its ID's anchor.
	rulesDocURI = informationURI + "/blob/main/docs/rules.md"
	// srcRoot is the uriBaseId of every relative artifact location.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names patchcheck's partial fingerprint; the version
	// changes when the recipe does.
	fingerprintKey = "patchcheck/v1"
)

func sarifLevel(s model.Severity) string {
	switch s {
	case model.Error:
		return "error"
	case model.Warning:
		return "warning"
	}
	return "note"
}

// RuleHelpURI is the documentation of one of patchcheck's own rules:
// its section of docs/rules.md.
func RuleHelpURI(id string) string { return rulesDocURI + "#" + anchor(id) }

// candidate is one result to be, before the cap on results.
type candidate struct {
	file File
	x    model.Finding
}

// rank orders results for the cap: active errors, warnings and notes,
// then waived findings.
func (c candidate) rank() int {
	if c.x.Suppression != nil {
		return 0
	}
	return c.x.Severity.Rank()
}

func (f sarifFormat) Format(w io.Writer, r *Report) error {
	doc, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	loc := newLocator(r)
	run := sarif.NewRunWithInformationURI(r.Tool, informationURI)
	run.Tool.Driver.WithVersion(r.Version)
	run.WithColumnKind("unicodeCodePoints")
	props := sarif.NewPropertyBag()
	props.Add("profile", r.Profile.Name)
	props.Add("profileTitle", r.Profile.Title)
	if r.Shard != nil {
		props.Add("shard", fmt.Sprintf("%d/%d", r.Shard.Index, r.Shard.Count))
	}
	run.AttachPropertyBag(props)
	for _, rule := range r.Rules {
		d := run.AddRule(rule.ID).
			WithName(ruleName(rule.Title)).
			WithShortDescription(sarif.NewMultiformatMessageString(rule.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(rule.Description)).
			WithHelp(ruleHelp(rule)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(rule.Severity)))
		if rule.Builtin {
			d.WithHelpURI(RuleHelpURI(rule.ID))
		}
		rp := sarif.NewPropertyBag()
		rp.Add("severity", string(rule.Severity))
		d.AttachPropertyBag(rp)
	}
	inv := run.AddInvocation(true)
	if loc.wd != "" {
		root := fileURI(loc.wd)
		if !strings.HasSuffix(root, "/") {
			root += "/"
		}
		run.OriginalUriBaseIDs = map[string]*sarif.ArtifactLocation{srcRoot: sarif.NewSimpleArtifactLocation(root)}
		inv.WithWorkingDirectory(sarif.NewSimpleArtifactLocation(root))
	}
	ip := sarif.NewPropertyBag()
	if r.Config != "" {
		ip.Add("configuration", r.Config)
	} else {
		ip.Add("configuration", nil)
	}
	inv.AttachPropertyBag(ip)

	var results []candidate
	for _, file := range r.Files {
		if file.Status == Errored {
			inv.WithExecutionSuccess(false)
			pl := sarif.NewPhysicalLocation().WithArtifactLocation(loc.artifact(file.Path))
			if file.Error.Line > 0 {
				pl.WithRegion(region(file.Error.Line, file.Error.Column, 0))
			}
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
				sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(file.Error.Message)).
					WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(pl)}))
			continue
		}
		for _, x := range file.Findings {
			results = append(results, candidate{file, x})
		}
	}
	kept, left := capResults(results, f.maxResults)
	fps := newFingerprints(loc)
	for i, c := range results {
		// Every result takes its fingerprint, so that a result keeps its
		// own whichever others the cap leaves out.
		fp := fps.of(loc.display(c.file.FindingFile(c.x)), c.x)
		if kept[i] {
			addResult(run, loc, c.file, c.x, fp)
		}
	}
	if left.total > 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.NewNotification().WithLevel("warning").WithMessage(sarif.NewTextMessage(left.message(f.maxResults))).
				WithDescriptor(sarif.NewReportingDescriptorReference().WithId("patchcheck/results-left-out")))
	}
	doc.AddRun(run)
	var buf bytes.Buffer
	if err := doc.PrettyWrite(&buf); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	_, err = w.Write(safetext.JSON(buf.Bytes()))
	return err
}

// leftOut counts the results the cap left out, by level.
type leftOut struct{ total, errors, warnings, notes, waived int }

func (l leftOut) message(max int) string {
	return fmt.Sprintf("%d results left out (%d errors, %d warnings, %d notes, %d waived): GitHub code scanning accepts at most %d results per run, "+
		"so this report keeps the %d of highest severity. patchcheck lint --format json lists every finding.", l.total, l.errors, l.warnings, l.notes, l.waived, max, max)
}

// capResults marks the results a run keeps: all of them up to max, else
// the max of highest rank (in report order within a rank).
func capResults(results []candidate, max int) ([]bool, leftOut) {
	kept := make([]bool, len(results))
	if max <= 0 || len(results) <= max {
		for i := range kept {
			kept[i] = true
		}
		return kept, leftOut{}
	}
	order := make([]int, len(results))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return results[b].rank() - results[a].rank() })
	var left leftOut
	for n, i := range order {
		if n < max {
			kept[i] = true
			continue
		}
		left.total++
		switch c := results[i]; {
		case c.x.Suppression != nil:
			left.waived++
		case c.x.Severity == model.Error:
			left.errors++
		case c.x.Severity == model.Warning:
			left.warnings++
		default:
			left.notes++
		}
	}
	return kept, left
}

func addResult(run *sarif.Run, loc locator, f File, x model.Finding, fp string) {
	res := run.CreateResultForRule(x.RuleID).
		WithLevel(sarifLevel(x.Severity)).
		WithMessage(sarif.NewTextMessage(x.Message))
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(loc.artifact(f.FindingFile(x)))
	if x.Line > 0 {
		pl.WithRegion(region(x.Line, x.Column, x.EndColumn))
	}
	res.AddLocation(sarif.NewLocationWithPhysicalLocation(pl).WithLogicalLocations([]*sarif.LogicalLocation{
		sarif.NewLogicalLocation().WithName(x.Resource).WithFullyQualifiedName(x.ResourcePointer).WithKind("resource"),
	}))
	// The deployments a linked template was reached through come first,
	// outermost first; then the places its values came from.
	for _, v := range x.Via {
		if l := relatedLocation(loc, v, "linked template reached through "+v.Message); l != nil {
			res.AddRelatedLocation(l)
		}
	}
	for _, r := range x.Related {
		if l := relatedLocation(loc, r, r.Message); l != nil {
			res.AddRelatedLocation(l)
		}
	}
	if x.Suppression != nil {
		// go-sarif spells the method WithJustifcation.
		res.AddSuppression(sarif.NewSuppression(x.Suppression.Kind).
			WithJustifcation(fmt.Sprintf("%s (until %s; %s)", x.Suppression.Reason, x.Suppression.Expires, x.Suppression.Where)))
	}
	res.PartialFingerprints = map[string]any{fingerprintKey: fp}
	rp := sarif.NewPropertyBag()
	rp.Add("pointer", x.Pointer)
	rp.Add("resourceType", x.ResourceType)
	rp.Add("remediation", x.Remediation)
	if len(x.Via) > 0 {
		rp.Add("via", ViaText(x))
	}
	res.AttachPropertyBag(rp)
}

// relatedLocation is a related place as a SARIF location; nil when it
// names no file.
func relatedLocation(loc locator, r model.Related, message string) *sarif.Location {
	if r.File == "" {
		return nil
	}
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(loc.artifact(r.File))
	if r.Line > 0 {
		pl.WithRegion(region(r.Line, r.Column, 0))
	}
	return sarif.NewLocationWithPhysicalLocation(pl).WithMessage(sarif.NewTextMessage(message))
}

// region is a region on one line, from column to endColumn (the column
// after its last character); without a known end, an empty region at the
// start column. A column of 0 (unknown) becomes 1.
func region(line, column, endColumn int) *sarif.Region {
	column = max(column, 1)
	if endColumn < column {
		endColumn = column
	}
	return sarif.NewRegion().WithStartLine(line).WithStartColumn(column).WithEndLine(line).WithEndColumn(endColumn)
}

// ruleHelp is a rule's help: its description and its fix, as text and as
// Markdown. A user rule's metadata comes from a --policy folder a pull
// request may change, so the Markdown escapes it like any input's text.
func ruleHelp(rule model.Rule) *sarif.MultiformatMessageString {
	text := rule.Description + "\n\nFix: " + rule.Remediation
	lines := strings.Split(safetext.Lines(rule.Description), "\n")
	for i := range lines {
		lines[i] = safetext.Markdown(lines[i])
	}
	md := strings.Join(lines, "\n") + "\n\n**Fix:** " + safetext.Markdown(rule.Remediation)
	if rule.Builtin {
		md += fmt.Sprintf("\n\nDocumentation: [%s in docs/rules.md](%s)", safetext.Markdown(rule.ID), RuleHelpURI(rule.ID))
	}
	return sarif.NewMultiformatMessageString(text).WithMarkdown(md)
}

// artifact is a path as a SARIF artifactLocation: a URI reference relative
// to %SRCROOT% for a file inside the working directory, an absolute file:
// URI for one outside it, and "stdin" for standard input.
func (l locator) artifact(path string) *sarif.ArtifactLocation {
	p, inside := l.rel(path)
	switch {
	case p == "-" || p == "" || strings.HasPrefix(p, "<"):
		return sarif.NewSimpleArtifactLocation("stdin")
	case inside:
		return sarif.NewSimpleArtifactLocation(escapeURIPath(p, false)).WithUriBaseId(srcRoot)
	case filepath.IsAbs(filepath.FromSlash(p)) || strings.HasPrefix(p, "/"):
		return sarif.NewSimpleArtifactLocation(fileURI(p))
	}
	// Outside a working directory patchcheck does not know: relative, as
	// given, but still a valid URI reference.
	return sarif.NewSimpleArtifactLocation(escapeURIPath(p, false))
}

// fileURI is an absolute path as a file: URI ("/a b" → "file:///a%20b",
// "C:\x" → "file:///C:/x", "\\host\share\x" → "file://host/share/x").
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	switch {
	case strings.HasPrefix(p, "//"): // a UNC path: its host is the URI's authority
		return "file:" + escapeURIPath(p, true)
	case !strings.HasPrefix(p, "/"): // a drive letter
		p = "/" + p
	}
	return "file://" + escapeURIPath(p, true)
}

// escapeURIPath percent-encodes a slash-separated path for a URI: every
// byte but the unreserved characters of RFC 3986 (letters, digits, - . _
// ~) and '/', so that spaces, %, #, ?, non-ASCII names and the rest cannot
// change what the URI means. A ':' is kept only in an absolute path
// (colon true, for a drive letter): in a relative reference it would read
// as a scheme.
func escapeURIPath(p string, colon bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/', c == ':' && colon:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// ruleName turns a title into the PascalCase identifier SARIF viewers show.
func ruleName(title string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
}
