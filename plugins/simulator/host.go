package simulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/patchcheck/patchcheck/plugins/simulator/internal/launch"
	"github.com/patchcheck/patchcheck/plugins/simulator/internal/rpc"
)

// MaxPluginBytes bounds the size of a pinned plugin executable: Open copies
// the file before it knows whether its checksum matches, and a path that
// names a huge file must not fill the temporary folder.
const MaxPluginBytes = 1 << 30

// MaxPluginStderr is how much of what a plugin writes to stderr (its log
// lines, warnings, errors and panics) patchcheck passes on to its own
// stderr; the rest is counted and dropped, so a plugin cannot flood a CI
// log or the disk it is written to.
const MaxPluginStderr = 1 << 20

// SimulatorDirEnv names the variable that gives a plugin the absolute
// folder of its program as the user named it (symbolic links resolved): a
// pinned plugin runs from a private copy of that one file, elsewhere.
const SimulatorDirEnv = "PATCHCHECK_SIMULATOR_DIR"

// DefaultStartTimeout is how long Open waits for a plugin to complete the
// handshake when HostConfig.StartTimeout is zero.
const DefaultStartTimeout = 30 * time.Second

// HostConfig says which simulator to run and how.
type HostConfig struct {
	// Path is the executable: for the built-in simulator the patchcheck
	// binary itself (SelfPath) with Args = BuiltinArgs(); otherwise the
	// user's plugin program.
	Path string
	Args []string
	// Env (NAME=VALUE entries) is added to the plugin's environment and
	// overrides it. That environment is not patchcheck's: only PATH, HOME,
	// TMPDIR, TZ, ZONEINFO, the locale (LANG, LC_*) and go-plugin's
	// PLUGIN_* pass, plus the Go runtime's settings (GOGC, GOMEMLIMIT, …)
	// for the built-in simulator, plus what PassEnv names.
	Env []string
	// PassEnv names further variables of patchcheck's environment the
	// plugin gets (simulate --simulator-env). Secrets in CI (cloud
	// credentials, tokens) reach a plugin only this way.
	PassEnv []string
	// SHA256 is the hex SHA-256 of the file at Path (an optional "sha256:"
	// prefix is accepted). Required when External: patchcheck refuses to
	// run an external binary whose checksum it was not given, and refuses it
	// when the file does not match. When not External it is checked if set.
	// A pinned program runs from a private copy of the bytes that were
	// checked, so replacing the file at Path afterwards changes nothing.
	SHA256   string
	External bool
	// StartTimeout bounds the handshake (DefaultStartTimeout when zero).
	// CallTimeout bounds each Describe and Simulate call (no bound when
	// zero); a plugin that overruns it, or the call's context deadline, is
	// stopped.
	StartTimeout, CallTimeout time.Duration
	// Stderr receives the plugin's stderr and its warnings and errors
	// (os.Stderr when nil), up to MaxPluginStderr bytes, then a note of how
	// much was dropped.
	Stderr io.Writer

	// afterPin, when set, runs between the checksum check and the start of
	// the plugin (tests swap the file there).
	afterPin func()
}

// BuiltinArgs are the arguments that make the patchcheck binary serve its
// built-in simulator: main has a hidden `__plugin simulator` command that
// calls Serve(reference.New()). Open(HostConfig{Path: SelfPath(), Args:
// BuiltinArgs()}) therefore runs the built-in model out of process, exactly
// like a third-party plugin, from a single binary.
func BuiltinArgs() []string { return []string{"__plugin", "simulator"} }

// SelfPath is the path of the running executable, for re-executing it as the
// built-in simulator.
func SelfPath() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("locating the patchcheck executable to run the built-in simulator: %w", err)
	}
	return p, nil
}

