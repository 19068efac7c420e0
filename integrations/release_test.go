package integrations

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/goccy/go-yaml"
)

// goreleaser is the part of .goreleaser.yaml patchcheck relies on, decoded
// strictly: a key this does not know (a typo, a renamed field) fails.
type goreleaser struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID           string   `yaml:"id"`
		Main         string   `yaml:"main"`
		Binary       string   `yaml:"binary"`
		Env          []string `yaml:"env"`
		Flags        []string `yaml:"flags"`
		Ldflags      []string `yaml:"ldflags"`
		ModTimestamp string   `yaml:"mod_timestamp"`
		Goos         []string `yaml:"goos"`
		Goarch       []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		ID              string   `yaml:"id"`
		IDs             []string `yaml:"ids"`
		NameTemplate    string   `yaml:"name_template"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		Files []string `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Release struct {
		GitHub struct {
			Owner string `yaml:"owner"`
			Name  string `yaml:"name"`
		} `yaml:"github"`
		Prerelease string `yaml:"prerelease"`
	} `yaml:"release"`
	Changelog struct {
		Use  string `yaml:"use"`
		Sort string `yaml:"sort"`
	} `yaml:"changelog"`
}

func loadGoreleaser(t *testing.T) goreleaser {
	t.Helper()
	var g goreleaser
	readYAML(t, ".goreleaser.yaml", &g, yaml.DisallowUnknownField())
	return g
}

// goTemplate renders one of goreleaser's Go templates with the fields
// patchcheck's configuration uses.
func goTemplate(t *testing.T, text string, fields map[string]string) string {
	t.Helper()
	tpl, err := template.New("").Option("missingkey=error").Parse(text)
	if err != nil {
		t.Fatalf("goreleaser template %q: %v", text, err)
	}
	var b strings.Builder
	if err := tpl.Execute(&b, fields); err != nil {
		t.Fatalf("goreleaser template %q: %v", text, err)
	}
	return b.String()
}

// TestGoreleaserConfig checks what the release, scripts/install.sh, the
// action and the template rely on: six static, trimmed builds with version
// and commit stamped into cmd/patchcheck's variables, archives named as
// install.sh asks for them (zip on Windows), and a SHA-256 checksums.txt.
func TestGoreleaserConfig(t *testing.T) {
	g := loadGoreleaser(t)
	if g.Version != 2 || g.ProjectName != "patchcheck" {
		t.Errorf("version %d, project %q: want goreleaser v2 configuration of patchcheck", g.Version, g.ProjectName)
	}
	if len(g.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(g.Builds))
	}
	b := g.Builds[0]
	if b.Main != "./cmd/patchcheck" || b.Binary != "patchcheck" {
		t.Errorf("build main %q binary %q", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("build env %q flags %q: want CGO_ENABLED=0 and -trimpath", b.Env, b.Flags)
	}
	slices.Sort(b.Goos)
	slices.Sort(b.Goarch)
	if d := equalStrings(b.Goos, []string{"darwin", "linux", "windows"}); d != "" {
		t.Errorf("goos:\n%s", d)
	}
	if d := equalStrings(b.Goarch, []string{"amd64", "arm64"}); d != "" {
		t.Errorf("goarch:\n%s", d)
	}
	ldflags := strings.Join(b.Ldflags, " ")
	stamped := stampedVariables(ldflags)
	if d := equalStrings(stamped, []string{"main.commit={{ .FullCommit }}", "main.version={{ .Version }}"}); d != "" {
		t.Errorf("ldflags %q stamp:\n%s", ldflags, d)
	}
	vars := packageStringVars(t, filepath.Join(repoRoot(t), "cmd", "patchcheck"))
	for _, s := range stamped {
		name, _, _ := strings.Cut(strings.TrimPrefix(s, "main."), "=")
		if !vars[name] {
			t.Errorf("ldflags set main.%s, but cmd/patchcheck has no package-level string variable %s", name, name)
		}
	}
	goTemplate(t, b.ModTimestamp, map[string]string{"CommitTimestamp": "1767225600"})

	if len(g.Archives) != 1 {
		t.Fatalf("%d archives, want 1", len(g.Archives))
	}
	a := g.Archives[0]
	if d := equalStrings(a.Formats, []string{"tar.gz"}); d != "" {
		t.Errorf("archive formats:\n%s", d)
	}
	if len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || equalStrings(a.FormatOverrides[0].Formats, []string{"zip"}) != "" {
		t.Errorf("format overrides %+v: want zip for windows", a.FormatOverrides)
	}
	if got := archiveName(t, "0.1.0", "linux", "arm64"); got != "patchcheck_0.1.0_linux_arm64.tar.gz" {
		t.Errorf("archive name %q: scripts/install.sh asks for patchcheck_<version>_<os>_<arch>.tar.gz", got)
	}
	if g.Checksum.NameTemplate != "checksums.txt" || g.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum %+v: install.sh reads a SHA-256 checksums.txt", g.Checksum)
	}
	if g.Release.GitHub.Owner != "patchcheck" || g.Release.GitHub.Name != "patchcheck" {
		t.Errorf("release goes to %+v, install.sh downloads from patchcheck/patchcheck", g.Release.GitHub)
	}
}

