package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	plugin "github.com/hashicorp/go-plugin"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain registers the real command with testscript, so the scripts in
// testdata/script run the patchcheck binary as a user would.
func TestMain(m *testing.M) {
	// simulate re-executes its own binary (this test binary, here) to serve
	// the built-in simulator plugin: act as that plugin when asked to.
	if len(os.Args) > 2 && os.Args[1] == "__plugin" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"patchcheck": func() {
			os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
		"fakesim": fakeSimulator,
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			// The Python example plugin, run in place: it loads its
			// generated modules from beside it.
			py, err := filepath.Abs("../../plugins/simulator/example-python/plugin.py")
			env.Setenv("PYTHON_PLUGIN", py)
			return err
		},
		Condition: func(cond string) (bool, error) {
			if cond != "python" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			return havePython()
		},
	})
}

// havePython reports whether Debian's python3 can run the Python example
// plugin ([python] in the scripts); with PATCHCHECK_REQUIRE_PYTHON set (CI)
// its absence is an error rather than a skip.
func havePython() (bool, error) {
	err := exec.Command("/usr/bin/python3", "-I", "-c",
		`import grpc, google.protobuf, cryptography, zoneinfo; zoneinfo.ZoneInfo("Europe/Berlin")`).Run()
	if err != nil && os.Getenv("PATCHCHECK_REQUIRE_PYTHON") != "" {
		return false, fmt.Errorf("/usr/bin/python3 with python3-grpcio, python3-protobuf, python3-cryptography and tzdata is required (PATCHCHECK_REQUIRE_PYTHON is set): %w", err)
	}
	return err == nil, nil
}

// fakeSimulator is an external simulator plugin for the end-to-end scripts;
// PATCHCHECK_FAKESIM makes it misbehave: crash (dies inside Simulate), hang
// (never answers), badproto (speaks protocol 99), env (reports its
// environment), nan (a NaN compliance); anything else serves the reference
// model.
func fakeSimulator() {
	impl := simulator.Simulator(reference.New())
	cfg := simulator.ServeConfig(impl)
	switch os.Getenv("PATCHCHECK_FAKESIM") {
	case "crash":
		cfg = simulator.ServeConfig(misbehaving{func() { os.Exit(3) }})
	case "hang":
		cfg = simulator.ServeConfig(misbehaving{func() { time.Sleep(time.Hour) }})
	case "badproto":
		cfg.HandshakeConfig.ProtocolVersion = 99
	case "env", "nan": // fakesim_test.go
		cfg = simulator.ServeConfig(hardeningFake(os.Getenv("PATCHCHECK_FAKESIM")))
	}
	plugin.Serve(cfg)
}

type misbehaving struct{ during func() }

func (m misbehaving) Describe(ctx context.Context) (simulator.Description, error) {
	return reference.New().Describe(ctx)
}

func (m misbehaving) Simulate(context.Context, simulator.Request) (*simulator.Forecast, error) {
	m.during()
	return nil, errors.New("unreachable")
}
