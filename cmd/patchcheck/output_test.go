package main

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

func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFiles(t, dir, map[string]string{
		"t.json": "{}", "t.parameters.json": "{}", "p.json": "{}", "base.json": "{}", "c.yaml": "", "ctx.yaml": "",
		"tpl/a.json": "{}", "tpl/sub/b.json": "{}", "pol/r.rego": "", "basedir/vm.json": "{}", "other/x.json": "{}",
	})
	if runtime.GOOS != "windows" {
		if err := os.Symlink("t.json", "link.json"); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("tpl", "tpl-link"); err != nil {
			t.Fatal(err)
		}
	}
	reads := lintReads([]string{"t.json", "tpl"}, []string{"p.json"}, []string{"base.json", "basedir"}, []string{"pol"}, "c.yaml", "ctx.yaml")
	tests := []struct {
		name string
		outs []reportOutput
		want string // "" = accepted
	}{
		{"the template", []reportOutput{{"json", "t.json"}}, "it is the input t.json"},
		{"the template by another name", []reportOutput{{"sarif", "./other/../t.json"}}, "it is the input t.json"},
		{"the template through a symlink", []reportOutput{{"json", "link.json"}}, "it is the input t.json"},
		{"a file in an input folder", []reportOutput{{"json", "tpl/sub/b.json"}}, "the input folder tpl is read for its .json"},
		{"a new .json file in an input folder", []reportOutput{{"json", "tpl/new.json"}}, "the input folder tpl is read"},
		{"an input folder through a symlink", []reportOutput{{"json", "tpl-link/sub/new.jsonc"}}, "the input folder tpl is read"},
		{"a SARIF file in an input folder", []reportOutput{{"sarif", "tpl/report.sarif"}}, ""},
		{"the paired parameter file", []reportOutput{{"json", "t.parameters.json"}}, "beside the template t.json whose names hold \"param\""},
		{"a new parameter-like file beside the template", []reportOutput{{"json", "t.params.prod.json"}}, "read as its parameter files"},
		{"another file beside the template", []reportOutput{{"json", "report.json"}}, ""},
		{"a --parameters file", []reportOutput{{"json", "p.json"}}, "it is the parameter file p.json"},
		{"a baseline file", []reportOutput{{"text", "base.json"}}, "it is the baseline base.json"},
		{"a baseline folder", []reportOutput{{"json", "basedir/out.json"}}, "the baseline folder basedir"},
		{"the configuration", []reportOutput{{"text", "c.yaml"}}, "it is the configuration c.yaml"},
		{"the context file", []reportOutput{{"json", "ctx.yaml"}}, "it is the context file ctx.yaml"},
		{"a policy folder", []reportOutput{{"text", "pol/x.rego"}}, "the policy folder pol is read for its .rego files"},
		{"a text file in a policy folder", []reportOutput{{"text", "pol/notes.txt"}}, ""},
		{"two outputs, one file", []reportOutput{{"sarif", "out.txt"}, {"json", "./out.txt"}}, "the sarif and json reports both go to ./out.txt"},
		{"a folder", []reportOutput{{"json", "other"}}, "other is a folder"},
		{"a missing folder", []reportOutput{{"json", "nope/out.json"}}, "the folder of nope/out.json"},
		{"special files", []reportOutput{{"text", ""}, {"json", "-"}, {"sarif", "/dev/null"}, {"junit", "/dev/stdout"}, {"github", "/dev/stderr"}}, ""},
		{"a new file elsewhere", []reportOutput{{"json", "other/report.json"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && strings.Contains(tt.name, "symlink") {
				t.Skip("symlinks")
			}
			err := checkOutputs(tt.outs, reads)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("checkOutputs = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("checkOutputs = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestWriteOutputFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	writeFiles(t, dir, map[string]string{"report.json": "old report"})
	boom := errors.New("formatter failed")
	err := writeOutput(streams{}, path, func(w io.Writer) error {
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

// TestWriteOutputConcurrent: two writers of the same file, interleaved
// mid-report, leave one whole report.
func TestWriteOutputConcurrent(t *testing.T) {
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
			errs[i] = writeOutput(streams{}, path, func(w io.Writer) error {
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

// TestWriteOutputSymlink: a symlink at the output path is replaced by the
// report; the file it pointed to is not touched.
func TestWriteOutputSymlink(t *testing.T) {
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
	if err := writeOutput(streams{}, path, func(w io.Writer) error { _, err := io.WriteString(w, "report"); return err }); err != nil {
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

func TestWriteOutputStreamsAndPermissions(t *testing.T) {
	var out, errOut bytes.Buffer
	s := streams{out: &out, err: &errOut}
	for _, p := range []string{"", "-", "/dev/stdout"} {
		if err := writeOutput(s, p, func(w io.Writer) error { _, err := io.WriteString(w, "o"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeOutput(s, "/dev/stderr", func(w io.Writer) error { _, err := io.WriteString(w, "e"); return err }); err != nil {
		t.Fatal(err)
	}
	if out.String() != "ooo" || errOut.String() != "e" {
		t.Errorf("stdout %q, stderr %q; want ooo and e", out.String(), errOut.String())
	}
	if runtime.GOOS == "windows" {
		return
	}
	if err := writeOutput(s, os.DevNull, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Fatalf("writing to %s: %v", os.DevNull, err)
	}
	// An existing report keeps its permissions.
	path := filepath.Join(t.TempDir(), "r.txt")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeOutput(s, path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("the report's permissions are %v, want 0600 as before", info.Mode().Perm())
	}
}
