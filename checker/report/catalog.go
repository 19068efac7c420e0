package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// CatalogFormats are the formats WriteCatalog writes.
var CatalogFormats = []string{"text", "json", "markdown"}

// WriteCatalog writes the rule catalog of a profile in one of
// CatalogFormats. Rules may come from a user's --policy folder, which a
// pull request can change, so their text is neutralised like any input's:
// no terminal or CI command in text, no markup in Markdown (the built-in
// rules' backticks are escaped too, rather than trusting rules by origin).
func WriteCatalog(w io.Writer, format string, p Profile, rules []model.Rule) error {
	bw := bufio.NewWriter(w)
	switch format {
	case "json":
		b, err := json.MarshalIndent(struct {
			Profile Profile      `json:"profile"`
			Rules   []model.Rule `json:"rules"`
		}{p, rules}, "", "  ")
		if err != nil {
			return err
		}
		bw.Write(safetext.JSON(b))
		bw.WriteByte('\n')
	case "markdown":
		catalogMarkdown(bw, p, rules)
	case "text":
		if err := catalogText(bw, p, rules); err != nil {
			return err
		}
	default:
		return fmt.Errorf("--format %q: want %s", format, strings.Join(CatalogFormats, ", "))
	}
	return bw.Flush()
}

func catalogText(w io.Writer, p Profile, rules []model.Rule) error {
	fmt.Fprintf(w, "profile %s: %s\n\n", safetext.Text(p.Name), safetext.Text(p.Title))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", safetext.Text(r.ID), r.Severity, safetext.Text(r.Title))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, r := range rules {
		fmt.Fprintf(w, "%s  %s\n    %s\n    fix: %s\n\n", safetext.Text(r.ID), safetext.Text(r.Title),
			strings.ReplaceAll(safetext.Lines(r.Description), "\n", "\n    "), safetext.Text(r.Remediation))
	}
	return nil
}

func catalogMarkdown(w io.Writer, p Profile, rules []model.Rule) {
	fmt.Fprintf(w, "# patchcheck rules\n\nProfile %s: %s\n\n| ID | Severity | Title |\n|---|---|---|\n", safetext.MarkdownCode(p.Name), safetext.Markdown(p.Title))
	for _, r := range rules {
		fmt.Fprintf(w, "| [%s](#%s) | %s | %s |\n", safetext.Markdown(r.ID), anchor(r.ID), r.Severity, safetext.Markdown(r.Title))
	}
	for _, r := range rules {
		desc := strings.Split(safetext.Lines(r.Description), "\n")
		for i := range desc {
			desc[i] = safetext.Markdown(desc[i])
		}
		fmt.Fprintf(w, "\n## %s\n\n**%s** (%s, package %s)\n\n%s\n\n**Fix:** %s\n", safetext.Markdown(r.ID), safetext.Markdown(r.Title), r.Severity,
			safetext.MarkdownCode(r.Package), strings.Join(desc, "\n"), safetext.Markdown(r.Remediation))
	}
}

// anchor is the fragment GitHub gives the heading "## id": lower case,
// letters, digits, - and _ kept, the rest dropped.
func anchor(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
