package launch

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/patchcheck/patchcheck/internal/safetext"
)

// maxStderrLine is the longest line held back whole for neutralising; a
// longer one is passed on in pieces of this size, each neutralised.
const maxStderrLine = 4 << 10

// CappedWriter passes the first max bytes written to it to w and counts the
// rest. It never fails a write: go-plugin must keep draining the plugin's
// stderr, or the plugin blocks on a full pipe. A plugin is not trusted, so
// what it writes is passed on line by line through safetext.Text: a line
// cannot redraw the terminal or run a CI command (##vso[…], ::error::).
type CappedWriter struct {
	mu      sync.Mutex
	w       io.Writer
	max     int64
	left    int64
	dropped int64
	line    []byte // the unfinished line
}

func NewCappedWriter(w io.Writer, max int64) *CappedWriter {
	return &CappedWriter{w: w, max: max, left: max}
}

func (c *CappedWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := p
	if int64(len(keep)) > c.left {
		keep = keep[:c.left]
		c.dropped += int64(len(p) - len(keep))
	}
	c.left -= int64(len(keep))
	for len(keep) > 0 {
		i := bytes.IndexByte(keep, '\n')
		if i < 0 {
			c.line = append(c.line, keep...)
			if len(c.line) >= maxStderrLine {
				c.emit()
			}
			break
		}
		c.line = append(c.line, keep[:i]...)
		c.emit()
		keep = keep[i+1:]
	}
	return len(p), nil
}

// emit writes the held line, neutralised, and a line feed.
func (c *CappedWriter) emit() {
	_, _ = io.WriteString(c.w, safetext.Text(string(c.line))+"\n")
	c.line = c.line[:0]
}

// NoteDropped writes, once the plugin is gone, its unfinished last line and
// how much of its stderr was dropped, if any, and starts counting anew.
func (c *CappedWriter) NoteDropped(label string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.line) > 0 {
		c.emit()
	}
	if c.dropped == 0 {
		return
	}
	fmt.Fprintf(c.w, "\npatchcheck: %s wrote more than %d MiB to stderr: %d bytes of its stderr were dropped\n", label, c.max>>20, c.dropped)
	c.dropped = 0
}
