//go:build unix

package simulator_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPinRefusesFIFO: a FIFO at the plugin path is refused at once; opening
// it to hash it must not wait for a writer.
func TestPinRefusesFIFO(t *testing.T) {
	cfg := config(t, "ok")
	cfg.External, cfg.SHA256 = true, strings.Repeat("0", 64)
	cfg.Path = filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(cfg.Path, 0o755); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := open(t, cfg)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("Open(a FIFO) = %v, want a refusal", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open(a FIFO) hangs")
	}
}

func TestPinRefusesNonExecutable(t *testing.T) {
	cfg := externalConfig(t, "ok")
	if err := os.Chmod(cfg.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, cfg); err == nil || !strings.Contains(err.Error(), "is not executable") {
		t.Fatalf("Open(a file without x bits) = %v, want a refusal", err)
	}
}
