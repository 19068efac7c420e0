package simulator_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// serveHostTestMode serves the plugin modes of this file's tests: "env"
// reports its environment's variable names (as the error of Simulate), "dir"
// the folder the host says it was given in (the same way),
// "badnumbers" answers with a NaN compliance, "noisy" writes 3 MiB to
// stderr before the handshake and 3 MiB more during Simulate.
func serveHostTestMode(mode string) bool {
	switch mode {
	case "env":
		simulator.Serve(envReporter{})
	case "badnumbers":
		simulator.Serve(badNumbers{})
	case "dir":
		simulator.Serve(dirReporter{})
	case "noisy":
		line := "[ERROR] " + strings.Repeat("x", 1015) + "\n" // 1 KiB, shown as an error by the host
		for range 3 << 10 {
			_, _ = os.Stderr.WriteString(line)
		}
		simulator.Serve(fake{simulate: func() {
			for range 3 << 10 {
				_, _ = os.Stderr.WriteString(line)
			}
		}})
	case "hostile":
		// Written by the plugin while it serves: it must reach the user's
		// terminal and CI log as text, never as commands or escapes.
		simulator.Serve(fake{simulate: func() {
			_, _ = os.Stderr.WriteString("\x1b[2Jcleared\n##vso[task.setvariable variable=pwned]1\n  ::error file=x::fake\nhalf ##vso[task.")
			_, _ = os.Stderr.WriteString("complete]x\n")
		}})
	default:
		return false
	}
	return true
}

type envReporter struct{ fake }

func (envReporter) Simulate(context.Context, simulator.Request) (*simulator.Forecast, error) {
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	slices.Sort(names)
	return nil, fmt.Errorf("env: %s;", strings.Join(names, ","))
}

type dirReporter struct{ fake }

func (dirReporter) Simulate(context.Context, simulator.Request) (*simulator.Forecast, error) {
	return nil, fmt.Errorf("dir: %s;", os.Getenv(simulator.SimulatorDirEnv))
}

type badNumbers struct{ fake }

func (b badNumbers) Simulate(ctx context.Context, req simulator.Request) (*simulator.Forecast, error) {
	fc, err := b.fake.Simulate(ctx, req)
	if err == nil {
		fc.Curve[len(fc.Curve)-1].Compliant = math.NaN()
	}
	return fc, err
}

// pluginEnv returns the variable names a plugin started with cfg sees.
func pluginEnv(t *testing.T, cfg simulator.HostConfig) []string {
	t.Helper()
	sim := mustOpen(t, cfg)
	_, err := sim.Simulate(context.Background(), request(1))
	if err == nil {
		t.Fatal("the env plugin answered; want its report")
	}
	_, list, ok := strings.Cut(err.Error(), "env: ")
	if !ok {
		t.Fatalf("Simulate error = %v, want the plugin's environment", err)
	}
	list, _, _ = strings.Cut(list, ";")
	return strings.Split(list, ",")
}

// copyExecutable copies the file at src to a new executable file dst.
func copyExecutable(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// externalConfig runs a copy of this test binary in the given mode as an
// external plugin pinned by its checksum.
func externalConfig(t *testing.T, mode string) simulator.HostConfig {
	cfg := config(t, mode)
	cfg.Path = filepath.Join(t.TempDir(), "plugin")
	copyExecutable(t, self(t), cfg.Path)
	cfg.External, cfg.SHA256 = true, fileSHA256(t, cfg.Path)
	return cfg
}

// TestPinnedBytesRun swaps the plugin file after its checksum was checked
// and before it starts: what runs is still the file that was checked.
func TestPinnedBytesRun(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the impostor is a shell script")
	}
	tests := []struct {
		name string
		swap func(path, impostor string) error
	}{
		{"replaced by rename", func(path, impostor string) error {
			tmp := path + ".new"
			if err := os.WriteFile(tmp, []byte(impostor), 0o755); err != nil {
				return err
			}
			return os.Rename(tmp, path)
		}},
		{"rewritten in place", func(path, impostor string) error {
			// Same inode, new bytes: what `cp impostor path` does.
			return os.WriteFile(path, []byte(impostor), 0o755)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := externalConfig(t, "ok")
			marker := filepath.Join(t.TempDir(), "impostor-ran")
			impostor := fmt.Sprintf("#!/bin/sh\necho ran > %q\nexit 1\n", marker)
			swapped := false
			simulator.SetAfterPin(&cfg, func() {
				if err := tt.swap(cfg.Path, impostor); err != nil {
					t.Errorf("swapping the plugin: %v", err)
				}
				swapped = true
			})
			sim, err := open(t, cfg)
			if !swapped {
				t.Fatalf("the swap hook was not called (Open: %v)", err)
			}
			if _, statErr := os.Stat(marker); statErr == nil {
				t.Fatal("the file swapped in after the checksum check ran")
			}
			if err != nil {
				t.Fatalf("Open = %v; want the checked bytes to run", err)
			}
			req := request(2)
			fc, err := sim.Simulate(context.Background(), req)
			if err != nil {
				t.Fatalf("Simulate: %v", err)
			}
			checkEcho(t, req, fc)
		})
	}
}

