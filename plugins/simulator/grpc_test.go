package simulator_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	plugin "github.com/hashicorp/go-plugin"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// The test binary doubles as the plugin: Open re-executes it with
// PATCHCHECK_TEST_PLUGIN set, and TestMain then serves a fake simulator in
// that mode instead of running the tests. Everything goes over go-plugin's
// real handshake, AutoMTLS and gRPC on a local socket.
const modeEnv = "PATCHCHECK_TEST_PLUGIN"

func TestMain(m *testing.M) {
	if mode := os.Getenv(modeEnv); mode != "" {
		servePlugin(mode)
		os.Exit(0)
	}
	code := m.Run()
	plugin.CleanupClients()
	os.Exit(code)
}

func servePlugin(mode string) {
	switch mode {
	case "ok":
		simulator.Serve(fake{})
	case "crash":
		simulator.Serve(fake{simulate: func() { os.Exit(3) }})
	case "hang":
		simulator.Serve(fake{simulate: func() { time.Sleep(time.Hour) }})
	case "badproto":
		cfg := simulator.ServeConfig(fake{})
		cfg.ProtocolVersion = 99
		plugin.Serve(cfg)
	default:
		if serveHostTestMode(mode) { // host_test.go
			return
		}
		fmt.Fprintf(os.Stderr, "unknown %s mode %q\n", modeEnv, mode)
		os.Exit(2)
	}
}

// fake echoes its request. The request's Profile selects special answers:
// "fail" returns an error, "panic" panics, "deadline" reports the call's
// context deadline, "short" leaves out the last VM.
type fake struct {
	simulate func() // runs first in Simulate, to crash or hang
}

func (fake) Describe(context.Context) (simulator.Description, error) {
	return simulator.Description{Name: "fake", Version: "1", ProtocolVersion: 1}, nil
}

func (f fake) Simulate(ctx context.Context, req simulator.Request) (*simulator.Forecast, error) {
	if f.simulate != nil {
		f.simulate()
	}
	switch req.Profile {
	case "fail":
		return nil, errors.New("fake: the model cannot handle profile fail")
	case "panic":
		panic("fake: boom")
	case "deadline":
		if d, ok := ctx.Deadline(); ok {
			return nil, fmt.Errorf("fake: deadline in %.3fs", time.Until(d).Seconds())
		}
		return nil, errors.New("fake: no deadline")
	}
	fc := &simulator.Forecast{
		Simulator: simulator.Description{Name: "fake", Version: "1", ProtocolVersion: 1},
		Release:   req.Fleet.Release.Date,
		Seed:      req.Seed,
		Trials:    req.Trials,
	}
	for _, vm := range req.Fleet.VMs {
		fc.VMs = append(fc.VMs, simulator.VMResult{
			Name: vm.Name, Region: vm.Region, Zone: vm.Zone, Phase: -1,
			Reason: vm.Image.Sku,
		})
	}
	fc.Curve = make([]simulator.CurvePoint, req.Fleet.Settings.DeadlineDays+1)
	if req.Profile == "short" && len(fc.VMs) > 0 {
		fc.VMs = fc.VMs[:len(fc.VMs)-1] // a forecast that forgets a VM
	}
	return fc, nil
}

// lockedBuffer collects the plugin's stderr (written from go-plugin's
// goroutines).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func self(t *testing.T) string {
	t.Helper()
	p, err := simulator.SelfPath()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// config runs this test binary as a plugin in the given mode.
func config(t *testing.T, mode string) simulator.HostConfig {
	return simulator.HostConfig{
		Path: self(t),
		// Should the mode not arrive, the child runs no tests.
		Args: []string{"-test.run=^$"},
		Env:  []string{modeEnv + "=" + mode},
		// Generous: only the tests of timeouts depend on timing, and they
		// set their own.
		StartTimeout: time.Minute,
		CallTimeout:  2 * time.Minute,
	}
}

// open starts the plugin, closing it when the test ends, and logs its stderr.
func open(t *testing.T, cfg simulator.HostConfig) (simulator.Simulator, error) {
	t.Helper()
	stderr := &lockedBuffer{}
	cfg.Stderr = stderr
	sim, closeFn, err := simulator.Open(cfg)
	if closeFn == nil {
		t.Fatal("Open returned a nil close func")
	}
	t.Cleanup(func() {
		closeFn()
		closeFn() // idempotent
		if s := stderr.String(); s != "" {
			t.Logf("plugin stderr:\n%s", s)
		}
	})
	if err == nil && sim == nil {
		t.Fatal("Open returned neither a simulator nor an error")
	}
	return sim, err
}

