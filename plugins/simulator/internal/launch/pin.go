// Package launch starts a simulator plugin's process safely: it pins the
// program to the bytes whose SHA-256 the user gave (a private copy runs),
// hands it an allow-listed environment, and passes its stderr on capped and
// neutralised, keeping the end of its output and how it exited to explain a
// failed start.
package launch

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// Program is a private copy of a plugin executable whose bytes hashed
// to the pinned SHA-256.
//
// Checking the file at a path and then executing that path (what go-plugin's
// SecureConfig does) leaves a window in which the file can be renamed over or
// rewritten in place, and the replacement runs unpinned. The copy closes it:
// the bytes hashed are the bytes written to a file in a folder only this
// user can enter (0700, made by os.MkdirTemp), and that file is what runs.
type Program struct {
	Path string // the copy, to execute; its base name is the original's
	Dir  string // the private folder holding it
}

// Pin opens the program at path once, copies it into a new private
// folder while hashing what it copies, and returns the copy when the hash is
// want. afterHash, when set, runs after the check (a test hook: it swaps the
// original file).
func Pin(path string, want []byte, maxBytes int64, afterHash func()) (_ *Program, err error) {
	// O_NONBLOCK: opening a FIFO put at the path must not hang; anything but
	// a regular file is refused below.
	src, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read it to check its checksum: %w", err)
	}
	defer func() { _ = src.Close() }()
	info, err := src.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read it to check its checksum: %w", err)
	}
	switch {
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file (%s); refusing to run it", path, info.Mode().Type())
	case runtime.GOOS != "windows" && info.Mode().Perm()&0o111 == 0:
		return nil, fmt.Errorf("%s is not executable", path)
	case info.Size() > maxBytes:
		return nil, fmt.Errorf("%s is %d bytes, more than a plugin may be (%d MiB)", path, info.Size(), maxBytes>>20)
	}

	dir, err := os.MkdirTemp("", "patchcheck-simulator-")
	if err != nil {
		return nil, fmt.Errorf("making a private folder to run it from: %w", err)
	}
	p := &Program{Path: filepath.Join(dir, filepath.Base(path)), Dir: dir}
	defer func() {
		if err != nil {
			p.Remove()
		}
	}()
	dst, err := os.OpenFile(p.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o700)
	if err != nil {
		return nil, fmt.Errorf("copying it to run from a private folder: %w", err)
	}
	h := sha256.New()
	// One byte over the bound tells a file that grew after the Stat.
	n, err := io.Copy(io.MultiWriter(dst, h), io.LimitReader(src, maxBytes+1))
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("copying it to run from a private folder: %w", err)
	case n > maxBytes:
		return nil, fmt.Errorf("%s is more than a plugin may be (%d MiB)", path, maxBytes>>20)
	}
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		return nil, &ChecksumError{want: want, got: got}
	}
	if afterHash != nil {
		afterHash()
	}
	return p, nil
}

// Remove deletes the private copy and its folder.
func (p *Program) Remove() {
	if p != nil {
		_ = os.RemoveAll(p.Dir)
	}
}

// ChecksumError is a program whose bytes do not hash to the pinned SHA-256.
type ChecksumError struct{ want, got []byte }

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("checksum mismatch: expected SHA-256 %x, the file has %x; refusing to run it", e.want, e.got)
}

// StartRetries is how often a host starts a pinned copy again when the
// kernel says it is busy (ETXTBSY): a process forked elsewhere in patchcheck
// while the copy was being written holds the copy's write descriptor until
// it execs, and executing a file open for writing fails meanwhile.
const StartRetries = 20

// TextFileBusy reports the kernel refusing to execute a file still open
// for writing (ETXTBSY), which StartRetries waits out.
func TextFileBusy(err error) bool { return errors.Is(err, syscall.ETXTBSY) }