// TestPinnedCopyRemoved: the private copy that runs is gone once the
// plugin is closed, and when the checksum does not match.
func TestPinnedCopyRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cfg := externalConfig(t, "ok")
	sim, closeFn, err := simulator.Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := sim.Describe(context.Background()); err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if copies := privateCopies(t, tmp); len(copies) != 1 {
		t.Errorf("TMPDIR holds %v while the plugin runs, want its private copy", copies)
	}
	closeFn()
	if copies := privateCopies(t, tmp); len(copies) != 0 {
		t.Errorf("TMPDIR holds %v after close, want nothing", copies)
	}

	cfg.SHA256 = strings.Repeat("ab", 32)
	if _, _, err := simulator.Open(cfg); err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("Open = %v, want a checksum mismatch", err)
	}
	if copies := privateCopies(t, tmp); len(copies) != 0 {
		t.Errorf("TMPDIR holds %v after a refused plugin, want nothing", copies)
	}
}

// privateCopies lists the folders Open made in dir for pinned plugins.
func privateCopies(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "patchcheck-simulator-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestPinRefusesNonRegularFiles(t *testing.T) {
	cfg := config(t, "ok")
	cfg.External, cfg.SHA256 = true, strings.Repeat("0", 64)
	cfg.Path = t.TempDir()
	if _, err := open(t, cfg); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Open(a folder) = %v, want a refusal", err)
	}
}

// TestPluginEnvironment: a plugin gets an allow-list of patchcheck's
// environment plus the variables named in PassEnv, never secrets.
func TestPluginEnvironment(t *testing.T) {
	t.Setenv("AZURE_CLIENT_SECRET", "s3cret")
	t.Setenv("GITHUB_TOKEN", "ghp_x")
	t.Setenv("LC_ALL", "C")
	t.Setenv("GOGC", "150")
	tests := []struct {
		name     string
		external bool
		pass     []string
		want     []string // names the plugin must see
		notWant  []string // names it must not
	}{
		{"external", true, nil, []string{"PATH", "LC_ALL"}, []string{"AZURE_CLIENT_SECRET", "GITHUB_TOKEN", "GOGC"}},
		{"external with --simulator-env", true, []string{"AZURE_CLIENT_SECRET"}, []string{"AZURE_CLIENT_SECRET", "PATH"}, []string{"GITHUB_TOKEN"}},
		{"built-in", false, nil, []string{"PATH", "GOGC"}, []string{"AZURE_CLIENT_SECRET", "GITHUB_TOKEN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config(t, "env")
			if tt.external {
				cfg = externalConfig(t, "env")
			}
			cfg.PassEnv = tt.pass
			names := pluginEnv(t, cfg)
			for _, n := range tt.want {
				if !slices.Contains(names, n) {
					t.Errorf("the plugin does not see %s; it sees %v", n, names)
				}
			}
			for _, n := range tt.notWant {
				if slices.Contains(names, n) {
					t.Errorf("the plugin sees %s; it sees %v", n, names)
				}
			}
		})
	}

	cfg := config(t, "env")
	cfg.PassEnv = []string{"A=B"}
	if _, err := open(t, cfg); err == nil || !strings.Contains(err.Error(), `"A=B" is not a variable name`) {
		t.Fatalf("Open with PassEnv A=B = %v, want a refusal", err)
	}
}

