package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// gitlabJob is the part of integrations/gitlab/patchcheck.gitlab-ci.yml
// the tests read.
type gitlabJob struct {
	Variables map[string]string `yaml:"variables"`
	Script    []string          `yaml:"script"`
	Artifacts struct {
		When    string `yaml:"when"`
		Reports struct {
			CodeQuality string `yaml:"codequality"`
			JUnit       string `yaml:"junit"`
		} `yaml:"reports"`
	} `yaml:"artifacts"`
}

func readGitLabJob(t *testing.T) gitlabJob {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "integrations", "gitlab", "patchcheck.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]gitlabJob
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	job, ok := doc["patchcheck"]
	if !ok || len(job.Script) == 0 {
		t.Fatalf("no patchcheck job with a script in %v", doc)
	}
	return job
}

// TestGitLabJobReports: the job uploads the Code Quality and JUnit reports
// patchcheck writes, also when it fails, and uses only flags lint has.
func TestGitLabJobReports(t *testing.T) {
	job := readGitLabJob(t)
	script := strings.Join(job.Script, "\n")
	r := job.Artifacts.Reports
	if job.Artifacts.When != "always" || r.CodeQuality == "" || r.JUnit == "" {
		t.Errorf("artifacts %+v: want reports codequality and junit, uploaded always", job.Artifacts)
	}
	for _, want := range []string{"--format gitlab=" + r.CodeQuality, "--format junit=" + r.JUnit} {
		if !strings.Contains(script, want) {
			t.Errorf("the script does not write %q", want)
		}
	}
	lint := newLintCommand(streams{})
	for _, m := range regexp.MustCompile(`--([a-z][a-z-]*)`).FindAllStringSubmatch(script, -1) {
		if lint.Flags().Lookup(m[1]) == nil {
			t.Errorf("the job uses --%s, which patchcheck lint does not have", m[1])
		}
	}
	for _, v := range []string{"PATCHCHECK_VERSION", "PATCHCHECK_PATHS", "PATCHCHECK_PROFILE", "PATCHCHECK_FAIL_ON"} {
		if _, ok := job.Variables[v]; !ok {
			t.Errorf("no default for the input %s", v)
		}
	}
}

// TestGitLabJobQuotesInputs reads each script line as the shell does and
// refuses a variable expanded outside double quotes (it would be split
// into words and glob-expanded) and any text interpolation GitLab itself
// would do ($[[ inputs ]]). The one exception is the line that splits
// PATCHCHECK_PATHS on line breaks, with globbing off.
func TestGitLabJobQuotesInputs(t *testing.T) {
	job := readGitLabJob(t)
	allowed := map[string]bool{"set -- $PATCHCHECK_PATHS": true}
	for _, entry := range job.Script {
		if strings.Contains(entry, "$[[") || strings.Contains(entry, "${{") {
			t.Errorf("interpolated into the script: %q", entry)
		}
		for _, line := range strings.Split(entry, "\n") {
			if allowed[strings.TrimSpace(line)] {
				continue
			}
			if at := unquotedDollar(line); at >= 0 {
				t.Errorf("a variable outside double quotes at column %d: %q", at+1, line)
			}
		}
	}
}

// unquotedDollar returns the index of the first '$' of line outside double
// quotes (single-quoted text holds no expansion), or -1.
func unquotedDollar(line string) int {
	inDouble, inSingle := false, false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && !inSingle:
			i++
		case c == '\'' && !inDouble:
			inSingle = !inSingle
		case c == '"' && !inSingle:
			inDouble = !inDouble
		case c == '$' && !inSingle && !inDouble:
			return i
		}
	}
	return -1
}

// TestGitLabJobRuns runs the job's script with sh, go and patchcheck
// replaced by functions that print their arguments, and hostile inputs:
// each path line is one argument (spaces kept, nothing run, nothing
// globbed), the other inputs are one argument each, and parallel jobs
// lint their shard.
func TestGitLabJobRuns(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the job runs in a Linux image")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	job := readGitLabJob(t)
	dir := t.TempDir()
	stub := "go() { printf 'go'; printf ' <%s>' \"$@\"; echo; }\n" +
		"patchcheck() { printf 'patchcheck'; printf ' <%s>' \"$@\"; echo; }\n"
	script := stub + strings.Join(job.Script, "\n") + "\n"
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"PATCHCHECK_VERSION=v1; touch pwned-version",
		"PATCHCHECK_PATHS=infra\nmy dir/vm.json\n$(touch pwned-paths)\n*.json\n\ninfra; touch pwned-semicolon",
		"PATCHCHECK_PROFILE=current\"; touch pwned-profile; \"",
		"PATCHCHECK_FAIL_ON=warning",
	}
	if err := os.WriteFile(filepath.Join(dir, "decoy.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		extra []string
		shard string
	}{
		{"one job", nil, ""},
		{"parallel: 3", []string{"CI_NODE_INDEX=2", "CI_NODE_TOTAL=3"}, "<--shard> <2/3> "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(sh, "-c", script)
			cmd.Dir = dir
			cmd.Env = append(append([]string{}, env...), tc.extra...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			want := "go <install> <github.com/patchcheck/patchcheck/cmd/patchcheck@v1; touch pwned-version>\n" +
				"patchcheck <lint> <--profile> <current\"; touch pwned-profile; \"> <--fail-on> <warning> <--format> <text> " +
				"<--format> <gitlab=gl-code-quality-report.json> <--format> <junit=patchcheck-junit.xml> " + tc.shard +
				"<--> <infra> <my dir/vm.json> <$(touch pwned-paths)> <*.json> <infra; touch pwned-semicolon>\n"
			if string(out) != want {
				t.Errorf("the script ran\n%s\nwant\n%s", out, want)
			}
			if m, _ := filepath.Glob(filepath.Join(dir, "pwned*")); len(m) > 0 {
				t.Errorf("an input ran a command: %v", m)
			}
		})
	}
}
