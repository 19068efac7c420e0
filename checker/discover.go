package checker

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Stdin is the path that means standard input.
const Stdin = "-"

// Input is one file to lint. Explicit inputs were named on the command line;
// the others were found by walking a folder.
type Input struct {
	Path     string
	Explicit bool
	Err      error // set when the path could not be opened or walked
}

// Lintable reports whether a file found in a folder is a template
// candidate: lint reads the .json, .jsonc and .bicep files of a folder.
func Lintable(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".json" || ext == ".jsonc" || ext == ".bicep"
}

// ParameterCandidate reports whether a file beside a template may be read
// as its parameter file: a template candidate whose name holds "param".
func ParameterCandidate(name string) bool {
	return Lintable(name) && strings.Contains(strings.ToLower(name), "param")
}

// Discover expands paths into inputs: files as given, folders walked
// recursively for .json, .jsonc and .bicep files in lexical order, "-" for standard
// input. A path that cannot be read becomes an input carrying its error, so
// it is reported rather than dropped; so does anything but a regular file
// (a FIFO, a device, a socket, or a symbolic link to one), which would
// block the run or never end.
func Discover(paths []string) []Input {
	var out []Input
	for _, p := range paths {
		if p == Stdin {
			out = append(out, Input{Path: Stdin, Explicit: true})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			out = append(out, Input{Path: p, Explicit: true, Err: err})
			continue
		}
		if !info.IsDir() {
			out = append(out, Input{Path: p, Explicit: true, Err: checkRegular(p)})
			continue
		}
		found := 0
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, Input{Path: path, Err: err})
				return nil
			}
			if d.IsDir() {
				if path != p && d.Name() == ".git" {
					return filepath.SkipDir
				}
				return nil
			}
			if Lintable(d.Name()) {
				in := Input{Path: path}
				if !d.Type().IsRegular() {
					in.Err = checkRegular(path) // a symbolic link to a regular file is fine
				}
				out = append(out, in)
				found++
			}
			return nil
		})
		if err != nil {
			out = append(out, Input{Path: p, Explicit: true, Err: err})
		}
		if found == 0 && err == nil {
			out = append(out, Input{Path: p, Explicit: true, Err: fmt.Errorf("no .json, .jsonc or .bicep files in folder")})
		}
	}
	return out
}