func mustOpen(t *testing.T, cfg simulator.HostConfig) simulator.Simulator {
	t.Helper()
	sim, err := open(t, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return sim
}

func request(n int) simulator.Request {
	release := time.Date(2025, 3, 11, 10, 0, 0, 0, time.FixedZone("PDT", -7*3600))
	req := simulator.Request{
		Fleet: simulator.Fleet{
			Release:  simulator.Release{Month: "2025-03", Date: release},
			Settings: simulator.Settings{AssessmentIntervalHours: 72, DeadlineDays: 30},
		},
		Seed:            42,
		Trials:          3,
		Profile:         "current",
		SupportedImages: []string{"canonical:ubuntu-24_04-lts:server"},
		RegionPairs:     map[string][]string{"eastus": {"westus"}, "westus": {"eastus"}},
	}
	for i := range n {
		req.Fleet.VMs = append(req.Fleet.VMs, simulator.VM{
			Name:   fmt.Sprintf("vm-%06d", i),
			Region: []string{"eastus", "westus"}[i%2],
			Zone:   fmt.Sprint(1 + i%3),
			OS:     "linux",
			Image:  simulator.Image{Publisher: "canonical", Offer: "ubuntu-24_04-lts", Sku: fmt.Sprintf("sku-%d", i)},
		})
	}
	return req
}

func checkEcho(t *testing.T, req simulator.Request, fc *simulator.Forecast) {
	t.Helper()
	if fc == nil {
		t.Fatal("nil forecast")
	}
	if fc.Seed != req.Seed || fc.Trials != req.Trials || !fc.Release.Equal(req.Fleet.Release.Date) {
		t.Errorf("forecast seed/trials/release = %d/%d/%v, want %d/%d/%v",
			fc.Seed, fc.Trials, fc.Release, req.Seed, req.Trials, req.Fleet.Release.Date)
	}
	if fc.Simulator != (simulator.Description{Name: "fake", Version: "1", ProtocolVersion: 1}) {
		t.Errorf("forecast simulator = %+v", fc.Simulator)
	}
	if len(fc.VMs) != len(req.Fleet.VMs) {
		t.Fatalf("%d VM results for %d VMs", len(fc.VMs), len(req.Fleet.VMs))
	}
	for i, vm := range req.Fleet.VMs {
		got := fc.VMs[i]
		if got.Name != vm.Name || got.Region != vm.Region || got.Zone != vm.Zone || got.Reason != vm.Image.Sku || got.Phase != -1 {
			t.Fatalf("VM %d: got %+v for %+v", i, got, vm)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	sim := mustOpen(t, config(t, "ok"))
	ctx := context.Background()

	d, err := sim.Describe(ctx)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if want := (simulator.Description{Name: "fake", Version: "1", ProtocolVersion: 1}); d != want {
		t.Errorf("Describe = %+v, want %+v", d, want)
	}

	req := request(5)
	fc, err := sim.Simulate(ctx, req)
	if err != nil {
		t.Fatalf("Simulate: %v", err)
	}
	checkEcho(t, req, fc)

	// The plugin stays up for further calls.
	req.Seed = 7
	fc, err = sim.Simulate(ctx, req)
	if err != nil {
		t.Fatalf("second Simulate: %v", err)
	}
	checkEcho(t, req, fc)
}

// TestLargeMessages sends a request and receives a forecast well above
// gRPC's 4 MiB default message size.
func TestLargeMessages(t *testing.T) {
	sim := mustOpen(t, config(t, "ok"))
	req := request(5000)
	for i := range req.Fleet.VMs {
		req.Fleet.VMs[i].Image.Sku = strings.Repeat("x", 1000) + req.Fleet.VMs[i].Image.Sku
	}
	fc, err := sim.Simulate(context.Background(), req)
	if err != nil {
		t.Fatalf("Simulate: %v", err)
	}
	checkEcho(t, req, fc)
	for what, v := range map[string]any{"request": req, "forecast": fc} {
		if b, _ := json.Marshal(v); len(b) <= 4<<20 {
			t.Errorf("the %s is only %d bytes; the test needs more than 4 MiB", what, len(b))
		}
	}
}

func TestModelErrorMessage(t *testing.T) {
	sim := mustOpen(t, config(t, "ok"))
	req := request(1)
	req.Profile = "fail"
	_, err := sim.Simulate(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "fake: the model cannot handle profile fail") {
		t.Fatalf("Simulate error = %v, want the model's message", err)
	}
	// A panic in the model is an error for that call.
	req.Profile = "panic"
	_, err = sim.Simulate(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "panicked in Simulate: fake: boom") {
		t.Fatalf("Simulate error = %v, want the panic's message", err)
	}
	// Neither takes the plugin down.
	if _, err := sim.Simulate(context.Background(), request(1)); err != nil {
		t.Fatalf("Simulate after a model error: %v", err)
	}
}

// TestIncompleteForecastRefused: a plugin that answers for fewer VMs than
// it was given is an error, never a partial forecast.
func TestIncompleteForecastRefused(t *testing.T) {
	sim := mustOpen(t, config(t, "ok"))
	req := request(3)
	req.Profile = "short"
	fc, err := sim.Simulate(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "incomplete forecast: 2 VM results for 3 VMs") {
		t.Fatalf("Simulate = %v, %v; want an incomplete-forecast error", fc, err)
	}
}

func TestDeadlinePropagates(t *testing.T) {
	cfg := config(t, "ok")
	cfg.CallTimeout = 20 * time.Second
	sim := mustOpen(t, cfg)
	req := request(1)
	req.Profile = "deadline"

	// seen is the deadline the plugin saw, in seconds from its receiving
	// the call.
	seen := func(ctx context.Context) float64 {
		t.Helper()
		_, err := sim.Simulate(ctx, req)
		var secs float64
		if err == nil {
			t.Fatal("Simulate succeeded; want the fake's deadline report")
		}
		i := strings.Index(err.Error(), "fake: deadline in ")
		if i < 0 {
			t.Fatalf("Simulate error = %v, want the plugin to see the call's deadline", err)
		}
		msg := err.Error()[i:]
		if _, err := fmt.Sscanf(msg, "fake: deadline in %fs", &secs); err != nil {
			t.Fatalf("parsing %q: %v", msg, err)
		}
		return secs
	}
	// CallTimeout alone.
	if s := seen(context.Background()); s <= 10 || s > 20 {
		t.Errorf("plugin saw a deadline %.3fs away, want about 20s (CallTimeout)", s)
	}
	// The caller's own, shorter deadline travels too.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s := seen(ctx); s <= 0 || s > 10 {
		t.Errorf("plugin saw a deadline %.3fs away, want about 10s (the caller's)", s)
	}
}

func TestCrash(t *testing.T) {
	sim := mustOpen(t, config(t, "crash"))
	if _, err := sim.Describe(context.Background()); err != nil {
		t.Fatalf("Describe: %v", err)
	}
	fc, err := sim.Simulate(context.Background(), request(3))
	if err == nil || !strings.Contains(err.Error(), "crash") {
		t.Fatalf("Simulate = %v, %v; want an error saying the plugin crashed", fc, err)
	}
	if fc != nil {
		t.Errorf("got a forecast along with the error: %+v", fc)
	}
	t.Logf("crash: %v", err)

	// Later calls fail at once.
	if _, err := sim.Describe(context.Background()); err == nil || !strings.Contains(err.Error(), "crash") {
		t.Fatalf("Describe after the crash = %v; want an error mentioning the crash", err)
	}
}

func TestHangTimesOut(t *testing.T) {
	cfg := config(t, "hang")
	cfg.CallTimeout = 2 * time.Second
	sim := mustOpen(t, cfg)

	start := time.Now()
	fc, err := sim.Simulate(context.Background(), request(3))
	elapsed := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("Simulate = %v, %v; want a timeout error", fc, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
	if fc != nil {
		t.Errorf("got a forecast along with the error: %+v", fc)
	}
	if elapsed < 2*time.Second || elapsed > 5*time.Second {
		t.Errorf("Simulate returned after %v, want 2s-5s", elapsed)
	}
	t.Logf("hang: %v after %v", err, elapsed.Round(time.Millisecond))

	// The hung plugin was stopped; later calls fail at once.
	start = time.Now()
	if _, err := sim.Describe(context.Background()); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("Describe after the timeout = %v; want an error mentioning the timeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Describe after the timeout took %v", d)
	}
}

func TestHangCallerDeadline(t *testing.T) {
	cfg := config(t, "hang")
	cfg.CallTimeout = 0 // only the caller's deadline
	sim := mustOpen(t, cfg)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := sim.Simulate(ctx, request(1))
	elapsed := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "timed out") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Simulate = %v; want a timeout error", err)
	}
	if elapsed > 4*time.Second {
		t.Errorf("Simulate returned after %v, want about 1s", elapsed)
	}
	t.Logf("caller deadline: %v after %v", err, elapsed.Round(time.Millisecond))
}

