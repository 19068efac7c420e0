package arm

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestLocalBaseRoundTrip: the location given to a template names its
// folder with characters uri() keeps as they are, whatever the folder is
// called, and maps back to the folder, and to the files around it.
func TestLocalBaseRoundTrip(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"plain", "My Templates", "100%", "a#b?c", "~tilde", "é", "sub/dir"} {
		name := filepath.Join(root, filepath.FromSlash(dir), "azuredeploy.json")
		base := localBase(name)
		if !strings.HasPrefix(base, "patchcheck-local://local/") || !strings.HasSuffix(base, "/") {
			t.Fatalf("%s: base %q", dir, base)
		}
		for _, r := range base {
			if r > 0x7e || strings.ContainsRune(" %#?\"<>\\^`{|}", r) {
				t.Errorf("%s: base %q holds %q, which uri() would have to escape", dir, base, r)
			}
		}
		u, err := url.Parse(base + "nested/vm.json")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := localPath(u.Path), filepath.Join(filepath.Dir(name), "nested", "vm.json"); got != want {
			t.Errorf("%s: %q maps to %s, want %s", dir, base, got, want)
		}
		sibling, _ := url.Parse(base)
		sibling = sibling.ResolveReference(&url.URL{Path: "../shared/vm.json"})
		if got, want := localPath(sibling.Path), filepath.Join(filepath.Dir(filepath.Dir(name)), "shared", "vm.json"); got != want {
			t.Errorf("%s: ../shared maps to %s, want %s", dir, got, want)
		}
	}
	if localBase("-") != "" {
		t.Error("standard input has a location")
	}
	// An encoded segment a template writes by hand decodes to what it
	// says, ".." included: the Linker's folder check is what keeps it in.
	if got := localPath("/repo/~Li4/~Li4/etc/passwd"); got != filepath.FromSlash("/repo/../../etc/passwd") {
		t.Errorf("got %s", got)
	}
}
