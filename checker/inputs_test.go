//go:build unix

package checker_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/report"
)

// goodTemplate is a clean one-VM template.
var goodTemplate = vm("2021-03-01", "linux", `"patchSettings": {"patchMode": "AutomaticByPlatform"}`, ubuntu18)

// hostileFolder builds a folder holding a clean template and, beside it,
// one non-regular file per kind the walk must refuse, each with a name the
// walk would otherwise read.
func hostileFolder(t *testing.T) (dir string, refused []string) {
	t.Helper()
	dir = t.TempDir()
	write(t, filepath.Join(dir, "good.json"), goodTemplate)
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// Nothing ever writes to the FIFO: an open without O_NONBLOCK would
	// wait for a writer forever. Opening it for writing at the end frees
	// such a reader, so a failing run does not outlive its test.
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	// Unix socket paths are limited to about 100 bytes.
	sockDir, err := os.MkdirTemp("", "pcsock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	sock := filepath.Join(sockDir, "s.json")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	sockLink := filepath.Join(dir, "socket.json")
	if err := os.Symlink(sock, sockLink); err != nil {
		t.Fatal(err)
	}
	dirLink := filepath.Join(dir, "folder.json")
	if err := os.Symlink(t.TempDir(), dirLink); err != nil {
		t.Fatal(err)
	}
	return dir, []string{fifo, zero, sockLink, dirLink}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runWithin runs the linter and fails the test, instead of hanging, when
// the run does not finish in time.
func runWithin(t *testing.T, l *checker.Linter, inputs []checker.Input, stdin *bytes.Reader, limit time.Duration) *report.Report {
	t.Helper()
	done := make(chan *report.Report, 1)
	go func() {
		var in = stdin
		if in == nil {
			in = bytes.NewReader(nil)
		}
		done <- l.Run(context.Background(), inputs, in)
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(limit):
		t.Fatalf("the run did not finish within %s", limit)
		return nil
	}
}

func fileByPath(t *testing.T, r *report.Report, path string) report.File {
	t.Helper()
	for _, f := range r.Files {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("%s is not in the report (files: %+v)", path, r.Files)
	return report.File{}
}

// TestFolderWalkRefusesNonRegularFiles: a FIFO, a device, a socket or a
// symlink to one of them (or to a folder) in a scanned folder is reported
// as an error naming it, promptly, and the other files are still checked.
func TestFolderWalkRefusesNonRegularFiles(t *testing.T) {
	dir, refused := hostileFolder(t)
	l := newLinter(t, "2021-02")
	r := runWithin(t, l, checker.Discover([]string{dir}), nil, 20*time.Second)
	if got := fileByPath(t, r, filepath.Join(dir, "good.json")); got.Status != report.Checked || got.VMs != 1 {
		t.Errorf("good.json: %s, %d VMs, %+v", got.Status, got.VMs, got.Error)
	}
	for _, p := range refused {
		f := fileByPath(t, r, p)
		if f.Status != report.Errored || !strings.Contains(f.Error.Message, p) || !strings.Contains(f.Error.Message, "not a regular file") {
			t.Errorf("%s: status %s, error %+v; want an error naming it as not a regular file", p, f.Status, f.Error)
		}
	}
	if code := r.ExitCode("error"); code != report.ExitError {
		t.Errorf("exit code %d, want %d", code, report.ExitError)
	}
}

// TestNamedNonRegularFilesAreRefused: the same files named on the command
// line are refused too; "-" still reads standard input.
func TestNamedNonRegularFilesAreRefused(t *testing.T) {
	_, refused := hostileFolder(t)
	tests := []struct {
		name, path string
		wantErr    bool
	}{
		{"FIFO", refused[0], true},
		{"symlink to /dev/zero", refused[1], true},
		{"symlink to a socket", refused[2], true},
		{"device", "/dev/null", true},
		{"standard input", checker.Stdin, false},
	}
	l := newLinter(t, "2021-02")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inputs := checker.Discover([]string{tt.path})
			r := runWithin(t, l, inputs, bytes.NewReader([]byte(goodTemplate)), 20*time.Second)
			f := fileByPath(t, r, tt.path)
			if tt.wantErr {
				if f.Status != report.Errored || !strings.Contains(f.Error.Message, tt.path) {
					t.Errorf("status %s, error %+v; want an error naming %s", f.Status, f.Error, tt.path)
				}
				return
			}
			if f.Status != report.Checked || f.VMs != 1 {
				t.Errorf("status %s, %d VMs, error %+v", f.Status, f.VMs, f.Error)
			}
		})
	}
}

