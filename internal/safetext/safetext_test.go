package safetext_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/internal/safetext/safetexttest"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"web-01", "web-01"},
		{`C:\templates\vm.json`, `C:\templates\vm.json`},
		{"café ☕ 東京", "café ☕ 東京"},
		{"a\nb\r\tc", `a\nb\r\tc`},
		{"\x1b[2J\x1b[31mred", `\x1b[2J\x1b[31mred`},
		{"del\x7f c1\u0085\u009b", `del\x7f c1\u0085\u009b`},
		{"line\u2028sep\u2029", `line\u2028sep\u2029`},
		{"admin\u202egnp.exe", `admin\u202egnp.exe`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"x ##vso[task.setvariable variable=a]b", `x #\x23vso[task.setvariable variable=a]b`},
		{"##VSO[task.complete]", `#\x23VSO[task.complete]`},
		{"###vso[", `##\x23vso[`},
		{"##[error]fake", `#\x23[error]fake`},
		{"# one #", "# one #"},
		{"::error::fake", `\x3a:error::fake`},
		{"  \u00a0::warning file=a::x", "  \u00a0\\x3a:warning file=a::x"},
		{"\t::error::x", `\t::error::x`},
		{"a::b", "a::b"},
		{"x\n::error::y", `x\n::error::y`},
	}
	for _, tc := range tests {
		if got := safetext.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLines(t *testing.T) {
	got := safetext.Lines("load a\n::error::b\x1b.yaml\n  ##vso[x]")
	want := "load a\n\\x3a:error::b\\x1b.yaml\n  #\\x23vso[x]"
	if got != want {
		t.Errorf("Lines = %q, want %q", got, want)
	}
}

// TestJSONKeepsValues: the rewritten JSON decodes to the same value and
// holds no '#', no raw control character and no line separator.
func TestJSONKeepsValues(t *testing.T) {
	value := map[string]string{"name": "##vso[task.setvariable variable=x]1 ##[error] #\x7f\u0085\u2028\u202e\x1b\n::error::y", "plain": "web-01"}
	enc, err := json.MarshalIndent(value, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out := safetext.JSON(enc)
	for _, bad := range []string{"#", "\x7f", "\u0085", "\u2028", "\u202e", "\x1b"} {
		if strings.Contains(string(out), bad) {
			t.Errorf("%q left in %s", bad, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if back["name"] != value["name"] || back["plain"] != value["plain"] {
		t.Errorf("value changed: %q", back)
	}
	plain := []byte(`{"a": "b"}`)
	if got := safetext.JSON(plain); &got[0] != &plain[0] {
		t.Error("clean JSON was copied")
	}
}

// TestJSONBytes: byte by byte what JSON changes, around the fast path
// for plain ASCII: the bytes at the edges of the plain range, a plain run
// before and after each rewritten character, and non-ASCII text that
// needs nothing. What needs nothing comes back as the same slice.
func TestJSONBytes(t *testing.T) {
	long := strings.Repeat(`"vm-01": 1,`+"\n  ", 40)
	tests := []struct{ in, want string }{
		{"", ""},
		{" !\"$%~}\n\r\t", " !\"$%~}\n\r\t"},
		{long, long},
		{long + "#", long + `\u0023`},
		{"#" + long, `\u0023` + long},
		{`"a#b#"`, `"a\u0023b\u0023"`},
		{"\x7f", `\u007f`},
		{"\x1f \x00", `\u001f \u0000`},
		{`"café 東京"`, `"café 東京"`},
		{"\"é#\"", `"é\u0023"`},
		{"x\u0085\u2028\u202e" + long, `x\u0085\u2028\u202e` + long},
		{long + "é\u2029", long + `é\u2029`},
		{"bad\xff", "bad\xff"},
	}
	for _, tc := range tests {
		in := []byte(tc.in)
		got := safetext.JSON(in)
		if string(got) != tc.want {
			t.Errorf("JSON(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if tc.in == tc.want && len(in) > 0 && &got[0] != &in[0] {
			t.Errorf("JSON(%q) copied what needs no change", tc.in)
		}
	}
	if got := string(safetext.XML([]byte("<a b=\"&#35;#\">" + long + "#\u0085</a>"))); got != "<a b=\"&#35;&#x23;\">"+long+"&#x23;&#x85;</a>" {
		t.Errorf("XML: %q", got)
	}
}

// BenchmarkJSON scans a clean document, the common case: pretty-printed
// JSON of plain ASCII, which JSON returns as is.
func BenchmarkJSON(b *testing.B) {
	type vm struct {
		Name, Region, Zone, Start string
		Phase, Attempts           int
		Compliant                 bool
	}
	vms := make([]vm, 2000)
	for i := range vms {
		vms[i] = vm{fmt.Sprintf("vm-%07d", i), "westeurope", "2", "2026-12-08T18:00:00Z", i % 3, 1, true}
	}
	doc, err := json.MarshalIndent(vms, "", "  ")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if out := safetext.JSON(doc); len(out) != len(doc) {
			b.Fatal("rewritten")
		}
	}
}

func TestXMLKeepsValues(t *testing.T) {
	type doc struct {
		A string `xml:"a,attr"`
		T string `xml:",chardata"`
	}
	in := doc{A: "##vso[x]\n\"#", T: "##[error] & #\u0085\u202e\t"}
	enc, err := xml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := safetext.XML(enc)
	if strings.Contains(string(out), "##") || strings.ContainsAny(string(out), "\u0085\u202e") {
		t.Errorf("not neutralised: %s", out)
	}
	var back doc
	if err := xml.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if back != in {
		t.Errorf("value changed: %q, want %q", back, in)
	}
}

func TestMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"web_01", `web\_01`},
		{"<img src=x>|[a](b)", `&lt;img src=x&gt;\|\[a\](b)`},
		{"a\nb", `a\\nb`},
		{"@org/team", "@&#8203;org/team"},
		{"a@b.example", "a@&#8203;b.example"},
		{"repo#12", "repo#&#8203;12"},
		{"GH-12 gh-x", "GH&#8203;-12 gh-x"},
		{"https://x.example", "https:&#8203;//x.example"},
		{"WWW.x.example www", "WWW&#8203;.x.example www"},
		{"$x$ ~y~ *z*", `\$x\$ \~y\~ \*z\*`},
		{"&#64;", "&amp;#&#8203;64;"},
		{"café|東京", `café\|東京`},
	}
	for _, tc := range tests {
		if got := safetext.Markdown(tc.in); got != tc.want {
			t.Errorf("Markdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	codes := []struct{ in, want string }{
		{"vm.json:1:2", "`vm.json:1:2`"},
		{"a`b|c", "``a`b\\|c``"},
		{"`x", "`` `x ``"},
	}
	for _, tc := range codes {
		if got := safetext.MarkdownCode(tc.in); got != tc.want {
			t.Errorf("MarkdownCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMarkdownRenders renders each hostile value in a table cell, as text
// and as a code span, with a GFM renderer: no link, image, HTML, mention,
// issue reference or extra cell comes out of it.
func TestMarkdownRenders(t *testing.T) {
	for _, p := range append(safetexttest.MarkdownPayloads, safetexttest.Payloads...) {
		for _, tc := range []struct {
			name   string
			escape func(string) string
		}{{"Markdown", safetext.Markdown}, {"MarkdownCode", safetext.MarkdownCode}} {
			md := "| a | b |\n|---|---|\n| " + tc.escape(p) + " | " + tc.escape(p) + " |\n\n- " + tc.escape(p) + "\n"
			problems, err := safetexttest.CheckMarkdown(md)
			if err != nil {
				t.Fatal(err)
			}
			for _, pr := range problems {
				t.Errorf("%s(%q): %s\n%s", tc.name, p, pr, md)
			}
		}
	}
}

// TestCheckMarkdownFindsMarkup: the checker the other tests rely on sees
// each kind of markup a raw value would make.
func TestCheckMarkdownFindsMarkup(t *testing.T) {
	tests := []struct{ md, want string }{
		{"[x](https://e.example)", "element <a"},
		{"![x](p.png)", "element <img"},
		{"<b>x</b>", "element <b>"},
		{"| a | b |\n|---|---|\n| x | y | z |\n", "line 3 is a table row of 4 cell separators, want 3"},
		{"| a | b |\n|---|---|\n| x |\n", "line 3 is a table row of 2"},
		{"| a | b |\n|---|---|\n| x\ny | z |\n", "line 4 is a table row"},
		{"| a | b |\n|---|---|\n| `x\\|y` | z |\n\nafter | table\n", ""},
		{"hi @octocat", `GitHub would link " @o"`},
		{"fixes #12", `GitHub would link "#1"`},
		{"www.e.example", "GitHub would link"},
		{"`@octocat #1 https://x`", ""},
	}
	for _, tc := range tests {
		problems, err := safetexttest.CheckMarkdown(tc.md)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(problems, "\n")
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("CheckMarkdown(%q) = %q, want %q in it", tc.md, got, tc.want)
		}
	}
}

func TestCSVCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"web-01", "web-01"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", `'\t=1`},
		{"\r=1", `'\r=1`},
		{"a=1", "a=1"},
	}
	for _, tc := range tests {
		if got := safetext.CSVCell(tc.in); got != tc.want {
			t.Errorf("CSVCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
