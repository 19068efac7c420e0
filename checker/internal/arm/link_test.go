package arm_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
)

// memLinker serves linked files from memory and counts what is asked of
// it; the real Linker (checker) adds the file system's rules.
type memLinker struct {
	files map[string]string // slash path -> content
	loads map[string]int
}

func (m *memLinker) Load(path string) (*jsonpos.Document, error) {
	p := filepath.ToSlash(path)
	m.loads[p]++
	src, ok := m.files[p]
	if !ok {
		return nil, fmt.Errorf("there is no file %s", p)
	}
	return jsonpos.Parse(p, []byte(src))
}

const templateSchema = `"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"`

// linkedVM is a template deploying one Windows VM whose name and patch
// mode are parameters with defaults of their own.
const linkedVM = `{` + templateSchema + `,
  "parameters": {
    "vmName": {"type": "string", "defaultValue": "child"},
    "patchMode": {"type": "string", "defaultValue": "AutomaticByOS"}
  },
  "resources": [{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "[parameters('vmName')]",
    "properties": {"osProfile": {"windowsConfiguration": {"patchSettings": {"patchMode": "[parameters('patchMode')]"}}}}}]}`

// linking renders a template with one deployment "linked" whose
// templateLink is link, passing patchMode AutomaticByPlatform; extra is
// added to the deployment resource (a copy loop, say).
func linking(link, extra string) string {
	return `{` + templateSchema + `,
  "parameters": {
    "_artifactsLocation": {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]"},
    "_artifactsLocationSasToken": {"type": "securestring", "defaultValue": ""},
    "sas": {"type": "securestring", "defaultValue": "?sv=2022-11-02&sig=SECRET"}
  },
  "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked", ` + extra + `
    "properties": {"mode": "Incremental",
      "templateLink": ` + link + `,
      "parameters": {"patchMode": {"value": "AutomaticByPlatform"}}}}]}`
}

// chain renders n templates t0.json … t(n-1).json, each linking the next
// twice, the last deploying a VM.
func chain(n int) map[string]string {
	files := map[string]string{}
	for i := range n - 1 {
		dep := fmt.Sprintf(`{"type": "Microsoft.Resources/deployments", "name": "d%d", "properties": {"templateLink": {"relativePath": "t%d.json"}}}`, i, i+1)
		files[fmt.Sprintf("t%d.json", i)] = `{` + templateSchema + `, "resources": [` + dep + `, ` + dep + `]}`
	}
	files[fmt.Sprintf("t%d.json", n-1)] = linkedVM
	return files
}

