// Command benchrun measures throughput and peak memory for patchcheck
// benchmarks. It has two modes:
//
//	benchrun baseline [-workers 2] [-runs 1] [-metrics FILE] DIR...
//
// walks the DIRs, reads every .json/.jsonc file and json.Unmarshals it into
// an `any` with the given number of worker goroutines. A leading UTF-8 BOM is
// dropped and // and /* */ comments are blanked out by a small state machine
// first, so every file counts. Wall time covers walking, reading and
// parsing; peak RSS is this process's getrusage(RUSAGE_SELF) maxrss.
//
//	benchrun exec [-label NAME] [-runs 1] [-files N -bytes B] [-metrics FILE] -- CMD ARGS...
//
// runs CMD with stdout discarded and stderr passed through, and reports its
// wall time and its peak RSS (the child's rusage maxrss). Exit codes 0 and 1
// (1 = findings) count as success; anything else fails. Unless -files and
// -bytes are given, the input size is computed by walking every argument of
// CMD that is an existing directory (or a .json/.jsonc file); arguments
// starting with "-" are skipped.
//
// Both modes print one line such as
//
//	patchcheck lint: FILES files, SIZE MB in WALL s = RATE files/s, THROUGHPUT MB/s, peak RSS PEAK MB (cpu CPU s)
//
// where MB means 2^20 bytes and cpu is user+system CPU time. With -runs N
// the measurement is repeated and the fastest run is reported (peak RSS is
// the maximum over all runs). With -metrics FILE the figures are also written
// as key=value lines (files, bytes, seconds, cpu_seconds, peak_rss_bytes, ...)
// for scripts.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

const mb = 1 << 20

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  benchrun baseline [-workers 2] [-runs 1] [-metrics FILE] DIR...
  benchrun exec [-label NAME] [-runs 1] [-files N -bytes B] [-metrics FILE] -- CMD ARGS...
