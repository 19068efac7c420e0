package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/config"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/internal/safewrite"
	"github.com/patchcheck/patchcheck/policies"
)

type lintFlags struct {
	formats []string
	output  string
	profile string
	failOn  string
	color   string
	workers int
	quiet   bool
	maxSize byteSize
	params  []string
	input   string
	base    []string
	policy  []string
	config  string
	context string
	timeout time.Duration
	// fileTimeout bounds one file's evaluation; 0 leaves only timeout.
	fileTimeout time.Duration
	// skipNonTemplates and bicepMissing are checker.Options'
	// SkipNonTemplates and BicepMissing (pre-commit hook mode).
	skipNonTemplates bool
	bicepMissing     string
	// markdownLimit caps a Markdown report, in characters (0: none);
	// markdownLimitSet says --markdown-limit was given.
	markdownLimit    int
	markdownLimitSet bool
	// shard is --shard K/N; "" checks every file.
	shard string
}

func newLintCommand(s streams) *cobra.Command {
	var f lintFlags
	cmd := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Check ARM templates (files, folders, or - for stdin)",
		Long: "Check ARM templates for the rules of automatic VM guest patching.\n\n" +
			"PATH may be a file, a folder (searched recursively for .json and .jsonc files) or - for\n" +
			"standard input. Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,\n" +
			"2 a usage error or an input that could not be read, parsed or evaluated.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return lint(cmd, s, f, args) },
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.formats, "format", "f", []string{"text"}, "output format: "+strings.Join(report.Formats(), ", ")+"; repeatable as NAME=FILE to write several reports at once (e.g. --format sarif=out.sarif --format text)")
	fl.StringVarP(&f.output, "output", "o", "", "write the report (the one --format without its own =FILE) to this file instead of standard output")
	fl.StringVar(&f.profile, "profile", policies.DefaultProfile, "knowledge profile: 2021-02 (the seed's rules) or current (Microsoft's 2024 doc)")
	fl.StringVar(&f.failOn, "fail-on", "error", "lowest severity that fails the run with exit 1: error, warning or info")
	fl.StringVar(&f.color, "color", "auto", "colour text output: auto (only on a terminal, unless NO_COLOR is set), always, never")
	fl.IntVarP(&f.workers, "jobs", "j", 0, "files checked in parallel (0 = one per CPU)")
	fl.StringArrayVarP(&f.params, "parameters", "p", nil, "deployment parameter file whose values replace parameter defaults, for every template (repeatable; later files win). Without it, x.json is paired with x.parameters.json, or with a parameter file whose metadata.template names it")
	fl.StringVar(&f.input, "input", "auto", "input kind: auto (detected from each file's content), arm (templates, Bicep-compiled JSON), rest (a VM or scale set REST body), instance-view (az vm get-instance-view output or an instanceView body), tfplan (terraform show -json) or what-if (az deployment ... what-if --no-pretty-print -o json, or the REST WhatIfOperationResult)")
	fl.StringVar(&f.context, "context", "", "deployment context file (YAML or JSON): the subscription, resource group, tenant, environment, management group and deployment that subscription(), resourceGroup() and the like return; what it does not give stays unknown (default: context: in the configuration)")
	fl.StringVar(&f.config, "config", "", "configuration file (default: .patchcheck.yaml in the working directory or the nearest parent, up to the repository root: the first folder holding .git)")
	fl.StringArrayVar(&f.policy, "policy", nil, "folder of your own Rego rules (package patchcheck.rules.<name>, a deny rule with METADATA custom.id/severity/remediation); repeatable")
	fl.StringArrayVar(&f.base, "baseline", nil, "what is deployed today (az vm list/show output, REST bodies, instance views or an exported template; file or folder, repeatable): each VM is compared with the deployed VM of the same name for changes Azure will not accept (PC009)")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "stop the run after this long (0 = no limit): files not evaluated by then are errors (exit 2), named with the rule that was running")
	fl.DurationVar(&f.fileTimeout, "file-timeout", 0, "stop evaluating one file's rules after this long (0 = only --timeout applies): that file is an error (exit 2), the others are still checked")
	f.maxSize = checker.DefaultMaxFileSize
	fl.Var(&f.maxSize, "max-file-size", "largest input read (each template, parameter file, baseline file, standard input, bicep output): larger ones are refused as errors (exit 2); e.g. 64MiB, 100MB")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "text output: leave out files without findings (the summary still counts them)")
	fl.BoolVar(&f.skipNonTemplates, "skip-non-templates", false, "skip files named on the command line that are JSON but not ARM templates (package.json, tsconfig.json), with the reason, instead of failing with exit 2, as files found in folders are; for pre-commit hooks, which name every changed file. A file that does not parse still fails")
	fl.StringVar(&f.bicepMissing, "bicep-missing", string(checker.BicepMissingError), "a .bicep file when the bicep CLI is not on PATH: error (exit 2, the default: a pipeline fails closed) or skip (skipped, saying how to get the CLI; for pre-commit on machines without Bicep)")
	fl.IntVar(&f.markdownLimit, "markdown-limit", defaultMarkdownLimit, "largest markdown report in characters (65536 fits a GitHub pull-request comment; 0 = no limit): past it, rows are left out and the report says how many. A markdown report to $GITHUB_STEP_SUMMARY is appended to it and kept within GitHub's 1 MiB a step (and this limit only when given)")
	fl.StringVar(&f.shard, "shard", "", "check only shard K of N (K/N, 1 <= K <= N): each file goes to one shard by a hash of its path relative to the working directory, so N jobs with K = 1..N check every file once")
	return cmd
}

