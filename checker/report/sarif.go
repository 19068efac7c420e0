package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// sarifFormat writes SARIF 2.1.0 (SPEC §5): one rule descriptor per rule ID,
// levels error/warning/note, locations relative to the working directory,
// and the knowledge profile in the run's properties. Files that could not be
// checked appear as failed tool execution notifications. The invocation's
// properties name the configuration file in use (null without one). The
// encoded document goes through safetext.JSON, so that no value writes
// "##vso[" or a raw control character to a CI log.
type sarifFormat struct{}

const informationURI = "https://github.com/patchcheck/patchcheck"

func sarifLevel(s model.Severity) string {
	switch s {
	case model.Error:
		return "error"
	case model.Warning:
		return "warning"
	}
	return "note"
}

func (sarifFormat) Format(w io.Writer, r *Report) error {
	doc, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	run := sarif.NewRunWithInformationURI(r.Tool, informationURI)
	run.Tool.Driver.WithVersion(r.Version)
	run.WithColumnKind("unicodeCodePoints")
	props := sarif.NewPropertyBag()
	props.Add("profile", r.Profile.Name)
	props.Add("profileTitle", r.Profile.Title)
	run.AttachPropertyBag(props)
	for _, rule := range r.Rules {
		d := run.AddRule(rule.ID).
			WithName(ruleName(rule.Title)).
			WithShortDescription(sarif.NewMultiformatMessageString(rule.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(rule.Description)).
			WithHelp(sarif.NewMultiformatMessageString(rule.Remediation)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(rule.Severity)))
		rp := sarif.NewPropertyBag()
		rp.Add("severity", string(rule.Severity))
		d.AttachPropertyBag(rp)
	}
	inv := run.AddInvocation(true)
	ip := sarif.NewPropertyBag()
	if r.Config != "" {
		ip.Add("configuration", r.Config)
	} else {
		ip.Add("configuration", nil)
	}
	inv.AttachPropertyBag(ip)
	for _, f := range r.Files {
		uri := sarifURI(f.Path)
		if f.Status == Errored {
			inv.WithExecutionSuccess(false)
			region := sarif.NewRegion()
			if f.Error.Line > 0 {
				region.WithStartLine(f.Error.Line).WithStartColumn(f.Error.Column)
			}
			loc := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
			if f.Error.Line > 0 {
				loc.WithRegion(region)
			}
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
				sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(f.Error.Message)).
					WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(loc)}))
			continue
		}
		for _, x := range f.Findings {
			uri := sarifURI(f.FindingFile(x))
			res := run.CreateResultForRule(x.RuleID).
				WithLevel(sarifLevel(x.Severity)).
				WithMessage(sarif.NewTextMessage(x.Message))
			res.AddLocation(sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)).
					WithRegion(sarif.NewRegion().WithStartLine(x.Line).WithStartColumn(x.Column)),
			).WithLogicalLocations([]*sarif.LogicalLocation{
				sarif.NewLogicalLocation().WithName(x.Resource).WithFullyQualifiedName(x.ResourcePointer).WithKind("resource"),
			}))
			// The deployments a linked template was reached through come
			// first, outermost first; then the places its values came from.
			for _, v := range x.Via {
				res.AddRelatedLocation(sarif.NewLocationWithPhysicalLocation(
					sarif.NewPhysicalLocation().
						WithArtifactLocation(sarif.NewSimpleArtifactLocation(sarifURI(v.File))).
						WithRegion(sarif.NewRegion().WithStartLine(v.Line).WithStartColumn(v.Column)),
				).WithMessage(sarif.NewTextMessage("linked template reached through " + v.Message)))
			}
			for _, r := range x.Related {
				res.AddRelatedLocation(sarif.NewLocationWithPhysicalLocation(
					sarif.NewPhysicalLocation().
						WithArtifactLocation(sarif.NewSimpleArtifactLocation(sarifURI(r.File))).
						WithRegion(sarif.NewRegion().WithStartLine(r.Line).WithStartColumn(r.Column)),
				).WithMessage(sarif.NewTextMessage(r.Message)))
			}
			if x.Suppression != nil {
				// go-sarif spells the method WithJustifcation.
				res.AddSuppression(sarif.NewSuppression(x.Suppression.Kind).
					WithJustifcation(fmt.Sprintf("%s (until %s; %s)", x.Suppression.Reason, x.Suppression.Expires, x.Suppression.Where)))
			}
			rp := sarif.NewPropertyBag()
			rp.Add("pointer", x.Pointer)
			rp.Add("resourceType", x.ResourceType)
			rp.Add("remediation", x.Remediation)
			if len(x.Via) > 0 {
				rp.Add("via", ViaText(x))
				// The same place reached another way is another result:
				// its identity includes the deployments (by file and
				// pointer, not line, so edits above them keep it).
				h := sha256.New()
				for _, v := range x.Via {
					fmt.Fprintf(h, "%s\x00%s\x00", filepath.ToSlash(v.File), v.Pointer)
				}
				res.PartialFingerprints = map[string]any{"patchcheckVia/v1": hex.EncodeToString(h.Sum(nil))[:32]}
			}
			res.AttachPropertyBag(rp)
		}
	}
	doc.AddRun(run)
	var buf bytes.Buffer
	if err := doc.PrettyWrite(&buf); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	_, err = w.Write(safetext.JSON(buf.Bytes()))
	return err
}

// sarifURI makes a path relative to the working directory with forward
// slashes, as code-scanning services expect.
func sarifURI(path string) string {
	if path == "-" || strings.HasPrefix(path, "<") {
		return "stdin"
	}
	if filepath.IsAbs(path) {
		if wd, err := filepath.Abs("."); err == nil {
			if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
				path = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(path))
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
