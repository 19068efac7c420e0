package safetexttest

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// MarkdownPayloads are values that would become markup in a GitHub
// comment or job summary if written raw: links, images, autolinks,
// mentions, issue references, HTML, math, and what ends a table cell or
// row.
var MarkdownPayloads = []string{
	"[click](https://evil.example/x)",
	"![img](https://evil.example/p.png)",
	"<img src=x onerror=alert(1)>",
	"<script>alert(1)</script>",
	"<a href='https://evil.example'>x</a>",
	"https://evil.example/autolink",
	"www.evil.example",
	"mail me: someone@evil.example",
	"@octocat and @org/team",
	"see #1 and owner/repo#2 and GH-3",
	"cell|break",
	"line\nbreak",
	"`code` and ``more``",
	"*em* _em_ ~~del~~ **strong**",
	"$x^2$ math",
	"&lt;entity&gt; &#64;octocat",
	"[ref]: https://evil.example/ref",
	"\\|escaped pipe",
}

// MarkdownPayload joins every Markdown payload into one value.
func MarkdownPayload() string { return strings.Join(MarkdownPayloads, " ") }

// RenderMarkdown renders GitHub Flavored Markdown (tables, autolinks,
// strikethrough) to HTML with goldmark, raw HTML passed through, as a
// stand-in for GitHub's renderer.
func RenderMarkdown(md string) (string, error) {
	gm := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Linkify, extension.Strikethrough),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	var buf bytes.Buffer
	if err := gm.Convert([]byte(md), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

var (
	tagPattern = regexp.MustCompile(`</?([a-zA-Z][a-zA-Z0-9]*)[^>]*>`)
	// allowedTags are the elements patchcheck's own Markdown writes.
	allowedTags = map[string]bool{"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "table": true, "thead": true, "tbody": true,
		"tr": true, "th": true, "td": true, "code": true, "strong": true, "ul": true, "ol": true, "li": true}
	codePattern = regexp.MustCompile(`(?s)<code>.*?</code>`)
	// What GitHub links after rendering, in text outside code: a mention
	// (its pattern: @ then a letter or digit, not after a word
	// character), an issue reference, a URL. Entities are decoded first,
	// as the browser would.
	githubLinks = []*regexp.Regexp{
		regexp.MustCompile(`(?:^|[^\w])@[a-zA-Z0-9]`),
		regexp.MustCompile(`#[0-9]`),
		regexp.MustCompile(`(?i)\bGH-[0-9]`),
		regexp.MustCompile(`(?i)[a-z]+://`),
		regexp.MustCompile(`(?i)\bwww\.`),
	}
)

// CheckMarkdown renders md and returns what a hostile value could have
// done to it: an element patchcheck does not write (a link, an image, raw
// HTML, strikethrough), a table row with more or fewer cells than its
// header, or text GitHub would turn into a mention, an issue reference or
// a link.
func CheckMarkdown(md string) ([]string, error) {
	out, err := RenderMarkdown(md)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, m := range tagPattern.FindAllStringSubmatch(out, -1) {
		if !allowedTags[strings.ToLower(m[1])] {
			problems = append(problems, fmt.Sprintf("element %s", m[0]))
		}
	}
	problems = append(problems, tableRows(md)...)
	text := html.UnescapeString(tagPattern.ReplaceAllString(codePattern.ReplaceAllString(out, " "), " "))
	for _, re := range githubLinks {
		for _, m := range re.FindAllString(text, -1) {
			problems = append(problems, fmt.Sprintf("GitHub would link %q", m))
		}
	}
	return problems, nil
}

// tableRows checks md's tables the way GFM splits them into cells, which a
// renderer hides (it pads a short row and drops extra cells): a table runs
// from its header line to the first blank line, each of its lines is a row,
// and the row's cells are separated by the pipes that no backslash
// escapes, inside code spans too (see pipes). Every row must start with a pipe and
// hold as many as the header.
func tableRows(md string) []string {
	var problems []string
	want := -1 // pipes in the current table's header; -1 outside a table
	for n, line := range strings.Split(md, "\n") {
		switch {
		case line == "":
			want = -1
		case want < 0 && strings.HasPrefix(line, "|"):
			want = pipes(line)
		case want >= 0 && (!strings.HasPrefix(line, "|") || pipes(line) != want):
			problems = append(problems, fmt.Sprintf("line %d is a table row of %d cell separators, want %d: %q", n+1, pipes(line), want, line))
		}
	}
	return problems
}

// pipes counts the pipes of a line that are not escaped: GFM (cmark-gfm,
// goldmark) takes a pipe right after a backslash as part of the cell,
// however many backslashes come before it.
func pipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
			n++
		}
	}
	return n
}