func lint(cmd *cobra.Command, s streams, f lintFlags, paths []string) error {
	tuneGC()
	cfg, err := loadConfig(cmd, &f)
	if err != nil {
		return err
	}
	failOn := model.Severity(strings.ToLower(f.failOn))
	if failOn.Rank() == 0 {
		return fmt.Errorf("--fail-on %q: want error, warning or info", f.failOn)
	}
	f.markdownLimitSet = cmd.Flags().Changed("markdown-limit")
	if f.markdownLimit < 0 {
		return fmt.Errorf("--markdown-limit %d: want a number of characters, or 0 for no limit", f.markdownLimit)
	}
	shard, err := checker.ParseShard(f.shard)
	if err != nil {
		return fmt.Errorf("--shard: %w", err)
	}
	deployContext, err := lintContext(f, cfg)
	if err != nil {
		return err
	}
	outputs, err := parseOutputs(f)
	if err != nil {
		return err
	}
	if err := safewrite.Check(lintOutputs(outputs), lintReads(paths, f.params, f.base, f.policy, configPath(cfg), contextPath(deployContext))); err != nil {
		return err // output.go: before any work, a report never replaces an input
	}
	if f.timeout < 0 || f.fileTimeout < 0 {
		return fmt.Errorf("--timeout %s, --file-timeout %s: want a positive duration, or 0 for no limit", f.timeout, f.fileTimeout)
	}
	ctx := cmd.Context()
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, f.timeout, fmt.Errorf("the run took longer than --timeout %s", f.timeout))
		defer cancel()
	}
	inputs := checker.Discover(paths)
	progress, done := newProgress(s.err, shard.Count(inputs), "checking templates")
	defer done()
	linter, err := checker.New(ctx, checker.Options{Profile: f.profile, Workers: f.workers, Version: currentBuild().Version,
		Parameters: f.params, Input: f.input, Baseline: f.base, PolicyDirs: f.policy, Progress: progress, Config: cfg, MaxFileSize: int64(f.maxSize),
		FileTimeout: f.fileTimeout, Context: deployContext,
		SkipNonTemplates: f.skipNonTemplates, BicepMissing: checker.BicepMissing(f.bicepMissing), Shard: shard})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("stopped while compiling the policies: %w (%w)", stopReason(ctx), err)
		}
		return err
	}
	r := linter.Run(ctx, inputs, s.in)
	done()
	if cfg != nil {
		r.Config = cfg.Path // named in the text header, JSON, SARIF and markdown
	}
	humanOnStdout := false
	for _, o := range outputs {
		if err := o.write(s, f, r, o.options(f, outputs, failOn)); err != nil {
			return err
		}
		humanOnStdout = humanOnStdout || (o.path == "" && o.format == "text")
	}
	if !humanOnStdout {
		// Machine formats keep stdout clean; people still see errors.
		writeErrors(s.err, r)
	}
	if code := r.ExitCode(failOn); code != report.ExitClean {
		return exitError{code}
	}
	return nil
}

// stopReason says why ctx ended: --timeout, or an interrupt.
func stopReason(ctx context.Context) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, context.Canceled) {
		return fmt.Errorf("interrupted (%w)", cause)
	}
	return cause
}

// output is one requested report: a format and where it goes ("" = stdout).
// summary marks the GitHub job summary ($GITHUB_STEP_SUMMARY), which is
// appended to rather than replaced.
type output struct {
	format, path string
	summary      bool
}

// parseOutputs reads --format NAME[=FILE] (repeatable) and --output: the
// one format without a file of its own goes to --output, else to standard
// output.
func parseOutputs(f lintFlags) ([]output, error) {
	var outs []output
	fileless := -1
	for _, spec := range f.formats {
		name, path, _ := strings.Cut(spec, "=")
		if _, err := report.New(name, report.Options{}); err != nil {
			return nil, fmt.Errorf("--format: %w", err)
		}
		if path == "" {
			if fileless >= 0 {
				return nil, fmt.Errorf("--format: at most one format can go to standard output or --output; give the others a file (e.g. --format sarif=out.sarif)")
			}
			fileless = len(outs)
		}
		outs = append(outs, output{format: strings.ToLower(name), path: path})
	}
	if f.output != "" {
		if fileless < 0 {
			return nil, fmt.Errorf("--output %s: every --format already names its file", f.output)
		}
		outs[fileless].path = f.output
	}
	for i := range outs {
		outs[i].summary = isStepSummary(outs[i].path)
	}
	return outs, nil
}