func TestLinkedTemplates(t *testing.T) {
	type vmWant struct {
		file, name, patchMode string
		via                   int // deployments on the way
	}
	tests := []struct {
		name       string
		main       string
		files      map[string]string
		vms        []vmWant
		unfollowed []string // substrings of each Unfollowed's reason, in order
		notIn      string   // must appear in no reason
		err        string   // substring of the error; "" = none
		loads      map[string]int
	}{
		{
			name:  "relativePath, with the parameters the deployment passes",
			main:  linking(`{"relativePath": "nested/vm.json"}`, ""),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "child", "AutomaticByPlatform", 1}},
		},
		{
			name:  "relativePath with ./ and a backslash-free subfolder",
			main:  linking(`{"relativePath": "./nested/vm.json"}`, ""),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "child", "AutomaticByPlatform", 1}},
		},
		{
			name:  "templateLink written as one expression",
			main:  strings.Replace(linking(`"[variables('link')]"`, ""), `"resources"`, `"variables": {"link": {"relativePath": "nested/vm.json"}}, "resources"`, 1),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "child", "AutomaticByPlatform", 1}},
		},
		{
			name:  "uri from _artifactsLocation, deployment()'s location",
			main:  linking(`{"uri": "[uri(parameters('_artifactsLocation'), concat('nested/vm.json', parameters('_artifactsLocationSasToken')))]"}`, ""),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "child", "AutomaticByPlatform", 1}},
		},
		{
			name:  "concat with a SAS token: the query is dropped",
			main:  linking(`{"uri": "[concat(parameters('_artifactsLocation'), 'nested/vm.json', parameters('sas'))]"}`, ""),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "child", "AutomaticByPlatform", 1}},
		},
		{
			name:  "uri to a sibling folder",
			main:  linking(`{"uri": "[uri(deployment().properties.templateLink.uri, '../shared/vm.json')]"}`, ""),
			files: map[string]string{"../shared/vm.json": linkedVM},
			vms:   []vmWant{{"../shared/vm.json", "child", "AutomaticByPlatform", 1}},
		},
		{
			name:       "a location patchcheck did not give",
			main:       linking(`{"uri": "patchcheck-local://elsewhere/etc/passwd"}`, ""),
			unfollowed: []string{"is not a location patchcheck gives a template"},
			loads:      map[string]int{},
		},
		{
			name:       "remote URL stays unknown, and its SAS token is not repeated",
			main:       linking(`{"uri": "[concat('https://example.org/templates/vm.json', parameters('sas'))]"}`, ""),
			unfollowed: []string{"remote URL patchcheck does not fetch (https://example.org/templates/vm.json)"},
			notIn:      "SECRET",
		},
		{
			name:       "template spec",
			main:       linking(`{"id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Resources/templateSpecs/vm/versions/1.0"}`, ""),
			unfollowed: []string{"template spec"},
		},
		{
			name:       "relativePath out of the folder is asked for as written; the Linker decides",
			main:       linking(`{"relativePath": "../../../etc/passwd"}`, ""),
			unfollowed: []string{"there is no file ../../../etc/passwd"},
			loads:      map[string]int{"../../../etc/passwd": 1},
		},
		{
			name:       "absolute relativePath",
			main:       linking(`{"relativePath": "/etc/passwd"}`, ""),
			unfollowed: []string{`"/etc/passwd" is not a relative path`},
			loads:      map[string]int{},
		},
		{
			name:       "missing file",
			main:       linking(`{"relativePath": "nested/gone.json"}`, ""),
			unfollowed: []string{"there is no file nested/gone.json"},
		},
		{
			name:       "linked file that is not a template",
			main:       linking(`{"relativePath": "nested/vm.parameters.json"}`, ""),
			files:      map[string]string{"nested/vm.parameters.json": `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}`},
			unfollowed: []string{"nested/vm.parameters.json is not an ARM template: it is a deployment parameter file"},
		},
		{
			name:       "unresolved link",
			main:       linking(`{"relativePath": "[parameters('nowhere')]"}`, ""),
			unfollowed: []string{"it is the unresolved expression [parameters('nowhere')] (parameter 'nowhere' is not declared)"},
		},
		{
			name: "cycle: a links b links a",
			main: linking(`{"relativePath": "b.json"}`, ""),
			files: map[string]string{"b.json": `{` + templateSchema + `, "resources": [
				{"type": "Microsoft.Resources/deployments", "name": "back", "properties": {"templateLink": {"relativePath": "t.json"}}},
				{"type": "Microsoft.Compute/virtualMachines", "name": "inB", "apiVersion": "2022-03-01", "properties": {"osProfile": {"linuxConfiguration": {}}}}]}`},
			vms:        []vmWant{{"b.json", "inB", "ImageDefault", 1}},
			unfollowed: []string{"it links back to t.json, which is being deployed already (a cycle)"},
		},
		{
			name:  "link inside a copy loop: followed once",
			main:  linking(`{"relativePath": "nested/vm.json"}`, `"copy": {"name": "vms", "count": 3},`),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "child", "AutomaticByPlatform", 1}},
			loads: map[string]int{"nested/vm.json": 1},
		},
		{
			name:       "link that differs for every copy",
			main:       linking(`{"relativePath": "[concat('nested/vm', copyIndex(), '.json')]"}`, `"copy": {"name": "vms", "count": 3},`),
			unfollowed: []string{"copyIndex() differs for every copy"},
		},
		{
			name: "parametersLink to a local parameter file",
			main: strings.Replace(linking(`{"relativePath": "nested/vm.json"}`, ""), `"parameters": {"patchMode": {"value": "AutomaticByPlatform"}}`,
				`"parametersLink": {"uri": "[uri(parameters('_artifactsLocation'), 'nested/vm.parameters.json')]"}`, 1),
			files: map[string]string{"nested/vm.json": linkedVM,
				"nested/vm.parameters.json": `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {"patchMode": {"value": "Manual"}}}`},
			vms: []vmWant{{"nested/vm.json", "child", "Manual", 1}},
		},
		{
			name: "parametersLink at a remote URL leaves every parameter unknown",
			main: strings.Replace(linking(`{"relativePath": "nested/vm.json"}`, ""), `"parameters": {"patchMode": {"value": "AutomaticByPlatform"}}`,
				`"parametersLink": {"uri": "https://example.org/vm.parameters.json"}`, 1),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "[parameters('vmName')]", "", 1}},
		},
		{
			name: "Key Vault reference passed on",
			main: strings.Replace(linking(`{"relativePath": "nested/vm.json"}`, ""), `{"value": "AutomaticByPlatform"}`,
				`{"reference": {"keyVault": {"id": "kv"}, "secretName": "mode"}}`, 1),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "child", "", 1}},
		},
		{
			name: "parameters written as one expression",
			main: strings.Replace(strings.Replace(linking(`{"relativePath": "nested/vm.json"}`, ""), `"parameters": {"patchMode": {"value": "AutomaticByPlatform"}}`, `"parameters": "[variables('passed')]"`, 1),
				`"resources"`, `"variables": {"passed": {"patchMode": {"value": "Manual"}, "vmName": {"value": "from-variable"}}}, "resources"`, 1),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "from-variable", "Manual", 1}},
		},
		{
			name:  "parameters written as an expression that cannot be resolved",
			main:  strings.Replace(linking(`{"relativePath": "nested/vm.json"}`, ""), `"parameters": {"patchMode": {"value": "AutomaticByPlatform"}}`, `"parameters": "[parameters('nowhere')]"`, 1),
			files: map[string]string{"nested/vm.json": linkedVM},
			vms:   []vmWant{{"nested/vm.json", "[parameters('vmName')]", "", 1}},
		},
		{
			name:  "links that link each other many times are bounded",
			main:  linking(`{"relativePath": "t0.json"}`, ""),
			files: chain(14), // 2^13 paths to the VM
			err:   fmt.Sprintf("patchcheck follows at most %d linked templates from one input", arm.MaxLinkedTemplates),
		},
		{
			name: "too deep through links",
			main: linking(`{"relativePath": "d1.json"}`, ""),
			files: func() map[string]string {
				files := map[string]string{}
				for i := 1; i <= arm.MaxTemplateDepth+2; i++ {
					files[fmt.Sprintf("d%d.json", i)] = fmt.Sprintf(`{`+templateSchema+`, "resources": [{"type": "Microsoft.Resources/deployments", "name": "l%d", "properties": {"templateLink": {"relativePath": "d%d.json"}}}]}`, i, i+1)
				}
				return files
			}(),
			err: "in d64.json (line 1, column 110) links a template more than 64 levels deep",
		},
	}
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("t.json", []byte(tt.main))
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]string{}
			for k, v := range tt.files {
				files[k] = v
			}
			links := &memLinker{files: files, loads: map[string]int{}}
			x, err := a.ExtractLinked(doc, links)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				for p, n := range links.loads {
					if n > 2*arm.MaxLinkedTemplates {
						t.Errorf("%s asked for %d times", p, n)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(x.VMs) != len(tt.vms) {
				t.Fatalf("%d VMs, want %d: %+v", len(x.VMs), len(tt.vms), x.VMs)
			}
			for i, want := range tt.vms {
				vm := x.VMs[i].Facts
				mode, _ := vm.PatchMode.Value.(string)
				if vm.File != want.file || vm.Name != want.name || mode != want.patchMode || len(vm.Via) != want.via {
					t.Errorf("VM %d: file %q name %q patchMode %q (%s) via %d, want %+v", i, vm.File, vm.Name, mode, vm.PatchMode.State, len(vm.Via), want)
				}
				if x.VMs[i].Doc == nil || x.VMs[i].Doc.Name != want.file {
					t.Errorf("VM %d: its document is not its file", i)
				}
				if want.via > 0 && (vm.Via[0].File != "t.json" || vm.Via[0].Message != "deployment 'linked'" || vm.Via[0].Line != 7) {
					t.Errorf("VM %d: via %#v, want t.json line 7 deployment 'linked'", i, vm.Via[0])
				}
			}
			if len(x.Unfollowed) != len(tt.unfollowed) {
				t.Fatalf("unfollowed %+v, want %d", x.Unfollowed, len(tt.unfollowed))
			}
			for i, want := range tt.unfollowed {
				u := x.Unfollowed[i]
				if !strings.Contains(u.Reason, want) {
					t.Errorf("reason %q, want %q", u.Reason, want)
				}
				if u.Loc.Line == 0 || !strings.Contains(u.Loc.Pointer, "/properties/templateLink") || u.Type != "Microsoft.Resources/deployments" {
					t.Errorf("unfollowed %+v does not point at the templateLink", u)
				}
				if tt.notIn != "" && strings.Contains(u.Reason, tt.notIn) {
					t.Errorf("reason %q repeats %q", u.Reason, tt.notIn)
				}
			}
			for p, n := range tt.loads {
				if links.loads[p] != n {
					t.Errorf("%s asked for %d times, want %d (all: %v)", p, links.loads[p], n, links.loads)
				}
			}
			if tt.loads != nil && len(tt.loads) == 0 && len(links.loads) > 0 {
				t.Errorf("files asked for: %v, want none", links.loads)
			}
		})
	}
}

