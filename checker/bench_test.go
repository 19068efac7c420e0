package checker_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
)

// benchFiles are realistic templates: the bundled examples and a 24 KB
// template with three VMs and their network.
func benchFiles(b *testing.B) [][]byte {
	b.Helper()
	paths, _ := filepath.Glob("../testdata/templates/*.json*")
	paths = append(paths, "jsonpos/testdata/arm_template.json")
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

func totalBytes(files [][]byte) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f))
	}
	return n
}

// BenchmarkCheck is one core checking files one after another: parse,
// adapt, schema and Rego.
func BenchmarkCheck(b *testing.B) {
	files := benchFiles(b)
	l := newLinter(b, "2021-02")
	ctx := context.Background()
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			l.Check(ctx, checker.Input{Path: "bench.json"}, data)
		}
	}
	b.ReportMetric(float64(b.N*len(files))/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkCheckParallel shares one Linter (one prepared query) across
// GOMAXPROCS goroutines, as lint's worker pool does.
func BenchmarkCheckParallel(b *testing.B) {
	files := benchFiles(b)
	l := newLinter(b, "current")
	ctx := context.Background()
	b.SetBytes(totalBytes(files))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			for _, data := range files {
				l.Check(ctx, checker.Input{Path: "bench.json"}, data)
			}
		}
	})
	b.ReportMetric(float64(b.N*len(files))/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkCorpus lints a folder of templates end to end, as the CLI does;
// point PATCHCHECK_CORPUS at one written by scripts/benchcorpus to profile
// a realistic run (scripts/bench.sh keeps one with KEEP=1).
func BenchmarkCorpus(b *testing.B) {
	dir := os.Getenv("PATCHCHECK_CORPUS")
	if dir == "" {
		b.Skip("set PATCHCHECK_CORPUS to a corpus folder")
	}
	inputs := checker.Discover([]string{dir})
	b.ReportAllocs()
	for b.Loop() {
		// A new Linter each time, so its result cache starts cold as in a real run.
		newLinter(b, "2021-02").Run(context.Background(), inputs, nil)
	}
	b.ReportMetric(float64(b.N*len(inputs))/b.Elapsed().Seconds(), "files/s")
}
