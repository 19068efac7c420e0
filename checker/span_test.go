package checker

import (
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// TestSetEndColumns: a finding on a property's name ends after its value
// when the value is a scalar on the same line, else after the name; on
// anything else its end stays unknown (0). Columns count code points.
func TestSetEndColumns(t *testing.T) {
	src := "\uFEFF{\n" +
		`  "patchMode": "AutomaticByOS",` + "\n" + // 2: a string value
		`  "enableAutomaticUpdates" :	false,` + "\n" + // 3: blanks around the colon
		`  "osProfile": {"x": 1},` + "\n" + // 4: an object value
		`  "nämé": "ünï",` + "\n" + // 5: non-ASCII
		`  "a\"b": -1.5e3,` + "\n" + // 6: an escaped quote, a number
		`  "next":` + "\n" + // 7: the value on the next line
		`    "v", "n": null` + "\n" + // 8: a value, then a name
		"}\n"
	doc, err := jsonpos.Parse("t.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		line, column int
		want         int
	}{
		{"name and string value", 2, 3, 3 + len(`"patchMode": "AutomaticByOS"`)},
		{"blanks around the colon", 3, 3, 3 + len(`"enableAutomaticUpdates" :	false`)},
		{"object value: the name only", 4, 3, 3 + len(`"osProfile"`)},
		{"code points, not bytes", 5, 3, 3 + len([]rune(`"nämé": "ünï"`))},
		{"escaped quote and number", 6, 3, 3 + len(`"a\"b": -1.5e3`)},
		{"value on the next line: the name only", 7, 3, 3 + len(`"next"`)},
		{"a finding on a value", 8, 5, 5 + len(`"v"`)},
		{"null", 8, 10, 10 + len(`"n": null`)},
		{"on a brace: unknown", 1, 1, 0},
		{"past the line: unknown", 2, 80, 0},
		{"past the file: unknown", 40, 1, 0},
		{"no line: unknown", 0, 0, 0},
	}
	for _, tc := range tests {
		findings := []model.Finding{{Position: model.Position{File: "t.json", Line: tc.line, Column: tc.column}}}
		setEndColumns(map[string]*jsonpos.Document{"t.json": doc}, findings)
		if got := findings[0].EndColumn; got != tc.want {
			t.Errorf("%s (%d:%d): EndColumn %d, want %d", tc.name, tc.line, tc.column, got, tc.want)
		}
	}
	other := []model.Finding{{Position: model.Position{File: "other.json", Line: 2, Column: 3}}}
	setEndColumns(map[string]*jsonpos.Document{"t.json": doc}, other)
	if other[0].EndColumn != 0 {
		t.Errorf("a finding in a document not given: EndColumn %d", other[0].EndColumn)
	}
}