// TestLinkedFindingPlaces: the values a deployment passes are related
// places in the linking file; the linked template's own defaults are in
// the linked file.
func TestLinkedFindingPlaces(t *testing.T) {
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonpos.Parse("t.json", []byte(linking(`{"relativePath": "nested/vm.json"}`, "")))
	if err != nil {
		t.Fatal(err)
	}
	x, err := a.ExtractLinked(doc, &memLinker{files: map[string]string{"nested/vm.json": linkedVM}, loads: map[string]int{}})
	if err != nil || len(x.VMs) != 1 {
		t.Fatalf("%v, %d VMs", err, len(x.VMs))
	}
	vm := x.VMs[0].Facts
	if vm.PatchMode.Loc.Line != 7 || vm.PatchMode.State != model.Resolved {
		t.Errorf("patchMode at %+v (%s), want line 7 of the linked file", vm.PatchMode.Loc, vm.PatchMode.State)
	}
	if len(vm.PatchMode.Related) != 1 || vm.PatchMode.Related[0].File != "t.json" || vm.PatchMode.Related[0].Message != "parameter 'patchMode' passed by deployment 'linked'" {
		t.Errorf("related %+v, want the parameter the deployment passes", vm.PatchMode.Related)
	}
	if len(x.Linked) != 1 || x.Linked[0] != "nested/vm.json" {
		t.Errorf("linked %v", x.Linked)
	}
	// Without a Linker (Extract), links are not followed.
	vms, err := a.Extract(doc)
	if err != nil || len(vms) != 0 {
		t.Errorf("Extract: %v, %d VMs", err, len(vms))
	}
}

