package schemas

import (
	"slices"
	"testing"
)

func TestUnknownKeys(t *testing.T) {
	node := map[string]any{"properties": map[string]any{"name": true, "region": true}}
	tests := []struct {
		value   any
		unknown []string
	}{
		{map[string]any{"name": 1, "regoin": 2, "Zone": 3}, []string{"Zone", "regoin"}},
		{map[string]any{"name": 1}, nil},
		{"not an object", nil},
	}
	for _, tc := range tests {
		unknown, known := UnknownKeys(node, tc.value)
		if !slices.Equal(unknown, tc.unknown) {
			t.Errorf("UnknownKeys(%v) unknown = %v, want %v", tc.value, unknown, tc.unknown)
		}
		if !slices.Equal(known, []string{"name", "region"}) {
			t.Errorf("UnknownKeys(%v) known = %v, want [name region]", tc.value, known)
		}
	}
}

func TestEscapePointerRoundTrip(t *testing.T) {
	for _, key := range []string{"plain", "a/b", "~tilde", "~1 literal", "", "x~/y"} {
		got := SplitPointer("/" + EscapePointer(key))
		if len(got) != 1 || got[0] != key {
			t.Errorf("SplitPointer(/EscapePointer(%q)) = %q", key, got)
		}
	}
	if got := EscapePointer("a/~b"); got != "a~1~0b" {
		t.Errorf("EscapePointer(a/~b) = %q, want a~1~0b", got)
	}
}
