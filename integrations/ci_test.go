package integrations

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The files whose scripts CI systems run, and the keys that hold a script
// in each (GitHub: run; Azure Pipelines: script, bash, pwsh, powershell).
var ciFiles = []string{"action.yml", "integrations/azure-pipelines/patchcheck.yml"}

var scriptKeys = map[string]bool{"run": true, "script": true, "bash": true, "pwsh": true, "powershell": true}

// interpolation finds what a CI system pastes into a script's text before
// the shell reads it: ${{ … }} (GitHub expressions, Azure template
// expressions), $[ … ] (Azure runtime expressions) and $(name) (Azure
// macros). Any of them carrying an input turns the input into code.
func interpolation(body string) []string {
	var found []string
	found = append(found, expression.FindAllString(body, -1)...)
	found = append(found, regexp.MustCompile(`\$\[[^\]]*\]`).FindAllString(body, -1)...)
	found = append(found, azureMacro.FindAllString(body, -1)...)
	return found
}

// TestInterpolationDetector shows the check below catches the shapes of
// the injectable action and template this replaced, and leaves shell
// syntax alone.
func TestInterpolationDetector(t *testing.T) {
	tests := []struct {
		body string
		want []string
	}{
		{`patchcheck lint --profile "${{ inputs.profile }}" ${{ inputs.paths }}`, []string{`${{ inputs.profile }}`, `${{ inputs.paths }}`}},
		{`go install "github.com/patchcheck/patchcheck/cmd/patchcheck@${{inputs.version}}"`, []string{`${{inputs.version}}`}},
		{`exit "${{ steps.lint.outputs.code }}"`, []string{`${{ steps.lint.outputs.code }}`}},
		{`lint --fail-on "${{ parameters.failOn }}" ${{ parameters.paths }}`, []string{`${{ parameters.failOn }}`, `${{ parameters.paths }}`}},
		{`--format "junit=$(Agent.TempDirectory)/patchcheck.xml" $(paths)`, []string{`$(Agent.TempDirectory)`, `$(paths)`}},
		{`echo $[variables.paths]`, []string{`$[variables.paths]`}},
		{`patchcheck lint -- "${paths[@]}" "$PATCHCHECK_PATHS" ${PATCHCHECK_PROFILE}`, nil},
		{`tmp=$(mktemp -d); got=$(sha256sum "$f" | cut -d ' ' -f 1)`, nil},
	}
	for _, tt := range tests {
		if d := equalStrings(interpolation(tt.body), tt.want); d != "" {
			t.Errorf("interpolation(%q):\n%s", tt.body, d)
		}
	}
}

// TestNoInputInScripts: no script body of the action or the template pastes
// an expression or a macro; inputs reach scripts through env: only.
func TestNoInputInScripts(t *testing.T) {
	for _, file := range ciFiles {
		var doc any
		readYAML(t, file, &doc)
		bodies := 0
		walkScripts(doc, "", func(where, body string) {
			bodies++
			for _, m := range interpolation(body) {
				t.Errorf("%s: %s pastes %s into the script; pass it through env: and quote it", file, where, m)
			}
		})
		if bodies < 3 {
			t.Errorf("%s: found %d script bodies; is the walk still finding them?", file, bodies)
		}
	}
}

// walkScripts calls f with every script body in a YAML document.
func walkScripts(node any, where string, f func(where, body string)) {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if s, ok := v.(string); ok && scriptKeys[k] {
				f(where+"."+k, s)
				continue
			}
			walkScripts(v, where+"."+k, f)
		}
	case []any:
		for i, v := range n {
			name := ""
			if m, ok := v.(map[string]any); ok {
				for _, key := range []string{"id", "name", "displayName"} {
					if s, ok := m[key].(string); ok && name == "" {
						name = "(" + s + ")"
					}
				}
			}
			walkScripts(v, where+"["+strconv.Itoa(i)+"]"+name, f)
		}
	}
}

// githubAction is the part of action.yml the tests read.
type githubAction struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []githubStep `yaml:"steps"`
	} `yaml:"runs"`
}