// TestLinkFromStandardInput: a template read from standard input has no
// folder, so neither a relativePath nor deployment()'s location leads
// anywhere.
func TestLinkFromStandardInput(t *testing.T) {
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, link := range []string{`{"relativePath": "nested/vm.json"}`, `{"uri": "[uri(parameters('_artifactsLocation'), 'nested/vm.json')]"}`} {
		doc, err := jsonpos.Parse("-", []byte(linking(link, "")))
		if err != nil {
			t.Fatal(err)
		}
		links := &memLinker{files: map[string]string{"nested/vm.json": linkedVM}, loads: map[string]int{}}
		x, err := a.ExtractLinked(doc, links)
		if err != nil || len(x.VMs) != 0 || len(x.Unfollowed) != 1 || len(links.loads) != 0 {
			t.Fatalf("%s: %v, %d VMs, unfollowed %+v, loads %v", link, err, len(x.VMs), x.Unfollowed, links.loads)
		}
		if r := x.Unfollowed[0].Reason; !strings.Contains(r, "standard input") {
			t.Errorf("%s: reason %q", link, r)
		}
	}
}

// TestInlineKeyVaultReference: an inline nested template in inner scope
// given a Key Vault reference does not fall back to its default.
func TestInlineKeyVaultReference(t *testing.T) {
	vms := extract(t, `{"resources": [{"type": "Microsoft.Resources/deployments", "name": "inline",
	  "properties": {"expressionEvaluationOptions": {"scope": "inner"},
	    "parameters": {"patchMode": {"reference": {"keyVault": {"id": "kv"}, "secretName": "mode"}}},
	    "template": {"parameters": {"patchMode": {"type": "string", "defaultValue": "AutomaticByOS"}},
	      "resources": [{"type": "Microsoft.Compute/virtualMachines", "name": "v", "apiVersion": "2022-03-01",
	        "properties": {"osProfile": {"windowsConfiguration": {"patchSettings": {"patchMode": "[parameters('patchMode')]"}}}}}]}}}]}`)
	if len(vms) != 1 || vms[0].Facts.PatchMode.State != model.Expression || len(vms[0].Facts.Unresolved) != 1 ||
		!strings.Contains(vms[0].Facts.Unresolved[0].Reason, "Key Vault reference") {
		t.Fatalf("%+v", vms)
	}
}

