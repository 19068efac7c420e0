// Package examplepython_test runs the Python simulator plugin beside it
// (plugin.py) through patchcheck's host, over go-plugin's real handshake,
// AutoMTLS and gRPC, pinned by its SHA-256 as `patchcheck simulate` runs it.
package examplepython_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	plugin "github.com/hashicorp/go-plugin"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

//go:generate ./generate.sh

// python is the interpreter of plugin.py's shebang, and pythonCheck what
// it must import (and the time zones it must find) to run it.
const (
	python      = "/usr/bin/python3"
	pythonCheck = `import grpc, google.protobuf, cryptography, zoneinfo; zoneinfo.ZoneInfo("Europe/Berlin")`
)

func TestMain(m *testing.M) {
	code := m.Run()
	plugin.CleanupClients()
	os.Exit(code)
}

// requirePython skips the test when Debian's python3 with python3-grpcio,
// python3-protobuf and python3-cryptography is absent; .ci/run sets
// PATCHCHECK_REQUIRE_PYTHON, which makes that a failure.
func requirePython(t *testing.T) {
	t.Helper()
	out, err := exec.Command(python, "-I", "-c", pythonCheck).CombinedOutput()
	if err == nil {
		return
	}
	msg := "the Python plugin needs " + python + " with Debian's python3-grpcio, python3-protobuf, python3-cryptography and tzdata (apt-get install python3-grpcio python3-protobuf python3-cryptography tzdata): " + strings.TrimSpace(err.Error()+" "+string(out))
	if os.Getenv("PATCHCHECK_REQUIRE_PYTHON") != "" {
		t.Fatal(msg + " (PATCHCHECK_REQUIRE_PYTHON is set)")
	}
	t.Skip(msg)
}

// lockedBuffer collects what the host writes to the user's stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// config runs dir/plugin.py as `patchcheck simulate --simulator
// dir/plugin.py --simulator-sha256 …` does.
func config(t *testing.T, dir string, stderr *lockedBuffer) simulator.HostConfig {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(dir, "plugin.py"))
	if err != nil {
		t.Fatal(err)
	}
	return simulator.HostConfig{
		Path:         path,
		External:     true,
		SHA256:       fileSHA256(t, path),
		StartTimeout: time.Minute,
		CallTimeout:  5 * time.Minute,
		Stderr:       stderr,
	}
}

// TestConformance runs the conformance suite against plugin.py, pinned and
// run from its private copy, and checks that the host shows the user
// nothing: go-plugin finds every service it calls (health, stdio,
// controller) and the plugin exits when asked.
func TestConformance(t *testing.T) {
	requirePython(t)
	var stderr lockedBuffer
	sim, closeFn, err := simulator.Open(config(t, ".", &stderr))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	simulatortest.Run(t, sim)
	closeFn()
	if s := stderr.String(); s != "" {
		t.Errorf("the host wrote to the user's stderr:\n%s", s)
	}
}

// TestModelErrorReachesHost: a request the model cannot simulate ends the
// call with the model's message, and nothing (no traceback) is shown on
// stderr besides. A request without the profile's minimum Linux agent is
// one: the model has no version of its own to fall back on.
func TestModelErrorReachesHost(t *testing.T) {
	requirePython(t)
	var stderr lockedBuffer
	sim, closeFn, err := simulator.Open(config(t, ".", &stderr))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer closeFn()
	cases := []struct {
		name string
		edit func(*simulator.Request)
		want string
	}{
		{"unknown time zone", func(r *simulator.Request) { r.Fleet.VMs[0].TimeZone = "Mars/Olympus_Mons" }, `time zone 'Mars/Olympus_Mons'`},
		{"no minimum Linux agent", func(r *simulator.Request) { r.MinLinuxAgent = "" }, "no minimum Linux agent version"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := simulatortest.Fixtures()[0].Request
			req.Fleet.VMs = slices.Clone(req.Fleet.VMs)
			tc.edit(&req)
			f, err := sim.Simulate(context.Background(), req)
			if err == nil || f != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Simulate = %v, %v; want the model's error containing %q", f, err, tc.want)
			}
		})
	}
	closeFn()
	if s := stderr.String(); s != "" {
		t.Errorf("the host wrote to the user's stderr:\n%s", s)
	}
}

// TestGeneratedModulesPinned: plugin.py pins every generated module beside
// it by SHA-256 (generate.sh writes the pins), so the checksum patchcheck
// pins covers the code plugin.py loads from its folder.
func TestGeneratedModulesPinned(t *testing.T) {
	src, err := os.ReadFile("plugin.py")
	if err != nil {
		t.Fatal(err)
	}
	pinned := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^    "(\w+)": "([0-9a-f]{64})",$`).FindAllStringSubmatch(string(src), -1) {
		pinned[m[1]+".py"] = m[2]
	}
	files, err := filepath.Glob("*_pb2*.py")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range pinned {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(files, names) {
		t.Fatalf("generated modules %v, plugin.py pins %v: run generate.sh", files, names)
	}
	for _, f := range files {
		if got := fileSHA256(t, f); got != pinned[f] {
			t.Errorf("%s has SHA-256 %s, plugin.py pins %s: run generate.sh", f, got, pinned[f])
		}
	}
}

// TestTamperedModuleRefused: a generated module that differs from its pin
// is not loaded, and the user is told which file and what to do.
func TestTamperedModuleRefused(t *testing.T) {
	requirePython(t)
	dir := t.TempDir()
	files, err := filepath.Glob("*.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if f == "simulator_pb2.py" {
			data = append(data, "\nimport os; os.system('touch pwned')\n"...)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var stderr lockedBuffer
	_, closeFn, err := simulator.Open(config(t, dir, &stderr))
	defer closeFn()
	if err == nil || !strings.Contains(err.Error(), "simulator_pb2.py does not match the SHA-256 plugin.py pins") {
		t.Fatalf("Open = %v, want the tampered module refused", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("the tampered module ran")
	}
}

// TestHandshakeRefusals: run by hand, without patchcheck's magic cookie or
// its client certificate, the plugin says what it is and exits 1 without
// printing a handshake.
func TestHandshakeRefusals(t *testing.T) {
	requirePython(t)
	tests := []struct {
		name, env, want string
	}{
		{"by hand", "", "patchcheck starts it"},
		{"no client certificate", "PATCHCHECK_PLUGIN=patchcheck-simulator-6b1f0c2e9d4a", "PLUGIN_CLIENT_CERT is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "./plugin.py")
			cmd.Env = []string{"PATH=/usr/bin:/bin"}
			if tt.env != "" {
				cmd.Env = append(cmd.Env, tt.env)
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit code %d (%v), want 1", code, err)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.want)
			}
		})
	}
}
