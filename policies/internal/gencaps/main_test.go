package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCapabilitiesUpToDate: the committed capabilities.json is exactly what
// gencaps writes for the OPA version in go.mod and the current review.
func TestCapabilitiesUpToDate(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "capabilities.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("policies/capabilities.json is stale: run go generate ./policies")
	}
}