type githubStep struct {
	ID              string            `yaml:"id"`
	Name            string            `yaml:"name"`
	If              string            `yaml:"if"`
	Shell           string            `yaml:"shell"`
	Run             string            `yaml:"run"`
	Uses            string            `yaml:"uses"`
	Env             map[string]string `yaml:"env"`
	With            map[string]string `yaml:"with"`
	ContinueOnError bool              `yaml:"continue-on-error"`
}

func loadAction(t *testing.T) githubAction {
	t.Helper()
	var a githubAction
	readYAML(t, "action.yml", &a)
	return a
}

// step finds an action step by its name.
func (a githubAction) step(t *testing.T, name string) githubStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("action.yml has no step named %q", name)
	return githubStep{}
}

// azureTemplate is the part of the Azure Pipelines template the tests read.
type azureTemplate struct {
	Parameters []struct {
		Name    string `yaml:"name"`
		Type    string `yaml:"type"`
		Default string `yaml:"default"`
	} `yaml:"parameters"`
	Steps []azureStep `yaml:"steps"`
}

type azureStep struct {
	Bash            string            `yaml:"bash"`
	Task            string            `yaml:"task"`
	DisplayName     string            `yaml:"displayName"`
	Condition       string            `yaml:"condition"`
	ContinueOnError bool              `yaml:"continueOnError"`
	Env             map[string]string `yaml:"env"`
	Inputs          map[string]string `yaml:"inputs"`
}

func loadAzure(t *testing.T) azureTemplate {
	t.Helper()
	var a azureTemplate
	readYAML(t, "integrations/azure-pipelines/patchcheck.yml", &a)
	return a
}

func (a azureTemplate) step(t *testing.T, displayName string) azureStep {
	t.Helper()
	for _, s := range a.Steps {
		if s.DisplayName == displayName {
			return s
		}
	}
	t.Fatalf("the Azure Pipelines template has no step %q", displayName)
	return azureStep{}
}

// parameters are the template's parameter defaults, as ${{ parameters.x }}
// keys.
func (a azureTemplate) parameters() map[string]string {
	out := map[string]string{}
	for _, p := range a.Parameters {
		out["parameters."+p.Name] = p.Default
	}
	return out
}

// githubBash is how GitHub runs a `shell: bash` step.
var githubBash = []string{"-eo", "pipefail"}

// TestEnvVarsDeclared: every PATCHCHECK_* variable a script reads comes from
// its step's env: (or is one a user may set for the whole job), so a
// renamed input cannot silently become an empty value.
func TestEnvVarsDeclared(t *testing.T) {
	external := map[string]bool{"PATCHCHECK_RELEASES_URL": true}
	ref := regexp.MustCompile(`PATCHCHECK_[A-Z_]+`)
	check := func(file, step, body string, env map[string]string) {
		for _, name := range ref.FindAllString(body, -1) {
			if _, ok := env[name]; !ok && !external[name] {
				t.Errorf("%s: step %q reads $%s, which its env: does not set", file, step, name)
			}
		}
	}
	for _, s := range loadAction(t).Runs.Steps {
		if s.Run != "" && s.Shell != "bash" {
			t.Errorf("action.yml: step %q runs without shell: bash", s.Name)
		}
		check("action.yml", s.Name, s.Run, s.Env)
	}
	for _, s := range loadAzure(t).Steps {
		check("azure-pipelines/patchcheck.yml", s.DisplayName, s.Bash, s.Env)
	}
}

// TestActionsPinned: every action the composite action uses is pinned to a
// full commit SHA (tags can be moved), with the tag it was in a comment.
func TestActionsPinned(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	uses := regexp.MustCompile(`(?m)^\s*(?:-\s*)?uses:\s*(\S+)(.*)$`)
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	found := 0
	for _, m := range uses.FindAllStringSubmatch(string(data), -1) {
		found++
		if !pinned.MatchString(m[1]) {
			t.Errorf("action.yml uses %s: pin it to a full commit SHA", m[1])
		}
		if !regexp.MustCompile(`#\s*v\d+\.\d+\.\d+`).MatchString(m[2]) {
			t.Errorf("action.yml uses %s without a # vX.Y.Z comment naming the release", m[1])
		}
	}
	if found < 2 {
		t.Errorf("found %d uses: lines in action.yml, want setup-go and upload-sarif", found)
	}
}

