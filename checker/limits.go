package checker

import (
	"bytes"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/saferead"
)

// Inputs come from pull requests, so every read is bounded: only regular
// files are opened (a FIFO would block the open, a device would never end),
// and no input is read past a size cap.
const (
	// DefaultMaxFileSize is the size cap when Options.MaxFileSize is 0:
	// far above real templates, low enough that a template at the cap
	// fits in memory (docs/performance.md gives the figure).
	DefaultMaxFileSize = 64 << 20
	// DefaultBicepTimeout bounds one `bicep build` when
	// Options.BicepTimeout is 0.
	DefaultBicepTimeout = 2 * time.Minute
)

// Bounds on what a message quotes, so a huge template value is not copied
// into every finding and every output format.
const (
	maxQuoted  = model.MaxQuoted // characters of one template value in a message
	maxMessage = 8 << 10         // bytes of a whole message, whatever it quotes
)

// TooLargeError is an input above the size cap.
type TooLargeError = saferead.TooLargeError

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file (a FIFO, a device, a socket, a folder).
var ErrNotRegular = saferead.ErrNotRegular

func tooLarge(name string, limit int64) error { return &TooLargeError{Name: name, Limit: limit} }

// The readers below are internal/saferead's, under the names this package
// has always used.
func checkRegular(path string) error                    { return saferead.Check(path) }
func openRegular(path string) (*os.File, error)         { return saferead.Open(path) }
func readFile(path string, limit int64) ([]byte, error) { return saferead.File(path, limit) }
func readRegular(buf *bytes.Buffer, path string, limit int64) error {
	return saferead.ReadInto(buf, path, limit)
}
func readLimited(buf *bytes.Buffer, r io.Reader, name string, limit int64) error {
	return saferead.Limited(buf, r, name, limit)
}

