//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const cleanTemplate = `{"resources": [{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2021-03-01", "name": "g",
  "properties": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}},
  "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}]}`

// runWithin runs the command line and fails the test, instead of hanging,
// when it does not finish in time.
func runWithin(t *testing.T, limit time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(context.Background(), args, strings.NewReader(""), &out, &errOut) }()
	select {
	case code = <-done:
		return code, out.String(), errOut.String()
	case <-time.After(limit):
		t.Fatalf("patchcheck %s did not finish within %s", strings.Join(args, " "), limit)
		return 0, "", ""
	}
}

// TestLintFIFOInFolder: a FIFO in a scanned folder is reported as an error
// naming it, the run finishes promptly with exit 2, and the other files
// are still checked.
func TestLintFIFOInFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "good.json"), []byte(cleanTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() { // frees a reader blocked on the FIFO, should the run fail
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	code, stdout, _ := runWithin(t, 20*time.Second, "lint", dir)
	if code != 2 {
		t.Errorf("exit %d, want 2\n%s", code, stdout)
	}
	for _, want := range []string{
		fifo + "  ERROR    " + fifo + " is a named pipe (FIFO), not a regular file",
		"good.json  OK",
		"2 files: 1 checked (0 with findings), 0 skipped, 1 errored",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output does not contain %q:\n%s", want, stdout)
		}
	}
}

// TestMaxFileSizeFlag: --max-file-size sets the cap every input is read
// up to; a bad value is a usage error.
func TestMaxFileSizeFlag(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(cleanTemplate+strings.Repeat(" ", 2048)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout or stderr
	}{
		{"default cap", []string{"lint", big}, 0, "OK"},
		{"file over the cap", []string{"lint", "--max-file-size", "1KiB", big}, 2, big + " is larger than the 1.0 KiB limit (--max-file-size)"},
		{"decimal units", []string{"lint", "--max-file-size", "2kB", big}, 2, "is larger than the 2.0 KiB limit"},
		{"plain bytes", []string{"lint", "--max-file-size", "100000", big}, 0, "OK"},
		{"zero", []string{"lint", "--max-file-size", "0", big}, 2, `invalid argument "0" for "--max-file-size"`},
		{"not a size", []string{"lint", "--max-file-size", "lots", big}, 2, `invalid argument "lots" for "--max-file-size"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runWithin(t, 60*time.Second, tt.args...)
			if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.code, tt.want, stdout, stderr)
			}
		})
	}
}

// TestSecondSignalExitsAtOnce runs patchcheck as its own process, stuck
// reading a standard input nobody closes: the first SIGTERM cancels the
// run, which cannot stop a read; the second ends the process at once with
// exit 2.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	if os.Getenv("PATCHCHECK_SIGNAL_CHILD") == "1" {
		os.Args = []string{"patchcheck", "lint", "-"}
		main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondSignalExitsAtOnce$")
	cmd.Env = append(os.Environ(), "PATCHCHECK_SIGNAL_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	defer cmd.Process.Kill()
	// A pipe holds 64 KiB: once 1 MiB has been written, patchcheck is
	// reading standard input, so its signal handling is in place.
	if _, err := stdin.Write(bytes.Repeat([]byte(" "), 1<<20)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for i := range 2 {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			select {
			case err := <-done:
				t.Fatalf("the first SIGTERM ended the process (%v); it should only cancel the run\n%s", err, stderr.String())
			case <-time.After(300 * time.Millisecond):
			}
		}
	}
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Errorf("ended with %v, want exit status 2\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "patchcheck: stopping; interrupt again to exit at once\npatchcheck: interrupted\n") {
			t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second SIGTERM did not end the process")
	}
}

// TestSimulateReadsBoundedFleets: the fleet file is an input like a
// template: a FIFO is an error naming it (not a read that never ends), and
// a fleet above --max-file-size, from a file or standard input, is refused.
func TestSimulateReadsBoundedFleets(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fleet.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("vms:\n"+strings.Repeat("# padding\n", 300)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"FIFO", []string{"simulate", "--in-process", fifo}, fifo + " is a named pipe (FIFO)"},
		{"file over the cap", []string{"simulate", "--in-process", "--max-file-size", "1KiB", big}, big + " is larger than the 1.0 KiB limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runWithin(t, 20*time.Second, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want 2 with %q\nstdout: %s\nstderr: %s", code, tt.want, stdout, stderr)
			}
		})
	}
	t.Run("standard input over the cap", func(t *testing.T) {
		var out, errOut bytes.Buffer
		stdin := strings.NewReader("vms:\n" + strings.Repeat("# padding\n", 300))
		code := run(context.Background(), []string{"simulate", "--in-process", "--max-file-size", "1KiB", "-"}, stdin, &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), "standard input is larger than the 1.0 KiB limit") {
			t.Errorf("exit %d\nstderr: %s", code, errOut.String())
		}
	})
}
