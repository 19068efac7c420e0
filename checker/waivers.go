package checker

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/checker/config"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

// waivers applies configuration and inline waivers, and severity overrides.
type waivers struct {
	now      time.Time
	config   *config.Config // nil without a configuration file
	severity map[string]model.Severity
	// rule reports waivers that expired or are malformed: the rule that
	// applies to waiverProblems (PC022).
	rule model.Rule
}

// inlineProblems checks a VM's inline waivers: those without a reason or a
// valid date are rejected, expired ones no longer waive. Both are PC022.
func (w *waivers) inlineProblems(vm *model.VM) {
	vm.WaiverProblems = []model.WaiverProblem{}
	for _, iw := range vm.Waivers {
		var msg string
		end, isDate := config.ExpiresAt(iw.Expires)
		switch {
		case iw.Rule == "" || iw.Reason == "":
			msg = "waiver rejected: it needs a rule, a reason and an expiry date (YYYY-MM-DD)"
		case !isDate:
			msg = fmt.Sprintf("waiver for %s rejected: expires %q is not a date (YYYY-MM-DD)", iw.Rule, iw.Expires)
		case !w.now.Before(end):
			msg = fmt.Sprintf("waiver for %s expired on %s (%s): its findings are reported again", iw.Rule, iw.Expires, iw.Reason)
		default:
			continue
		}
		vm.WaiverProblems = append(vm.WaiverProblems, model.WaiverProblem{Message: msg, Loc: iw.Loc})
	}
}

// apply overrides severities and marks waived findings as suppressed. A
// finding in a template the input links to is waived by that template's
// own inline waivers, and by configuration waivers whose path matches it.
func (w *waivers) apply(input string, vms []model.VM, findings []model.Finding) {
	type place struct{ file, pointer string }
	inline := map[place][]model.InlineWaiver{}
	for _, vm := range vms {
		file := vm.File
		if file == "" {
			file = input
		}
		inline[place{file, vm.Loc.Pointer}] = vm.Waivers
	}
	for i := range findings {
		f := &findings[i]
		file := f.File
		if file == "" {
			file = input
		}
		if sev, ok := w.severity[f.RuleID]; ok {
			f.Severity = sev
		}
		if f.RuleID == w.rule.ID {
			continue // a waiver cannot waive the report that it no longer applies
		}
		for _, iw := range inline[place{file, f.ResourcePointer}] {
			if iw.Rule == f.RuleID && iw.Reason != "" && w.valid(iw.Expires) {
				f.Suppression = &model.Suppression{Kind: "inSource", Reason: iw.Reason, Expires: iw.Expires,
					Where: iw.Loc.In(file).String()}
			}
		}
		if f.Suppression != nil || w.config == nil {
			continue
		}
		for _, cw := range w.config.Waivers {
			if cw.Rule == f.RuleID && w.valid(cw.Expires) && w.matchPath(cw.Path, file) && match(cw.Resource, f.Resource) {
				f.Suppression = &model.Suppression{Kind: "external", Reason: cw.Reason, Expires: cw.Expires,
					Where: cw.Position.String()}
				break
			}
		}
	}
}

func (w *waivers) valid(expires string) bool {
	end, ok := config.ExpiresAt(expires)
	return ok && w.now.Before(end)
}

// matchPath matches a glob relative to the configuration file's folder;
// "dir/**" matches everything below dir.
func (w *waivers) matchPath(glob, file string) bool {
	if glob == "" {
		return true
	}
	rel := file
	if abs, err := filepath.Abs(file); err == nil {
		if r, err := filepath.Rel(w.config.Dir, abs); err == nil {
			rel = r
		}
	}
	return matchGlob(filepath.ToSlash(glob), filepath.ToSlash(rel))
}

func matchGlob(glob, p string) bool {
	if prefix, ok := strings.CutSuffix(glob, "/**"); ok {
		return p == prefix || strings.HasPrefix(p, prefix+"/")
	}
	ok, _ := path.Match(glob, p)
	return ok
}

func match(glob, name string) bool {
	if glob == "" {
		return true
	}
	ok, _ := path.Match(strings.ToLower(glob), strings.ToLower(name))
	return ok
}

// configProblems reports the configuration's expired waivers as PC022 on the
// configuration file itself.
func (w *waivers) configProblems() *report.File {
	rule := w.rule
	if w.config == nil || rule.ID == "" {
		return nil
	}
	out := report.File{Path: w.config.Path, Status: report.Checked, Kind: "config", Findings: []model.Finding{}}
	for i, cw := range w.config.Waivers {
		if w.valid(cw.Expires) {
			continue
		}
		sev := rule.Severity
		if s, ok := w.severity[rule.ID]; ok {
			sev = s
		}
		out.Findings = append(out.Findings, model.Finding{
			RuleID: rule.ID, Severity: sev, Title: rule.Title, Remediation: rule.Remediation,
			Message:  fmt.Sprintf("waiver for %s expired on %s (%s): its findings are reported again", cw.Rule, cw.Expires, cw.Reason),
			Position: cw.Position, Pointer: fmt.Sprintf("/waivers/%d", i),
			Resource: "configuration", ResourceType: "patchcheck configuration",
		})
	}
	if len(out.Findings) == 0 {
		return nil
	}
	return &out
}

// excluded reports whether the configuration excludes a discovered file.
func (w *waivers) excluded(file string) bool {
	if w.config == nil {
		return false
	}
	for _, g := range w.config.Exclude {
		if w.matchPath(g, file) {
			return true
		}
	}
	return false
}
