// Package safetext neutralises untrusted text (names and messages from
// templates, fleet files, file names, a simulator's answers) before
// patchcheck prints it, so that the text cannot act on what reads the
// output:
//
//   - a terminal, through control characters (ANSI escape sequences
//     redraw the screen, a carriage return overwrites a line);
//   - a CI runner, through its command syntax: the GitHub Actions runner
//     executes a line that starts with "::" after leading white space
//     (::error …::, ::add-mask::) and, in its legacy form, "##[" anywhere
//     in a line; the Azure Pipelines agent executes "##vso[" anywhere in a
//     line (##vso[task.setvariable …]) and formats "##[error]" and the like.
//
// Text for people shows every such character visibly, as a Go escape
// (\n, \x1b, \u202e), and breaks each command prefix the same way
// (#\x23vso[, \x3a:error); JSON and XML keep the value and only change how
// it is written (\u0023, &#35;).
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// unsafeRune reports whether r is not printed raw: control characters
// (C0, DEL, C1), the Unicode line and paragraph separators, and the
// bidirectional formatting characters that reorder what a reader sees.
func unsafeRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u2028', r == '\u2029':
		return true
	case r == '\u061c', r == '\u200e', r == '\u200f',
		r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// escapeRune writes r as a Go escape.
func escapeRune(b *strings.Builder, r rune) {
	switch r {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		if r < 0x80 {
			fmt.Fprintf(b, `\x%02x`, r)
		} else {
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
}

// commandAt reports whether s[i:] starts a command prefix that may stand
// anywhere in a line: "##vso[" (matched without regard to case, which
// costs nothing and survives a runner that compares case-insensitively)
// or "##[".
func commandAt(s string, i int) bool {
	if i+2 >= len(s) || s[i] != '#' || s[i+1] != '#' {
		return false
	}
	rest := s[i+2:]
	return rest[0] == '[' || len(rest) >= 4 && strings.EqualFold(rest[:4], "vso[")
}

// needsWork reports whether Text would change s.
func needsWork(s string) bool {
	if t := strings.TrimLeftFunc(s, unicode.IsSpace); strings.HasPrefix(t, ":") {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < 0x20 || c == 0x7f || c == '#' && commandAt(s, i):
			return true
		case c < 0x80:
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}

// Text renders s for a line of text meant for people: unsafe characters
// and invalid UTF-8 become Go escapes (\n, \x1b, \xff, \u2028), "##vso["
// and "##[" become "#\x23vso[" and "#\x23[", and a leading ":" (after
// white space) becomes "\x3a", so the value can neither break the line
// nor start or contain a CI command. A backslash is left alone: Windows
// paths stay readable, at the price of a literal "\n" reading like an
// escaped line break.
func Text(s string) string {
	if !needsWork(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	lead := true // only white space so far: a ':' here could start a GitHub command
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			escapeRune(&b, r)
		case r == ':' && lead:
			b.WriteString(`\x3a`)
		case r == '#' && commandAt(s, i):
			b.WriteString(`#\x23`)
			size = 2
		default:
			b.WriteString(s[i : i+size])
		}
		lead = lead && unicode.IsSpace(r) && !unsafeRune(r)
		i += size
	}
	return b.String()
}

// Lines is Text for a message of several lines, such as an error joining
// several errors: line feeds are kept, and every line is neutralised on its
// own (a line may then start with a value, so its leading ':' is escaped).
func Lines(s string) string {
	if !strings.Contains(s, "\n") {
		return Text(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Text(l)
	}
	return strings.Join(lines, "\n")
}

// JSON rewrites encoded JSON so that it holds no command prefix and no raw
// control character, without changing any value: every '#' is written
// \u0023, and DEL, C1 controls, line separators and bidirectional
// formatting characters as \uXXXX. Outside strings JSON has no '#' and no
// non-ASCII byte, so only string contents change; and since JSON strings
// hold no raw line break, no value can start a line. b must be whole JSON
// values (or whole members): valid UTF-8 as encoding/json writes it. b is
// returned as is when nothing needs rewriting.
func JSON(b []byte) []byte {
	return rewrite(b, func(out []byte, r rune, _ byte) []byte {
		return fmt.Appendf(out, `\u%04x`, r)
	})
}

// XML rewrites encoded XML the same way, with character references: a '#'
// that does not follow '&' (one that is not part of a reference the
// encoder wrote) becomes &#35;, and DEL, C1 controls, line separators and
// bidirectional formatting characters become &#xXX;. encoding/xml already
// escapes line breaks and tabs in text and attributes, and replaces the
// C0 controls XML cannot hold.
func XML(b []byte) []byte {
	return rewrite(b, func(out []byte, r rune, prev byte) []byte {
		if r == '#' && prev == '&' {
			return append(out, '#')
		}
		return fmt.Appendf(out, "&#x%X;", r)
	})
}

// plainByte marks the bytes rewrite copies as they are without looking
// further: printable ASCII other than '#', and the line breaks and tabs an
// encoder writes raw only between values (inside strings it escapes them).
// A table, because a document is almost all such bytes and one lookup a
// byte scans it faster than the comparisons do. Built once, only read.
var plainByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c < 0x7f && c != '#' || c == '\n' || c == '\r' || c == '\t'
	}
	return t
}()

// plainRun is the length of the run of plain bytes b starts with. (A
// range loop: the compiler then checks no index against len(b).)
func plainRun(b []byte) int {
	for i, c := range b {
		if !plainByte[c] {
			return i
		}
	}
	return len(b)
}

// firstUnsafe is the offset of the first '#', control character or unsafe
// rune in b, or -1 if there is none.
func firstUnsafe(b []byte) int {
	for i := 0; i < len(b); {
		i += plainRun(b[i:])
		if i == len(b) {
			return -1
		}
		if b[i] < utf8.RuneSelf {
			return i
		}
		r, size := utf8.DecodeRune(b[i:])
		if unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// rewrite copies b, passing '#' and the unsafe runes to escape; it returns
// b itself when there are none.
func rewrite(b []byte, escape func(out []byte, r rune, prev byte) []byte) []byte {
	first := firstUnsafe(b)
	if first < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	out = append(out, b[:first]...)
	for i := first; i < len(b); {
		c := b[i]
		if c < 0x80 {
			var prev byte
			if i > 0 {
				prev = b[i-1]
			}
			if c == '#' || c == 0x7f || c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
				out = escape(out, rune(c), prev)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if unsafeRune(r) {
			out = escape(out, r, 0)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// zwsp is a zero-width space, written as an HTML entity so that the
// Markdown source stays ASCII and readable. Placed after '@' or '#' it
// keeps GitHub from reading a mention (@org/team would notify the team)
// or an issue reference (owner/repo#1 would add a cross-reference to that
// issue); inside "://" and "www." it keeps GFM from making a link. Those
// are found after rendering, in the text, so a backslash cannot stop them.
const zwsp = "&#8203;"

// Markdown is s for a Markdown table cell or line (GitHub Flavored
// Markdown, as pull-request comments and job summaries render it): Text
// first, so line breaks are escapes and the row holds; then
//
//   - \ | ` [ ] * _ ~ $ get a backslash: a | would end the cell,
//     backticks start code, brackets links and images (and footnotes), *,
//     _ and ~ emphasis, $ math;
//   - < > & become entities, so no HTML tag or entity is written;
//   - a zero-width space follows '@' (mentions, e-mail autolinks) and a
//     '#' before a digit (issue references), and splits "://", "www." and
//     "GH-" before a digit, which GitHub turns into links.
//
// GitHub's Markdown takes a backslash before any ASCII punctuation as that
// character, and renders the entity as the character, so the text reads as
// it was but for the invisible spaces.
func Markdown(s string) string {
	s = Text(s)
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '|', '`', '[', ']', '*', '_', '~', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			b.WriteByte(c)
			b.WriteString(zwsp)
		case '#':
			b.WriteByte(c)
			if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				b.WriteString(zwsp)
			}
		case ':':
			b.WriteByte(c)
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteString(zwsp)
			}
		case 'w', 'W':
			b.WriteByte(c)
			if i+3 < len(s) && strings.EqualFold(s[i:i+4], "www.") {
				b.WriteString(s[i+1 : i+3])
				b.WriteString(zwsp)
				i += 2
			}
		case '-':
			if i >= 2 && strings.EqualFold(s[i-2:i], "gh") && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				b.WriteString(zwsp)
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// MarkdownCode is s as a Markdown code span in a table cell: Text, with
// a fence longer than any run of backticks in it, and | escaped (GitHub
// splits table cells before it reads code spans).
func MarkdownCode(s string) string {
	s = Text(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + strings.ReplaceAll(s, "|", `\|`) + fence
}

// CSVCell is s for a cell of a CSV file opened in a spreadsheet: Text, and
// a single quote before a cell that starts with =, +, -, @, a tab or a
// carriage return, which Excel, LibreOffice and Google Sheets would
// evaluate as a formula (OWASP, CSV injection). Only for cells of text:
// a number written by patchcheck (-1) stays a number.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + Text(s)
	}
	return Text(s)
}
