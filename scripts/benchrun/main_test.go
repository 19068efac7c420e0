package main

import (
	"encoding/json"
	"testing"
)

func TestStripComments(t *testing.T) {
	tests := []struct {
		in, want string
		found    bool
	}{
		{`{"a": 1}`, `{"a": 1}`, false},
		{`{"u": "https://x/y"}`, `{"u": "https://x/y"}`, false},
		{`{"p": "/* no */", "q": "a\"//b"}`, `{"p": "/* no */", "q": "a\"//b"}`, false},
		{"{\"a\": 1 // one \"x\"\n}", "{\"a\": 1           \n}", true},
		{"{\"a\": 1 // cr\r\n}", "{\"a\": 1      \r\n}", true},
		{"/* a\n * b */{\"a\": 1}", "    \n       {\"a\": 1}", true},
		{`{"a": /* x */ 2}`, `{"a":         2}`, true},
		{"{} //", "{}   ", true},
		{"{} /", "{} /", false},
	}
	for _, tc := range tests {
		b := []byte(tc.in)
		found := stripComments(b)
		if string(b) != tc.want || found != tc.found {
			t.Errorf("stripComments(%q) = %q, %v; want %q, %v", tc.in, b, found, tc.want, tc.found)
		}
		if len(b) != len(tc.in) {
			t.Errorf("stripComments(%q) changed the length", tc.in)
		}
	}
	b := []byte("{\n  // c\n  \"x\": [1, 2] /* d */\n}")
	stripComments(b)
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("stripped document does not parse: %v", err)
	}
}
