// Package report holds the result of a lint run and writes it in each
// output format (text, json, sarif, junit, github, azure-devops, markdown,
// gitlab) behind one interface. docs/outputs.md says what each format
// guarantees its consumer.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
)

// Status of one input file.
type Status string

const (
	Checked Status = "checked" // parsed and evaluated
	Skipped Status = "skipped" // recognised and deliberately not linted (a parameter file, say); the reason is shown
	Errored Status = "error"   // could not be read, parsed or evaluated: the run fails closed (exit 2)
)

// FileError says what went wrong with a file and where. It holds a line
// and a column, not a model.Position: its file is the File's Path, and its
// JSON leaves out a line it does not know. In gives the Position.
type FileError struct {
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// In returns the error's position in path, the file it is about.
func (e FileError) In(path string) model.Position {
	return model.Position{File: path, Line: e.Line, Column: e.Column}
}

// File is the outcome for one input.
type File struct {
	Path   string `json:"path"`
	Status Status `json:"status"`
	Kind   string `json:"kind,omitempty"`   // template, parameters, unknown
	Reason string `json:"reason,omitempty"` // why a file was skipped
	// Parameters are the deployment parameter files whose values were used.
	Parameters []string   `json:"parameters,omitempty"`
	Error      *FileError `json:"error,omitempty"`
	VMs        int        `json:"vms"`
	// NoProfile counts scale sets without virtualMachineProfile (a
	// Flexible scale set created empty, a change of sku.capacity): they
	// define no VM, so no rule applies to them.
	NoProfile int             `json:"scaleSetsWithoutProfile,omitempty"`
	Findings  []model.Finding `json:"findings"`

	// Linked are the templates deployments in the file link to that were
	// followed and checked with the values the deployments pass; their
	// findings are listed here, each with the file it is in and the
	// deployments it was reached through (Finding.Via).
	Linked []string `json:"linked,omitempty"`
}

// Profile names the knowledge profile a run used.
type Profile struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// Report is everything a lint run produced.
type Report struct {
	Tool    string  `json:"tool"`
	Version string  `json:"version"`
	Profile Profile `json:"profile"`
	// Config is the configuration file the run used (severities, waivers,
	// exclusions), as the user would write its path; "" when none.
	Config string       `json:"config"`
	Rules  []model.Rule `json:"-"`
	Files  []File       `json:"files"`
	// WorkDir is the absolute working directory of the run: paths are
	// reported relative to it, and SARIF names it as %SRCROOT%. ""
	// means the current one when the report is written.
	WorkDir string `json:"-"`
	// Shard, when set, says the run checked one shard of the files
	// (lint --shard K/N).
	Shard *Shard `json:"-"`
}

// Shard describes a sharded run: shard Index of Count, holding Files of
// the Total files the paths named.
type Shard struct {
	Index, Count int
	Files, Total int
}

// String is "shard K/N: X of Y files", as the summaries say it.
func (s Shard) String() string {
	return fmt.Sprintf("shard %d/%d: %d of %d %s", s.Index, s.Count, s.Files, s.Total, plural(s.Total, "file", "files"))
}

// Summary counts files and findings.
type Summary struct {
	Files        int `json:"files"`
	Checked      int `json:"checked"`
	WithFindings int `json:"withFindings"`
	Skipped      int `json:"skipped"`
	Errored      int `json:"errored"`
	VMs          int `json:"vms"`
	NoProfile    int `json:"scaleSetsWithoutProfile"`
	Errors       int `json:"errors"`
	Warnings     int `json:"warnings"`
	Infos        int `json:"infos"`
	Suppressed   int `json:"suppressed"` // waived findings, not counted above
}

// Summarize counts the report.
func (r *Report) Summarize() Summary {
	s := Summary{Files: len(r.Files)}
	for _, f := range r.Files {
		switch f.Status {
		case Checked:
			s.Checked++
		case Skipped:
			s.Skipped++
		case Errored:
			s.Errored++
		}
		active := 0
		s.VMs += f.VMs
		s.NoProfile += f.NoProfile
		for _, x := range f.Findings {
			if x.Suppression != nil {
				s.Suppressed++
				continue
			}
			active++
			switch x.Severity {
			case model.Error:
				s.Errors++
			case model.Warning:
				s.Warnings++
			case model.Info:
				s.Infos++
			}
		}
		if active > 0 {
			s.WithFindings++
		}
	}
	return s
}

// Exit codes (SPEC §5).
const (
	ExitClean    = 0
	ExitFindings = 1
	ExitError    = 2
)

// ExitCode is 2 when any input errored, else 1 when a finding reaches
// failOn, else 0.
func (r *Report) ExitCode(failOn model.Severity) int {
	code := ExitClean
	for _, f := range r.Files {
		if f.Status == Errored {
			return ExitError
		}
		for _, x := range f.Findings {
			if x.Suppression == nil && x.Severity.Rank() >= failOn.Rank() {
				code = ExitFindings
			}
		}
	}
	return code
}

// SortFindings orders findings by position, then rule, so output is stable:
// the input's own first, then those of the templates it links to, by the
// deployment that reached them and their file.
func SortFindings(fs []model.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if c := compareVia(a.Via, b.Via); c != 0 {
			return c < 0
		}
		if c := a.Position.Compare(b.Position); c != 0 {
			return c < 0
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
}

// compareVia orders the ways findings were reached: directly first, then
// by the position of each deployment on the way.
func compareVia(a, b []model.Related) int {
	for i := range min(len(a), len(b)) {
		if c := a[i].Position.Compare(b[i].Position); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// FindingFile is the file a finding is in: its own when it names one (a
// template the input links to), else the input's.
func (f File) FindingFile(x model.Finding) string {
	if x.File != "" {
		return x.File
	}
	return f.Path
}

// findingAt is where a finding is, in the file FindingFile names.
func (f File) findingAt(x model.Finding) model.Position {
	p := x.Position
	p.File = f.FindingFile(x)
	return p
}

// ViaText says, on one line, which deployments led to a finding's file
// ("azuredeploy.json:40:5 deployment 'vm'"), outermost first; "" when the
// file is the input itself.
func ViaText(x model.Finding) string {
	parts := make([]string, len(x.Via))
	for i, v := range x.Via {
		parts[i] = v.Position.String() + " " + v.Message
	}
	return strings.Join(parts, ", then ")
}

// Formatter writes a report in one format.
type Formatter interface {
	Format(w io.Writer, r *Report) error
}

// Options tune formatters that have choices.
type Options struct {
	Color bool // ANSI colour in text output; only on a terminal
	Quiet bool // text output leaves out files without findings (the summary still counts them)
	// FailOn is the run's --fail-on: JUnit reports the findings at or
	// above it as failures and the others as passing test cases, so that
	// a test tab agrees with the exit code. "" means error.
	FailOn model.Severity
	// MarkdownLimit caps the Markdown report, in characters (what a
	// pull-request comment holds), and MarkdownByteLimit in bytes (what a
	// GitHub job summary holds; docs/outputs.md gives both limits); 0 means
	// no cap. Past a cap, table rows are left out and the report says how
	// many.
	MarkdownLimit     int
	MarkdownByteLimit int
	// FullReport says where the whole report is, for formats that leave
	// findings out (Markdown past its cap, GitHub annotations past
	// GitHub's 10 a level): "out.sarif", "the job summary". "" gives a
	// generic hint.
	FullReport string
}

// failOn is o.FailOn, error when unset.
func (o Options) failOn() model.Severity {
	if o.FailOn.Rank() == 0 {
		return model.Error
	}
	return o.FailOn
}

// Formats lists the format names, for help text.
func Formats() []string {
	return []string{"text", "json", "sarif", "junit", "github", "azure-devops", "markdown", "gitlab"}
}

// New returns the formatter for name.
func New(name string, opts Options) (Formatter, error) {
	switch strings.ToLower(name) {
	case "text":
		return textFormat{color: opts.Color, quiet: opts.Quiet}, nil
	case "json":
		return jsonFormat{}, nil
	case "sarif":
		return sarifFormat{maxResults: MaxSARIFResults}, nil
	case "junit":
		return junitFormat{failOn: opts.failOn()}, nil
	case "github":
		return githubFormat{perLevel: GitHubAnnotationsPerLevel, fullReport: opts.FullReport}, nil
	case "azure-devops":
		return azureDevOpsFormat{}, nil
	case "markdown":
		return markdownFormat{limit: opts.MarkdownLimit, byteLimit: opts.MarkdownByteLimit, fullReport: opts.FullReport}, nil
	case "gitlab":
		return gitlabFormat{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (choose one of %s)", name, strings.Join(Formats(), ", "))
}

// Active is the file's findings that no waiver suppresses: the ones formats
// without a notion of suppression (annotations, JUnit, markdown) report.
// SARIF, JSON and text show the waived ones too, marked as such.
func (f File) Active() []model.Finding {
	out := make([]model.Finding, 0, len(f.Findings))
	for _, x := range f.Findings {
		if x.Suppression == nil {
			out = append(out, x)
		}
	}
	return out
}
