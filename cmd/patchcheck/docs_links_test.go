package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestDocsLinks: every relative link of README.md, CONTRIBUTING.md and
// docs/*.md leads to a file of the repository, and every #anchor to a
// heading of the page it names, as GitHub renders them. A page moved or a
// heading renamed breaks the links to it here rather than for a reader.
// Links inside code (fenced blocks, `spans`) are not links and are left
// alone; a fence left open would hide every link after it, so it fails.
func TestDocsLinks(t *testing.T) {
	root := filepath.Join("..", "..")
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, filepath.Join(root, "README.md"), filepath.Join(root, "CONTRIBUTING.md"))

	docs := map[string]*mdPage{} // by cleaned path
	read := func(path string) (*mdPage, error) {
		path = filepath.Clean(path)
		if p, ok := docs[path]; ok {
			return p, nil
		}
		p, err := readMarkdown(path)
		if err != nil {
			return nil, err
		}
		docs[path] = p
		return p, nil
	}

	links := 0
	for _, page := range pages {
		p, err := read(page)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, page)
		if p.openFence > 0 {
			t.Errorf("%s:%d: a code fence is opened here and never closed: the rest of the page renders as code", rel, p.openFence)
		}
		for _, l := range p.links {
			target := l.target
			if isExternal(target) {
				continue
			}
			links++
			file, anchor, _ := strings.Cut(target, "#")
			dest := page
			if file != "" {
				dest = filepath.Join(filepath.Dir(page), filepath.FromSlash(file))
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("%s:%d: link %q: %s does not exist", rel, l.line, target, file)
					continue
				}
			}
			if anchor == "" || !strings.HasSuffix(dest, ".md") {
				continue // a folder, a source file, or a page as a whole
			}
			d, err := read(dest)
			if err != nil {
				t.Errorf("%s:%d: link %q: %v", rel, l.line, target, err)
				continue
			}
			if !d.anchors[anchor] {
				t.Errorf("%s:%d: link %q: %s has no heading whose anchor is #%s", rel, l.line, target, filepath.Base(dest), anchor)
			}
		}
	}
	if links == 0 {
		t.Fatal("no relative links found: is the test reading the right folder?")
	}
}

// TestDocsLinksAnchors: headings become anchors by GitHub's rules.
func TestDocsLinksAnchors(t *testing.T) {
	for heading, want := range map[string]string{
		"Fleet files":                              "fleet-files",
		"The model: facts and assumptions":         "the-model-facts-and-assumptions",
		"`regions`: regions the table lacks":       "regions-regions-the-table-lacks",
		"Your own rules (`--policy DIR`)":          "your-own-rules---policy-dir",
		"`patchcheck fleet init TEMPLATES...`":     "patchcheck-fleet-init-templates",
		"Forecast: `patchcheck simulate`":          "forecast-patchcheck-simulate",
		"Inputs: what is read, and the limits":     "inputs-what-is-read-and-the-limits",
		"A [linked](x.md) page_name":               "a-linked-page_name",
		"Reading a fleet (2026-12-04)":             "reading-a-fleet-2026-12-04",
		"Lint speed after issue 12 (partial eval)": "lint-speed-after-issue-12-partial-eval",
	} {
		if got := githubAnchor(heading); got != want {
			t.Errorf("githubAnchor(%q) = %q, want %q", heading, got, want)
		}
	}
	p := &mdPage{anchors: map[string]bool{}}
	for _, h := range []string{"Tests", "Tests", "Tests"} {
		p.addHeading(h)
	}
	for _, a := range []string{"tests", "tests-1", "tests-2"} {
		if !p.anchors[a] {
			t.Errorf("repeated headings: no anchor %q in %v", a, p.anchors)
		}
	}
}

type mdLink struct {
	line   int
	target string
}

type mdPage struct {
	links     []mdLink
	anchors   map[string]bool
	seen      map[string]int // anchor -> how many headings gave it
	openFence int            // line of a fence never closed, 0 when none
}

var (
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	linkTarget = regexp.MustCompile(`\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	mdLinkText = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	htmlAnchor = regexp.MustCompile(`<a\s+(?:name|id)="([^"]+)"`)
)

// readMarkdown collects a page's links outside code and the anchors of its
// headings.
func readMarkdown(path string) (*mdPage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p := &mdPage{anchors: map[string]bool{}, seen: map[string]int{}}
	var fence string // the opening fence while inside a fenced block
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " \t")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]+" \t") == "" {
				fence, p.openFence = "", 0
			}
			continue
		}
		if f := fenceOf(trimmed); f != "" {
			fence, p.openFence = f, n
			continue
		}
		text := withoutCodeSpans(line)
		if m := atxHeading.FindStringSubmatch(text); m != nil {
			// The heading's text as written, code spans included: GitHub
			// makes the anchor from the rendered text.
			h := atxHeading.FindStringSubmatch(line)
			p.addHeading(h[2])
		}
		for _, m := range htmlAnchor.FindAllStringSubmatch(text, -1) {
			p.anchors[m[1]] = true
		}
		for _, m := range linkTarget.FindAllStringSubmatch(text, -1) {
			p.links = append(p.links, mdLink{line: n, target: m[1]})
		}
	}
	return p, sc.Err()
}

// addHeading records a heading's anchor; GitHub numbers repeats -1, -2, ….
func (p *mdPage) addHeading(text string) {
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	a := githubAnchor(text)
	if k := p.seen[a]; k > 0 {
		p.anchors[fmt.Sprintf("%s-%d", a, k)] = true
	} else {
		p.anchors[a] = true
	}
	p.seen[a]++
}

// githubAnchor is the anchor GitHub gives a heading: the rendered text in
// lower case, each space a '-', and every other character but letters,
// digits, '-' and '_' dropped.
func githubAnchor(heading string) string {
	text := mdLinkText.ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fenceOf returns the fence a line opens (``` or ~~~, at least three), or "".
func fenceOf(trimmed string) string {
	for _, c := range []string{"`", "~"} {
		n := len(trimmed) - len(strings.TrimLeft(trimmed, c))
		if n >= 3 {
			return strings.Repeat(c, n)
		}
	}
	return ""
}

// withoutCodeSpans blanks `code spans` (any number of backticks), whose
// brackets and parentheses are text, not links.
func withoutCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		j := i
		for j < len(line) && line[j] == '`' {
			j++
		}
		run := line[i:j]
		end := strings.Index(line[j:], run)
		if end < 0 {
			b.WriteString(line[i:]) // an unmatched run is literal
			break
		}
		b.WriteString(strings.Repeat(" ", j-i+end+len(run)))
		i = j + end + len(run)
	}
	return b.String()
}

func isExternal(target string) bool {
	for _, scheme := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(target, scheme) {
			return true
		}
	}
	return false
}