// Open starts the simulator plugin and returns it with a close function that
// stops the plugin process (safe to call more than once, and after errors).
// On error nothing is left running and close is a no-op.
//
// Every call on the returned Simulator is bounded by cfg.CallTimeout and by
// its context, whose deadline the plugin sees too. A plugin that crashes,
// overruns the timeout or deadline, or sends an unreadable answer yields an
// error, never a partial forecast; after a crash or a timeout the plugin is
// stopped and later calls fail straight away. Errors the simulator itself
// returns keep its message.
func Open(cfg HostConfig) (Simulator, func(), error) {
	noop := func() {}
	label := "built-in simulator"
	if cfg.External {
		label = fmt.Sprintf("simulator plugin %s", cfg.Path)
	}
	if cfg.Path == "" {
		return nil, noop, fmt.Errorf("%s: no executable given", label)
	}
	env, err := launch.Env(!cfg.External, cfg.PassEnv, cfg.Env)
	if err != nil {
		return nil, noop, fmt.Errorf("%s: environment to pass: %w", label, err)
	}

	var want []byte
	if cfg.External || strings.TrimSpace(cfg.SHA256) != "" {
		if strings.TrimSpace(cfg.SHA256) == "" {
			return nil, noop, fmt.Errorf("%s: refusing to run an external simulator without its SHA-256 checksum (give the hex output of sha256sum for the binary)", label)
		}
		want, err = ParseSHA256(cfg.SHA256)
		if err != nil {
			return nil, noop, fmt.Errorf("%s: %w", label, err)
		}
	}

	path := cfg.Path
	if filepath.Base(path) == path {
		// A bare name is looked up in PATH, as exec.Command would.
		if path, err = exec.LookPath(path); err != nil {
			return nil, noop, fmt.Errorf("%s: cannot run it: %w", label, err)
		}
	}
	// A pinned program runs from a private copy, so a plugin that needs the
	// files beside it (a script's modules, a model's data) is told where
	// they are: beside the file a symbolic link names, as Python finds a
	// script's modules. They are not pinned: the plugin must check what it
	// loads.
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		real = path // the pin below reports a missing file
	}
	if dir, err := filepath.Abs(filepath.Dir(real)); err == nil {
		env = append(env, SimulatorDirEnv+"="+dir)
	}
	var pin *launch.Program
	if want != nil {
		if pin, err = launch.Pin(path, want, MaxPluginBytes, cfg.afterPin); err != nil {
			return nil, noop, fmt.Errorf("%s: %w", label, err)
		}
		path = pin.Path
	}

	stderr := cfg.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	capped := launch.NewCappedWriter(stderr, MaxPluginStderr)
	startTimeout := cfg.StartTimeout
	if startTimeout <= 0 {
		startTimeout = DefaultStartTimeout
	}

	var client *plugin.Client
	var protocol plugin.ClientProtocol
	var exit *launch.ExitRecorder
	for attempt := 0; ; attempt++ {
		cmd := exec.Command(path, cfg.Args...)
		if cmd.Err != nil {
			pin.Remove()
			return nil, noop, fmt.Errorf("%s: cannot run it: %w", label, cmd.Err)
		}
		// go-plugin would append the host environment; SkipHostEnv leaves
		// it out and this allow-list is all the plugin gets (go-plugin adds
		// its handshake variables after it). Cloned: go-plugin appends.
		cmd.Env = slices.Clone(env)
		tail := &launch.TailBuffer{Max: 2048}
		exit = launch.NewExitRecorder()
		client = plugin.NewClient(&plugin.ClientConfig{
			HandshakeConfig:  Handshake,
			Plugins:          plugin.PluginSet{PluginName: &GRPCPlugin{}},
			Cmd:              cmd,
			SkipHostEnv:      true,
			AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
			AutoMTLS:         true,
			StartTimeout:     startTimeout,
			// The plugin's raw stderr is kept only to explain a failed
			// start; what the user sees goes through the logger (the
			// plugin's warnings, errors and panics) and SyncStderr (what
			// it writes to os.Stderr while serving), both capped.
			Stderr:     tail,
			SyncStderr: capped,
			Logger: hclog.New(&hclog.LoggerOptions{
				Name:    PluginName,
				Level:   hclog.Warn,
				Output:  capped,
				Exclude: exit.Exclude,
			}),
			Managed:         true, // plugin.CleanupClients stops it too
			GRPCDialOptions: rpc.DialOptions(),
		})
		protocol, err = client.Client()
		if err == nil {
			break
		}
		client.Kill()
		if pin != nil && launch.TextFileBusy(err) && attempt < launch.StartRetries {
			time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
			continue
		}
		pin.Remove()
		capped.NoteDropped(label)
		return nil, noop, startError(label, pin, startTimeout, tail, exit, err)
	}

	h := &hostSimulator{label: label, client: client, callTimeout: cfg.CallTimeout, exit: exit, pin: pin, stderr: capped}
	raw, err := protocol.Dispense(PluginName)
	if err != nil {
		h.close()
		return nil, noop, fmt.Errorf("%s: %w", label, err)
	}
	sim, ok := raw.(Simulator)
	if !ok {
		h.close()
		return nil, noop, fmt.Errorf("%s: dispensed a %T, not a Simulator", label, raw)
	}
	h.sim = sim
	return h, h.close, nil
}

