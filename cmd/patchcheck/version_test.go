package main

import (
	"runtime/debug"
	"testing"
)

// TestResolveBuild covers where a binary's version and commit come from:
// the linker's stamps (goreleaser, the Dockerfile), `go install
// module@version`, `go install module@commit` (a pseudo-version), `go
// build` in a clone (VCS settings), and nothing at all.
func TestResolveBuild(t *testing.T) {
	opa := debug.Module{Path: "github.com/open-policy-agent/opa", Version: "v1.22.3"}
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name            string
		stamped, commit string
		info            *debug.BuildInfo
		want            buildInfo
	}{
		{"goreleaser stamps win", "0.2.0", "0123456789abcdef0123456789abcdef01234567",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Deps: []*debug.Module{&opa}, Settings: vcs("ffff", "true")},
			buildInfo{"0.2.0", "0123456789abcdef0123456789abcdef01234567", "v1.22.3"}},
		{"a stamped tag loses its v", "v0.2.0", "abc", nil, buildInfo{"0.2.0", "abc", "unknown"}},
		{"go install at a tag", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}, Deps: []*debug.Module{&opa}},
			buildInfo{"0.1.0", "unknown", "v1.22.3"}},
		{"go install at a commit", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260102150405-0123456789ab"}},
			buildInfo{"0.0.0-20260102150405-0123456789ab", "0123456789ab", "unknown"}},
		{"go install at a commit after a tag", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20260102150405-abcdefabcdef"}},
			buildInfo{"0.1.1-0.20260102150405-abcdefabcdef", "abcdefabcdef", "unknown"}},
		{"go build in a clean clone", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123456789abcdef0123456789abcdef01234567", "false")},
			buildInfo{devVersion, "0123456789abcdef0123456789abcdef01234567", "unknown"}},
		{"go build in a changed clone", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260102150405-0123456789ab+dirty"}, Settings: vcs("0123456789abcdef0123456789abcdef01234567", "true")},
			buildInfo{"0.0.0-20260102150405-0123456789ab+dirty", "0123456789abcdef0123456789abcdef01234567-dirty", "unknown"}},
		{"nothing recorded", "", "", &debug.BuildInfo{}, buildInfo{devVersion, "unknown", "unknown"}},
		{"no build information", "", "", nil, buildInfo{devVersion, "unknown", "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolveBuild(tt.stamped, tt.commit, tt.info); got != tt.want {
				t.Errorf("resolveBuild(%q, %q) = %+v, want %+v", tt.stamped, tt.commit, got, tt.want)
			}
		})
	}
}
