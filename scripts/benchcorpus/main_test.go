package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stripForTest removes // and /* */ comments outside strings.
func stripForTest(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			j := i + 1
			for ; j < len(b) && b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
				}
			}
			out = append(out, b[i:j+1]...)
			i = j
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			i--
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			end := bytes.Index(b[i+2:], []byte("*/"))
			i += 2 + end + 1
		default:
			out = append(out, c)
		}
	}
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	for i := 0; i < 40; i++ {
		a, b := generate(7, i), generate(7, i)
		if a.rel != b.rel || !bytes.Equal(a.data, b.data) {
			t.Fatalf("file %d differs between two generations", i)
		}
	}
	if bytes.Equal(generate(1, 3).data, generate(2, 3).data) {
		t.Fatal("different seeds gave the same file")
	}
}

func TestGenerateValid(t *testing.T) {
	var params, comments, symbolic int
	for i := 0; i < 300; i++ {
		f := generate(1, i)
		if n := len(f.data); n < minSize || n > maxSize {
			t.Errorf("%s: size %d outside [%d, %d]", f.rel, n, minSize, maxSize)
		}
		data := bytes.TrimPrefix(f.data, []byte("\xEF\xBB\xBF"))
		if f.cmt {
			comments++
			if json.Valid(data) {
				t.Errorf("%s: marked as commented but is plain JSON", f.rel)
			}
			data = stripForTest(data)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: invalid JSON after comment stripping: %v", f.rel, err)
		}
		schema, _ := doc["$schema"].(string)
		if f.param != strings.Contains(schema, "deploymentParameters.json") {
			t.Errorf("%s: param=%v but $schema %q", f.rel, f.param, schema)
		}
		if !f.param {
			switch res := doc["resources"].(type) {
			case []any:
				if len(res) < 1 || len(res) > 20 {
					t.Errorf("%s: %d top-level resources", f.rel, len(res))
				}
			case map[string]any:
				symbolic++
			default:
				t.Errorf("%s: resources is %T", f.rel, res)
			}
		} else {
			params++
		}
	}
	if params == 0 || comments == 0 || symbolic == 0 {
		t.Errorf("feature missing from sample: %d parameter files, %d commented, %d symbolic", params, comments, symbolic)
	}
}

func TestWriteCorpus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	st, err := writeCorpus(dir, 120, 1)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if n != 120 || st.files != 120 {
		t.Fatalf("wrote %d files (stats say %d), want 120", n, st.files)
	}
	if err := checkOutDir(dir); err == nil {
		t.Fatal("checkOutDir accepted a non-empty directory")
	}
}
