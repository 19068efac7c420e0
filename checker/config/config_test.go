package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/checker/config"
)

// write creates the files of a layout under dir: a name ending in / is a
// folder.
func write(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, name := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("profile: current\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFindStopsAtRepositoryRoot: the upward search never leaves the
// repository (the first folder holding .git, a folder or, in a worktree or
// submodule, a file): a checkout nested in another folder must not take
// that folder's configuration.
func TestFindStopsAtRepositoryRoot(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		from  string
		want  string // relative to the temporary folder; "" for none
	}{
		{"parent of the repository", []string{"outer/.patchcheck.yaml", "outer/repo/.git/", "outer/repo/infra/app/"}, "outer/repo/infra/app", ""},
		{"parent of a worktree (.git file)", []string{"outer/.patchcheck.yaml", "outer/repo/.git", "outer/repo/infra/"}, "outer/repo/infra", ""},
		{"repository root", []string{"outer/.patchcheck.yaml", "outer/repo/.git/", "outer/repo/.patchcheck.yaml", "outer/repo/infra/app/"}, "outer/repo/infra/app", "outer/repo/.patchcheck.yaml"},
		{"nearest folder wins", []string{"repo/.git/", "repo/.patchcheck.yaml", "repo/infra/.patchcheck.yaml", "repo/infra/app/"}, "repo/infra/app", "repo/infra/.patchcheck.yaml"},
		{"working directory is the root", []string{"outer/.patchcheck.yaml", "outer/repo/.git/"}, "outer/repo", ""},
		{"a folder of that name is no configuration", []string{"repo/.git/", "repo/.patchcheck.yaml/", "repo/app/"}, "repo/app", ""},
		{"outside any repository, up to the root", []string{"outer/.patchcheck.yaml", "outer/a/b/"}, "outer/a/b", "outer/.patchcheck.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tc.files...)
			got := config.Find(filepath.Join(dir, filepath.FromSlash(tc.from)))
			want := ""
			if tc.want != "" {
				want = filepath.Join(dir, filepath.FromSlash(tc.want))
			}
			if got != want {
				t.Errorf("Find = %q, want %q", got, want)
			}
		})
	}
}

// TestLoadAnchorsAtItsFolder: Dir, against which exclude and waiver paths
// are matched, is the configuration file's folder as an absolute path,
// even when the file was named relative to the working directory (as the
// upward search names it: ../.patchcheck.yaml).
func TestLoadAnchorsAtItsFolder(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".patchcheck.yaml", "infra/app/")
	t.Chdir(filepath.Join(dir, "infra", "app"))
	c, err := config.Load(filepath.Join("..", "..", ".patchcheck.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir != dir || c.Path != filepath.Join("..", "..", ".patchcheck.yaml") {
		t.Errorf("Dir %q Path %q, want Dir %q and the path as given", c.Dir, c.Path, dir)
	}
}

// heapGuard ends the test binary when the heap passes limit: a loader
// that lets an alias bomb through must fail the test, not exhaust the
// machine's memory.
func heapGuard(t *testing.T, limit uint64) {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	name := t.Name()
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Read(sample)
				if used := sample[0].Value.Uint64(); used > limit {
					fmt.Fprintf(os.Stderr, "--- FAIL: %s: the heap reached %d MiB: the loader expands what it should refuse\n", name, used>>20)
					os.Exit(1)
				}
			}
		}
	}()
}

// TestLoadRefusesHostileFiles: an alias bomb, deep nesting, a huge file
// or something that is not a regular file is refused at once, naming the
// file, instead of exhausting memory or hanging (the fleet loader's limits).
func TestLoadRefusesHostileFiles(t *testing.T) {
	// Nine levels of ten aliases each: 10^9 values from about 600 bytes.
	var bomb strings.Builder
	bomb.WriteString("profile: current\nx0: &a0 [waiver, waiver, waiver, waiver, waiver, waiver, waiver, waiver, waiver, waiver]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "x%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				bomb.WriteString(", ")
			}
			fmt.Fprintf(&bomb, "*a%d", i-1)
		}
		bomb.WriteString("]\n")
	}
	deep := "profile: current\nx: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n"
	big := "profile: current\n" + strings.Repeat("# padding, padding, padding, padding, padding, padding, padding\n", 20_000)
	tests := []struct {
		name, content, want string
	}{
		{"alias bomb", bomb.String(), "aliases expand to more than 1000000 values"},
		{"deep nesting", deep, "nested more than 64 levels deep"},
		{"too large", big, "larger than 1 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			heapGuard(t, 1<<30)
			path := filepath.Join(t.TempDir(), "hostile.yaml")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err := config.Load(path)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %s and saying %q", err, path, tc.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("refused after %s", d)
			}
		})
	}
	t.Run("not a regular file", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no named pipes in the file system")
		}
		path := filepath.Join(t.TempDir(), ".patchcheck.yaml")
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Skip(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := config.Load(path)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not a regular file") {
				t.Fatalf("err = %v", err)
			}
		case <-time.After(5 * time.Second):
			// Unblock the open so the goroutine ends with the test.
			if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
				f.Close()
			}
			t.Fatal("Load hangs on a named pipe")
		}
	})
	t.Run("within the limits", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ".patchcheck.yaml")
		ok := "profile: current\nwaivers:\n  - &w {rule: PC007, reason: legacy, expires: \"2999-01-01\"}\n  - *w\n"
		if err := os.WriteFile(path, []byte(ok), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := config.Load(path)
		if err != nil || len(c.Waivers) != 2 {
			t.Fatalf("got %+v, %v", c, err)
		}
	})
}
