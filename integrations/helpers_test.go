package integrations

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// repoRoot is the repository's root folder (tests run in integrations/).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// readYAML decodes a repository file into v.
func readYAML(t *testing.T, rel string, v any, opts ...yaml.DecodeOption) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalWithOptions(data, v, opts...); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

// scriptRun is one run of a shell script.
type scriptRun struct {
	stdout, stderr string
	code           int
}

// runScript runs a script body with bash the way a CI runner does (args
// before the script file, e.g. GitHub's -eo pipefail), in dir, with exactly
// env plus PATH = bins, then the system PATH (for bash, tar, awk...).
func runScript(t *testing.T, body string, bashArgs []string, dir string, env map[string]string, bins ...string) scriptRun {
	t.Helper()
	file := filepath.Join(t.TempDir(), "step.sh")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := append([]string{"--noprofile", "--norc"}, bashArgs...)
	cmd := exec.CommandContext(ctx, "bash", append(args, file)...)
	cmd.Dir = dir
	path := os.Getenv("PATH")
	if len(bins) > 0 {
		path = strings.Join(bins, string(os.PathListSeparator)) + string(os.PathListSeparator) + path
	}
	cmd.Env = []string{"PATH=" + path, "HOME=" + t.TempDir(), "LC_ALL=C"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := scriptRun{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("run bash: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the script did not finish within a minute; stderr:\n%s", r.stderr)
	}
	return r
}

// writeExecutable writes a script into dir/name, executable.
func writeExecutable(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// fakeRecorder is a command that records its arguments (NUL-separated) in
// $FAKE_ARGV_DIR/<name>, its working directory in <name>.cwd, creates
// "$GOBIN/patchcheck" or the -o target when asked to build (as go would),
// writes the sarif=FILE report it is asked for (as patchcheck would), and
// exits with $FAKE_EXIT.
const fakeRecorder = `#!/usr/bin/env bash
name=$(basename "$0")
printf '%s\0' "$@" > "$FAKE_ARGV_DIR/$name"
pwd > "$FAKE_ARGV_DIR/$name.cwd"
prev=""
for a in "$@"; do
  case $a in
    sarif=*) : > "${a#sarif=}" ;;
  esac
  if [ "$prev" = "-o" ]; then
    out=$a
    case $out in */) out="${out}patchcheck" ;; esac
    printf '#!/bin/sh\necho "patchcheck (built by fake go)"\n' > "$out"; chmod 755 "$out"
  fi
  prev=$a
done
if [ "$name" = go ] && [ "${1:-}" = install ]; then
  printf '#!/bin/sh\necho "patchcheck (installed by fake go)"\n' > "$GOBIN/patchcheck"; chmod 755 "$GOBIN/patchcheck"
fi
exit "${FAKE_EXIT:-0}"
`

// recordedArgs reads what the fake command name recorded; nil when it did
// not run.
func recordedArgs(t *testing.T, dir, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(string(data), "\x00")
	return args[:len(args)-1] // the last argument ends with a NUL too
}

// expression is a ${{ … }} expression (GitHub, Azure template expressions).
var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// azureMacro is an Azure Pipelines macro, $(name), which the agent replaces
// in a script before bash sees it.
var azureMacro = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_.\-]*)\)`)

// renderEnv gives a step's env: values as the CI system would, replacing
// each ${{ expr }} and $(macro) from values; an expression the test does
// not know fails it, so a new one is looked at.
func renderEnv(t *testing.T, env map[string]string, values map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range env {
		out[k] = render(t, "env "+k, v, values)
	}
	return out
}

// render replaces the ${{ expr }} and $(macro) in s from values, as GitHub
// and Azure Pipelines do before a script runs: applied to a script body it
// shows what an interpolated input would do.
func render(t *testing.T, what, s string, values map[string]string) string {
	t.Helper()
	replace := func(re *regexp.Regexp, s string) string {
		return re.ReplaceAllStringFunc(s, func(m string) string {
			key := re.FindStringSubmatch(m)[1]
			val, ok := values[key]
			if !ok {
				t.Fatalf("%s: %s has no value in this test", what, m)
			}
			return val
		})
	}
	return replace(azureMacro, replace(expression, s))
}

// outputs parses a GITHUB_OUTPUT file of name=value lines; each name maps to
// every value written for it, in order.
func outputs(t *testing.T, file string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: line %q is not name=value", file, line)
		}
		out[k] = append(out[k], v)
	}
	return out
}

// listDir names the entries of dir, sorted; none when it does not exist.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// equalStrings reports a difference between two lists, or "".
func equalStrings(got, want []string) string {
	if len(got) == len(want) {
		same := true
		for i := range got {
			same = same && got[i] == want[i]
		}
		if same {
			return ""
		}
	}
	return fmt.Sprintf("got  %q\nwant %q", got, want)
}
