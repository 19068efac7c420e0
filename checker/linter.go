// Package checker lints ARM templates for automatic VM guest patching: it
// finds the inputs, runs each through parse → adapt → schema → Rego on a
// worker pool, and collects one report.
package checker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/patchcheck/patchcheck/checker/config"
	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/engine"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/internal/schema"
	"github.com/patchcheck/patchcheck/checker/internal/tfplan"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/policies"
)

// Options configure a Linter.
type Options struct {
	Profile string // knowledge profile; policies.DefaultProfile when empty
	Workers int    // files checked at once; GOMAXPROCS when 0
	Version string // reported in outputs
	// Parameters are deployment parameter files applied to every template
	// (later files win); when empty, each template is paired with its own.
	Parameters []string
	// Input forces the input kind ("arm", "rest", "instance-view",
	// "tfplan" or "what-if"); "" or "auto" detects it from each file's
	// content.
	Input string
	// Progress, when set, is called after each file is checked (from the
	// workers, so it must be safe for concurrent use).
	Progress func()
	// Config is the repository's .patchcheck.yaml (waivers, exclusions,
	// severity overrides); nil without one.
	Config *config.Config
	// Now is the clock waivers expire by (time.Now when nil).
	Now func() time.Time
	// PolicyDirs add user Rego rules to the built-in ones.
	PolicyDirs []string
	// Baseline are files or folders describing what is deployed today;
	// each linted VM is compared with the deployed VM of the same name.
	Baseline []string
	// MaxFileSize caps every input read (templates, parameter files,
	// baselines, standard input, bicep output), in bytes;
	// DefaultMaxFileSize when 0.
	MaxFileSize int64
	// BicepTimeout bounds one `bicep build`; DefaultBicepTimeout when 0.
	BicepTimeout time.Duration
	// FileTimeout bounds the evaluation of one file's policies (0: no
	// bound of its own; the run's context still applies). A rule that runs
	// away then errors that file, naming the rule, instead of hanging CI.
	FileTimeout time.Duration
	// Context is what is known of the deployment (--context, context: in
	// .patchcheck.yaml): subscription(), resourceGroup() and the other
	// deployment context functions give its values; nil: all unknown.
	Context *config.Context
	// SkipNonTemplates skips a file named explicitly that parses but is not
	// an ARM template (package.json, tsconfig.json), with the reason, as a
	// file found in a folder is, instead of failing the run: a pre-commit
	// hook is handed every changed .json file. A file that does not parse
	// still fails, since it may be a broken template.
	SkipNonTemplates bool
	// BicepMissing is what a .bicep file becomes when the bicep CLI is not
	// on PATH: BicepMissingError (the default) fails it, BicepMissingSkip
	// skips it with how to get the CLI.
	BicepMissing BicepMissing
	// Shard, unless zero, makes Run check only that shard of its inputs
	// (lint --shard K/N).
	Shard Shard
}

// BicepMissing is what to do with Bicep source when the bicep CLI is not on
// PATH.
type BicepMissing string

const (
	BicepMissingError BicepMissing = "error" // the file is an error (exit 2): a pipeline fails closed
	BicepMissingSkip  BicepMissing = "skip"  // the file is skipped with the reason (pre-commit without Bicep)
)

// Linter checks files. Build it once per run: it compiles the policies and
// the schema; Check is safe to call from many goroutines.
type Linter struct {
	opts      Options
	adapter   *arm.Adapter
	defaults  policies.Defaults // the profile's, for checker/internal/tfplan as for the adapter
	validator *schema.Validator
	engine    *engine.Engine
	profile   report.Profile
	baseline  baseline
	waivers   *waivers
}

