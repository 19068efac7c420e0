package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/internal/saferead"
	"github.com/patchcheck/patchcheck/internal/safewrite"
	"github.com/patchcheck/patchcheck/plugins/fleet"
	"github.com/patchcheck/patchcheck/plugins/forecast"
	"github.com/patchcheck/patchcheck/plugins/request"
	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
	"github.com/patchcheck/patchcheck/policies"
)

type simulateFlags struct {
	format       string
	output       string
	profile      string
	seed         int64
	trials       int
	failUnder    float64
	pluginPath   string
	pluginSHA256 string
	pluginEnv    []string
	timeout      time.Duration
	inProcess    bool
	maxSize      byteSize
	// markdownLimit caps a Markdown forecast in characters (0: none);
	// markdownLimitSet says --markdown-limit was given.
	markdownLimit    int
	markdownLimitSet bool
}

// defaultMaxFleetSize caps the fleet file simulate reads: a million-VM
// fleet written out in full JSON stays well below it.
const defaultMaxFleetSize = 1 << 30

func newSimulateCommand(s streams) *cobra.Command {
	var f simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate FLEET",
		Short: "Forecast this month's patch rollout of a fleet (YAML or JSON, - for stdin)",
		Long: "Predict in what order Azure's availability-first orchestration patches the fleet this month,\n" +
			"and which VMs will not be patched within 30 days, and why. The simulator runs as a go-plugin\n" +
			"process: the built-in one by default, or your own with --simulator and --simulator-sha256.\n" +
			"Exit codes: 0 success, 1 compliance below --fail-under, 2 bad input or a failed simulator.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.markdownLimitSet = cmd.Flags().Changed("markdown-limit")
			return simulate(cmd.Context(), s, f, args[0])
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(forecast.Formats(), ", "))
	flags.IntVar(&f.markdownLimit, "markdown-limit", defaultMarkdownLimit, "largest markdown forecast in characters (65536 fits a GitHub pull-request comment; 0 = no limit): past it, rows of reasons and VMs are left out and the forecast says how many. A forecast to $GITHUB_STEP_SUMMARY (-o) is appended to it and kept within GitHub's 1 MiB a step (and this limit only when given)")
	flags.StringVarP(&f.output, "output", "o", "", "write the forecast to this file instead of standard output")
	flags.StringVar(&f.profile, "profile", policies.DefaultProfile, "knowledge profile deciding eligibility: 2021-02 or current")
	flags.Int64Var(&f.seed, "seed", 1, "random seed: the same seed and fleet give the same forecast")
	flags.IntVar(&f.trials, "trials", 1, "Monte Carlo trials for the p10/p50/p90 bands of the compliance curve")
	flags.Float64Var(&f.failUnder, "fail-under", 0, "exit 1 when the share of VMs compliant at the deadline is below this (0-1)")
	flags.StringVar(&f.pluginPath, "simulator", "", "path of an external simulator plugin (requires --simulator-sha256)")
	flags.StringVar(&f.pluginSHA256, "simulator-sha256", "", "SHA-256 (hex) the external simulator binary must have")
	flags.StringArrayVar(&f.pluginEnv, "simulator-env", nil, "pass this variable of patchcheck's environment to the simulator plugin (repeatable); it otherwise gets only PATH, HOME, TMPDIR, TZ and the locale, never credentials")
	flags.DurationVar(&f.timeout, "timeout", 10*time.Minute, "give up when the simulator has not answered after this long")
	f.maxSize = defaultMaxFleetSize
	flags.Var(&f.maxSize, "max-file-size", "largest fleet file (or standard input) read: a larger one is refused (exit 2); e.g. 1GiB, 500MB")
	flags.BoolVar(&f.inProcess, "in-process", false, "run the built-in simulator inside this process (no plugin; for debugging and benchmarks)")
	_ = flags.MarkHidden("in-process")
	return cmd
}

