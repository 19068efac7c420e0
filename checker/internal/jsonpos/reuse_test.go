package jsonpos

import (
	"reflect"
	"testing"
)

// TestParserReuse parses documents of different shapes with one Parser and
// checks each against a fresh parse: no value may leak from the previous one.
func TestParserReuse(t *testing.T) {
	docs := []string{
		`{"a": [1, 2, {"b": true}], "c": "x"}`,
		`[{"k": null}, "s", 3]`,
		`{"big": [` + repeat(`{"x": [1, 2], "y": "z"},`, 300) + `{}]}`,
		`"scalar"`,
		`{"a": {}}`,
	}
	var p Parser
	var keep []string
	for round := range 2 {
		for _, src := range docs {
			got, err := p.Parse("r.json", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			want, err := Parse("f.json", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Root.Interface(), want.Root.Interface()) {
				t.Fatalf("round %d: reused parser gave %v, want %v", round, got.Root.Interface(), want.Root.Interface())
			}
			if got.Root.Kind == String {
				keep = append(keep, got.Root.Str)
			}
		}
	}
	for _, s := range keep {
		if s != "scalar" {
			t.Fatalf("a string taken from an earlier document changed: %q", s)
		}
	}
	if _, err := p.Parse("bad.json", []byte(`{"a": }`)); err == nil {
		t.Fatal("want a syntax error")
	}
	if d, err := p.Parse("ok.json", []byte(`{"after": "error"}`)); err != nil || d.Root.Get("after").Str != "error" {
		t.Fatalf("parser unusable after an error: %v", err)
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