// pathCases are hostile and ordinary values of the paths input, and the
// arguments patchcheck must receive after "--" for each: data, never code.
var pathCases = []struct {
	name, paths string
	want        []string
}{
	{"the issue's injection", "infra; echo pwned $(id -un)", []string{"infra;", "echo", "pwned", "$(id", "-un)"}},
	{"command substitution", "`touch canary` $(touch canary) ${HOME}", []string{"`touch", "canary`", "$(touch", "canary)", "${HOME}"}},
	{"no glob expansion", "*.json ?", []string{"*.json", "?"}},
	{"spaces and tabs", "  infra \t templates  ", []string{"infra", "templates"}},
	{"one path per line keeps spaces", "infra\n  templates/my vm.json  \n\n\t*.bicep\r\n", []string{"infra", "templates/my vm.json", "*.bicep"}},
	{"a flag is still a path", "--config=evil.yaml --policy /tmp", []string{"--config=evil.yaml", "--policy", "/tmp"}},
	{"output injection", "x\nexit-code=0\nsarif=/etc/passwd", []string{"x", "exit-code=0", "sarif=/etc/passwd"}},
}

// TestActionLintStep runs the action's Lint step with bash as GitHub does,
// with hostile inputs and a fake patchcheck that records its arguments.
func TestActionLintStep(t *testing.T) {
	action := loadAction(t)
	step := action.step(t, "Lint")
	type lintCase struct {
		name, paths, profile, failOn string
		shard                        string
		exit                         string // the fake patchcheck's exit code
		wantArgs                     []string
		wantCode                     int
	}
	var cases []lintCase
	for _, c := range pathCases {
		cases = append(cases, lintCase{name: c.name, paths: c.paths, wantArgs: c.want, exit: "1", wantCode: 1})
	}
	cases = append(cases,
		lintCase{name: "clean", paths: "infra", exit: "0", wantArgs: []string{"infra"}, wantCode: 0},
		lintCase{name: "cannot check", paths: "infra", exit: "2", wantArgs: []string{"infra"}, wantCode: 2},
		lintCase{name: "hostile profile and fail-on", paths: "infra", profile: "current --policy /tmp/evil", failOn: "warning; id", exit: "0", wantArgs: []string{"infra"}},
		lintCase{name: "shard", paths: "infra", shard: "2/4", exit: "0", wantArgs: []string{"infra"}},
		lintCase{name: "hostile shard", paths: "infra", shard: "1/2 --policy /tmp/evil; id `id`", exit: "2", wantArgs: []string{"infra"}, wantCode: 2})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			work, tmp := t.TempDir(), t.TempDir()
			bin, argv := filepath.Join(tmp, "bin"), filepath.Join(tmp, "argv")
			writeExecutable(t, bin, "patchcheck", fakeRecorder)
			if err := os.Mkdir(argv, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(work, "a.json"), []byte("{}"), 0o644); err != nil {
				t.Fatal(err) // something for a glob to expand to
			}
			inputs := map[string]string{}
			for name, in := range action.Inputs {
				inputs["inputs."+name] = in.Default
			}
			inputs["inputs.paths"] = c.paths
			if c.profile != "" {
				inputs["inputs.profile"] = c.profile
			}
			if c.failOn != "" {
				inputs["inputs.fail-on"] = c.failOn
			}
			inputs["inputs.shard"] = c.shard
			env := renderEnv(t, step.Env, inputs)
			output, summary, runnerTemp := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary.md"), filepath.Join(tmp, "runner")
			env["GITHUB_OUTPUT"], env["GITHUB_STEP_SUMMARY"], env["RUNNER_TEMP"] = output, summary, runnerTemp
			env["FAKE_ARGV_DIR"], env["FAKE_EXIT"] = argv, c.exit
			if err := os.Mkdir(runnerTemp, 0o755); err != nil {
				t.Fatal(err)
			}

			// The body as the runner would run it (unchanged without
			// expressions in it).
			r := runScript(t, render(t, "Lint", step.Run, inputs), githubBash, work, env, bin)

			if r.code != c.wantCode {
				t.Errorf("the step exited %d, want %d (patchcheck's); stderr:\n%s", r.code, c.wantCode, r.stderr)
			}
			sarif := filepath.Join(runnerTemp, "patchcheck.sarif")
			profile, failOn := inputs["inputs.profile"], inputs["inputs.fail-on"]
			want := []string{"lint", "--profile=" + profile, "--fail-on=" + failOn,
				"--format", "github", "--format", "sarif=" + sarif, "--format", "markdown=" + summary}
			if c.shard != "" {
				want = append(want, "--shard="+c.shard) // one argument, whatever it holds
			}
			want = append(append(want, "--"), c.wantArgs...)
			if d := equalStrings(recordedArgs(t, argv, "patchcheck"), want); d != "" {
				t.Errorf("patchcheck's arguments:\n%s", d)
			}
			out := outputs(t, output)
			if d := equalStrings(out["exit-code"], []string{strconv.Itoa(c.wantCode)}); d != "" {
				t.Errorf("exit-code output, written once:\n%s", d)
			}
			if d := equalStrings(out["sarif"], []string{sarif}); d != "" {
				t.Errorf("sarif output:\n%s", d)
			}
			for name := range out {
				if name != "exit-code" && name != "sarif" {
					t.Errorf("GITHUB_OUTPUT got an output %q", name)
				}
			}
			if strings.Contains(r.stdout+r.stderr, "pwned") || len(listDir(t, work)) != 1 {
				t.Errorf("an input ran as a command: output %q, files %q", r.stdout+r.stderr, listDir(t, work))
			}
		})
	}
	t.Run("no paths", func(t *testing.T) {
		tmp := t.TempDir()
		bin, argv, output := filepath.Join(tmp, "bin"), filepath.Join(tmp, "argv"), filepath.Join(tmp, "output")
		writeExecutable(t, bin, "patchcheck", fakeRecorder)
		if err := os.Mkdir(argv, 0o755); err != nil {
			t.Fatal(err)
		}
		env := renderEnv(t, step.Env, map[string]string{"inputs.paths": " \n\t\n", "inputs.profile": "2021-02", "inputs.fail-on": "error", "inputs.shard": ""})
		env["GITHUB_OUTPUT"], env["GITHUB_STEP_SUMMARY"], env["RUNNER_TEMP"], env["FAKE_ARGV_DIR"] = output, filepath.Join(tmp, "s"), tmp, argv
		r := runScript(t, step.Run, githubBash, tmp, env, bin)
		if r.code != 2 || !strings.Contains(r.stdout, "::error title=patchcheck::the paths input names no file or folder") {
			t.Errorf("empty paths: exit %d, stdout %q; want exit 2 and an error annotation", r.code, r.stdout)
		}
		if args := recordedArgs(t, argv, "patchcheck"); args != nil {
			t.Errorf("patchcheck ran with %q", args)
		}
		if d := equalStrings(outputs(t, output)["exit-code"], []string{"2"}); d != "" {
			t.Errorf("exit-code output:\n%s", d)
		}
	})
}