// cappedBuffer collects a command's output up to limit bytes and drops the
// rest, remembering that it did.
type cappedBuffer struct {
	buf   bytes.Buffer
	limit int64
	over  bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.limit - int64(c.buf.Len()); int64(len(p)) > room {
		c.over = true
		if room > 0 {
			c.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}

// clip shortens s to maxQuoted characters, marking the cut with "…".
func clip(s string) string { return model.Clip(s) }

// clipMessage bounds a whole message whose sources are not known (an
// error, a related place), keeping its start.
func clipMessage(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	return model.ClipTo(strings.ToValidUTF8(s[:maxMessage], ""), maxMessage)
}

// clipFindings shortens, in the findings' messages, every template string
// (value or key) longer than maxQuoted, as written or as %q quotes it:
// messages are built by the Rego rules, the schema stage and user
// policies, which quote values freely, and this is the one place they all
// pass. The document is searched for long strings only when a message is
// long enough to hold one.
//
// docs are the files the findings are in, by name: the input and the
// templates it links to; each finding is clipped with the strings of its
// own file.
func clipFindings(docs map[string]*jsonpos.Document, findings []model.Finding) {
	clippers := map[string]*clipper{}
	for i := range findings {
		c := clippers[findings[i].File]
		if c == nil {
			c = &clipper{doc: docs[findings[i].File]}
			clippers[findings[i].File] = c
		}
		findings[i].Message = c.message(findings[i].Message)
		for j := range findings[i].Related {
			findings[i].Related[j].Message = c.message(findings[i].Related[j].Message)
		}
	}
}

// clipPrefix is how much of a long string indexes it: enough to tell
// strings apart, short enough to look up at every position of a message.
const clipPrefix = 32

type clipper struct {
	doc   *jsonpos.Document
	built bool
	// byPrefix holds the long strings of doc (and their %q and trimmed
	// forms) by their first clipPrefix bytes, longest first.
	byPrefix map[string][]string
}

func (c *clipper) message(msg string) string {
	if len(msg) > maxQuoted {
		if !c.built {
			c.byPrefix, c.built = longStrings(c.doc), true
		}
		if len(c.byPrefix) > 0 {
			msg = c.replace(msg)
		}
		msg = clipWords(msg)
	}
	return clipMessage(msg)
}

// clipWords clips every run of more than maxQuoted characters without a
// space, keeping its closing punctuation: a value derived from the
// template rather than copied from it (a parameter name inside an
// expression, a concatenation) is not in the document to be found.
func clipWords(msg string) string {
	var b strings.Builder
	last, start := 0, -1
	flush := func(end int) {
		word := msg[start:end]
		// The margin leaves alone a value clipped already, with its
		// quotes and "…".
		if len(word) <= maxQuoted+8 || utf8.RuneCountInString(word) <= maxQuoted+8 {
			return
		}
		tail := len(word)
		for tail > len(word)-4 && strings.IndexByte(`"')]},.;:?`, word[tail-1]) >= 0 {
			tail--
		}
		b.WriteString(msg[last:start])
		b.WriteString(clip(word[:tail]))
		b.WriteString(word[tail:])
		last = end
	}
	for i := 0; i < len(msg); i++ {
		switch c := msg[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if start >= 0 {
				flush(i)
				start = -1
			}
		case start < 0:
			start = i
		}
	}
	if start >= 0 {
		flush(len(msg))
	}
	if last == 0 {
		return msg
	}
	b.WriteString(msg[last:])
	return b.String()
}

// replace clips every long template string found in msg, scanning it once.
func (c *clipper) replace(msg string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+clipPrefix <= len(msg); {
		n := 0
		for _, s := range c.byPrefix[msg[i:i+clipPrefix]] {
			if strings.HasPrefix(msg[i:], s) {
				n = len(s)
				b.WriteString(msg[last:i])
				b.WriteString(clip(s))
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		i += n
		last = i
	}
	if last == 0 {
		return msg
	}
	b.WriteString(msg[last:])
	return b.String()
}

// longStrings indexes the strings and keys of doc longer than maxQuoted,
// as written, trimmed (as expressions are quoted) and as %q writes them.
func longStrings(doc *jsonpos.Document) map[string][]string {
	if doc == nil || doc.Root == nil {
		return nil
	}
	seen := map[string]bool{}
	add := func(s string) {
		if len(s) <= maxQuoted {
			return
		}
		seen[s] = true
		if t := strings.TrimSpace(s); len(t) > maxQuoted {
			seen[t] = true
		}
		if needsQuoting(s) {
			seen[quoted(s)] = true
		}
	}
	var walk func(v *jsonpos.Value)
	walk = func(v *jsonpos.Value) {
		switch v.Kind {
		case jsonpos.String:
			add(v.Str)
		case jsonpos.Array:
			for _, item := range v.Items {
				walk(item)
			}
		case jsonpos.Object:
			for _, m := range v.Members {
				add(m.Key)
				walk(m.Value)
			}
		}
	}
	walk(doc.Root)
	if len(seen) == 0 {
		return nil
	}
	out := map[string][]string{}
	for s := range seen {
		out[s[:clipPrefix]] = append(out[s[:clipPrefix]], s)
	}
	for _, list := range out {
		// Longest first: a string that contains another is clipped whole.
		sort.Slice(list, func(i, j int) bool {
			if len(list[i]) != len(list[j]) {
				return len(list[i]) > len(list[j])
			}
			return list[i] < list[j]
		})
	}
	return out
}

// needsQuoting reports whether %q writes s differently, so that the
// quoted copy of a huge string is made only when it differs.
func needsQuoting(s string) bool {
	for _, r := range s {
		if r == '"' || r == '\\' || r == utf8.RuneError || !strconv.IsPrint(r) {
			return true
		}
	}
	return false
}

// quoted is s as %q writes it, without the quotes.
func quoted(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// clipValue clips a value quoted with %v when it is a string.
func clipValue(v any) any {
	if s, ok := v.(string); ok {
		return clip(s)
	}
	return v
}
