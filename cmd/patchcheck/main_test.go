package main

import (
	"context"
	"os"
	"testing"

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
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			return nil
		},
	})
}