// TestAzureLintStep runs the template's lint step with bash as the agent
// does, with the same hostile paths.
func TestAzureLintStep(t *testing.T) {
	tpl := loadAzure(t)
	step := tpl.step(t, "patchcheck lint")
	for _, c := range pathCases {
		for _, exit := range []string{"0", "1", "2"} {
			t.Run(c.name+"/exit "+exit, func(t *testing.T) {
				work, tmp := t.TempDir(), t.TempDir()
				bin, argv := filepath.Join(tmp, "bin"), filepath.Join(tmp, "argv")
				writeExecutable(t, bin, "patchcheck", fakeRecorder)
				if err := os.Mkdir(argv, 0o755); err != nil {
					t.Fatal(err)
				}
				params := tpl.parameters()
				params["parameters.paths"] = c.paths
				env := renderEnv(t, step.Env, params)
				env["AGENT_TEMPDIRECTORY"], env["BUILD_ARTIFACTSTAGINGDIRECTORY"] = tmp, filepath.Join(tmp, "staging")
				env["FAKE_ARGV_DIR"], env["FAKE_EXIT"] = argv, exit

				params["Agent.TempDirectory"], params["Build.ArtifactStagingDirectory"] = env["AGENT_TEMPDIRECTORY"], env["BUILD_ARTIFACTSTAGINGDIRECTORY"]
				r := runScript(t, render(t, "patchcheck lint", step.Bash, params), nil, work, env, bin)

				if strconv.Itoa(r.code) != exit {
					t.Errorf("the step exited %d, want patchcheck's %s; stderr:\n%s", r.code, exit, r.stderr)
				}
				want := append([]string{"lint", "--profile=2021-02", "--fail-on=error", "--format", "azure-devops",
					"--format", "junit=" + filepath.Join(tmp, "patchcheck.xml"),
					"--format", "sarif=" + filepath.Join(tmp, "staging", "patchcheck.sarif"), "--"}, c.want...)
				if d := equalStrings(recordedArgs(t, argv, "patchcheck"), want); d != "" {
					t.Errorf("patchcheck's arguments:\n%s", d)
				}
				if strings.Contains(r.stdout+r.stderr, "pwned") || len(listDir(t, work)) != 0 {
					t.Errorf("a parameter ran as a command: output %q, files %q", r.stdout+r.stderr, listDir(t, work))
				}
			})
		}
	}
}