// TestMaxFileSize: every input is read up to the size cap and refused
// above it, with a message naming the file and the cap.
func TestMaxFileSize(t *testing.T) {
	dir := t.TempDir()
	padded := func(n int) string { return goodTemplate + strings.Repeat(" ", n) }
	write(t, filepath.Join(dir, "small.json"), padded(0))
	write(t, filepath.Join(dir, "big.json"), padded(4096))
	write(t, filepath.Join(dir, "paired.json"), padded(0))
	write(t, filepath.Join(dir, "paired.parameters.json"), `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}`+strings.Repeat(" ", 4096))
	write(t, filepath.Join(dir, "deployed.json"), `[]`+strings.Repeat(" ", 4096))
	const limit = 2048
	tests := []struct {
		name    string
		opts    checker.Options
		input   string
		stdin   string
		wantErr string // "" = checked
	}{
		{"under the cap", checker.Options{}, "small.json", "", ""},
		{"template over the cap", checker.Options{}, "big.json", "", "big.json is larger than the 2.0 KiB limit (--max-file-size)"},
		{"standard input over the cap", checker.Options{}, "-", padded(4096), "standard input is larger than the 2.0 KiB limit (--max-file-size)"},
		{"standard input under the cap", checker.Options{}, "-", padded(0), ""},
		{"paired parameter file over the cap", checker.Options{}, "paired.json", "", "paired.parameters.json is larger than the 2.0 KiB limit"},
		{"--parameters file over the cap", checker.Options{Parameters: []string{filepath.Join(dir, "paired.parameters.json")}}, "small.json", "", "paired.parameters.json is larger than the 2.0 KiB limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Profile, opts.Version, opts.MaxFileSize = "2021-02", "test", limit
			l, err := checker.New(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			path := tt.input
			if path != checker.Stdin {
				path = filepath.Join(dir, path)
			}
			r := l.Run(context.Background(), checker.Discover([]string{path}), strings.NewReader(tt.stdin))
			f := fileByPath(t, r, path)
			if tt.wantErr == "" {
				if f.Status != report.Checked {
					t.Fatalf("status %s, error %+v", f.Status, f.Error)
				}
				return
			}
			if f.Status != report.Errored || !strings.Contains(f.Error.Message, tt.wantErr) {
				t.Errorf("status %s, error %+v; want %q", f.Status, f.Error, tt.wantErr)
			}
		})
	}
	t.Run("baseline over the cap", func(t *testing.T) {
		_, err := checker.New(context.Background(), checker.Options{Version: "test", MaxFileSize: limit, Baseline: []string{filepath.Join(dir, "deployed.json")}})
		if err == nil || !strings.Contains(err.Error(), "deployed.json is larger than the 2.0 KiB limit") {
			t.Errorf("got %v, want the baseline refused for its size", err)
		}
	})
}

// TestDefaultSizeCapStopsDevZero: without --max-file-size, a symlink to
// /dev/zero named on the command line is refused before it is read, and
// even an endless stream on standard input stops at the default cap
// instead of filling memory.
func TestDefaultSizeCapStopsDevZero(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	l := newLinter(t, "2021-02")
	r := runWithin(t, l, checker.Discover([]string{link}), nil, 20*time.Second)
	if f := fileByPath(t, r, link); f.Status != report.Errored {
		t.Errorf("status %s, want errored", f.Status)
	}
	zero, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer zero.Close()
	done := make(chan *report.Report, 1)
	go func() { done <- l.Run(context.Background(), checker.Discover([]string{checker.Stdin}), zero) }()
	select {
	case r := <-done:
		f := fileByPath(t, r, checker.Stdin)
		want := "standard input is larger than the " + "64 MiB limit"
		if f.Status != report.Errored || !strings.Contains(f.Error.Message, want) {
			t.Errorf("status %s, error %+v; want %q", f.Status, f.Error, want)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("reading /dev/zero as standard input did not stop")
	}
}

// TestBicepBuildIsBounded: a bicep CLI that never finishes is stopped,
// with the processes it started, when its time is up or the run is
// cancelled, and the file is an error saying so.
func TestBicepBuildIsBounded(t *testing.T) {
	bin := t.TempDir()
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	// The script's own child holds the output pipe: killing only the
	// script would leave the run waiting for that child.
	write(t, filepath.Join(bin, "bicep"), "#!/bin/sh\nsleep 300 &\necho $! > "+pidFile+"\nwait\n")
	if err := os.Chmod(filepath.Join(bin, "bicep"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	src := filepath.Join(t.TempDir(), "main.bicep")
	write(t, src, "resource vm 'Microsoft.Compute/virtualMachines@2021-03-01' = {}\n")

	tests := []struct {
		name    string
		timeout time.Duration // Options.BicepTimeout
		cancel  time.Duration // the run's context deadline; 0 = none
		want    string
	}{
		{"bicep timeout", 500 * time.Millisecond, 0, "bicep build " + src + " timed out after 500ms"},
		{"run cancelled", time.Hour, 500 * time.Millisecond, "bicep build " + src + " stopped: context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(pidFile)
			l, err := checker.New(context.Background(), checker.Options{Version: "test", BicepTimeout: tt.timeout})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if tt.cancel > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.cancel)
				defer cancel()
			}
			start := time.Now()
			done := make(chan *report.Report, 1)
			go func() { done <- l.Run(ctx, checker.Discover([]string{src}), bytes.NewReader(nil)) }()
			var r *report.Report
			select {
			case r = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the run waited for the bicep CLI")
			}
			if took := time.Since(start); took > 15*time.Second {
				t.Errorf("the run took %s", took)
			}
			f := fileByPath(t, r, src)
			if f.Status != report.Errored || !strings.Contains(f.Error.Message, tt.want) {
				t.Errorf("status %s, error %+v; want %q", f.Status, f.Error, tt.want)
			}
			data, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatalf("the fake bicep did not start its child: %v", err)
			}
			pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
			waitGone(t, pid)
		})
	}
}

// waitGone waits for a process to end (a zombie waiting for its reaper
// counts as ended).
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if err == nil {
			// The state follows the command name in parentheses.
			if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
				return
			}
		} else if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("process %d, started by the bicep CLI, still runs", pid)
}
