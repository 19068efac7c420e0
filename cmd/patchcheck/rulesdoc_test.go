package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesDocIsCurrent keeps docs/rules.md what `patchcheck rules
// --format markdown` prints: a rule's METADATA is its one source, and a
// changed title, description or fix must reach the docs in the same
// commit. Rewrite it with: go test ./cmd/patchcheck -run RulesDoc -update
func TestRulesDocIsCurrent(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"rules", "--format", "markdown"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	doc := filepath.Join("..", "..", "docs", "rules.md")
	if *update {
		if err := os.WriteFile(doc, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(doc)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/patchcheck -run RulesDoc -update)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("%s is stale: rerun go test ./cmd/patchcheck -run RulesDoc -update", doc)
	}
	if !strings.Contains(out.String(), "## PC001") {
		t.Errorf("the catalog lacks PC001:\n%s", out.String())
	}
}
