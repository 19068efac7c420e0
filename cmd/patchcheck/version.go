package main

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Release builds stamp these with the linker (.goreleaser.yaml and the
// Dockerfile pass -ldflags "-X main.version=… -X main.commit=…"). -X can
// only set package-level string variables, so they are variables; nothing
// assigns them at run time. Read them through currentBuild.
var (
	version string
	commit  string
)

// devVersion is reported when neither the linker nor the Go toolchain
// recorded a version: `go run`, tests, a build outside version control.
const devVersion = "0.1.0-dev"

// buildInfo is what `patchcheck version` prints and reports carry.
type buildInfo struct {
	Version string // without the leading "v" of a Git tag, as goreleaser writes it
	Commit  string // the Git revision, "-dirty" when the tree had changes; "unknown" when nothing recorded it
	OPA     string // the embedded policy engine's module version
}

func newVersionCommand(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and commit of patchcheck and the version of its policy engine",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			b := currentBuild()
			_, err := fmt.Fprintf(s.out, "patchcheck %s (commit %s, OPA %s, %s)\n", b.Version, b.Commit, b.OPA, runtime.Version())
			return err
		},
	}
}

// currentBuild is this binary's version and commit: stamped by the linker
// for releases, else what the Go toolchain recorded (`go install
// …@v0.1.0` records the module version, `go build` in a clone the VCS
// revision).
func currentBuild() buildInfo {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return resolveBuild(version, commit, info)
}

// pseudoRevision finds the commit in a Go pseudo-version such as
// v0.0.0-20260102150405-0123456789ab (what `go install …@COMMIT` records).
var pseudoRevision = regexp.MustCompile(`[-.]\d{14}-([0-9a-f]{12})(\+.*)?$`)

// resolveBuild picks the version and commit from the linker's stamps
// first, then from the build information; info may be nil.
func resolveBuild(stampedVersion, stampedCommit string, info *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: strings.TrimPrefix(stampedVersion, "v"), Commit: stampedCommit, OPA: "unknown"}
	if info != nil {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = strings.TrimPrefix(info.Main.Version, "v")
		}
		if b.Commit == "" {
			b.Commit = vcsRevision(info)
		}
		if b.Commit == "" {
			if m := pseudoRevision.FindStringSubmatch(info.Main.Version); m != nil {
				b.Commit = m[1]
			}
		}
		for _, dep := range info.Deps {
			if dep.Path == "github.com/open-policy-agent/opa" {
				b.OPA = dep.Version
			}
		}
	}
	if b.Version == "" {
		b.Version = devVersion
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// vcsRevision is the revision `go build` recorded from version control
// (absent for `go install module@version`, which builds no checkout).
func vcsRevision(info *debug.BuildInfo) string {
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" && modified == "true" {
		rev += "-dirty"
	}
	return rev
}