// New compiles policies and schemas for opts.Profile.
func New(ctx context.Context, opts Options) (*Linter, error) {
	if opts.Profile == "" {
		opts.Profile = policies.DefaultProfile
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.BicepTimeout <= 0 {
		opts.BicepTimeout = DefaultBicepTimeout
	}
	switch opts.Input {
	case "", "auto", "arm", "rest", "instance-view", "tfplan", "what-if":
	default:
		return nil, fmt.Errorf("--input %q: want auto, arm, rest, instance-view, tfplan or what-if", opts.Input)
	}
	switch opts.BicepMissing {
	case "":
		opts.BicepMissing = BicepMissingError
	case BicepMissingError, BicepMissingSkip:
	default:
		return nil, fmt.Errorf("--bicep-missing %q: want error or skip", opts.BicepMissing)
	}
	pol, err := engine.Load(policies.FS())
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	for _, dir := range opts.PolicyDirs {
		if err := pol.AddDir(dir); err != nil {
			return nil, fmt.Errorf("--policy: %w", err)
		}
	}
	eng, err := engine.New(ctx, pol, opts.Profile)
	if err != nil {
		return nil, err
	}
	if err := engine.CheckMetadata(eng.Rules()); err != nil {
		return nil, err
	}
	// Azure's defaults that the adapters assume come from the same profile
	// the rules read.
	profile, err := policies.LoadProfile(opts.Profile)
	if err != nil {
		return nil, fmt.Errorf("load profile: %w", err)
	}
	adapter, err := arm.NewAdapter(profile.Defaults())
	if err != nil {
		return nil, err
	}
	if opts.Context != nil {
		c, err := arm.NewContext(opts.Context.Values, opts.Context.Source)
		if err != nil {
			return nil, err
		}
		adapter = adapter.WithContext(c)
	}
	validator, err := schema.New()
	if err != nil {
		return nil, err
	}
	var base baseline
	if len(opts.Baseline) > 0 {
		if base, err = loadBaseline(adapter, opts.Baseline, opts.MaxFileSize); err != nil {
			return nil, err
		}
	}
	title := ""
	if p, ok := pol.Profiles[opts.Profile].(map[string]any); ok {
		title, _ = p["title"].(string)
	}
	return &Linter{
		opts: opts, adapter: adapter, defaults: profile.Defaults(), validator: validator, engine: eng,
		profile: report.Profile{Name: opts.Profile, Title: title}, baseline: base,
		waivers: newWaivers(opts, eng),
	}, nil
}

// Rules is the rule catalog of the policies in use.
func (l *Linter) Rules() []model.Rule { return l.engine.Rules() }

// Profile is the knowledge profile in use.
func (l *Linter) Profile() report.Profile { return l.profile }

// Run checks every input (of Options.Shard) on a worker pool and returns
// the report, with files in input order. stdin is read when an input is
// "-".
func (l *Linter) Run(ctx context.Context, inputs []Input, stdin io.Reader) *report.Report {
	return l.RunShard(ctx, inputs, stdin, l.opts.Shard)
}

// RunShard is Run for one shard of the inputs (the zero Shard: all of
// them). The other inputs are not checked, but they are still what a
// template's parameter files and links are paired with, so each file is
// checked as in the whole run; the configuration's own problems are
// reported by shard 1.
func (l *Linter) RunShard(ctx context.Context, all []Input, stdin io.Reader, shard Shard) *report.Report {
	inputs, others := shard.Split(all)
	r := &report.Report{
		Tool: "patchcheck", Version: l.opts.Version, Profile: l.profile, Rules: l.Rules(),
		Files: make([]report.File, len(inputs)),
	}
	if wd, err := os.Getwd(); err == nil {
		r.WorkDir = wd // reports give paths relative to it
	}
	if !shard.Whole() {
		r.Shard = &report.Shard{Index: shard.Index, Count: shard.Of, Files: len(inputs), Total: len(all)}
	}
	var stdinData []byte
	var stdinErr error
	for _, in := range inputs {
		if in.Path == Stdin {
			var buf bytes.Buffer
			stdinErr = readLimited(&buf, stdin, "standard input", l.opts.MaxFileSize)
			stdinData = buf.Bytes()
			break
		}
	}
	walked := map[string]bool{}
	for _, in := range all {
		if !in.Explicit {
			walked[in.Path] = true
		}
	}
	params := newParameterFinder(l.opts.Parameters, walked, l.opts.MaxFileSize)
	links := newLinker(l.opts.MaxFileSize)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(l.opts.Workers, max(len(inputs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{params: params, links: links, maxSize: l.opts.MaxFileSize}
			for i := range jobs {
				r.Files[i] = l.checkInput(ctx, w, inputs[i], stdinData, stdinErr)
				if l.opts.Progress != nil {
					l.opts.Progress()
				}
			}
		}()
	}
	for i := range inputs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	dropRepeatedLinked(r.Files)
	l.dropLinkedElsewhere(r.Files, others)
	// The configuration file is reported after the inputs, for its own
	// expired waivers (by one shard only).
	if shard.Whole() || shard.Index == 1 {
		if f := l.waivers.configProblems(); f != nil {
			r.Files = append(r.Files, *f)
		}
	}
	return r
}

// checkInput reads one input (a file, standard input or Bicep source) and
// checks it.
func (l *Linter) checkInput(ctx context.Context, w *worker, in Input, stdinData []byte, stdinErr error) report.File {
	switch {
	case !in.Explicit && l.waivers.excluded(in.Path):
		return report.File{Path: in.Path, Status: report.Skipped, Reason: "excluded by " + l.opts.Config.Path, Findings: []model.Finding{}}
	case in.Err != nil:
		return errored(in.Path, in.Err)
	case in.Path == Stdin && stdinErr != nil:
		return errored(in.Path, stdinErr)
	case in.Path == Stdin:
		return l.check(ctx, w, in, stdinData)
	case isBicep(in.Path):
		return l.checkBicep(ctx, w, in)
	}
	data, err := w.read(in.Path)
	if err != nil {
		return errored(in.Path, err)
	}
	return l.check(ctx, w, in, data)
}

func errored(path string, err error) report.File {
	var se *jsonpos.SyntaxError
	var we *arm.WhatIfError
	fe := &report.FileError{Message: clipMessage(err.Error())}
	switch {
	case errors.As(err, &se):
		fe = &report.FileError{Line: se.Line, Column: se.Column, Message: clipMessage("invalid JSON: " + se.Msg)}
	case errors.As(err, &we):
		fe = &report.FileError{Line: we.Line, Column: we.Column, Message: clipMessage(we.Msg)}
	}
	return report.File{Path: path, Status: report.Errored, Error: fe, Findings: []model.Finding{}}
}

// worker holds memory one goroutine reuses from file to file: the read
// buffer and the parser's value arena. Nothing in a report points into it.
type worker struct {
	parser  jsonpos.Parser
	buf     bytes.Buffer
	params  *parameterFinder // shared by the run's workers
	links   *linker          // shared by the run's workers; nil: links are not followed
	maxSize int64            // Options.MaxFileSize
}

// read reads a regular file, up to the size cap.
func (w *worker) read(path string) ([]byte, error) {
	if err := readRegular(&w.buf, path, w.maxSize); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

// Check lints one file's bytes.
func (l *Linter) Check(ctx context.Context, in Input, data []byte) report.File {
	w := &worker{params: newParameterFinder(l.opts.Parameters, nil, l.opts.MaxFileSize), links: newLinker(l.opts.MaxFileSize), maxSize: l.opts.MaxFileSize}
	return l.check(ctx, w, in, data)
}

// extracted is what one file holds before any rule runs.
type extracted struct {
	doc    *jsonpos.Document
	kind   inputKind
	vms    []arm.VM   // ARM shapes, which go through the schema stage
	facts  []model.VM // Terraform plans: attributes, not an osProfile, so no schema stage
	params []string   // the parameter files whose values were used
	skip   string     // why a file found by walking a folder is not checked
	// noProfile counts the scale sets without virtualMachineProfile: they
	// define no VM, so they are counted, not checked.
	noProfile int
	// linked are the templates deployments link to that were followed;
	// unfollowed, the links that were not.
	linked     []string
	unfollowed []arm.Unfollowed
	// whatIf is what a what-if result says beyond the after states in vms:
	// the changes that could not be checked, and the deletions.
	whatIf arm.WhatIfResult
}

// extract parses a file, detects (or, with --input, is told) its kind and
// normalises its VMs: the steps lint and fleet init share.
func (l *Linter) extract(w *worker, in Input, data []byte) (extracted, error) {
	doc, err := w.parser.Parse(in.Path, data)
	if err != nil {
		return extracted{}, err
	}
	armKind, why := arm.Classify(doc)
	kind := inputKind(armKind)
	if tfplan.Detect(doc) {
		kind = kindTerraformPlan
	}
	switch l.opts.Input {
	case "arm":
		if kind != kindParameters {
			kind = kindTemplate
		}
	case "rest":
		kind = kindREST
	case "instance-view":
		kind = kindInstanceView
	case "tfplan":
		kind = kindTerraformPlan
	case "what-if":
		kind = kindWhatIf
	}
	x := extracted{doc: doc, kind: kind}
	switch kind {
	case kindParameters:
		x.skip = "deployment parameter file, not a template"
	case kindUnknown:
		if in.Explicit && !l.opts.SkipNonTemplates {
			return x, fmt.Errorf("not an ARM template: %s (expected a deploymentTemplate $schema or a resources list)", why)
		}
		x.skip = "not an ARM template: " + why
	case kindTerraformPlan:
		x.facts, err = tfplan.Extract(doc, data, l.defaults)
	case kindREST:
		x.vms, err = l.adapter.ExtractREST(doc)
	case kindInstanceView:
		x.vms = l.adapter.ExtractInstanceView(doc)
	case kindWhatIf:
		x.whatIf, err = l.adapter.ExtractWhatIf(doc)
		// x.vms is filtered in place below: the after states are kept
		// there only.
		x.vms, x.whatIf.VMs = x.whatIf.VMs, nil
	default:
		var params []*arm.ParameterFile
		params, x.params, err = w.params.find(in)
		if err == nil {
			var links arm.Linker
			if w.links != nil {
				links = w.links.linksFor(in.Path)
			}
			var ex arm.Extraction
			ex, err = l.adapter.ExtractLinked(doc, links, params...)
			x.vms, x.linked, x.unfollowed = ex.VMs, ex.Linked, ex.Unfollowed
		}
	}
	vms := x.vms[:0]
	for _, vm := range x.vms {
		if vm.NoProfile {
			x.noProfile++
			continue
		}
		vms = append(vms, vm)
	}
	x.vms = vms
	return x, err
}

func (l *Linter) check(ctx context.Context, w *worker, in Input, data []byte) report.File {
	name := in.Path
	x, err := l.extract(w, in, data)
	if err != nil {
		return errored(name, err)
	}
	out := report.File{Path: name, Status: report.Checked, Kind: string(x.kind), Parameters: x.params, Linked: x.linked, Findings: []model.Finding{}}
	if x.skip != "" {
		out.Status, out.Reason = report.Skipped, x.skip
		return out
	}
	facts := x.facts
	docs := map[string]*jsonpos.Document{name: x.doc}
	for i := range x.vms {
		doc := x.doc
		if x.vms[i].Doc != nil {
			doc = x.vms[i].Doc // a template the input links to
			docs[doc.Name] = doc
		}
		l.validator.Check(doc, &x.vms[i])
		facts = append(facts, x.vms[i].Facts)
	}
	for i := range facts {
		if facts[i].File == "" {
			facts[i].File = name
		}
		key := strings.ToLower(facts[i].Name)
		if j := i - len(x.facts); j >= 0 && x.vms[j].Change != nil {
			// A what-if's VM is named by its resource ID; its before state
			// is its baseline, unless --baseline has a VM of its name.
			c := x.vms[j].Change
			key, facts[i].Baseline = strings.ToLower(c.Name), c.Before
		}
		if b, ok := l.baseline[key]; ok {
			facts[i].Baseline = b
		}
		l.waivers.inlineProblems(&facts[i])
	}
	out.VMs, out.NoProfile = len(facts), x.noProfile
	findings, err := l.evaluate(ctx, name, facts)
	if err != nil {
		return errored(name, err)
	}
	if x.kind == kindWhatIf {
		findings = l.whatIfFindings(name, findings, x.vms, x.whatIf.Unchecked)
		out.Reason = whatIfNote(x.whatIf.Deleted)
	}
	findings = append(findings, l.unfollowedFindings(x.unfollowed)...)
	l.waivers.apply(name, facts, findings)
	clipFindings(docs, findings)
	setEndColumns(docs, findings)
	report.SortFindings(findings)
	if findings != nil {
		out.Findings = findings
	}
	return out
}

// evaluate runs the policies on one file's VMs within Options.FileTimeout.
func (l *Linter) evaluate(ctx context.Context, name string, facts []model.VM) ([]model.Finding, error) {
	if l.opts.FileTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, l.opts.FileTimeout,
			fmt.Errorf("evaluating the file took longer than --file-timeout %s", l.opts.FileTimeout))
		defer cancel()
	}
	return l.engine.Evaluate(ctx, name, facts)
}

// compileBicep compiles a Bicep file, saying how to get the CLI or what to
// lint instead when the bicep CLI is missing.
func (l *Linter) compileBicep(ctx context.Context, path string) ([]byte, error) {
	data, err := compileBicep(ctx, path, l.opts.BicepTimeout, l.opts.MaxFileSize)
	if errors.Is(err, errNoBicep) {
		// Wrapped, so checkBicep can still tell a missing CLI from a failed build.
		return nil, fmt.Errorf("%s is Bicep source and the %w: %s", path, err, bicepHint(path))
	}
	return data, err
}

// checkBicep compiles a Bicep file and checks the JSON it becomes; findings
// then point into the compiled JSON, which the file's entry says. Without
// the bicep CLI the template cannot be checked, and the run fails closed,
// unless Options.BicepMissing asks for a skip.
func (l *Linter) checkBicep(ctx context.Context, w *worker, in Input) report.File {
	data, err := l.compileBicep(ctx, in.Path)
	if errors.Is(err, errNoBicep) && l.opts.BicepMissing == BicepMissingSkip {
		return report.File{Path: in.Path, Status: report.Skipped, Kind: "bicep", Findings: []model.Finding{},
			Reason: "Bicep source not checked: the bicep CLI is not on PATH (--bicep-missing skip); " + bicepHint(in.Path)}
	}
	if err != nil {
		return errored(in.Path, err)
	}
	out := l.check(ctx, w, in, data)
	out.Kind = "bicep"
	if out.Status == report.Checked {
		out.Reason = "compiled with bicep build; positions refer to the compiled JSON"
	}
	return out
}

// inputKind is what an input file turned out to be: one of the ARM
// adapter's kinds, or a Terraform plan, which checker/internal/tfplan reads (the ARM
// adapter knows nothing of Terraform, so its Kind does not name it).
type inputKind string

const (
	kindTemplate      = inputKind(arm.Template)
	kindParameters    = inputKind(arm.Parameters)
	kindREST          = inputKind(arm.REST)
	kindInstanceView  = inputKind(arm.InstanceView)
	kindUnknown       = inputKind(arm.Unknown)
	kindWhatIf        = inputKind(arm.WhatIf)
	kindTerraformPlan = inputKind("tfplan") // `terraform show -json` output
)

func newWaivers(opts Options, eng *engine.Engine) *waivers {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	w := &waivers{now: now().UTC(), config: opts.Config, severity: map[string]model.Severity{}}
	w.rule, _ = eng.RuleFor("waiverProblems")
	if opts.Config != nil {
		for id, sev := range opts.Config.Severity {
			w.severity[id] = model.Severity(sev)
		}
	}
	return w
}
