// Package saferead reads inputs that come from pull requests without
// letting them hang or exhaust memory: only regular files are opened (a
// FIFO would block the open, a device would never end), and nothing is read
// past a size cap. checker (templates, parameter files, baselines),
// checker/internal/engine (policy folders) and the simulate command (fleet files)
// all read through it.
package saferead

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/dustin/go-humanize"
)

// TooLargeError is an input above the size cap.
type TooLargeError struct {
	Name  string // the file, or "standard input"
	Limit int64  // bytes
	Flag  string // the option that sets the cap, named in the message
}

func (e *TooLargeError) Error() string {
	flag := e.Flag
	if flag == "" {
		flag = "--max-file-size"
	}
	return fmt.Sprintf("%s is larger than the %s limit (%s): refused rather than read into memory", e.Name, humanize.IBytes(uint64(e.Limit)), flag)
}

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file (a FIFO, a device, a socket, a folder).
var ErrNotRegular = errors.New("not a regular file")

// NotRegular says what path is instead of a regular file; via is set when
// a symbolic link led there.
func NotRegular(path string, mode fs.FileMode, via bool) error {
	link := ""
	if via {
		link = " (through a symbolic link)"
	}
	return fmt.Errorf("%s is %s%s, %w: patchcheck reads regular files only (use - for standard input)", path, FileKind(mode), link, ErrNotRegular)
}

// FileKind names what a file that is not a regular file is.
func FileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a folder"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a block device"
	}
	return "an irregular file"
}

// Check stats path (following symbolic links) and refuses anything but a
// regular file, before any open: opening a FIFO waits for a writer.
func Check(path string) error {
	info, err := os.Stat(path)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// Worded as the open it stands for.
		return &fs.PathError{Op: "open", Path: pe.Path, Err: pe.Err}
	}
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		via := false
		if l, err := os.Lstat(path); err == nil && l.Mode()&fs.ModeSymlink != 0 {
			via = true
		}
		return NotRegular(path, info.Mode(), via)
	}
	return nil
}

// Open opens a regular file for reading. The file is checked before the
// open, and the open file again after it: the path may have been replaced
// in between, and O_NONBLOCK keeps that open from waiting.
func Open(path string) (*os.File, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, NotRegular(path, info.Mode(), false)
	}
	return f, nil
}

// ReadInto reads a whole regular file into buf (reset first), up to limit
// bytes.
func ReadInto(buf *bytes.Buffer, path string, limit int64) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err == nil && info.Size() > limit {
		return &TooLargeError{Name: path, Limit: limit}
	}
	buf.Reset()
	if err == nil {
		// Sized once from the file: a buffer grown by doubling copies and
		// zeroes a large fleet several times over.
		buf.Grow(int(info.Size()) + 1)
	}
	return Limited(buf, f, path, limit)
}

// File is ReadInto a fresh buffer.
func File(path string, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if err := ReadInto(&buf, path, limit); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Limited reads r to its end into buf (reset first), refusing it once it
// passes limit bytes: the size a file had when it was opened may not be the
// size it has when read, and standard input has none.
func Limited(buf *bytes.Buffer, r io.Reader, name string, limit int64) error {
	buf.Reset()
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if n > limit {
		buf.Reset()
		return &TooLargeError{Name: name, Limit: limit}
	}
	return nil
}
