// Package safewrite writes a run's outputs (reports, forecasts, fleet
// files) so that they never overwrite what the run reads, and are written
// whole or not at all. Check runs before any work and refuses an output
// that is one of the run's inputs; Write writes a report to a temporary file
// beside the target and renames it into place, so a failed run leaves the
// old file as it was and two runs writing the same file leave one whole
// report. A symlink at the output path is replaced by the report, never
// followed onto the file it points to. Standard output ("" or "-",
// /dev/stdout), standard error (/dev/stderr) and other special files
// (/dev/null, pipes, /dev/fd/N) are written in place. Append adds a whole
// report to the end of a file instead, for files meant to be appended to
// (a GitHub job summary).
package safewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Output is one report a run writes: its format and its path ("" for
// standard output).
type Output struct{ Format, Path string }

// Reads is what a run reads, for Check to refuse outputs among
// it: files read as they are, and folders whose files are read by name.
type Reads struct {
	Files []File
	Dirs  []Dir
}

// File is a file the run reads; What says what it is ("template",
// "fleet", …).
type File struct{ Path, What string }

// Dir is a folder whose files the run reads: those whose base name
// Reads accepts, in the folder itself or (Recursive) under it. Why is the
// refusal's explanation.
type Dir struct {
	Path      string
	Recursive bool
	Reads     func(name string) bool
	Why       string
}

// Check refuses, before any work, an output that is a file the run
// reads, lies where the run reads files of its name (an input folder, a
// template's parameter files), or is named by two outputs. Files compare
// by identity (os.SameFile) after resolving symlinks, not by name.
func Check(outs []Output, reads Reads) error {
	type placed struct {
		out  Output
		dir  os.FileInfo // the folder the report goes to, resolved
		name string
	}
	var seen []placed
	for _, o := range outs {
		if specialOutput(o.Path) {
			continue
		}
		refuse := func(format string, args ...any) error {
			return fmt.Errorf("refusing to write the %s report to %s: %s; a report never replaces a file the run reads", o.Format, o.Path, fmt.Sprintf(format, args...))
		}
		if info, err := os.Stat(o.Path); err == nil {
			if info.IsDir() {
				return fmt.Errorf("--format %s: %s is a folder", o.Format, o.Path)
			}
			for _, f := range reads.Files {
				if f.Path == "" || f.Path == "-" {
					continue
				}
				if fi, err := os.Stat(f.Path); err == nil && os.SameFile(info, fi) {
					return refuse("it is the %s %s", f.What, f.Path)
				}
			}
		}
		// Where the report will be: the output's folder, symlinks
		// resolved, and its own name (a symlink there is replaced, so
		// the name is the file).
		parent, err := filepath.EvalSymlinks(folderOf(o.Path))
		if err != nil {
			return fmt.Errorf("--format %s: the folder of %s: %w", o.Format, o.Path, err)
		}
		dirInfo, err := os.Stat(parent)
		if err != nil {
			return fmt.Errorf("--format %s: the folder of %s: %w", o.Format, o.Path, err)
		}
		name := filepath.Base(o.Path)
		if d, ok := readingDir(parent, name, reads.Dirs); ok {
			return refuse("%s", d.Why)
		}
		for _, p := range seen {
			if os.SameFile(p.dir, dirInfo) && sameName(p.name, name) {
				return fmt.Errorf("the %s and %s reports both go to %s: give each its own file", p.out.Format, o.Format, o.Path)
			}
		}
		seen = append(seen, placed{out: o, dir: dirInfo, name: name})
	}
	return nil
}

// readingDir returns the folder of dirs that reads a file named name in
// the folder parent (resolved), walking up from parent for the recursive
// ones.
func readingDir(parent, name string, dirs []Dir) (Dir, bool) {
	var infos []os.FileInfo
	for _, d := range dirs {
		info, err := os.Stat(d.Path)
		if err != nil || !info.IsDir() || !d.Reads(name) {
			info = nil
		}
		infos = append(infos, info)
	}
	for dir, first := parent, true; ; first = false {
		if info, err := os.Stat(dir); err == nil {
			for i, d := range dirs {
				if infos[i] != nil && (first || d.Recursive) && os.SameFile(info, infos[i]) {
					return d, true
				}
			}
		}
		up := filepath.Dir(dir)
		if up == dir {
			return Dir{}, false
		}
		dir = up
	}
}

// folderOf is the folder path names, as the system resolves it: unlike
// filepath.Dir it does not clean "sub/../x" to ".", which the system
// resolves only when sub exists.
func folderOf(path string) string {
	i := len(path) - 1
	for i >= 0 && !os.IsPathSeparator(path[i]) {
		i--
	}
	switch {
	case i < 0:
		return "."
	case i == 0:
		return path[:1]
	}
	return path[:i]
}

// sameName compares file names as the platform's usual file systems do.
func sameName(a, b string) bool {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// specialOutput reports whether path is written in place rather than
// replaced: standard output and error, files under /dev and /proc, and
// existing files that are not regular files or folders (pipes, devices).
func specialOutput(path string) bool {
	switch path {
	case "", "-", "/dev/stdout", "/dev/stderr":
		return true
	}
	if runtime.GOOS != "windows" {
		if abs, err := filepath.Abs(path); err == nil && (strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")) {
			return true
		}
	}
	info, err := os.Stat(path)
	return err == nil && !info.Mode().IsRegular() && !info.IsDir()
}

// Write writes a report to path through write: standard output for
// "" and "-" (and /dev/stdout), standard error for /dev/stderr, special
// files in place, and regular files atomically (see writeReplacing).
func Write(stdout, stderr io.Writer, path string, write func(io.Writer) error) error {
	switch path {
	case "", "-", "/dev/stdout":
		return write(stdout)
	case "/dev/stderr":
		return write(stderr)
	}
	if specialOutput(path) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			_ = f.Close()
			return err
		}
		return f.Close()
	}
	return writeReplacing(path, write)
}

// Append adds a report to the end of the file at path, creating it (0666
// less the umask) when absent: for files that collect several reports,
// such as a GitHub job summary ($GITHUB_STEP_SUMMARY). The report is built
// in memory first and added with one write, so a report that fails adds
// nothing and one that succeeds is added whole, on a line of its own.
// Check still refuses a path that is one of the run's inputs. "" and "-"
// mean standard output.
func Append(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	data := buf.Bytes()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	// The report starts a line of its own, whatever the file ends with.
	if info, err := f.Stat(); err == nil && info.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, info.Size()-1); err == nil && last[0] != '\n' {
			data = append([]byte{'\n'}, data...)
		}
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// writeReplacing writes a new file beside path and renames it to path: the
// old file stays as it was until the report is whole, a failed write leaves
// it untouched, concurrent writers each rename a whole report (the last
// wins), and a symlink at path is replaced rather than followed. A file
// already at path keeps its permissions; a new one gets 0666 less the
// umask, as os.Create would.
func writeReplacing(path string, write func(io.Writer) error) (err error) {
	dir := folderOf(path)
	perm, keepPerm := os.FileMode(0o666), false
	if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
		perm, keepPerm = info.Mode().Perm(), true
	}
	tmp, err := createSibling(dir, filepath.Base(path), perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if keepPerm {
		if err := tmp.Chmod(perm); err != nil {
			return err
		}
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// createSibling creates a new file in dir for the report named base, with a
// name no lint or policy folder scan picks up (".base.NNN.tmp") and
// permissions perm less the umask. os.CreateTemp would do but for its fixed
// 0600.
func createSibling(dir, base string, perm os.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("creating a temporary file in %s: too many attempts", dir)
}
