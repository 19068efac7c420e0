package checker

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
)

// TestLinkerReadsOnce: however many links, from however many inputs and
// workers, lead to a file, it is read and parsed once per run: every Load
// returns the same parsed document.
func TestLinkerReadsOnce(t *testing.T) {
	dir := t.TempDir()
	vm := filepath.Join(dir, "nested", "vm.json")
	if err := os.MkdirAll(filepath.Dir(vm), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vm, []byte(`{"resources": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	l := newLinker(DefaultMaxFileSize)
	docs := make([]*jsonpos.Document, 1000)
	var wg sync.WaitGroup
	for i := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each input has its own view; the cache is the run's.
			in := l.linksFor(filepath.Join(dir, "azuredeploy.json"))
			doc, err := in.Load(filepath.Join(dir, "nested", "..", "nested", "vm.json"))
			if err != nil {
				t.Error(err)
			}
			docs[i] = doc
		}()
	}
	wg.Wait()
	for i, d := range docs {
		if d == nil || d != docs[0] {
			t.Fatalf("load %d returned another document: the file was parsed again", i)
		}
	}
	if len(l.files) != 1 {
		t.Errorf("%d cache entries, want 1", len(l.files))
	}
}
