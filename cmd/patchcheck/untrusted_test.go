package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
)

// scanClean fails the test when out holds a CI command or a raw control
// character other than a line feed.
func scanClean(t *testing.T, what string, out []byte) {
	t.Helper()
	c := safetexttest.Scan(out, "")
	for _, l := range append(append(append(c.GitHub, c.Azure...), c.Legacy...), c.Raw...) {
		t.Errorf("%s: %q", what, l)
	}
	if t.Failed() {
		t.Logf("%s:\n%s", what, out)
	}
}

// TestErrorLinesNeutraliseUntrustedText: file names and values in the
// error lines on stderr reach the CI log like any output.
func TestErrorLinesNeutraliseUntrustedText(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows file names cannot hold control characters")
	}
	dir := t.TempDir()
	for i, p := range safetexttest.Payloads {
		name := filepath.Join(dir, strconv.Itoa(i)+strings.ReplaceAll(p, "/", "_")+".json")
		if err := os.WriteFile(name, []byte("{,}"), 0o644); err != nil {
			t.Skipf("the file system refuses the name: %v", err)
		}
	}
	tests := []struct {
		name string
		args []string
	}{
		{"unreadable inputs under a machine format", []string{"lint", "--format", "json", dir}},
		{"a configuration file that does not exist", []string{"lint", "--config", filepath.Join(dir, safetexttest.Payload()+".yaml"), dir}},
		{"a usage error", []string{"lint", "--format", safetexttest.Payload(), dir}},
		{"a fleet file that does not exist", []string{"simulate", "--in-process", filepath.Join(dir, safetexttest.Payload()+".yaml")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if errOut.Len() == 0 {
				t.Fatal("nothing on stderr")
			}
			scanClean(t, "stderr", errOut.Bytes())
			scanClean(t, "stdout", out.Bytes())
		})
	}
}

// TestSimulateNeutralisesFleetText: VM names from a fleet file reach every
// simulate format through the simulator, and none becomes a command.
func TestSimulateNeutralisesFleetText(t *testing.T) {
	var fleet strings.Builder
	fleet.WriteString("release: {month: \"2026-12\"}\ndefaults: {os: linux, patchMode: AutomaticByPlatform, image: {publisher: Canonical, offer: UbuntuServer, sku: 18.04-LTS}}\nvms:\n")
	for i, p := range safetexttest.Payloads {
		if !utf8Valid(p) {
			continue // YAML holds text
		}
		fmt.Fprintf(&fleet, "  - {name: %s, subscription: %s, region: eastus, availabilitySet: %s, updateDomain: 0}\n",
			strconv.Quote(strconv.Itoa(i)+p), strconv.Quote(p), strconv.Quote("as"+p))
	}
	fmt.Fprintf(&fleet, "  - {name: %s, subscription: s, region: westeurope, patchMode: ImageDefault}\n", strconv.Quote(safetexttest.Payload()))
	path := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(path, []byte(fleet.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "csv", "html", "markdown"} {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), []string{"simulate", "--in-process", "--format", format, path}, strings.NewReader(""), &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(out.String(), "PWNED") {
				t.Fatal("the fleet's names are not in the output; the test tests nothing")
			}
			c := safetexttest.Scan(out.Bytes(), map[bool]string{true: "\t"}[format == "html"])
			for _, l := range append(append(append(c.GitHub, c.Azure...), c.Legacy...), c.Raw...) {
				t.Errorf("%q", l)
			}
			scanClean(t, "stderr", errOut.Bytes())
		})
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// TestHostileConfigurationIsRefused: a configuration file the loader
// refuses (too large, too deeply nested, not a regular file) is exit 2,
// naming the file. The alias bomb is tested in checker/config, under a
// heap guard.
func TestHostileConfigurationIsRefused(t *testing.T) {
	dir := t.TempDir()
	template := filepath.Join(dir, "vm.json")
	if err := os.WriteFile(template, []byte(`{"resources": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, content, want string }{
		{"large.yaml", "profile: current\n" + strings.Repeat("#\n", 600_000), "larger than 1 MiB"},
		{"deep.yaml", "profile: current\nx: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n", "nested more than 64 levels deep"},
		{"folder.yaml", "", "not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			var err error
			if tc.content == "" {
				err = os.Mkdir(path, 0o755)
			} else {
				err = os.WriteFile(path, []byte(tc.content), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			if code := run(context.Background(), []string{"lint", "--config", path, template}, strings.NewReader(""), &out, &errOut); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut.String(), path) || !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr %q, want the file and %q", errOut.String(), tc.want)
			}
		})
	}
}
