package regions

import (
	"slices"
	"testing"
)

func TestConflictsAreSymmetricAndIncludeOneWayPairs(t *testing.T) {
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	c := tab.Conflicts()
	for a, bs := range c {
		for _, b := range bs {
			if !slices.Contains(c[b], a) {
				t.Errorf("%s conflicts with %s but not the reverse", a, b)
			}
		}
	}
	// westus3 -> eastus is one-way in the table; eastus must conflict with both.
	if !slices.Contains(c["eastus"], "westus") || !slices.Contains(c["eastus"], "westus3") {
		t.Errorf("eastus conflicts %v, want westus and westus3", c["eastus"])
	}
}
