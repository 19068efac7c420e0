package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/internal/safewrite"
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
		outs []safewrite.Output
		want string // "" = accepted
	}{
		{"the template", []safewrite.Output{{Format: "json", Path: "t.json"}}, "it is the input t.json"},
		{"the template by another name", []safewrite.Output{{Format: "sarif", Path: "./other/../t.json"}}, "it is the input t.json"},
		{"the template through a symlink", []safewrite.Output{{Format: "json", Path: "link.json"}}, "it is the input t.json"},
		{"a file in an input folder", []safewrite.Output{{Format: "json", Path: "tpl/sub/b.json"}}, "the input folder tpl is read for its .json"},
		{"a new .json file in an input folder", []safewrite.Output{{Format: "json", Path: "tpl/new.json"}}, "the input folder tpl is read"},
		{"an input folder through a symlink", []safewrite.Output{{Format: "json", Path: "tpl-link/sub/new.jsonc"}}, "the input folder tpl is read"},
		{"a SARIF file in an input folder", []safewrite.Output{{Format: "sarif", Path: "tpl/report.sarif"}}, ""},
		{"the paired parameter file", []safewrite.Output{{Format: "json", Path: "t.parameters.json"}}, "beside the template t.json whose names hold \"param\""},
		{"a new parameter-like file beside the template", []safewrite.Output{{Format: "json", Path: "t.params.prod.json"}}, "read as its parameter files"},
		{"another file beside the template", []safewrite.Output{{Format: "json", Path: "report.json"}}, ""},
		{"a --parameters file", []safewrite.Output{{Format: "json", Path: "p.json"}}, "it is the parameter file p.json"},
		{"a baseline file", []safewrite.Output{{Format: "text", Path: "base.json"}}, "it is the baseline base.json"},
		{"a baseline folder", []safewrite.Output{{Format: "json", Path: "basedir/out.json"}}, "the baseline folder basedir"},
		{"the configuration", []safewrite.Output{{Format: "text", Path: "c.yaml"}}, "it is the configuration c.yaml"},
		{"the context file", []safewrite.Output{{Format: "json", Path: "ctx.yaml"}}, "it is the context file ctx.yaml"},
		{"a policy folder", []safewrite.Output{{Format: "text", Path: "pol/x.rego"}}, "the policy folder pol is read for its .rego files"},
		{"a text file in a policy folder", []safewrite.Output{{Format: "text", Path: "pol/notes.txt"}}, ""},
		{"two outputs, one file", []safewrite.Output{{Format: "sarif", Path: "out.txt"}, {Format: "json", Path: "./out.txt"}}, "the sarif and json reports both go to ./out.txt"},
		{"a folder", []safewrite.Output{{Format: "json", Path: "other"}}, "other is a folder"},
		{"a missing folder", []safewrite.Output{{Format: "json", Path: "nope/out.json"}}, "the folder of nope/out.json"},
		{"special files", []safewrite.Output{{Format: "text", Path: ""}, {Format: "json", Path: "-"}, {Format: "sarif", Path: "/dev/null"}, {Format: "junit", Path: "/dev/stdout"}, {Format: "github", Path: "/dev/stderr"}}, ""},
		{"a new file elsewhere", []safewrite.Output{{Format: "json", Path: "other/report.json"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && strings.Contains(tt.name, "symlink") {
				t.Skip("symlinks")
			}
			err := safewrite.Check(tt.outs, reads)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("checkOutputs = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("checkOutputs = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
