// Command benchcorpus writes a deterministic corpus of realistic Azure ARM
// templates and parameter files for patchcheck throughput benchmarks.
//
//	go run ./scripts/benchcorpus -out DIR -n 10000 -seed 1
//
// The same -seed and -n always produce byte-identical files: every file i is
// generated from its own math/rand/v2 PCG stream seeded with (seed, i), so the
// output does not depend on GOMAXPROCS or on scheduling. Files are 2–40 KiB,
// 100 per folder in two levels of subfolders, and all of them are valid JSON
// once // and /* */ comments (present in some files) and a leading UTF-8 BOM
// (present in a few) are removed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

const (
	minSize     = 2 * 1024
	maxSize     = 40 * 1024
	filesPerDir = 100
	dirsPerDir  = 10
)

func main() {
	out := flag.String("out", "", "output directory (created; must be empty or absent)")
	n := flag.Int("n", 10000, "number of files to write")
	seed := flag.Uint64("seed", 1, "PCG seed; the same seed gives byte-identical files")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: benchcorpus -out DIR [-n 10000] [-seed 1]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || *n <= 0 || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := checkOutDir(*out); err != nil {
		fmt.Fprintln(os.Stderr, "benchcorpus:", err)
		os.Exit(1)
	}
	st, err := writeCorpus(*out, *n, *seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("benchcorpus: %d files (%d templates, %d parameter files; %d with comments, %d with BOM) in %s: %.1f MB total, sizes %.1f–%.1f KB (mean %.1f KB), seed %d\n",
		st.files, st.files-st.params, st.params, st.comments, st.boms, *out,
		float64(st.bytes)/(1<<20), float64(st.min)/1024, float64(st.max)/1024,
		float64(st.bytes)/float64(st.files)/1024, *seed)
}

func checkOutDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		return fmt.Errorf("output directory %s is not empty; remove it or choose another", dir)
	}
	return nil
}

type stats struct {
	files, params, comments, boms int
	bytes                         int64
	min, max                      int
}

type fileOut struct {
	rel             string
	data            []byte
	param, cmt, bom bool
}

func writeCorpus(out string, n int, seed uint64) (stats, error) {
	st := stats{min: math.MaxInt}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	idx := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range idx {
				f := generate(seed, i)
				p := filepath.Join(out, filepath.FromSlash(f.rel))
				err := os.MkdirAll(filepath.Dir(p), 0o755)
				if err == nil {
					err = os.WriteFile(p, f.data, 0o644)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				st.files++
				st.bytes += int64(len(f.data))
				st.min = min(st.min, len(f.data))
				st.max = max(st.max, len(f.data))
				if f.param {
					st.params++
				}
				if f.cmt {
					st.comments++
				}
				if f.bom {
					st.boms++
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		idx <- i
	}
	close(idx)
	wg.Wait()
	return st, firstErr
}

// generate builds file number i of the corpus. It depends only on (seed, i).
func generate(seed uint64, i int) fileOut {
	g := &gen{r: rand.New(rand.NewPCG(seed, uint64(i)))}
	g.idx = i
	g.paramFile = g.chance(0.10)
	g.commented = g.chance(0.15)
	g.oddCase = g.chance(0.10)
	switch x := g.r.Float64(); {
	case x < 0.75:
		g.st.indent = "  "
	case x < 0.90:
		g.st.indent = "    "
	case x < 0.97 || g.commented:
		g.st.indent = "\t"
	default:
		g.st.indent = "" // minified, as produced by some pipelines
	}
	g.st.nl = "\n"
	if g.chance(0.12) {
		g.st.nl = "\r\n"
	}
	bom := g.chance(0.02)

	var doc *Obj
	if g.paramFile {
		doc = g.parameterFile(g.paramTarget())
	} else {
		doc = g.templateFile(g.templateTarget())
	}
	data := render(doc, g.st)
	if g.commented && (g.chance(0.5) || !hasComment(data)) {
		hdr := g.headerComment()
		data = append([]byte(hdr), data...)
	}
	if bom {
		data = append([]byte("\xEF\xBB\xBF"), data...)
	}

	leaf := i / filesPerDir
	// Folder names derive from the index only, so files of one folder agree.
	dir := fmt.Sprintf("%s-%02d/%s-%03d", groupNames[(leaf/dirsPerDir)%len(groupNames)], leaf/dirsPerDir,
		projectNames[leaf%len(projectNames)], leaf)
	ext := ".json"
	if (g.commented && g.chance(0.4)) || g.chance(0.01) {
		ext = ".jsonc"
	}
	var name string
	if g.paramFile {
		name = fmt.Sprintf("%s-%05d.parameters.%s%s", g.baseName, i, pick(g, envs), ext)
	} else {
		name = fmt.Sprintf("%s-%05d%s", g.baseName, i, ext)
	}
	return fileOut{rel: dir + "/" + name, data: data, param: g.paramFile, cmt: g.commented, bom: bom}
}

var groupNames = []string{"platform", "workloads", "landing-zones", "shared-services", "sandbox", "infra", "apps", "ops"}
var projectNames = []string{"web", "sql", "build-agents", "citrix", "sap", "hpc", "jumphosts", "k8s-nodes", "file-servers", "iis-farm", "dc", "batch", "etl", "monitoring", "gateway"}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// templateTarget draws a size target: a mixture of log-uniform (many small
// files) and uniform (spread up to the 40 KiB cap).
func (g *gen) templateTarget() int {
	lo, hi := float64(minSize+100), float64(maxSize-600)
	if g.chance(0.55) {
		return int(lo * math.Pow(hi/lo, g.r.Float64()))
	}
	return int(lo + (hi-lo)*g.r.Float64())
}

func (g *gen) paramTarget() int {
	lo, hi := float64(minSize+100), float64(14*1024)
	return int(lo * math.Pow(hi/lo, g.r.Float64()))
}

// hasComment reports whether data contains a // or /* comment outside strings.
func hasComment(data []byte) bool {
	in := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && c == '/' && i+1 < len(data) && (data[i+1] == '/' || data[i+1] == '*'):
			return true
		}
	}
	return false
}