func TestProtocolMismatch(t *testing.T) {
	_, err := open(t, config(t, "badproto"))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("speaks plugin protocol 99, patchcheck needs %d", simulator.ProtocolVersion)) {
		t.Fatalf("Open = %v; want a protocol version error", err)
	}
	t.Logf("badproto: %v", err)
}

func TestNotAPlugin(t *testing.T) {
	// Without a mode the test binary runs no tests, prints PASS and exits.
	cfg := config(t, "")
	cfg.Env = nil
	_, err := open(t, cfg)
	if err == nil || !strings.Contains(err.Error(), "not a patchcheck simulator plugin") &&
		!strings.Contains(err.Error(), "exited before completing the plugin handshake") {
		t.Fatalf("Open = %v; want a not-a-plugin error", err)
	}
	t.Logf("not a plugin: %v", err)
}

func TestStartTimeout(t *testing.T) {
	// A program that never completes the handshake.
	cfg := simulator.HostConfig{Path: "/bin/sleep", Args: []string{"60"}, StartTimeout: 500 * time.Millisecond}
	if _, err := os.Stat(cfg.Path); err != nil {
		t.Skip("no /bin/sleep")
	}
	start := time.Now()
	_, err := open(t, cfg)
	if err == nil || !strings.Contains(err.Error(), "did not start within 500ms") {
		t.Fatalf("Open = %v; want a start timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open took %v", d)
	}
}