// ParseSHA256 decodes a hex SHA-256 digest, with an optional "sha256:"
// prefix, in either case.
func ParseSHA256(s string) ([]byte, error) {
	t := strings.TrimSpace(s)
	if len(t) > 7 && strings.EqualFold(t[:7], "sha256:") {
		t = t[7:]
	}
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("%q is not a SHA-256 checksum (64 hex digits)", s)
	}
	return b, nil
}

var pluginVersionRE = regexp.MustCompile(`Plugin version: (\d+)`)

// startError explains why a plugin did not start. go-plugin reports most
// failures as plain errors, so this matches their text (go-plugin v1.8); an
// unknown failure keeps go-plugin's own message.
func startError(label string, pin *launch.Program, timeout time.Duration, tail *launch.TailBuffer, exit *launch.ExitRecorder, err error) error {
	msg := err.Error()
	withOutput := func(e error) error {
		if out := tail.String(); out != "" {
			return fmt.Errorf("%w; its output:\n%s", e, out)
		}
		return e
	}
	switch {
	case pin != nil && errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s: cannot run the private copy of it made in %s (%w): is the temporary folder mounted noexec? Set TMPDIR to a folder where programs may run", label, filepath.Dir(pin.Dir), err)
	case strings.HasPrefix(msg, "incompatible API version"):
		v := "another version"
		if m := pluginVersionRE.FindStringSubmatch(msg); m != nil {
			v = m[1]
		}
		return fmt.Errorf("%s speaks plugin protocol %s, patchcheck needs %d: rebuild the plugin against this patchcheck's plugins/simulator package", label, v, ProtocolVersion)
	case strings.HasPrefix(msg, "incompatible core API version"):
		return fmt.Errorf("%s uses an incompatible go-plugin core protocol; rebuild it: %w", label, err)
	case msg == "timeout while waiting for plugin to start":
		return withOutput(fmt.Errorf("%s did not start within %s", label, timeout))
	case msg == "plugin exited before we could connect",
		strings.HasPrefix(msg, "Unrecognized remote plugin message: \n"):
		return withOutput(fmt.Errorf("%s exited before completing the plugin handshake%s (crashed, or not a patchcheck simulator plugin?)", label, exit.Describe(0)))
	case strings.HasPrefix(msg, "Unrecognized remote plugin message"):
		first, _, _ := strings.Cut(strings.TrimPrefix(msg, "Unrecognized remote plugin message: "), "\n")
		return withOutput(fmt.Errorf("%s is not a patchcheck simulator plugin: its first output line %q is not a plugin handshake", label, first))
	case strings.HasPrefix(msg, "unsupported plugin protocol"):
		return fmt.Errorf("%s does not speak gRPC; simulator plugins must be served with simulator.Serve", label)
	}
	return withOutput(fmt.Errorf("%s: cannot start it: %w", label, err))
}

// hostSimulator is the Simulator Open returns: the gRPC client plus call
// timeouts and the plugin process's life.
type hostSimulator struct {
	label       string
	client      *plugin.Client
	sim         Simulator
	callTimeout time.Duration
	exit        *launch.ExitRecorder
	pin         *launch.Program // removed once the plugin is stopped
	stderr      *launch.CappedWriter

	killOnce sync.Once
	closed   atomic.Bool
	mu       sync.Mutex
	dead     error // why the plugin is gone, once it is
}

func (h *hostSimulator) Describe(ctx context.Context) (Description, error) {
	var d Description
	err := h.call(ctx, "Describe", func(ctx context.Context) error {
		var err error
		d, err = h.sim.Describe(ctx)
		return err
	})
	if err != nil {
		return Description{}, err
	}
	return d, nil
}

