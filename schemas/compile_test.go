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