// TestInstallPlan: the action installs the release its own ref names, or
// builds its own source for a ref that is no release; a version input
// chooses instead. Only a method name reaches GITHUB_OUTPUT or an Azure
// variable.
func TestInstallPlan(t *testing.T) {
	action := loadAction(t)
	plan := action.step(t, "Choose how to install patchcheck")
	tests := []struct {
		version, actionRef string
		want               string
	}{
		{"", "v0.1.0", "release"},
		{"", "v1.2.3-rc.1", "release"},
		{"", "main", "source"},
		{"", "0123456789abcdef0123456789abcdef01234567", "source"},
		{"", "", "source"}, // uses: ./ in this repository
		{"", "v1", "source"},
		{"v0.2.0", "main", "release"},
		{"main", "v0.1.0", "module"},
		{"latest", "", "module"},
		{"v0.1.0\nmethod=release", "", "module"},
		{"$(touch canary)", "v0.1.0", "module"},
	}
	for _, tt := range tests {
		tmp := t.TempDir()
		output := filepath.Join(tmp, "output")
		env := renderEnv(t, plan.Env, map[string]string{"inputs.version": tt.version, "github.action_ref": tt.actionRef})
		env["GITHUB_OUTPUT"] = output
		r := runScript(t, plan.Run, githubBash, tmp, env)
		if r.code != 0 {
			t.Errorf("version %q, ref %q: exit %d: %s", tt.version, tt.actionRef, r.code, r.stderr)
		}
		out := outputs(t, output)
		if d := equalStrings(out["method"], []string{tt.want}); d != "" || len(out) != 1 {
			t.Errorf("version %q, ref %q: outputs %q, want only method=%s", tt.version, tt.actionRef, out, tt.want)
		}
		if len(listDir(t, tmp)) != 1 {
			t.Errorf("version %q: files %q", tt.version, listDir(t, tmp))
		}
	}

	azure := loadAzure(t)
	azPlan := azure.step(t, "Choose how to install patchcheck")
	for _, tt := range []struct{ version, want string }{
		{"v0.1.0", "release"}, {"v2.0.0-beta.2", "release"}, {"main", "module"},
		{"0123456789abcdef0123456789abcdef01234567", "module"}, {"v0.1.0\n##vso[task.setvariable variable=x]y", "module"},
	} {
		tmp := t.TempDir()
		env := renderEnv(t, azPlan.Env, map[string]string{"parameters.version": tt.version})
		r := runScript(t, azPlan.Bash, nil, tmp, env)
		if r.code != 0 || r.stdout != "##vso[task.setvariable variable=patchcheckInstall]"+tt.want+"\n" {
			t.Errorf("Azure, version %q: exit %d, stdout %q; want only the %s method", tt.version, r.code, r.stdout, tt.want)
		}
	}
	if v := azure.parameters()["parameters.version"]; !releaseTag.MatchString(v) {
		t.Errorf("the Azure template's version defaults to %q; want a release tag, so a default run verifies a checksum", v)
	}
}