func (h *hostSimulator) Simulate(ctx context.Context, req Request) (*Forecast, error) {
	var f *Forecast
	err := h.call(ctx, "Simulate", func(ctx context.Context) error {
		var err error
		f, err = h.sim.Simulate(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	// A plugin is another program: a partial or nonsensical forecast must
	// never pass for a complete one, whoever calls Open.
	if err := CheckForecast(req, f); err != nil {
		return nil, fmt.Errorf("the simulator returned an incomplete forecast: %w", err)
	}
	return f, nil
}

func (h *hostSimulator) call(ctx context.Context, method string, fn func(context.Context) error) error {
	if err := h.gone(); err != nil {
		return err
	}
	callCtx, cancel := ctx, context.CancelFunc(func() {})
	if h.callTimeout > 0 {
		callCtx, cancel = context.WithTimeout(ctx, h.callTimeout)
	}
	defer cancel()
	start := time.Now()
	err := fn(callCtx)
	if err == nil {
		return nil
	}
	if h.closed.Load() {
		return fmt.Errorf("%s: %s: the simulator was closed", h.label, method)
	}

	code := status.Code(err)
	switch {
	case timedOut(callCtx, err):
		// CallTimeout or the caller's deadline passed: the plugin is hung
		// or too slow. Stop it rather than leave it computing.
		limit := h.callTimeout
		if d, ok := ctx.Deadline(); ok && (limit <= 0 || d.Before(start.Add(limit))) {
			limit = time.Since(start).Round(100 * time.Millisecond) // the caller's deadline came first
		}
		h.kill(fmt.Errorf("%s was stopped after a call timed out", h.label))
		return fmt.Errorf("%s: %s timed out after %s (the plugin was stopped): %w", h.label, method, limit, context.DeadlineExceeded)
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %s: %w", h.label, method, ctx.Err())
	case code == codes.Unavailable || h.client.Exited():
		// The connection usually breaks a moment before the process is
		// reaped; wait briefly to report how it ended.
		how := h.exit.Describe(time.Second)
		h.kill(fmt.Errorf("%s is no longer running (it crashed earlier%s)", h.label, how))
		if how == "" && !h.client.Exited() {
			return fmt.Errorf("%s: lost the connection during %s (crashed?): %w", h.label, method, err)
		}
		return fmt.Errorf("%s exited unexpectedly (crashed?) during %s%s", h.label, method, how)
	case code == codes.ResourceExhausted:
		return fmt.Errorf("%s: %s: message too large (limit %d MiB): %w", h.label, method, MaxMessageBytes>>20, err)
	}
	return fmt.Errorf("%s: %s failed: %w", h.label, method, err)
}

// timedOut reports whether a call failed because its deadline passed. The
// context's own timer can fire late on a loaded machine, after the plugin's
// copy of the deadline has already ended the call, so the deadline is read
// from the clock too.
func timedOut(ctx context.Context, err error) bool {
	code := status.Code(err)
	if code != codes.DeadlineExceeded && code != codes.Canceled && !errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && ctx.Err() == nil && time.Until(d) < 100*time.Millisecond
}

// gone is the error for a call on a plugin that is no longer usable.
func (h *hostSimulator) gone() error {
	if h.closed.Load() {
		return fmt.Errorf("%s: the simulator was closed", h.label)
	}
	h.mu.Lock()
	dead := h.dead
	h.mu.Unlock()
	if dead != nil {
		return dead
	}
	if h.client.Exited() {
		err := fmt.Errorf("%s is no longer running (it exited or crashed)", h.label)
		h.kill(err)
		return err
	}
	return nil
}

// kill stops the plugin process (once) and records why later calls fail.
func (h *hostSimulator) kill(why error) {
	h.mu.Lock()
	if h.dead == nil {
		h.dead = why
	}
	h.mu.Unlock()
	h.killOnce.Do(func() {
		h.client.Kill() // returns once the plugin's output is drained
		h.pin.Remove()
		h.stderr.NoteDropped(h.label)
	})
}

func (h *hostSimulator) close() {
	h.closed.Store(true)
	h.kill(fmt.Errorf("%s: the simulator was closed", h.label))
}