`)
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	switch os.Args[1] {
	case "baseline":
		os.Exit(runBaseline(os.Args[2:]))
	case "exec":
		os.Exit(runExec(os.Args[2:]))
	case "-h", "-help", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "benchrun: unknown mode %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
}

// result is one measurement.
type result struct {
	label string
	files int64
	bytes int64
	walls []time.Duration // wall time of each run
	cpus  []time.Duration // user+system CPU time of each run
	rss   int64           // peak RSS in bytes over all runs, -1 if unknown
	extra string
}

// best returns the index of the fastest run; the reported figures are
// best-of-N, which is the least disturbed by other load on the machine.
func (r result) best() int {
	b := 0
	for i, w := range r.walls {
		if w < r.walls[b] {
			b = i
		}
	}
	return b
}

func (r result) line() string {
	b := r.best()
	secs := max(r.walls[b].Seconds(), 1e-9)
	rss := "n/a"
	if r.rss >= 0 {
		rss = fmt.Sprintf("%.1f MB", float64(r.rss)/mb)
	}
	s := fmt.Sprintf("%s: %d files, %.1f MB in %.2f s = %.0f files/s, %.1f MB/s, peak RSS %s",
		r.label, r.files, float64(r.bytes)/mb, secs, float64(r.files)/secs, float64(r.bytes)/mb/secs, rss)
	s += fmt.Sprintf(" (cpu %.2f s", r.cpus[b].Seconds())
	if len(r.walls) > 1 {
		ws := make([]string, len(r.walls))
		for i, w := range r.walls {
			ws[i] = fmt.Sprintf("%.2f", w.Seconds())
		}
		s += fmt.Sprintf("; best of %d runs: %s s", len(r.walls), strings.Join(ws, "/"))
	}
	s += ")"
	if r.extra != "" {
		s += "; " + r.extra
	}
	return s
}

func (r result) writeMetrics(path string, more ...string) error {
	if path == "" {
		return nil
	}
	b := r.best()
	secs := max(r.walls[b].Seconds(), 1e-9)
	var sb strings.Builder
	fmt.Fprintf(&sb, "label=%s\nfiles=%d\nbytes=%d\nruns=%d\nseconds=%.6f\ncpu_seconds=%.6f\nfiles_per_sec=%.1f\nmb_per_sec=%.3f\npeak_rss_bytes=%d\n",
		r.label, r.files, r.bytes, len(r.walls), secs, r.cpus[b].Seconds(), float64(r.files)/secs, float64(r.bytes)/mb/secs, r.rss)
	for _, m := range more {
		sb.WriteString(m + "\n")
	}
	return os.WriteFile(path, []byte(sb.String()), 0o644)
}

func isInput(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".json" || ext == ".jsonc"
}

// walkInputs calls fn for every .json/.jsonc file under root (or root itself
// if it is such a file).
func walkInputs(root string, fn func(path string, size int64)) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isInput(path) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		fn(path, info.Size())
		return nil
	})
}

// ---------------------------------------------------------------------------
// baseline

type workerStats struct {
	files, bytes, comments, boms int64
	errs                         []string
}

func runBaseline(args []string) int {
	fset := flag.NewFlagSet("baseline", flag.ContinueOnError)
	workers := fset.Int("workers", 2, "number of parsing goroutines")
	runs := fset.Int("runs", 1, "repeat the measurement N times and report the fastest run")
	metrics := fset.String("metrics", "", "also write key=value results to `FILE`")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	dirs := fset.Args()
	if len(dirs) == 0 || *workers < 1 || *runs < 1 {
		usage()
		return 2
	}

	r := result{label: fmt.Sprintf("baseline json.Unmarshal (%d workers, GOMAXPROCS=%d)", *workers, runtime.GOMAXPROCS(0))}
	var tot workerStats
	for i := 0; i < *runs; i++ {
		runtime.GC() // start every run from the same heap state
		cpu0 := selfCPU()
		start := time.Now()
		st, err := baselineOnce(dirs, *workers)
		r.walls = append(r.walls, time.Since(start))
		r.cpus = append(r.cpus, selfCPU()-cpu0)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchrun: walk:", err)
			return 1
		}
		tot = st
		if len(st.errs) > 0 {
			break
		}
	}
	r.files, r.bytes, r.rss = tot.files, tot.bytes, selfMaxRSS()
	r.extra = fmt.Sprintf("comments stripped by state machine in %d files (all parsed), BOM dropped in %d, %d errors",
		tot.comments, tot.boms, len(tot.errs))
	fmt.Println(r.line())
	if err := r.writeMetrics(*metrics, fmt.Sprintf("comment_files=%d", tot.comments), fmt.Sprintf("errors=%d", len(tot.errs))); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		return 1
	}
	if len(tot.errs) > 0 {
		for i, e := range tot.errs {
			if i == 10 {
				fmt.Fprintf(os.Stderr, "benchrun: ... and %d more errors\n", len(tot.errs)-10)
				break
			}
			fmt.Fprintln(os.Stderr, "benchrun:", e)
		}
		return 1
	}
	if tot.files == 0 {
		fmt.Fprintln(os.Stderr, "benchrun: no .json/.jsonc files found")
		return 1
	}
	return 0
}

// baselineOnce walks dirs and parses every input file with n goroutines.
// Walking runs concurrently with parsing, as a linter would do it.
func baselineOnce(dirs []string, n int) (workerStats, error) {
	paths := make(chan string, 256)
	var walkErr error
	go func() {
		defer close(paths)
		for _, d := range dirs {
			if err := walkInputs(d, func(p string, _ int64) { paths <- p }); err != nil {
				walkErr = err
				return
			}
		}
	}()
	stats := make([]workerStats, n)
	var wg sync.WaitGroup
	for w := range stats {
		wg.Add(1)
		go func(st *workerStats) {
			defer wg.Done()
			for p := range paths {
				data, err := os.ReadFile(p)
				if err != nil {
					st.errs = append(st.errs, err.Error())
					continue
				}
				st.files++
				st.bytes += int64(len(data))
				if rest, ok := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF")); ok {
					data = rest
					st.boms++
				}
				if stripComments(data) {
					st.comments++
				}
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					st.errs = append(st.errs, fmt.Sprintf("%s: %v", p, err))
				}
			}
		}(&stats[w])
	}
	wg.Wait()
	var tot workerStats
	for _, st := range stats {
		tot.files += st.files
		tot.bytes += st.bytes
		tot.comments += st.comments
		tot.boms += st.boms
		tot.errs = append(tot.errs, st.errs...)
	}
	return tot, walkErr
}

// stripComments blanks out // and /* */ comments outside JSON strings in
// place (newlines are kept, so offsets and line numbers stay valid) and
// reports whether it found any.
func stripComments(b []byte) bool {
	found := false
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b); i++ {
				if b[i] == '\\' {
					i++
				} else if b[i] == '"' {
					break
				}
			}
		case '/':
			if i+1 >= len(b) {
				return found
			}
			switch b[i+1] {
			case '/':
				found = true
				for ; i < len(b) && b[i] != '\n' && b[i] != '\r'; i++ {
					b[i] = ' '
				}
			case '*':
				found = true
				b[i], b[i+1] = ' ', ' '
				for i += 2; i < len(b); i++ {
					if b[i] == '*' && i+1 < len(b) && b[i+1] == '/' {
						b[i], b[i+1] = ' ', ' '
						i++
						break
					}
					if b[i] != '\n' && b[i] != '\r' {
						b[i] = ' '
					}
				}
			}
		}
	}
	return found
}

// ---------------------------------------------------------------------------
// exec

func runExec(args []string) int {
	fset := flag.NewFlagSet("exec", flag.ContinueOnError)
	nfiles := fset.Int64("files", -1, "number of input files (default: walk the command's directory arguments)")
	nbytes := fset.Int64("bytes", -1, "number of input bytes (default: walk the command's directory arguments)")
	label := fset.String("label", "", "name printed in the result line (default: command base name and first argument)")
	runs := fset.Int("runs", 1, "run the command N times and report the fastest run")
	metrics := fset.String("metrics", "", "also write key=value results to `FILE`")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	argv := fset.Args()
	if len(argv) == 0 || *runs < 1 {
		usage()
		return 2
	}
	if *label == "" {
		*label = filepath.Base(argv[0])
		if len(argv) > 1 && !strings.HasPrefix(argv[1], "-") {
			*label += " " + argv[1]
		}
	}

	files, size := *nfiles, *nbytes
	if files < 0 || size < 0 {
		var cf, cb int64
		for _, a := range argv[1:] {
			if strings.HasPrefix(a, "-") {
				continue
			}
			fi, err := os.Stat(a)
			if err != nil || (!fi.IsDir() && !isInput(a)) {
				continue
			}
			if err := walkInputs(a, func(_ string, n int64) { cf++; cb += n }); err != nil {
				fmt.Fprintln(os.Stderr, "benchrun: walk:", err)
				return 1
			}
		}
		if files < 0 {
			files = cf
		}
		if size < 0 {
			size = cb
		}
	}

	r := result{label: *label, files: files, bytes: size, rss: -1}
	code := 0
	for i := 0; i < *runs; i++ {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout = nil // the null device
		cmd.Stderr = os.Stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				fmt.Fprintf(os.Stderr, "benchrun: %s: %v\n", *label, err)
				return 1
			}
		}
		code = cmd.ProcessState.ExitCode() // -1 if killed by a signal
		if code != 0 && code != 1 {
			fmt.Fprintf(os.Stderr, "benchrun: %s failed: %v (only exit codes 0 and 1 count as success)\n", *label, cmd.ProcessState)
			return 1
		}
		r.walls = append(r.walls, wall)
		r.cpus = append(r.cpus, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		r.rss = max(r.rss, childMaxRSS(cmd.ProcessState))
	}
	if code == 0 {
		r.extra = "exit 0 (clean)"
	} else {
		r.extra = "exit 1 (findings)"
	}
	fmt.Println(r.line())
	if err := r.writeMetrics(*metrics, fmt.Sprintf("exit_code=%d", code)); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		return 1
	}
	return 0
}
