package simulator

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/patchcheck/patchcheck/internal/safetext"
)

// MaxPluginStderr is how much of what a plugin writes to stderr (its log
// lines, warnings, errors and panics) patchcheck passes on to its own
// stderr; the rest is counted and dropped, so a plugin cannot flood a CI
// log or the disk it is written to.
const MaxPluginStderr = 1 << 20

// maxStderrLine is the longest line held back whole for neutralising; a
// longer one is passed on in pieces of this size, each neutralised.
const maxStderrLine = 4 << 10

// cappedWriter passes the first max bytes written to it to w and counts the
// rest. It never fails a write: go-plugin must keep draining the plugin's
// stderr, or the plugin blocks on a full pipe. A plugin is not trusted, so
// what it writes is passed on line by line through safetext.Text: a line
// cannot redraw the terminal or run a CI command (##vso[…], ::error::).
type cappedWriter struct {
	mu      sync.Mutex
	w       io.Writer
	left    int64
	dropped int64
	line    []byte // the unfinished line
}

func newCappedWriter(w io.Writer, max int64) *cappedWriter {
	return &cappedWriter{w: w, left: max}
}

func (c *cappedWriter) Write(p []byte) (int, error) {
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
func (c *cappedWriter) emit() {
	_, _ = io.WriteString(c.w, safetext.Text(string(c.line))+"\n")
	c.line = c.line[:0]
}

// noteDropped writes, once the plugin is gone, its unfinished last line and
// how much of its stderr was dropped, if any, and starts counting anew.
func (c *cappedWriter) noteDropped(label string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.line) > 0 {
		c.emit()
	}
	if c.dropped == 0 {
		return
	}
	fmt.Fprintf(c.w, "\npatchcheck: %s wrote more than %d MiB to stderr: %d bytes of its stderr were dropped\n", label, MaxPluginStderr>>20, c.dropped)
	c.dropped = 0
}