// releaseTag is the tag form install.sh, the action and the template take
// for a release.
var releaseTag = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

// TestActionInstallStep runs the action's install step for each method: a
// release is downloaded and verified through scripts/install.sh (a wrong
// checksum installs nothing), a branch builds the action's own source, a
// version input that is no release goes to go install as one argument.
func TestActionInstallStep(t *testing.T) {
	action := loadAction(t)
	step := action.step(t, "Install patchcheck")
	root := repoRoot(t)
	tests := []struct {
		name, method, version, ref string
		release                    fixtureRelease
		wantCode                   int
		wantGo                     []string // go's arguments; nil: go must not run
		wantInstalled              string   // what `patchcheck version` printed; "" when nothing installed
	}{
		{name: "release of the action's ref", method: "release", ref: "v0.1.0", release: goodRelease,
			wantInstalled: "patchcheck 0.1.0 (fixture)"},
		{name: "release asked for", method: "release", version: "v0.1.0", ref: "main", release: goodRelease,
			wantInstalled: "patchcheck 0.1.0 (fixture)"},
		{name: "wrong checksum", method: "release", ref: "v0.1.0", release: wrongChecksum, wantCode: 1},
		{name: "no such release", method: "release", ref: "v0.1.0", release: noRelease, wantCode: 1},
		{name: "the action's own source", method: "source", ref: "main",
			wantGo: []string{"build", "-trimpath", "-o", "BINDIR/", "./cmd/patchcheck"}, wantInstalled: "patchcheck (built by fake go)"},
		{name: "a module version", method: "module", version: "main; touch canary", ref: "v0.1.0",
			wantGo: []string{"install", "-trimpath", "github.com/patchcheck/patchcheck/cmd/patchcheck@main; touch canary"}, wantInstalled: "patchcheck (installed by fake go)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp, work := t.TempDir(), t.TempDir()
			bin, argv, runnerTemp, ghPath := filepath.Join(tmp, "bin"), filepath.Join(tmp, "argv"), filepath.Join(tmp, "runner"), filepath.Join(tmp, "path")
			writeExecutable(t, bin, "go", fakeRecorder)
			releases := writeFakeCurl(t, bin, tmp)
			tt.release.write(t, releases)
			for _, d := range []string{argv, runnerTemp} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			env := renderEnv(t, step.Env, map[string]string{"steps.plan.outputs.method": tt.method, "inputs.version": tt.version, "github.action_ref": tt.ref})
			env["RUNNER_TEMP"], env["GITHUB_PATH"], env["GITHUB_ACTION_PATH"] = runnerTemp, ghPath, root
			env["FAKE_ARGV_DIR"], env["FAKE_RELEASES"], env["FAKE_CURL_LOG"] = argv, releases, filepath.Join(tmp, "curl.log")
			env["PATCHCHECK_RELEASES_URL"], env["PATCHCHECK_OS"], env["PATCHCHECK_ARCH"] = fakeReleasesURL, "linux", "amd64"

			r := runScript(t, step.Run, githubBash, work, env, bin)

			bindir := filepath.Join(runnerTemp, "patchcheck-bin")
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.wantCode, r.stderr)
			}
			var wantGo []string
			for _, a := range tt.wantGo {
				wantGo = append(wantGo, strings.ReplaceAll(a, "BINDIR", bindir))
			}
			if d := equalStrings(recordedArgs(t, argv, "go"), wantGo); d != "" {
				t.Errorf("go's arguments:\n%s", d)
			}
			if tt.method == "source" {
				cwd, _ := os.ReadFile(filepath.Join(argv, "go.cwd"))
				if strings.TrimSpace(string(cwd)) != root {
					t.Errorf("go build ran in %s, want the action's folder %s", cwd, root)
				}
			}
			if tt.wantInstalled == "" {
				if files := listDir(t, bindir); len(files) != 0 {
					t.Errorf("nothing may be installed, but %s holds %q", bindir, files)
				}
				if p, _ := os.ReadFile(ghPath); len(p) != 0 {
					t.Errorf("GITHUB_PATH got %q", p)
				}
				return
			}
			if !strings.Contains(r.stdout, tt.wantInstalled) {
				t.Errorf("stdout %q does not show the installed %q", r.stdout, tt.wantInstalled)
			}
			if d := equalStrings(outputs2lines(t, ghPath), []string{bindir}); d != "" {
				t.Errorf("GITHUB_PATH:\n%s", d)
			}
			if _, err := os.Stat(filepath.Join(work, "canary")); err == nil {
				t.Errorf("the version input ran as a command")
			}
		})
	}
}