func simulate(ctx context.Context, s streams, f simulateFlags, path string) error {
	switch {
	case f.trials < 1:
		return fmt.Errorf("--trials %d: want at least 1", f.trials)
	case f.failUnder < 0 || f.failUnder > 1:
		return fmt.Errorf("--fail-under %v: want a share between 0 and 1", f.failUnder)
	case f.pluginPath != "" && f.pluginSHA256 == "":
		return fmt.Errorf("--simulator needs --simulator-sha256: patchcheck never runs an unpinned binary")
	case f.pluginPath == "" && f.pluginSHA256 != "":
		return fmt.Errorf("--simulator-sha256 given without --simulator")
	case f.markdownLimit < 0:
		return fmt.Errorf("--markdown-limit %d: want a number of characters, or 0 for no limit", f.markdownLimit)
	}
	if f.pluginSHA256 != "" {
		if _, err := simulator.ParseSHA256(f.pluginSHA256); err != nil {
			return fmt.Errorf("--simulator-sha256: %w", err) // before reading the fleet
		}
	}
	// output.go: before any work, the forecast never replaces the fleet or
	// the plugin.
	reads := safewrite.Reads{Files: []safewrite.File{{Path: path, What: "fleet"}, {Path: f.pluginPath, What: "simulator plugin"}}}
	if err := safewrite.Check([]safewrite.Output{{Format: f.format, Path: f.output}}, reads); err != nil {
		return err
	}
	summary := isStepSummary(f.output)
	opts := forecast.Options{MarkdownLimit: f.markdownLimit}
	if summary {
		if !f.markdownLimitSet {
			opts.MarkdownLimit = 0 // a job summary is not a comment
		}
		opts.MarkdownByteLimit = stepSummaryRoom(f.output)
	}
	formatter, err := forecast.New(f.format, opts)
	if err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	// The plugin starts while the fleet is read, so its start and
	// handshake hide behind the reading of a large fleet.
	type opened struct {
		sim   simulator.Simulator
		close func()
		err   error
	}
	started := make(chan opened, 1)
	go func() {
		sim, closeSim, err := openSimulator(f, s.err)
		started <- opened{sim, closeSim, err}
	}()
	req, err := buildRequest(s, f, path)
	plugin := <-started
	if plugin.err == nil {
		defer plugin.close()
	}
	if err != nil {
		return err // the fleet's problems first, as before the plugin ran
	}
	if plugin.err != nil {
		return plugin.err
	}
	sim := plugin.sim
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	stop := newSpinner(s.err, len(req.Fleet.VMs), fmt.Sprintf("simulating %d VMs", len(req.Fleet.VMs)))
	fc, err := sim.Simulate(ctx, req)
	stop()
	if err != nil {
		return fmt.Errorf("simulate %s: %w", path, err)
	}

	// A failed write leaves a file already at --output as it was; the job
	// summary is appended to, whole or not at all.
	write := safewrite.Write
	if summary {
		write = func(stdout, _ io.Writer, path string, w func(io.Writer) error) error {
			return safewrite.Append(stdout, path, w)
		}
	}
	err = write(s.out, s.err, f.output, func(out io.Writer) error {
		bw := bufio.NewWriter(out)
		if err := formatter.Format(bw, fc); err != nil {
			return fmt.Errorf("write %s forecast: %w", f.format, err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write forecast: %w", err)
		}
		return nil
	})
	if err != nil {
		if f.output != "" {
			return fmt.Errorf("--output: %w", err)
		}
		return err
	}
	if c := forecast.Compliance(fc); c < f.failUnder {
		fmt.Fprintf(s.err, "patchcheck: %.1f%% of VMs compliant by the deadline, below --fail-under %.1f%%\n", 100*c, 100*f.failUnder)
		return exitError{report.ExitFindings}
	}
	return nil
}

// buildRequest reads and loads the fleet, the profile and the region table;
// request.Build adds what the host knows to the fleet.
func buildRequest(s streams, f simulateFlags, path string) (simulator.Request, error) {
	// The fleet may come from a pull request: a regular file only (a FIFO
	// would block the open) and never past the size cap.
	limit := int64(f.maxSize)
	if limit <= 0 {
		limit = defaultMaxFleetSize
	}
	var buf bytes.Buffer
	var err error
	if path == "-" {
		err = saferead.Limited(&buf, s.in, "standard input", limit)
	} else {
		err = saferead.ReadInto(&buf, path, limit)
	}
	if err != nil {
		return simulator.Request{}, fmt.Errorf("read fleet: %w", err)
	}
	profile, err := policies.LoadProfile(f.profile)
	if err != nil {
		return simulator.Request{}, err
	}
	fl, err := fleet.Load(path, buf.Bytes(), profile.DefaultSettings)
	if err != nil {
		return simulator.Request{}, err
	}
	return request.Build(fl, profile, f.seed, f.trials)
}

// openSimulator starts the simulator plugin: this binary re-executed in
// plugin mode, or the pinned external binary.
func openSimulator(f simulateFlags, stderr io.Writer) (simulator.Simulator, func(), error) {
	if f.inProcess {
		return reference.New(), func() {}, nil
	}
	cfg := simulator.HostConfig{CallTimeout: f.timeout, Stderr: stderr, PassEnv: f.pluginEnv}
	if f.pluginPath != "" {
		cfg.Path, cfg.External, cfg.SHA256 = f.pluginPath, true, f.pluginSHA256
	} else {
		self, err := simulator.SelfPath()
		if err != nil {
			return nil, nil, err // already says what it was looking for
		}
		cfg.Path, cfg.Args = self, simulator.BuiltinArgs()
	}
	return simulator.Open(cfg)
}

// newPluginCommand is the hidden entry point of the built-in simulator
// plugin: patchcheck re-executes itself with these arguments.
func newPluginCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__plugin simulator",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if args[0] != "simulator" {
				return fmt.Errorf("unknown plugin %q", args[0])
			}
			// The collector keeps Go's default. A higher GOGC collected
			// less often but let the heap grow into memory the process
			// had never touched, and the page faults of that fresh memory
			// (the messages received are garbage once converted) cost
			// more than the collections saved (docs/performance.md).
			simulator.Serve(reference.New())
			return nil
		},
	}
}