// options are the report options of o: the run's --fail-on (JUnit), the
// Markdown limits, and where the whole report is for formats that leave
// findings out.
func (o output) options(f lintFlags, outs []output, failOn model.Severity) report.Options {
	opts := report.Options{Quiet: f.quiet, FailOn: failOn, FullReport: fullReport(o, outs)}
	if o.format == "markdown" {
		opts.MarkdownLimit = f.markdownLimit
		if o.summary {
			if !f.markdownLimitSet {
				opts.MarkdownLimit = 0 // a job summary is not a comment
			}
			opts.MarkdownByteLimit = stepSummaryRoom(o.path)
		}
	}
	return opts
}

// fullReport names where the run's other reports list every finding, for
// o to point to when it leaves findings out: its files in formats that do
// not (SARIF, JSON, text, JUnit, GitLab), and the job summary. "" when
// there is none.
func fullReport(o output, outs []output) string {
	var where []string
	for _, other := range outs {
		switch {
		case other == o:
		case other.summary && other.format == "markdown":
			where = append(where, "the job summary")
		case other.path != "" && other.format != "markdown" && other.format != "github" && other.format != "azure-devops":
			where = append(where, other.path)
		}
	}
	return strings.Join(where, " and ")
}

func (o output) write(s streams, f lintFlags, r *report.Report, opts report.Options) error {
	write := func(out io.Writer) error {
		color, err := useColor(f.color, isTerminal(out))
		if err != nil {
			return err
		}
		opts.Color = color
		formatter, err := report.New(o.format, opts)
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(out)
		if err := formatter.Format(bw, r); err != nil {
			return fmt.Errorf("write %s report: %w", o.format, err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write %s report: %w", o.format, err)
		}
		return nil
	}
	var err error
	if o.summary {
		err = safewrite.Append(s.out, o.path, write) // the job summary collects every step's
	} else {
		// safewrite.Write replaces a file whole, or leaves it as it was.
		err = safewrite.Write(s.out, s.err, o.path, write)
	}
	if err != nil && o.path != "" {
		return fmt.Errorf("--format %s: %w", o.format, err)
	}
	return err
}

// writeErrors repeats unreadable inputs on stderr, so a failing run says why
// even when stdout carries SARIF or JSON. File names and messages come from
// the inputs: safetext.Text keeps them on their line and out of the CI
// runner's command syntax.
func writeErrors(w io.Writer, r *report.Report) {
	for _, f := range r.Files {
		if f.Status != report.Errored {
			continue
		}
		fmt.Fprintf(w, "patchcheck: %s: %s\n", f.Error.In(safetext.Text(f.Path)), safetext.Text(f.Error.Message))
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func useColor(mode string, terminal bool) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return terminal && os.Getenv("NO_COLOR") == "", nil
	}
	return false, fmt.Errorf("--color %q: want auto, always or never", mode)
}

// lintContext is the deployment context: --context FILE, else the
// configuration's context:, else none.
func lintContext(f lintFlags, cfg *config.Config) (*config.Context, error) {
	if f.context != "" {
		return config.LoadContext(f.context)
	}
	if cfg != nil {
		return cfg.Context, nil
	}
	return nil, nil
}

// contextPath is the context file a run reads, or "".
func contextPath(c *config.Context) string {
	if c == nil {
		return ""
	}
	return c.Path
}

// loadConfig reads --config, or .patchcheck.yaml found upward from the
// working directory, and fills in the flags the command line did not set.
func loadConfig(cmd *cobra.Command, f *lintFlags) (*config.Config, error) {
	path := f.config
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if path = config.Find(wd); path == "" {
			return nil, nil
		}
		if rel, err := filepath.Rel(wd, path); err == nil {
			path = rel // as the user would write it, in every output
		}
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	flags := cmd.Flags()
	if cfg.Profile != "" && !flags.Changed("profile") {
		f.profile = cfg.Profile
	}
	if cfg.FailOn != "" && !flags.Changed("fail-on") {
		f.failOn = cfg.FailOn
	}
	if len(cfg.Formats) > 0 && !flags.Changed("format") {
		f.formats = cfg.Formats
	}
	for _, p := range cfg.Policies {
		if !filepath.IsAbs(p) {
			p = filepath.Join(cfg.Dir, p)
		}
		f.policy = append(f.policy, p)
	}
	return cfg, nil
}
