package launch

import (
	"fmt"
	"strings"
	"sync"
	"time"

	hclog "github.com/hashicorp/go-hclog"
)

// TailBuffer keeps the last Max bytes written to it.
type TailBuffer struct {
	mu  sync.Mutex
	Max int
	buf []byte
}

func (t *TailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.Max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *TailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// ExitRecorder takes go-plugin's own log lines about the plugin process
// ending out of the user's stderr: how a crashed plugin ended goes into the
// error instead, and a plugin patchcheck stops itself needs no mention.
type ExitRecorder struct {
	once sync.Once
	done chan struct{}
	how  string // e.g. "exit status 3"; set before done is closed
}

func NewExitRecorder() *ExitRecorder { return &ExitRecorder{done: make(chan struct{})} }

// Exclude is the host logger's hclog Exclude hook (go-plugin v1.8 messages).
func (e *ExitRecorder) Exclude(_ hclog.Level, msg string, args ...interface{}) bool {
	switch msg {
	case "plugin process exited":
		for i := 0; i+1 < len(args); i += 2 {
			if k, _ := args[i].(string); k == "error" {
				e.once.Do(func() {
					e.how = fmt.Sprint(args[i+1])
					close(e.done)
				})
			}
		}
		return true
	case "plugin failed to exit gracefully", "error closing client during Kill":
		return true
	}
	return false
}

// Describe is ": exit status 3" once the plugin's exit is known, waiting up
// to wait for it; "" when it is not.
func (e *ExitRecorder) Describe(wait time.Duration) string {
	select {
	case <-e.done:
		return ": " + e.how
	default:
	}
	if wait <= 0 {
		return ""
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-e.done:
		return ": " + e.how
	case <-t.C:
		return ""
	}
}
