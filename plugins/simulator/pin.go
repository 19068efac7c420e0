package simulator

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

// MaxPluginBytes bounds the size of a pinned plugin executable: Open copies
// the file before it knows whether its checksum matches, and a path that
// names a huge file must not fill the temporary folder.
const MaxPluginBytes = 1 << 30

// pinnedProgram is a private copy of a plugin executable whose bytes hashed
// to the pinned SHA-256.
//
// Checking the file at a path and then executing that path (what go-plugin's
// SecureConfig does) leaves a window in which the file can be renamed over or
// rewritten in place, and the replacement runs unpinned. The copy closes it:
// the bytes hashed are the bytes written to a file in a folder only this
// user can enter (0700, made by os.MkdirTemp), and that file is what runs.
type pinnedProgram struct {
	path string // the copy, to execute; its base name is the original's
	dir  string // the private folder holding it
}

// pinProgram opens the program at path once, copies it into a new private
// folder while hashing what it copies, and returns the copy when the hash is
// want. afterHash, when set, runs after the check (a test hook: it swaps the
// original file).
func pinProgram(path string, want []byte, afterHash func()) (_ *pinnedProgram, err error) {
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
	case info.Size() > MaxPluginBytes:
		return nil, fmt.Errorf("%s is %d bytes, more than a plugin may be (%d MiB)", path, info.Size(), MaxPluginBytes>>20)
	}

	dir, err := os.MkdirTemp("", "patchcheck-simulator-")
	if err != nil {
		return nil, fmt.Errorf("making a private folder to run it from: %w", err)
	}
	p := &pinnedProgram{path: filepath.Join(dir, filepath.Base(path)), dir: dir}
	defer func() {
		if err != nil {
			p.remove()
		}
	}()
	dst, err := os.OpenFile(p.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o700)
	if err != nil {
		return nil, fmt.Errorf("copying it to run from a private folder: %w", err)
	}
	h := sha256.New()
	// One byte over the bound tells a file that grew after the Stat.
	n, err := io.Copy(io.MultiWriter(dst, h), io.LimitReader(src, MaxPluginBytes+1))
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("copying it to run from a private folder: %w", err)
	case n > MaxPluginBytes:
		return nil, fmt.Errorf("%s is more than a plugin may be (%d MiB)", path, MaxPluginBytes>>20)
	}
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		return nil, &checksumError{want: want, got: got}
	}
	if afterHash != nil {
		afterHash()
	}
	return p, nil
}

// remove deletes the private copy and its folder.
func (p *pinnedProgram) remove() {
	if p != nil {
		_ = os.RemoveAll(p.dir)
	}
}

// checksumError is a plugin whose bytes do not hash to the pinned SHA-256.
type checksumError struct{ want, got []byte }

func (e *checksumError) Error() string {
	return fmt.Sprintf("checksum mismatch: expected SHA-256 %x, the file has %x; refusing to run it", e.want, e.got)
}

// startRetries is how often Open starts a pinned copy again when the
// kernel says it is busy (ETXTBSY): a process forked elsewhere in patchcheck
// while the copy was being written holds the copy's write descriptor until
// it execs, and executing a file open for writing fails meanwhile.
const startRetries = 20

func textFileBusy(err error) bool { return errors.Is(err, syscall.ETXTBSY) }
