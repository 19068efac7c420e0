package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestSimulateGolden pins the forecast of the bundled fleet in every format:
// the model is deterministic for a seed, so any change here is a change in
// what users are told.
func TestSimulateGolden(t *testing.T) {
	fleetPath := filepath.Join("..", "..", "testdata", "fleets", "contoso.yaml")
	for _, format := range []string{"text", "json", "csv", "html", "markdown"} {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"simulate", "--in-process", "--seed", "1", "--trials", "10", "--format", format, fleetPath},
				strings.NewReader(""), &out, &errOut)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			golden := filepath.Join("..", "..", "testdata", "golden", "simulate-contoso."+format)
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/patchcheck -run Golden -update)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%s differs; rerun with -update if intended\n%s", golden, out.String())
			}
		})
	}
}
