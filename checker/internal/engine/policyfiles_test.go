package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/checker/internal/engine"
)

// TestPolicyFolderReadsRegularFilesOnly: a policy folder comes from the
// repository under review, so a FIFO or a link to a device named *.rego
// must be an error naming it, not a read that never ends.
func TestPolicyFolderReadsRegularFilesOnly(t *testing.T) {
	tests := []struct {
		name  string
		plant func(t *testing.T, path string)
		want  string
	}{
		{"FIFO", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "named pipe"},
		{"link to /dev/zero", func(t *testing.T, path string) {
			if err := os.Symlink("/dev/zero", path); err != nil {
				t.Skip("no symbolic links here:", err)
			}
		}, "character device"},
		{"too large", func(t *testing.T, path string) {
			body := "package patchcheck.rules.big\n# " + strings.Repeat("x", engine.MaxPolicyFileSize) + "\n"
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "x.rego")
			tt.plant(t, path)
			done := make(chan error, 1)
			go func() { done <- load(t).AddDir(dir) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
					t.Fatalf("AddDir: %v; want an error naming %s as %q", err, path, tt.want)
				}
			case <-time.After(20 * time.Second):
				// A guard against a hang, not a speed assertion.
				t.Fatal("AddDir still reading after 20 s")
			}
		})
	}
}
