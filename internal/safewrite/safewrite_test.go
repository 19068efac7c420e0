package safewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// writeFiles creates files (path -> content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriteFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	writeFiles(t, dir, map[string]string{"report.json": "old report"})
	boom := errors.New("formatter failed")
	err := Write(nil, nil, path, func(w io.Writer) error {
		fmt.Fprint(w, "half a rep")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("writeOutput = %v, want the formatter's error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old report" {
		t.Errorf("after a failed write the file holds %q, want the old report", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %v, want the report alone (no temporary file left)", entries)
	}
}

// TestWriteConcurrent: two writers of the same file, interleaved
// mid-report, leave one whole report.
func TestWriteConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.txt")
	reports := []string{strings.Repeat("A", 64<<10), strings.Repeat("b", 48<<10)}
	var halfway sync.WaitGroup // both writers are mid-report at once
	halfway.Add(len(reports))
	var wg sync.WaitGroup
	errs := make([]error, len(reports))
	for i, rep := range reports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = Write(nil, nil, path, func(w io.Writer) error {
				if _, err := io.WriteString(w, rep[:len(rep)/2]); err != nil {
					return err
				}
				halfway.Done()
				halfway.Wait()
				_, err := io.WriteString(w, rep[len(rep)/2:])
				return err
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != reports[0] && string(got) != reports[1] {
		t.Fatalf("the file holds %d bytes that are neither report whole (starts %q)", len(got), got[:min(len(got), 16)])
	}
}

// TestWriteSymlink: a symlink at the output path is replaced by the
// report; the file it pointed to is not touched.
func TestWriteSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	writeFiles(t, dir, map[string]string{"victim.txt": "precious"})
	path := filepath.Join(dir, "out.json")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if err := Write(nil, nil, path, func(w io.Writer) error { _, err := io.WriteString(w, "report"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the symlink's target now holds %q", b)
	}
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() {
		t.Fatalf("the output path is %v (%v), want a regular file", info, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "report" {
		t.Errorf("the output holds %q", b)
	}
}

func TestWriteStreamsAndPermissions(t *testing.T) {
	var out, errOut bytes.Buffer
	for _, p := range []string{"", "-", "/dev/stdout"} {
		if err := Write(&out, &errOut, p, func(w io.Writer) error { _, err := io.WriteString(w, "o"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(&out, &errOut, "/dev/stderr", func(w io.Writer) error { _, err := io.WriteString(w, "e"); return err }); err != nil {
		t.Fatal(err)
	}
	if out.String() != "ooo" || errOut.String() != "e" {
		t.Errorf("stdout %q, stderr %q; want ooo and e", out.String(), errOut.String())
	}
	if runtime.GOOS == "windows" {
		return
	}
	if err := Write(&out, &errOut, os.DevNull, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Fatalf("writing to %s: %v", os.DevNull, err)
	}
	// An existing report keeps its permissions.
	path := filepath.Join(t.TempDir(), "r.txt")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(&out, &errOut, path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("the report's permissions are %v, want 0600 as before", info.Mode().Perm())
	}
}

// TestAppend: a report is added after what the file holds, whole; a
// report that fails adds nothing; a missing file is created.
func TestAppend(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		before  *string // nil: no file
		report  string
		fail    bool
		want    string
		wantErr bool
	}{
		{"after earlier steps' summaries", ptr("# step 1\n"), "# patchcheck\n", false, "# step 1\n# patchcheck\n", false},
		{"a new file", nil, "# patchcheck\n", false, "# patchcheck\n", false},
		{"on a line of its own", ptr("no line feed"), "# patchcheck\n", false, "no line feed\n# patchcheck\n", false},
		{"a failed report adds nothing", ptr("# step 1\n"), "half", true, "# step 1\n", true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("summary%d.md", i))
			if tc.before != nil {
				writeFiles(t, dir, map[string]string{filepath.Base(path): *tc.before})
			}
			err := Append(nil, path, func(w io.Writer) error {
				io.WriteString(w, tc.report)
				if tc.fail {
					return errors.New("formatter failed")
				}
				return nil
			})
			if (err != nil) != tc.wantErr {
				t.Fatalf("Append = %v, want error %v", err, tc.wantErr)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.want {
				t.Errorf("file holds %q, want %q", got, tc.want)
			}
		})
	}
	var out bytes.Buffer
	if err := Append(&out, "", func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil || out.String() != "x" {
		t.Errorf("Append to standard output: %q, %v", out.String(), err)
	}
}

func ptr(s string) *string { return &s }
