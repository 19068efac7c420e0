package arm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// nested renders depth nested deployments, one per line, around a VM; with
// symbolic, resources are objects keyed by symbolic name (languageVersion
// 2.0).
func nested(depth int, symbolic string) string {
	wrap := func(res string) string {
		if symbolic != "" {
			return `{"` + symbolic + `": ` + res + `}`
		}
		return `[` + res + `]`
	}
	inner := `{"resources": ` + wrap(`{"type": "Microsoft.Compute/virtualMachines", "name": "deep"}`) + `}`
	for i := depth; i > 0; i-- {
		inner = `{"resources": ` + wrap(fmt.Sprintf("{\"type\": \"Microsoft.Resources/deployments\", \"name\": \"level%d\",\n\"properties\": {\"template\": %s}}", i, inner)) + `}`
	}
	return inner
}

func TestNestedDeploymentDepth(t *testing.T) {
	long := strings.Repeat("s", 5000)
	tests := []struct {
		name     string
		src      string
		wantVMs  int
		wantErr  []string // substrings of the error; nil = no error
		maxBytes int      // bound on the error's length
	}{
		{"at the bound", nested(arm.MaxTemplateDepth, ""), 1, nil, 0},
		{"one past the bound", nested(arm.MaxTemplateDepth+1, ""), 0, []string{
			`nested deployment "level65" at ` + strings.Repeat("/resources/0/properties/template", 64) + "/resources/0 (line 65, column 43)",
			"deeper than 64 levels",
		}, 0},
		{"70 levels", nested(70, ""), 0, []string{`"level65"`, "(line 65,"}, 0},
		{"long symbolic names are clipped", nested(70, long), 0, []string{"/resources/" + strings.Repeat("s", 200) + "…/properties/template"}, 64 * 300},
	}
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("t.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			for name, extract := range map[string]func() ([]arm.VM, error){
				"Extract":         func() ([]arm.VM, error) { return a.Extract(doc) },
				"ExtractDeployed": func() ([]arm.VM, error) { return a.ExtractDeployed(doc) },
			} {
				vms, err := extract()
				if len(vms) != tt.wantVMs {
					t.Errorf("%s: %d VMs, want %d", name, len(vms), tt.wantVMs)
				}
				if tt.wantErr == nil {
					if err != nil {
						t.Errorf("%s: %v", name, err)
					}
					continue
				}
				if err == nil {
					t.Fatalf("%s: no error", name)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%s: error %q does not contain %.300q", name, model.ClipTo(err.Error(), 100)+err.Error()[max(0, len(err.Error())-400):], want)
					}
				}
				if tt.maxBytes > 0 && len(err.Error()) > tt.maxBytes {
					t.Errorf("%s: error is %d bytes long", name, len(err.Error()))
				}
			}
		})
	}
}
