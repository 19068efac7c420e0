package simulator

import (
	"fmt"
	"io"
	"sync"
)

// MaxPluginStderr is how much of what a plugin writes to stderr (its log
// lines, warnings, errors and panics) patchcheck passes on to its own
// stderr; the rest is counted and dropped, so a plugin cannot flood a CI
// log or the disk it is written to.
const MaxPluginStderr = 1 << 20

// cappedWriter passes the first max bytes written to it to w and counts the
// rest. It never fails a write: go-plugin must keep draining the plugin's
// stderr, or the plugin blocks on a full pipe.
type cappedWriter struct {
	mu      sync.Mutex
	w       io.Writer
	left    int64
	dropped int64
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
	if len(keep) > 0 {
		_, _ = c.w.Write(keep)
	}
	return len(p), nil
}

// noteDropped writes, once the plugin is gone, how much of its stderr was
// dropped, if any, and starts counting anew.
func (c *cappedWriter) noteDropped(label string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropped == 0 {
		return
	}
	fmt.Fprintf(c.w, "\npatchcheck: %s wrote more than %d MiB to stderr: %d bytes of its stderr were dropped\n", label, MaxPluginStderr>>20, c.dropped)
	c.dropped = 0
}
