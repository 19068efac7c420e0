package checker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/report"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		want    checker.Shard
		wantErr bool
	}{
		{"", checker.Shard{}, false},
		{"1/1", checker.Shard{Index: 1, Of: 1}, false},
		{"3/4", checker.Shard{Index: 3, Of: 4}, false},
		{"0/4", checker.Shard{}, true},
		{"5/4", checker.Shard{}, true},
		{"1/0", checker.Shard{}, true},
		{"-1/4", checker.Shard{}, true},
		{"1", checker.Shard{}, true},
		{"1/4/2", checker.Shard{}, true},
		{"a/b", checker.Shard{}, true},
		{" 1/4", checker.Shard{}, true},
	}
	for _, tc := range tests {
		got, err := checker.ParseShard(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("ParseShard(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

// shardEntries is what a report says, one string per file and per
// finding, for comparing runs as multisets.
func shardEntries(r *report.Report) []string {
	var out []string
	for _, f := range r.Files {
		out = append(out, fmt.Sprintf("file %s %s %s", f.Path, f.Status, f.Kind))
		for _, x := range f.Findings {
			out = append(out, fmt.Sprintf("finding %s %s %s %s:%d:%d %s %s via=%s", f.Path, x.RuleID, x.Severity, x.File, x.Line, x.Column, x.Pointer, x.Message, report.ViaText(x)))
		}
	}
	slices.Sort(out)
	return out
}

// linkedFixture writes five templates that each link nested/vm.json
// without passing it a value, so each would report the nested VM's
// findings as its own check does, and returns the folder.
func linkedFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	vm := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [
  {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "nested-vm", "properties": {
    "osProfile": {"windowsConfiguration": {"enableAutomaticUpdates": false, "patchSettings": {"patchMode": "Manual"}}},
    "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2019-Datacenter", "version": "latest"}}}}]}`
	parent := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [
  {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "vm",
   "properties": {"mode": "Incremental", "templateLink": {"relativePath": "nested/vm.json"}}}]}`
	files := map[string]string{"nested/vm.json": vm}
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		files[name+".json"] = parent
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestShardsCoverTheRunOnce: for N = 1..5, the N shards of a run are
// disjoint, and together report exactly what the whole run reports
// (files and findings, linked templates and parameter files included),
// each saying how many files it checked. The runs are over the
// repository's example folders, and over templates that link one shared
// template which is itself linted.
func TestShardsCoverTheRunOnce(t *testing.T) {
	fixture := linkedFixture(t)
	t.Chdir("..")
	l, err := checker.New(context.Background(), checker.Options{Version: "0.0.0-test", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	folders := []string{"testdata/templates", "testdata/inputs", "testdata/broken", "testdata/instance-views"}
	realworld, _ := filepath.Glob("testdata/realworld/*")
	for _, d := range realworld {
		if !strings.HasSuffix(d, ".md") {
			folders = append(folders, d)
		}
	}
	runs := []struct {
		name    string
		dir     string
		folders []string
		min     int // entries the whole run has at least
	}{
		{"examples", "", folders, 40},
		{"shared linked template", fixture, []string{"."}, 7},
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			if run.dir != "" {
				t.Chdir(run.dir)
			}
			inputs := checker.Discover(run.folders)
			whole := shardEntries(l.Run(context.Background(), inputs, strings.NewReader("")))
			if len(whole) < run.min {
				t.Fatalf("only %d entries in the whole run:\n%s", len(whole), strings.Join(whole, "\n"))
			}
			for n := 1; n <= 5; n++ {
				var union []string
				seen := map[string]int{}
				for k := 1; k <= n; k++ {
					r := l.RunShard(context.Background(), inputs, strings.NewReader(""), checker.Shard{Index: k, Of: n})
					if r.Shard == nil || r.Shard.Index != k || r.Shard.Count != n || r.Shard.Total != len(inputs) || r.Shard.Files > len(r.Files) {
						t.Fatalf("%d/%d: shard %+v for %d files of %d inputs", k, n, r.Shard, len(r.Files), len(inputs))
					}
					for _, f := range r.Files[:r.Shard.Files] {
						if prev, ok := seen[f.Path]; ok {
							t.Errorf("%s is in shards %d and %d of %d", f.Path, prev, k, n)
						}
						seen[f.Path] = k
					}
					union = append(union, shardEntries(r)...)
				}
				slices.Sort(union)
				if !slices.Equal(union, whole) {
					t.Errorf("the %d shards differ from the whole run:\n%s", n, diff(whole, union))
				}
			}
		})
	}
}

// diff lists what only one of two sorted lists holds.
func diff(want, got []string) string {
	var b strings.Builder
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j >= len(got) || i < len(want) && want[i] < got[j]:
			fmt.Fprintf(&b, "- %s\n", want[i])
			i++
		case i >= len(want) || got[j] < want[i]:
			fmt.Fprintf(&b, "+ %s\n", got[j])
			j++
		default:
			i++
			j++
		}
	}
	return b.String()
}
