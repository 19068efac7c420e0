package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
)

// locator places the paths of a report relative to the run's working
// directory, which is what code scanning, GitLab and the annotation
// commands of GitHub and Azure DevOps expect (the repository root, when
// patchcheck runs from it).
type locator struct {
	wd string // absolute and clean; "" when unknown
}

// newLocator is the locator of a report: its WorkDir, or the current
// working directory for a report built without one.
func newLocator(r *Report) locator {
	wd := r.WorkDir
	if wd == "" {
		wd, _ = os.Getwd()
	}
	if wd != "" {
		wd = filepath.Clean(wd)
	}
	return locator{wd: wd}
}

// rel returns path with forward slashes, relative to the working directory
// when it is inside it (inside true), else absolute; standard input stays
// "-".
func (l locator) rel(path string) (p string, inside bool) {
	if path == "-" || path == "" || strings.HasPrefix(path, "<") {
		return path, false
	}
	clean := filepath.Clean(path)
	if !filepath.IsAbs(clean) {
		if !escapes(clean) {
			return filepath.ToSlash(clean), true
		}
		if l.wd == "" {
			return filepath.ToSlash(clean), false
		}
		clean = filepath.Join(l.wd, clean)
	}
	if l.wd != "" {
		if rel, err := filepath.Rel(l.wd, clean); err == nil && !escapes(rel) && !filepath.IsAbs(rel) {
			return filepath.ToSlash(rel), true
		}
	}
	return filepath.ToSlash(clean), false
}

// display is path as annotation commands, JUnit and GitLab take it:
// relative to the working directory when inside it, "stdin" for standard
// input.
func (l locator) display(path string) string {
	if path == "-" {
		return "stdin"
	}
	p, _ := l.rel(path)
	return p
}

// escapes reports whether a clean relative path leads out of its base.
func escapes(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// fingerprint identifies a finding across runs, for code scanning
// (SARIF partialFingerprints) and GitLab (fingerprint): the rule, the file
// (as rel gives it), the resource (type and name, not its index in the
// resources list), the property path inside the resource and the
// deployments a linked template was reached through (file and pointer).
// Lines and columns are left out, so an edit above the resource, or
// moving the resource within its file, keeps the finding's identity; the
// message is left out too, as it may quote values that change.
func (l locator) fingerprint(file string, x model.Finding) string {
	h := sha256.New()
	property := x.Pointer
	if x.ResourcePointer != "" && strings.HasPrefix(property, x.ResourcePointer) {
		property = strings.TrimPrefix(property, x.ResourcePointer)
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00", x.RuleID, file, strings.ToLower(x.ResourceType), x.Resource, property)
	for _, v := range x.Via {
		fmt.Fprintf(h, "via\x00%s\x00%s\x00", l.display(v.File), v.Pointer)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// fingerprints hands out fingerprints for one report: a second finding
// with the same identity (the same rule on the same property, with
// another message) gets its occurrence number folded in, so that two
// results never share one fingerprint and are never merged into one alert.
type fingerprints struct {
	l    locator
	seen map[string]int
}

func newFingerprints(l locator) fingerprints { return fingerprints{l: l, seen: map[string]int{}} }

// of is the fingerprint of x, found in file (as rel gives it).
func (s fingerprints) of(file string, x model.Finding) string {
	fp := s.l.fingerprint(file, x)
	s.seen[fp]++
	if n := s.seen[fp]; n > 1 {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", fp, n))
		return hex.EncodeToString(sum[:])[:32]
	}
	return fp
}