// stampedVariables lists the -X name=value assignments of ldflags, sorted.
func stampedVariables(ldflags string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`-X[ =]?(\S+=\{\{[^}]*\}\}|\S+)`).FindAllStringSubmatch(ldflags, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// packageStringVars are the package-level string variables of a Go
// package: the only targets -X can set.
func packageStringVars(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	vars := map[string]bool{}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "string" {
					for _, n := range vs.Names {
						vars[n.Name] = true
					}
				}
			}
		}
	}
	return vars
}

// archiveName is the release archive goreleaser names for a platform.
func archiveName(t *testing.T, version, goos, goarch string) string {
	t.Helper()
	a := loadGoreleaser(t).Archives[0]
	ext := a.Formats[0]
	for _, o := range a.FormatOverrides {
		if o.Goos == goos {
			ext = o.Formats[0]
		}
	}
	return goTemplate(t, a.NameTemplate, map[string]string{"Version": version, "Os": goos, "Arch": goarch}) + "." + ext
}

// fakeReleasesURL is where the install scripts are pointed in tests; the
// fake curl serves it from files and refuses every other host.
const fakeReleasesURL = "https://releases.invalid/download"

// writeFakeCurl puts a fake curl in bin that serves fakeReleasesURL from
// $FAKE_RELEASES (HTTP 404, exit 22, for a missing file) and logs each URL
// to $FAKE_CURL_LOG; it returns the folder to put releases in.
func writeFakeCurl(t *testing.T, bin, tmp string) string {
	t.Helper()
	writeExecutable(t, bin, "curl", `#!/usr/bin/env bash
out="" url=""
while [ $# -gt 0 ]; do
  case $1 in
    -o) out=$2; shift 2 ;;
    --proto | --proto-redir | --retry) shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
echo "$url" >> "$FAKE_CURL_LOG"
prefix="`+fakeReleasesURL+`/"
case $url in
  "$prefix"*) file="$FAKE_RELEASES/${url#"$prefix"}" ;;
  *) echo "curl: (6) Could not resolve host" >&2; exit 6 ;;
esac
if [ ! -f "$file" ]; then echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; fi
cp "$file" "$out"
`)
	releases := filepath.Join(tmp, "releases")
	if err := os.MkdirAll(releases, 0o755); err != nil {
		t.Fatal(err)
	}
	return releases
}

// fixtureRelease is a release v0.1.0 as the fake curl serves it.
type fixtureRelease int

const (
	noRelease     fixtureRelease = iota // nothing published
	goodRelease                         // archives and a checksums.txt that matches them
	wrongChecksum                       // checksums.txt has another SHA-256 for the archive
	missingEntry                        // checksums.txt lists the other archives only
)

// fixtureBinary stands in for the released patchcheck.
const fixtureBinary = "#!/bin/sh\necho \"patchcheck 0.1.0 (fixture)\"\n"

