package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// textFormat is for people at a terminal: one line per finding in the
// file:line:col form editors and terminals turn into links, the fix under
// it, and a summary that accounts for every input. Every value that comes
// from an input (paths, names, messages quoting template values) is passed
// through safetext.Text: it is printed to terminals and CI logs.
type textFormat struct{ color, quiet bool }

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (t textFormat) paint(code, s string) string {
	if !t.color {
		return s
	}
	return code + s + ansiReset
}

func (t textFormat) severity(s model.Severity) string {
	label := fmt.Sprintf("%-7s", strings.ToUpper(string(s)))
	switch s {
	case model.Error:
		return t.paint(ansiRed+ansiBold, label)
	case model.Warning:
		return t.paint(ansiYellow, label)
	}
	return t.paint(ansiCyan, label)
}

func (t textFormat) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	text := safetext.Text
	fmt.Fprintf(bw, "%s %s · profile %s (%s) · configuration %s\n\n", r.Tool, text(r.Version), text(r.Profile.Name), text(r.Profile.Title), text(configName(r.Config)))
	for _, f := range r.Files {
		path := text(f.Path)
		switch f.Status {
		case Errored:
			fmt.Fprintf(bw, "%s  %s  %s\n", f.Error.In(path), t.paint(ansiRed+ansiBold, "ERROR  "), text(f.Error.Message))
		case Skipped:
			fmt.Fprintf(bw, "%s  %s  %s\n", path, t.paint(ansiDim, "SKIPPED"), text(f.Reason))
		case Checked:
			if len(f.Findings) == 0 && !t.quiet {
				fmt.Fprintf(bw, "%s  %s  %d %s checked%s%s%s%s\n", path, t.paint(ansiDim, "OK     "), f.VMs, plural(f.VMs, "VM", "VMs"), noProfile(f.NoProfile), withParams(f), withLinked(f), note(f.Reason))
			}
		}
		for _, x := range f.Findings {
			if x.Suppression != nil {
				continue // counted in the summary; listed in json and sarif
			}
			fmt.Fprintf(bw, "%s  %s  %s  %s\n", textAt(f.findingAt(x)), t.severity(x.Severity), text(x.RuleID), text(x.Message))
			fmt.Fprintf(bw, "    %s %s (%s)\n", t.paint(ansiDim, "resource:"), text(x.Resource), text(x.ResourceType))
			for _, v := range x.Via {
				fmt.Fprintf(bw, "    %s %s %s\n", t.paint(ansiDim, "via:"), textAt(v.Position), text(v.Message))
			}
			for _, r := range x.Related {
				fmt.Fprintf(bw, "    %s %s %s\n", t.paint(ansiDim, "value from:"), textAt(r.Position), text(r.Message))
			}
			fmt.Fprintf(bw, "    %s %s\n", t.paint(ansiDim, "fix:"), text(x.Remediation))
		}
	}
	s := r.Summarize()
	if s.Errors+s.Warnings+s.Infos+s.Errored+s.Skipped > 0 {
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "%d %s: %d checked (%d with findings), %d skipped, %d errored · %d %s%s · %d %s: %d %s, %d %s, %d info\n",
		s.Files, plural(s.Files, "file", "files"), s.Checked, s.WithFindings, s.Skipped, s.Errored, s.VMs, plural(s.VMs, "VM", "VMs"), noProfile(s.NoProfile),
		s.Errors+s.Warnings+s.Infos, plural(s.Errors+s.Warnings+s.Infos, "finding", "findings"),
		s.Errors, plural(s.Errors, "error", "errors"), s.Warnings, plural(s.Warnings, "warning", "warnings"), s.Infos)
	if s.Suppressed > 0 {
		fmt.Fprintf(bw, "%d %s suppressed by waivers (see --format json or sarif)\n", s.Suppressed, plural(s.Suppressed, "finding", "findings"))
	}
	if r.Shard != nil {
		// The other shards' files are not listed one by one.
		fmt.Fprintf(bw, "%s (the other shards check the rest)\n", r.Shard)
	}
	return bw.Flush()
}

// textAt is p with its file name made safe for a terminal; the numbers
// and the colons between them need no escaping.
func textAt(p model.Position) model.Position {
	p.File = safetext.Text(p.File)
	return p
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// noProfile mentions the scale sets that define no VM, so a file with
// nothing checked does not look skipped.
func noProfile(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d %s without a VM profile", n, plural(n, "scale set", "scale sets"))
}

func withParams(f File) string { return namesAfter(" with ", f.Parameters) }

// withLinked names the linked templates a file's deployments led to.
func withLinked(f File) string { return namesAfter(", following links to ", f.Linked) }

// namesAfter is prefix and the file names, neutralised, or "" for none.
func namesAfter(prefix string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	safe := make([]string, len(names))
	for i, n := range names {
		safe[i] = safetext.Text(n)
	}
	return prefix + strings.Join(safe, ", ")
}

func note(reason string) string {
	if reason == "" {
		return ""
	}
	return " (" + safetext.Text(reason) + ")"
}

// configName is the configuration file for people: its path, or "none".
func configName(path string) string {
	if path == "" {
		return "none"
	}
	return path
}
