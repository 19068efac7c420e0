package simulator

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTransportIsInternal keeps this package the contract a plugin author
// reads: how its types become messages and streams lives in internal/rpc,
// so none of its own files touches the messages, protobuf or the stream
// bookkeeping.
func TestTransportIsInternal(t *testing.T) {
	const module = "github.com/patchcheck/patchcheck/plugins/simulator/"
	forbidden := []string{module + "proto", module + "internal/stream", module + "internal/chunk", "google.golang.org/protobuf"}
	paths, _ := filepath.Glob("*.go")
	checked := 0
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					t.Errorf("%s imports %s: the transport belongs in internal/rpc", path, p)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no files of package simulator found")
	}
}