// outputs2lines reads a file of lines (GITHUB_PATH).
func outputs2lines(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// TestAzureInstallStep runs the template's install step: the release is
// checked against checksums.txt like scripts/install.sh does.
func TestAzureInstallStep(t *testing.T) {
	tpl := loadAzure(t)
	step := tpl.step(t, "Install patchcheck")
	tests := []struct {
		name, method, version string
		release               fixtureRelease
		wantCode              int
		wantOut               string
		wantGo                []string
	}{
		{"release", "release", "v0.1.0", goodRelease, 0, "patchcheck 0.1.0 (fixture)", nil},
		{"wrong checksum", "release", "v0.1.0", wrongChecksum, 1, "##vso[task.logissue type=error]patchcheck: checksum mismatch for patchcheck_0.1.0_linux_amd64.tar.gz", nil},
		{"no checksum line", "release", "v0.1.0", missingEntry, 1, "##vso[task.logissue type=error]patchcheck: checksums.txt has no single SHA-256 for patchcheck_0.1.0_linux_amd64.tar.gz", nil},
		{"no such release", "release", "v0.1.0", noRelease, 22, "", nil},
		{"module", "module", "main $(touch canary)", noRelease, 0, "patchcheck (installed by fake go)",
			[]string{"install", "-trimpath", "github.com/patchcheck/patchcheck/cmd/patchcheck@main $(touch canary)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp, work := t.TempDir(), t.TempDir()
			bin, argv, agentTemp := filepath.Join(tmp, "bin"), filepath.Join(tmp, "argv"), filepath.Join(tmp, "agent")
			writeExecutable(t, bin, "go", fakeRecorder)
			releases := writeFakeCurl(t, bin, tmp)
			tt.release.write(t, releases)
			for _, d := range []string{argv, agentTemp} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			params := tpl.parameters()
			params["parameters.version"] = tt.version
			params["patchcheckInstall"] = tt.method
			env := renderEnv(t, step.Env, params)
			env["AGENT_TEMPDIRECTORY"], env["AGENT_OS"], env["AGENT_OSARCHITECTURE"] = agentTemp, "Linux", "X64"
			env["FAKE_ARGV_DIR"], env["FAKE_RELEASES"], env["FAKE_CURL_LOG"] = argv, releases, filepath.Join(tmp, "curl.log")
			env["PATCHCHECK_RELEASES_URL"] = fakeReleasesURL

			r := runScript(t, step.Bash, nil, work, env, bin)

			bindir := filepath.Join(agentTemp, "patchcheck-bin")
			if r.code != tt.wantCode || !strings.Contains(r.stdout, tt.wantOut) {
				t.Fatalf("exit %d, stdout %q; want exit %d and %q; stderr:\n%s", r.code, r.stdout, tt.wantCode, tt.wantOut, r.stderr)
			}
			if d := equalStrings(recordedArgs(t, argv, "go"), tt.wantGo); d != "" {
				t.Errorf("go's arguments:\n%s", d)
			}
			prepend := "##vso[task.prependpath]" + bindir
			if tt.wantCode != 0 {
				if files := listDir(t, bindir); len(files) != 0 || strings.Contains(r.stdout, prepend) {
					t.Errorf("nothing may be installed, but %s holds %q; stdout %q", bindir, files, r.stdout)
				}
				return
			}
			if !strings.Contains(r.stdout, prepend+"\n") {
				t.Errorf("stdout %q does not put %s on PATH", r.stdout, bindir)
			}
			if _, err := os.Stat(filepath.Join(work, "canary")); err == nil {
				t.Errorf("the version parameter ran as a command")
			}
		})
	}
}

// TestUploadFailureIsAWarning: a refused SARIF upload neither fails the
// action nor hides the lint step's result.
func TestUploadFailureIsAWarning(t *testing.T) {
	action := loadAction(t)
	var upload, warn githubStep
	for _, s := range action.Runs.Steps {
		switch {
		case strings.Contains(s.Uses, "/upload-sarif@"):
			upload = s
		case s.Name == "Report a refused SARIF upload":
			warn = s
		}
	}
	if upload.ID == "" || !upload.ContinueOnError {
		t.Errorf("the upload-sarif step needs an id and continue-on-error: true: %+v", upload)
	}
	if !strings.Contains(upload.If, "!cancelled()") || !strings.Contains(upload.If, "steps.lint.outputs.sarif != ''") {
		t.Errorf("the upload must run after a lint step with findings (it failed), when there is a report: if: %s", upload.If)
	}
	if !strings.Contains(warn.If, "steps."+upload.ID+".outcome == 'failure'") {
		t.Errorf("the warning step must run when the upload failed: if: %s", warn.If)
	}
	r := runScript(t, warn.Run, githubBash, t.TempDir(), nil)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "::warning title=patchcheck::") {
		t.Errorf("the warning step: exit %d, stdout %q; want exit 0 and a warning annotation", r.code, r.stdout)
	}
	last := action.Runs.Steps[len(action.Runs.Steps)-1]
	lint := action.step(t, "Lint")
	for _, s := range action.Runs.Steps {
		if s.ContinueOnError && s.ID != upload.ID {
			t.Errorf("step %q has continue-on-error: only the upload may", s.Name)
		}
	}
	if lint.ContinueOnError || last.Name != warn.Name {
		t.Errorf("the lint step's result must be the action's: no continue-on-error on it, and no step after the upload warning that could change it")
	}
	azure := loadAzure(t)
	for _, s := range azure.Steps {
		if strings.HasPrefix(s.Task, "Publish") && (!s.ContinueOnError || s.Condition != "succeededOrFailed()") {
			t.Errorf("Azure %s: a publish must run after findings and only warn when it fails (condition: succeededOrFailed(), continueOnError: true)", s.Task)
		}
	}
}

// TestScriptsShellcheck runs shellcheck on every script body and on
// scripts/install.sh: quoting mistakes (SC2086) and the like. .ci/run
// installs shellcheck and sets PATCHCHECK_REQUIRE_SHELLCHECK, so CI never
// skips this.
func TestScriptsShellcheck(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		if os.Getenv("PATCHCHECK_REQUIRE_SHELLCHECK") != "" {
			t.Fatalf("shellcheck is required (PATCHCHECK_REQUIRE_SHELLCHECK is set): %v", err)
		}
		t.Skip("shellcheck is not installed")
	}
	check := func(name string, script []byte) {
		cmd := exec.Command("shellcheck", "--shell=bash", "--severity=style", "-")
		cmd.Stdin = strings.NewReader(string(script))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", name, err, out)
		}
	}
	install, err := os.ReadFile(filepath.Join(repoRoot(t), "scripts", "install.sh"))
	if err != nil {
		t.Fatal(err)
	}
	check("scripts/install.sh", install)
	for _, file := range ciFiles {
		var doc any
		readYAML(t, file, &doc)
		walkScripts(doc, "", func(where, body string) { check(file+where, []byte(body)) })
	}
}