// TestPluginToldItsFolder: a pinned plugin runs from a private copy, and
// learns the folder of the file the user named (where a script's modules or
// a model's data are) from PATCHCHECK_SIMULATOR_DIR; through a symbolic
// link, the folder of the file it names.
func TestPluginToldItsFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links")
	}
	tests := []struct {
		name string
		link bool
	}{
		{"the file", false},
		{"a symbolic link to it", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := externalConfig(t, "dir")
			want := filepath.Dir(cfg.Path)
			if tt.link {
				link := filepath.Join(t.TempDir(), "link")
				if err := os.Symlink(cfg.Path, link); err != nil {
					t.Fatal(err)
				}
				cfg.Path = link
			}
			_, err := mustOpen(t, cfg).Simulate(context.Background(), request(1))
			_, got, ok := strings.Cut(fmt.Sprint(err), "dir: ")
			if !ok {
				t.Fatalf("Simulate error = %v, want the plugin's report", err)
			}
			got, _, _ = strings.Cut(got, ";")
			if real, err := filepath.EvalSymlinks(want); err == nil {
				want = real // t.TempDir may itself be under a link
			}
			if got != want {
				t.Errorf("%s = %q, want the folder of the plugin file, %q", simulator.SimulatorDirEnv, got, want)
			}
		})
	}
}

// TestNonFiniteForecastRefused: a NaN compliance is an incomplete forecast,
// never a share that passes a threshold.
func TestNonFiniteForecastRefused(t *testing.T) {
	sim := mustOpen(t, config(t, "badnumbers"))
	fc, err := sim.Simulate(context.Background(), request(3))
	if err == nil || !strings.Contains(err.Error(), "incomplete forecast: curve[30].compliant is NaN") {
		t.Fatalf("Simulate = %v, %v; want the NaN refused", fc, err)
	}
}

// TestPluginStderrBounded: a plugin that floods stderr gets 1 MiB of it
// shown, then a note of how much was dropped.
func TestPluginStderrBounded(t *testing.T) {
	cfg := config(t, "noisy")
	var stderr lockedBuffer
	cfg.Stderr = &stderr
	sim, closeFn, err := simulator.Open(cfg)
	if err != nil {
		closeFn()
		t.Fatalf("Open: %v", err)
	}
	req := request(2)
	fc, err := sim.Simulate(context.Background(), req)
	if err != nil {
		t.Fatalf("Simulate: %v", err)
	}
	checkEcho(t, req, fc)
	closeFn()
	out := stderr.String()
	if len(out) > simulator.MaxPluginStderr+1024 {
		t.Errorf("%d bytes of the plugin's stderr reached the user, want at most %d and a note", len(out), simulator.MaxPluginStderr)
	}
	i := strings.LastIndex(out, "\n")
	note := out[strings.LastIndex(out[:max(i, 0)], "\n")+1:]
	if !strings.Contains(note, "bytes of its stderr were dropped") {
		t.Errorf("the output ends with %q, want a note saying how much was dropped", note)
	}
	t.Logf("note: %s", strings.TrimSpace(note))
	if !bytes.Contains([]byte(out), []byte("[ERROR] xxx")) {
		t.Error("the first MiB of the plugin's stderr is not shown")
	}
}

var _ = errors.New
var _ io.Writer

// TestPluginStderrNeutralised: what a plugin writes to stderr reaches the
// user line by line with control characters escaped and CI command
// prefixes broken, even when a command is split across two writes.
func TestPluginStderrNeutralised(t *testing.T) {
	cfg := config(t, "hostile")
	var stderr lockedBuffer
	cfg.Stderr = &stderr
	sim, closeFn, err := simulator.Open(cfg)
	if err != nil {
		closeFn()
		t.Fatalf("Open: %v", err)
	}
	if _, err := sim.Simulate(context.Background(), request(2)); err != nil {
		t.Fatalf("Simulate: %v", err)
	}
	// The plugin's stderr reaches the host on its own stream, which may
	// still carry the last line when Simulate returns.
	for start := time.Now(); !strings.Contains(stderr.String(), "complete]x") && time.Since(start) < 10*time.Second; {
		time.Sleep(10 * time.Millisecond)
	}
	closeFn()
	out := stderr.String()
	for _, bad := range []string{"\x1b", "##vso[", "::error"} {
		if strings.Contains(out, bad) {
			t.Errorf("the plugin's stderr reached the user with %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{`\x1b[2Jcleared`, `#\x23vso[task.setvariable`, `\x3a:error`, `half #\x23vso[task.complete]x`} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr does not show %q:\n%s", want, out)
		}
	}
}
