// Package safetexttest reads output the way CI runners and terminals do, for
// tests that feed hostile text through patchcheck's outputs.
package safetexttest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Payloads are names and messages that would act on a CI runner or a
// terminal if printed raw: a line break before a command, a carriage
// return, ANSI escapes, a value that starts a line with "::" (after white
// space), the legacy "##[" form, Unicode line separators and the C1 NEL.
var Payloads = []string{
	"vm\n##vso[task.setvariable variable=PWNED]1",
	"vm\n::error file=x.json::forged",
	"::warning::starts a line",
	"  \u00a0::add-mask::indented",
	"vm\r::notice::carriage return",
	"vm\x1b[2J\x1b]0;title\x07\x1b[31mred",
	"##[error]legacy command",
	"a##VSO[task.complete result=Failed]b",
	"vm\u2028::error::line separator\u2029",
	"vm\u0085::error::nel\u009b2J",
	"admin\u202egnp.exe",
	"bad\xffutf8",
	":",
	":error::joined with the value before",
}

// Payload joins every payload into one value, for fields that take one.
func Payload() string { return strings.Join(Payloads, " | ") }

// githubCommand is the Actions runner's grammar for a workflow command,
// matched after leading white space is trimmed from the line.
var githubCommand = regexp.MustCompile(`^::(\w+)( [^:]*)?::`)

// Commands is what a runner would take from output.
type Commands struct {
	GitHub []string // lines the GitHub runner runs as workflow commands
	Azure  []string // lines holding "##vso[" (the Azure Pipelines agent looks anywhere in a line)
	Legacy []string // lines holding "##[" (legacy GitHub command, Azure formatting command)
	Raw    []string // a raw character that is neither printable nor allowed, with its line
}

// Scan splits out into lines on \n (a \r, being refused, cannot hide a
// line) and reports every command and raw control character. allowed
// lists the control characters the format may hold raw besides \n.
func Scan(out []byte, allowed string) Commands {
	var c Commands
	for n, line := range strings.Split(string(out), "\n") {
		where := fmt.Sprintf("line %d: %q", n+1, line)
		if githubCommand.MatchString(strings.TrimLeftFunc(line, unicode.IsSpace)) {
			c.GitHub = append(c.GitHub, line)
		}
		lower := strings.ToLower(line)
		for range strings.Count(lower, "##vso[") {
			c.Azure = append(c.Azure, line)
		}
		if strings.Contains(line, "##[") {
			c.Legacy = append(c.Legacy, line)
		}
		for i := 0; i < len(line); {
			r, size := utf8.DecodeRuneInString(line[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				c.Raw = append(c.Raw, fmt.Sprintf("invalid UTF-8 byte %#x at %s", line[i], where))
			case strings.ContainsRune(allowed, r):
			case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069':
				c.Raw = append(c.Raw, fmt.Sprintf("%U at %s", r, where))
			}
			i += size
		}
	}
	return c
}
