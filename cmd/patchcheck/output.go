package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/config"
	"github.com/patchcheck/patchcheck/internal/safewrite"
)

// lintReads is what lint reads: the PATHs (files, and the .json, .jsonc and
// .bicep files under folders), the parameter files beside explicit
// templates, --parameters, --baseline, --policy folders and the
// configuration file.
func lintReads(paths, params, baseline, policies []string, configPath, contextPath string) safewrite.Reads {
	var r safewrite.Reads
	addTree := func(p, what, whatDir string) {
		if p == "" || p == "-" {
			return
		}
		info, err := os.Stat(p)
		if err == nil && info.IsDir() {
			r.Dirs = append(r.Dirs, safewrite.Dir{Path: p, Recursive: true, Reads: checker.Lintable,
				Why: fmt.Sprintf("the %s %s is read for its .json, .jsonc and .bicep files", whatDir, p)})
			return
		}
		r.Files = append(r.Files, safewrite.File{Path: p, What: what})
	}
	for _, p := range paths {
		addTree(p, "input", "input folder")
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			// An explicit template is paired with x.parameters.json, or with a
			// file beside it whose name holds "param" (checker.ParameterCandidate).
			r.Dirs = append(r.Dirs, safewrite.Dir{Path: filepath.Dir(p), Reads: checker.ParameterCandidate,
				Why: fmt.Sprintf("files beside the template %s whose names hold \"param\" are read as its parameter files", p)})
		}
	}
	for _, p := range params {
		r.Files = append(r.Files, safewrite.File{Path: p, What: "parameter file"})
	}
	for _, p := range baseline {
		addTree(p, "baseline", "baseline folder")
	}
	for _, p := range policies {
		r.Dirs = append(r.Dirs, safewrite.Dir{Path: p, Recursive: true, Reads: func(name string) bool { return strings.HasSuffix(name, ".rego") },
			Why: fmt.Sprintf("the policy folder %s is read for its .rego files", p)})
	}
	if configPath != "" {
		r.Files = append(r.Files, safewrite.File{Path: configPath, What: "configuration"})
	}
	if contextPath != "" {
		r.Files = append(r.Files, safewrite.File{Path: contextPath, What: "context file"})
	}
	return r
}

// lintOutputs are lint's reports as safewrite.Check takes them.
func lintOutputs(outs []output) []safewrite.Output {
	r := make([]safewrite.Output, len(outs))
	for i, o := range outs {
		r[i] = safewrite.Output{Format: o.format, Path: o.path}
	}
	return r
}

// configPath is the configuration file a run read, or "".
func configPath(cfg *config.Config) string {
	if cfg == nil {
		return ""
	}
	return cfg.Path
}

// defaultMarkdownLimit is the default --markdown-limit: GitHub refuses a
// pull-request comment longer than 65,536 characters.
const defaultMarkdownLimit = 65536

// stepSummaryLimit is what GitHub takes of a step's job summary file.
const stepSummaryLimit = 1 << 20

// isStepSummary reports whether path is the GitHub job summary file that
// $GITHUB_STEP_SUMMARY names (the same name, or the same file).
func isStepSummary(path string) bool {
	summary := os.Getenv("GITHUB_STEP_SUMMARY")
	if summary == "" || path == "" || path == "-" {
		return false
	}
	if path == summary {
		return true
	}
	a, errA := os.Stat(path)
	b, errB := os.Stat(summary)
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// stepSummaryRoom is how many bytes a report may add to the job summary
// at path: what GitHub takes a step (stepSummaryLimit), less what earlier
// commands of the step wrote there. At least 1, so the report still says what it left out.
func stepSummaryRoom(path string) int {
	room := stepSummaryLimit
	if info, err := os.Stat(path); err == nil {
		room -= int(info.Size())
	}
	return max(room, 1)
}
