package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
)

// TestCatalogNeutralisesRuleText: a --policy folder comes from the
// repository being checked, so its METADATA is as untrusted as a template.
func TestCatalogNeutralisesRuleText(t *testing.T) {
	hostile := model.Rule{
		ID: "ORG1](https://evil.example)", Severity: model.Warning, Package: "patchcheck.rules.x`y",
		Title:       "<img src=x onerror=alert(1)> | cell",
		Description: "line one\n::error::forged\n\x1b[31mred",
		Remediation: "[click](javascript:alert(1))",
	}
	p := Profile{Name: "current", Title: "t"}
	tests := []struct {
		format    string
		forbidden []string
		markup    string
	}{
		// A link or a cell end would need an unescaped ] or |.
		{"markdown", []string{"<img", "\n::error::", "\x1b"}, `(^|[^\\])(\](\(https|\(javascript)|\| cell)`},
		{"text", []string{"\n::error::", "\x1b"}, ""},
		{"json", []string{"\n::error::", "\x1b"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCatalog(&b, tt.format, p, []model.Rule{hostile}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.Contains(out, "forged") {
				t.Fatalf("the description is missing:\n%s", out)
			}
			for _, f := range tt.forbidden {
				if strings.Contains(out, f) {
					t.Errorf("output holds %q:\n%s", f, out)
				}
			}
			if tt.markup != "" && regexp.MustCompile(tt.markup).MatchString(out) {
				t.Errorf("output holds live markup (%s):\n%s", tt.markup, out)
			}
			if tt.format == "json" {
				var back struct{ Rules []model.Rule }
				if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back.Rules) != 1 || back.Rules[0].Description != hostile.Description {
					t.Errorf("JSON does not read back to the same rule (%v): %+v", err, back)
				}
			}
		})
	}
}

func TestCatalogRefusesUnknownFormat(t *testing.T) {
	err := WriteCatalog(&bytes.Buffer{}, "yaml", Profile{}, nil)
	if err == nil || !strings.Contains(err.Error(), "want text, json, markdown") {
		t.Fatalf("err = %v", err)
	}
}