// TestLinkedTemplatesShareTheBudget: the work of evaluating expressions is
// bounded per input, linked templates included, so many links to a
// template that builds a large value cannot multiply it.
func TestLinkedTemplatesShareTheBudget(t *testing.T) {
	// Each variable doubles the previous one, so the last one costs far more
	// than the per-input budget to build.
	vars := []string{`"v0": "` + strings.Repeat("x", 1024) + `"`}
	for i := 1; i <= 14; i++ {
		vars = append(vars, fmt.Sprintf(`"v%d": "[concat(variables('v%d'), variables('v%d'))]"`, i, i-1, i-1))
	}
	child := `{` + templateSchema + `, "variables": {` + strings.Join(vars, ", ") + `},
	  "resources": [{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "[string(length(variables('v14')))]",
	    "properties": {"osProfile": {"linuxConfiguration": {}}}}]}`
	var deps []string
	for i := range 4 {
		deps = append(deps, fmt.Sprintf(`{"type": "Microsoft.Resources/deployments", "name": "d%d", "properties": {"templateLink": {"relativePath": "big.json"}}}`, i))
	}
	doc, err := jsonpos.Parse("t.json", []byte(`{`+templateSchema+`, "resources": [`+strings.Join(deps, ", ")+`]}`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	x, err := a.ExtractLinked(doc, &memLinker{files: map[string]string{"big.json": child}, loads: map[string]int{}})
	if err != nil || len(x.VMs) != 4 {
		t.Fatalf("%v, %d VMs", err, len(x.VMs))
	}
	if first := x.VMs[0].Facts.Name; first != "16777216" {
		t.Errorf("first VM named %q: one template alone is within the budget", first)
	}
	if last := x.VMs[3].Facts.Name; last != "[string(length(variables('v14')))]" {
		t.Errorf("last VM named %q: four times the work is past the input's budget", last)
	}
}

// TestLinkedContext: a linked template is deployed by its deployment: the
// context the user gives reaches it, except where the deployment targets
// another resource group; deployment() is that deployment, with the linked
// file's own location.
func TestLinkedContext(t *testing.T) {
	base, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := arm.NewContext(map[string]any{"resourceGroup": map[string]any{"name": "rg", "location": "westeurope"}}, "the context file ctx.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := base.WithContext(ctx)
	child := `{` + templateSchema + `, "resources": [{"type": "Microsoft.Compute/virtualMachines", "name": "[deployment().properties.templateLink.uri]", "location": "[resourceGroup().location]"}]}`
	for _, tt := range []struct{ name, extra, location string }{
		{"same resource group", "", "westeurope"},
		{"another resource group", `"resourceGroup": "other",`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := jsonpos.Parse("t.json", []byte(linking(`{"relativePath": "nested/vm.json"}`, tt.extra)))
			if err != nil {
				t.Fatal(err)
			}
			x, err := a.ExtractLinked(doc, &memLinker{files: map[string]string{"nested/vm.json": child}, loads: map[string]int{}})
			if err != nil || len(x.VMs) != 1 {
				t.Fatalf("%v, %d VMs", err, len(x.VMs))
			}
			vm := x.VMs[0].Facts
			if vm.Placement.Location != tt.location {
				t.Errorf("location %q, want %q", vm.Placement.Location, tt.location)
			}
			if !strings.HasPrefix(vm.Name, "patchcheck-local://local/") || !strings.HasSuffix(vm.Name, "/nested/") {
				t.Errorf("deployment().properties.templateLink.uri is %q, want the linked file's folder", vm.Name)
			}
		})
	}
}

// TestContextGivesTheLocation: a templateLink the user gives in the
// context is the template's location, not its folder on disk.
func TestContextGivesTheLocation(t *testing.T) {
	base, err := arm.NewAdapter(seedDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := arm.NewContext(map[string]any{"deployment": map[string]any{"properties": map[string]any{
		"templateLink": map[string]any{"uri": "https://example.org/templates/azuredeploy.json"}}}}, "the context file ctx.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonpos.Parse("t.json", []byte(linking(`{"uri": "[uri(parameters('_artifactsLocation'), 'nested/vm.json')]"}`, "")))
	if err != nil {
		t.Fatal(err)
	}
	x, err := base.WithContext(ctx).ExtractLinked(doc, &memLinker{files: map[string]string{"nested/vm.json": linkedVM}, loads: map[string]int{}})
	if err != nil || len(x.VMs) != 0 || len(x.Unfollowed) != 1 || !strings.Contains(x.Unfollowed[0].Reason, "remote URL patchcheck does not fetch (https://example.org/templates/nested/vm.json)") {
		t.Fatalf("%v, %d VMs, unfollowed %+v", err, len(x.VMs), x.Unfollowed)
	}
}