func TestExternalWithoutChecksumRefused(t *testing.T) {
	// A path that cannot be run proves Open refused before trying.
	_, err := open(t, simulator.HostConfig{Path: "/nonexistent/simulator", External: true})
	if err == nil || !strings.Contains(err.Error(), "without its SHA-256") {
		t.Fatalf("Open = %v; want a refusal for the missing checksum", err)
	}

	cfg := config(t, "ok")
	cfg.External = true
	if _, err := open(t, cfg); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("Open = %v; want a refusal for the missing checksum", err)
	}

	cfg.SHA256 = "not-hex"
	if _, err := open(t, cfg); err == nil || !strings.Contains(err.Error(), "not a SHA-256 checksum") {
		t.Fatalf("Open = %v; want a malformed checksum error", err)
	}
}

func TestExternalWrongChecksum(t *testing.T) {
	cfg := config(t, "ok")
	cfg.External = true
	cfg.SHA256 = strings.Repeat("0", 64)
	_, err := open(t, cfg)
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("Open = %v; want a checksum mismatch", err)
	}
	if sum := fileSHA256(t, cfg.Path); !strings.Contains(err.Error(), sum) {
		t.Errorf("error %q does not show the file's actual checksum %s", err, sum)
	}
	t.Logf("wrong checksum: %v", err)
}

func TestExternalRightChecksum(t *testing.T) {
	cfg := config(t, "ok")
	cfg.External = true
	cfg.SHA256 = "sha256:" + strings.ToUpper(fileSHA256(t, cfg.Path))
	sim := mustOpen(t, cfg)
	req := request(2)
	fc, err := sim.Simulate(context.Background(), req)
	if err != nil {
		t.Fatalf("Simulate: %v", err)
	}
	checkEcho(t, req, fc)
}

func TestClosedSimulator(t *testing.T) {
	cfg := config(t, "ok")
	cfg.Stderr = io.Discard
	sim, closeFn, err := simulator.Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	closeFn()
	if _, err := sim.Describe(context.Background()); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("Describe after close = %v; want an error", err)
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