func (f fixtureRelease) write(t *testing.T, releases string) {
	t.Helper()
	if f == noRelease {
		return
	}
	dir := filepath.Join(releases, "v0.1.0")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var sums strings.Builder
	for _, p := range [][2]string{{"linux", "amd64"}, {"linux", "arm64"}, {"windows", "amd64"}} {
		name := archiveName(t, "0.1.0", p[0], p[1])
		var data []byte
		if p[0] == "windows" {
			data = zipArchive(t, map[string]string{"patchcheck.exe": fixtureBinary, "README.md": "readme"})
		} else {
			data = tarArchive(t, map[string]string{"patchcheck": fixtureBinary, "README.md": "readme"})
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		hexSum := hex.EncodeToString(sum[:])
		switch {
		case f == wrongChecksum && p == [2]string{"linux", "amd64"}:
			other := sha256.Sum256([]byte("another archive"))
			hexSum = hex.EncodeToString(other[:])
		case f == missingEntry && p == [2]string{"linux", "amd64"}:
			continue
		}
		fmt.Fprintf(&sums, "%s  %s\n", hexSum, name)
	}
	if err := os.WriteFile(filepath.Join(dir, "checksums.txt"), []byte(sums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func tarArchive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range slices.Sorted(mapKeys(files)) {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body)), ModTime: time.Unix(0, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipArchive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(mapKeys(files)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestInstallScript runs scripts/install.sh against a fake curl: the right
// checksum installs, a wrong or missing one installs nothing (and leaves an
// installed binary as it was), a version that is no release tag is refused
// before anything is downloaded.
func TestInstallScript(t *testing.T) {
	script := filepath.Join(repoRoot(t), "scripts", "install.sh")
	tests := []struct {
		name     string
		args     []string
		goos     string
		release  fixtureRelease
		wantCode int
		wantErr  string // in stderr
		wantURLs []string
		want     string // the installed file; "" for none
	}{
		{name: "verified", args: []string{"v0.1.0"}, goos: "linux", release: goodRelease,
			wantURLs: []string{"v0.1.0/checksums.txt", "v0.1.0/patchcheck_0.1.0_linux_amd64.tar.gz"}, want: "patchcheck"},
		{name: "windows zip", args: []string{"v0.1.0"}, goos: "windows", release: goodRelease,
			wantURLs: []string{"v0.1.0/checksums.txt", "v0.1.0/patchcheck_0.1.0_windows_amd64.zip"}, want: "patchcheck.exe"},
		{name: "wrong checksum", args: []string{"v0.1.0"}, goos: "linux", release: wrongChecksum, wantCode: 1,
			wantErr:  "install.sh: checksum mismatch for patchcheck_0.1.0_linux_amd64.tar.gz: checksums.txt says ",
			wantURLs: []string{"v0.1.0/checksums.txt", "v0.1.0/patchcheck_0.1.0_linux_amd64.tar.gz"}},
		{name: "no checksum line", args: []string{"v0.1.0"}, goos: "linux", release: missingEntry, wantCode: 1,
			wantErr:  "install.sh: checksums.txt of v0.1.0 has no single SHA-256 for patchcheck_0.1.0_linux_amd64.tar.gz; nothing installed",
			wantURLs: []string{"v0.1.0/checksums.txt", "v0.1.0/patchcheck_0.1.0_linux_amd64.tar.gz"}},
		{name: "no such release", args: []string{"v0.1.0"}, goos: "linux", release: noRelease, wantCode: 1,
			wantErr:  "install.sh: could not download " + fakeReleasesURL + "/v0.1.0/checksums.txt (is v0.1.0 a published release?); nothing installed",
			wantURLs: []string{"v0.1.0/checksums.txt"}},
		{name: "a branch", args: []string{"main"}, goos: "linux", release: goodRelease, wantCode: 2,
			wantErr: "install.sh: main is not a release tag (vMAJOR.MINOR.PATCH); for a branch or a commit run: go install github.com/patchcheck/patchcheck/cmd/patchcheck@REF"},
		{name: "a log command in the version", args: []string{"v1.0.0\n::error::forged"}, goos: "linux", release: goodRelease, wantCode: 2,
			wantErr: `install.sh: $'v1.0.0\n::error::forged' is not a release tag`},
		{name: "no version", args: nil, goos: "linux", wantCode: 2, wantErr: "usage: install.sh [-b BINDIR] VERSION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			bin, bindir, curlLog := filepath.Join(tmp, "bin"), filepath.Join(tmp, "install", "bin"), filepath.Join(tmp, "curl.log")
			releases := writeFakeCurl(t, bin, tmp)
			tt.release.write(t, releases)
			old := "#!/bin/sh\necho old\n"
			writeExecutable(t, bindir, "patchcheck", old) // a previous install
			writeExecutable(t, bindir, "patchcheck.exe", old)
			env := map[string]string{"FAKE_RELEASES": releases, "FAKE_CURL_LOG": curlLog,
				"PATCHCHECK_RELEASES_URL": fakeReleasesURL, "PATCHCHECK_OS": tt.goos, "PATCHCHECK_ARCH": "amd64"}

			r := runBashArgs(t, append([]string{script, "-b", bindir}, tt.args...), tmp, env, bin)

			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tt.wantCode, tt.wantErr)
			}
			for _, line := range strings.Split(r.stdout+r.stderr, "\n") {
				if strings.HasPrefix(line, "::") || strings.HasPrefix(line, "##vso[") {
					t.Errorf("a line of output is a CI log command: %q", line)
				}
			}
			var wantURLs []string
			for _, u := range tt.wantURLs {
				wantURLs = append(wantURLs, fakeReleasesURL+"/"+u)
			}
			if d := equalStrings(linesOf(t, curlLog), wantURLs); d != "" {
				t.Errorf("downloads:\n%s", d)
			}
			for _, exe := range []string{"patchcheck", "patchcheck.exe"} {
				data, err := os.ReadFile(filepath.Join(bindir, exe))
				if err != nil {
					t.Fatal(err)
				}
				want := old
				if exe == tt.want {
					want = fixtureBinary
				}
				if string(data) != want {
					t.Errorf("%s holds %q, want %q", exe, data, want)
				}
			}
			if d := equalStrings(listDir(t, bindir), []string{"patchcheck", "patchcheck.exe"}); d != "" {
				t.Errorf("install folder (no temporary file left behind):\n%s", d)
			}
			if tt.want != "" {
				info, err := os.Stat(filepath.Join(bindir, tt.want))
				if err != nil || info.Mode().Perm() != 0o755 {
					t.Errorf("installed %s: %v, mode %v; want 0755", tt.want, err, info.Mode())
				}
				if !strings.Contains(r.stdout, "installed patchcheck v0.1.0 ("+tt.goos+"/amd64, sha256 ") {
					t.Errorf("stdout %q does not say what was installed", r.stdout)
				}
			}
		})
	}
}

// TestInstallScriptPlatform: install.sh asks for the archive of the
// platform uname reports, and refuses one that has no release.
func TestInstallScriptPlatform(t *testing.T) {
	script := filepath.Join(repoRoot(t), "scripts", "install.sh")
	tests := []struct {
		system, machine string
		want            string // the archive requested; "" when refused before any download
	}{
		{"Linux", "x86_64", "patchcheck_0.1.0_linux_amd64.tar.gz"},
		{"Linux", "aarch64", "patchcheck_0.1.0_linux_arm64.tar.gz"},
		{"Darwin", "arm64", "patchcheck_0.1.0_darwin_arm64.tar.gz"},
		{"Darwin", "x86_64", "patchcheck_0.1.0_darwin_amd64.tar.gz"},
		{"MINGW64_NT-10.0-19045", "x86_64", "patchcheck_0.1.0_windows_amd64.zip"},
		{"FreeBSD", "amd64", ""},
		{"Linux", "armv7l", ""},
	}
	for _, tt := range tests {
		t.Run(tt.system+"/"+tt.machine, func(t *testing.T) {
			tmp := t.TempDir()
			bin, curlLog := filepath.Join(tmp, "bin"), filepath.Join(tmp, "curl.log")
			releases := writeFakeCurl(t, bin, tmp)
			goodRelease.write(t, releases)
			writeExecutable(t, bin, "uname", fmt.Sprintf("#!/bin/sh\ncase $1 in -s) echo %q ;; -m) echo %q ;; esac\n", tt.system, tt.machine))
			env := map[string]string{"FAKE_RELEASES": releases, "FAKE_CURL_LOG": curlLog, "PATCHCHECK_RELEASES_URL": fakeReleasesURL}
			r := runBashArgs(t, []string{script, "-b", filepath.Join(tmp, "out"), "v0.1.0"}, tmp, env, bin)
			urls := linesOf(t, curlLog)
			if tt.want == "" {
				if r.code != 1 || !strings.Contains(r.stderr, "no release binary for") || len(urls) != 0 {
					t.Errorf("exit %d, stderr %q, downloads %q; want exit 1, no release binary, no download", r.code, r.stderr, urls)
				}
				return
			}
			if !slices.Contains(urls, fakeReleasesURL+"/v0.1.0/"+tt.want) {
				t.Errorf("downloads %q, want %s (stderr %q)", urls, tt.want, r.stderr)
			}
		})
	}
}

// TestInstallScriptDefaultURL: without PATCHCHECK_RELEASES_URL the script
// downloads from the project's GitHub releases.
func TestInstallScriptDefaultURL(t *testing.T) {
	tmp := t.TempDir()
	bin, curlLog := filepath.Join(tmp, "bin"), filepath.Join(tmp, "curl.log")
	writeFakeCurl(t, bin, tmp)
	script := filepath.Join(repoRoot(t), "scripts", "install.sh")
	r := runBashArgs(t, []string{script, "-b", filepath.Join(tmp, "out"), "v0.3.1"}, tmp,
		map[string]string{"FAKE_CURL_LOG": curlLog, "FAKE_RELEASES": tmp, "PATCHCHECK_OS": "darwin", "PATCHCHECK_ARCH": "arm64"}, bin)
	want := []string{"https://github.com/patchcheck/patchcheck/releases/download/v0.3.1/checksums.txt"}
	if d := equalStrings(linesOf(t, curlLog), want); d != "" || r.code != 1 {
		t.Errorf("exit %d (want 1: the fake curl reaches no host); downloads:\n%s", r.code, d)
	}
}

// runBashArgs runs bash with args (a script file and its arguments).
func runBashArgs(t *testing.T, args []string, dir string, env map[string]string, bins ...string) scriptRun {
	t.Helper()
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return runScript(t, "exec bash "+strings.Join(quoted, " ")+"\n", nil, dir, env, bins...)
}

// linesOf reads a file's lines; none when it does not exist.
func linesOf(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct{ op, args string }

func readDockerfile(t *testing.T) []instruction {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
			continue
		}
		cur.WriteString(trimmed)
		op, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{strings.ToUpper(op), strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// dockerBuild is the Dockerfile's `go build` RUN line: its environment
// assignments and its arguments after `go`.
func dockerBuild(t *testing.T, ins []instruction) (env, args []string) {
	t.Helper()
	for _, in := range ins {
		if in.op != "RUN" || !strings.Contains(in.args, "go build") {
			continue
		}
		words := shellWords(t, in.args)
		for len(words) > 0 && strings.Contains(words[0], "=") {
			env, words = append(env, words[0]), words[1:]
		}
		if len(words) < 2 || words[0] != "go" || words[1] != "build" {
			t.Fatalf("the build line %q is not [VAR=value...] go build ...", in.args)
		}
		return env, words[1:]
	}
	t.Fatal("the Dockerfile has no RUN ... go build")
	return nil, nil
}

// shellWords splits a command line the way the shell would for the
// quoting the Dockerfile uses (double quotes, no expansion).
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '&' || r == ';' || r == '|' || r == '\'' || r == '\\':
			if !quoted {
				t.Fatalf("%q: the build line must be one plain command", s)
			}
			cur.WriteRune(r)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("%q: unbalanced quotes", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// TestDockerfile: pinned (never latest) base images, a static build with
// goreleaser's flags, a distroless or scratch final stage that runs
// patchcheck as a user other than root.
func TestDockerfile(t *testing.T) {
	ins := readDockerfile(t)
	var froms []string
	final := -1
	for i, in := range ins {
		if in.op == "FROM" {
			froms = append(froms, strings.Fields(in.args)[0])
			final = i
		}
	}
	for _, image := range froms {
		_, tag, hasTag := strings.Cut(strings.Split(image, "@")[0], ":")
		if image != "scratch" && (!hasTag || tag == "latest") {
			t.Errorf("FROM %s: name a version, never latest or no tag", image)
		}
	}
	if len(froms) < 2 || !strings.HasPrefix(froms[0], "golang:") {
		t.Fatalf("FROM lines %q: want a golang build stage and a final stage", froms)
	}
	last := froms[len(froms)-1]
	if !strings.HasPrefix(last, "gcr.io/distroless/static") && last != "scratch" {
		t.Errorf("the final stage is FROM %s, want distroless/static or scratch", last)
	}
	var user, entrypoint string
	for _, in := range ins[final:] {
		switch in.op {
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			entrypoint = in.args
		case "RUN":
			t.Errorf("the final stage runs %q: it has no shell", in.args)
		}
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "root" || u == "0" {
		t.Errorf("the final stage's USER is %q: run as a user other than root", user)
	}
	if !regexp.MustCompile(`^\["[^"]*/patchcheck"\]$`).MatchString(entrypoint) {
		t.Errorf("ENTRYPOINT %s: want the patchcheck binary, exec form", entrypoint)
	}

	env, args := dockerBuild(t, ins)
	if !slices.Contains(env, "CGO_ENABLED=0") {
		t.Errorf("the Docker build's environment %q lacks CGO_ENABLED=0 (a static binary for distroless)", env)
	}
	g := loadGoreleaser(t).Builds[0]
	ldflags := flagValue(args, "-ldflags")
	fromRelease := strings.NewReplacer("{{ .Version }}", "${VERSION}", "{{ .FullCommit }}", "${COMMIT}").Replace(strings.Join(g.Ldflags, " "))
	if ldflags != fromRelease {
		t.Errorf("the Docker build's -ldflags %q differ from .goreleaser.yaml's %q", ldflags, fromRelease)
	}
	for _, f := range g.Flags {
		if !slices.Contains(args, f) {
			t.Errorf("the Docker build lacks goreleaser's flag %s", f)
		}
	}
	if args[len(args)-1] != g.Main {
		t.Errorf("the Docker build builds %s, goreleaser %s", args[len(args)-1], g.Main)
	}
}

// flagValue is the value following flag in args.
func flagValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// TestDockerBuildStage runs the Dockerfile's go build command itself (its
// environment and flags, the build arguments filled in) and checks the
// result: a static executable whose `version` prints the stamped version
// and commit. It compiles everything once with CGO off and -trimpath, so
// -short skips it.
func TestDockerBuildStage(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles patchcheck with the release flags; skipped with -short")
	}
	env, args := dockerBuild(t, readDockerfile(t))
	out := filepath.Join(t.TempDir(), "patchcheck")
	fill := strings.NewReplacer("${VERSION}", "9.8.7", "${COMMIT}", "0123456789abcdef0123456789abcdef01234567")
	for i := range args {
		args[i] = fill.Replace(args[i])
		if i > 0 && args[i-1] == "-o" {
			args[i] = out
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", args...)
	build.Dir = repoRoot(t)
	// GOPROXY=off: the modules are already in the cache (go test built
	// them); a test never downloads.
	build.Env = append(append(os.Environ(), "GOPROXY=off"), env...)
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatalf("the build is not an ELF executable: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the build has a program interpreter: it is linked dynamically, and distroless/static has no libc")
		}
	}
	version, err := exec.CommandContext(ctx, out, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "patchcheck 9.8.7 (commit 0123456789abcdef0123456789abcdef01234567, OPA v"; !strings.HasPrefix(string(version), want) {
		t.Errorf("version printed %q, want it to start with %q", version, want)
	}
}
