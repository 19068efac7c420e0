package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
)

// linkedReport is one input whose deployment links nested/vm.json: one
// finding of its own, one in the linked file reached through the
// deployment, with the value the deployment passes.
func linkedReport() *report.Report {
	via := []model.Related{{Position: model.Position{File: "azuredeploy.json", Line: 4, Column: 5}, Pointer: "/resources/0", Message: "deployment 'vmDeployment'"}}
	return &report.Report{
		Tool: "patchcheck", Version: "test", Profile: report.Profile{Name: "2021-02"},
		Files: []report.File{{
			Path: "azuredeploy.json", Status: report.Checked, Kind: "template", VMs: 1, Linked: []string{"nested/vm.json"},
			Findings: []model.Finding{
				{RuleID: "PC011", Severity: model.Warning, Message: "remote", Position: model.Position{File: "azuredeploy.json", Line: 9, Column: 11},
					Resource: "diagnostics", ResourceType: "Microsoft.Resources/deployments"},
				{RuleID: "PC007", Severity: model.Warning, Message: "effective patchMode is Manual", Position: model.Position{File: "nested/vm.json", Line: 7, Column: 98},
					Resource: "vm1", ResourceType: "Microsoft.Compute/virtualMachines", Via: via,
					Related: []model.Related{{Position: model.Position{File: "azuredeploy.json", Line: 6, Column: 38}, Message: "parameter 'patchMode' passed by deployment 'vmDeployment'"}}},
			},
		}},
	}
}

func formatReport(t *testing.T, r *report.Report, format string) string {
	t.Helper()
	f, err := report.New(format, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestLinkedFindingsInEveryFormat: a finding in a linked template points
// at the linked file and says which deployment reached it, in every
// format; the input's own finding is unchanged.
func TestLinkedFindingsInEveryFormat(t *testing.T) {
	tests := map[string][]string{
		"text": {
			"azuredeploy.json:9:11  WARNING  PC011",
			"nested/vm.json:7:98  WARNING  PC007  effective patchMode is Manual\n    resource: vm1 (Microsoft.Compute/virtualMachines)\n    via: azuredeploy.json:4:5 deployment 'vmDeployment'\n    value from: azuredeploy.json:6:38",
			"1 file: 1 checked",
		},
		"markdown":     {"`nested/vm.json:7:98` via `azuredeploy.json:4:5 deployment 'vmDeployment'`", "`azuredeploy.json:9:11` |"},
		"github":       {"::warning file=nested/vm.json,line=7,col=98,", "linked template reached via azuredeploy.json:4:5 deployment 'vmDeployment'", "::warning file=azuredeploy.json,line=9,col=11,"},
		"azure-devops": {"sourcepath=nested/vm.json;linenumber=7;columnnumber=98", "linked template reached via azuredeploy.json:4:5 deployment 'vmDeployment'"},
		"junit":        {"nested/vm.json:7:98: warning PC007: effective patchMode is Manual&#xA;via: azuredeploy.json:4:5 deployment &#39;vmDeployment&#39;"},
	}
	for format, wants := range tests {
		out := formatReport(t, linkedReport(), format)
		for _, want := range wants {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %q in\n%s", format, want, out)
			}
		}
	}
}

func TestLinkedSARIF(t *testing.T) {
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				RelatedLocations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"relatedLocations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Properties          map[string]any    `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(formatReport(t, linkedReport(), "sarif")), &doc); err != nil {
		t.Fatal(err)
	}
	res := doc.Runs[0].Results
	if len(res) != 2 || res[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "azuredeploy.json" || len(res[0].PartialFingerprints["patchcheck/v1"]) != 32 {
		t.Fatalf("the input's own finding: %+v", res)
	}
	linked := res[1]
	if linked.Locations[0].PhysicalLocation.ArtifactLocation.URI != "nested/vm.json" {
		t.Errorf("location %+v, want nested/vm.json", linked.Locations)
	}
	if len(linked.RelatedLocations) != 2 || linked.RelatedLocations[0].PhysicalLocation.ArtifactLocation.URI != "azuredeploy.json" ||
		linked.RelatedLocations[0].PhysicalLocation.Region.StartLine != 4 || linked.RelatedLocations[0].Message.Text != "linked template reached through deployment 'vmDeployment'" {
		t.Errorf("related locations %+v: want the deployment first, then the value", linked.RelatedLocations)
	}
	if linked.Properties["via"] != "azuredeploy.json:4:5 deployment 'vmDeployment'" || len(linked.PartialFingerprints["patchcheck/v1"]) != 32 ||
		linked.PartialFingerprints["patchcheck/v1"] == res[0].PartialFingerprints["patchcheck/v1"] {
		t.Errorf("properties %v, fingerprints %v", linked.Properties, linked.PartialFingerprints)
	}
}

// TestLinkedJSONMatchesSchema: via and linked are in the documented schema.
func TestLinkedJSONMatchesSchema(t *testing.T) {
	out := formatReport(t, linkedReport(), "json")
	validateLintReport(t, []byte(out))
	for _, want := range []string{`"linked":["nested/vm.json"]`, `"via":[{"file":"azuredeploy.json","line":4,"column":5,"pointer":"/resources/0","message":"deployment 'vmDeployment'"}]`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in %s", want, out)
		}
	}
}

// TestSortFindingsPutsLinkedAfter: the input's own findings first, by
// position; then those reached through links, by the deployment that
// reached them, then by file and position.
func TestSortFindingsPutsLinkedAfter(t *testing.T) {
	dep := func(line int) []model.Related {
		return []model.Related{{Position: model.Position{File: "azuredeploy.json", Line: line, Column: 5}}}
	}
	fs := []model.Finding{
		{RuleID: "PC007", Position: model.Position{File: "nested/b.json", Line: 1}, Via: dep(20)},
		{RuleID: "PC002", Position: model.Position{File: "nested/a.json", Line: 9}, Via: dep(10)},
		{RuleID: "PC011", Position: model.Position{File: "azuredeploy.json", Line: 30}},
		{RuleID: "PC001", Position: model.Position{File: "nested/a.json", Line: 3}, Via: dep(10)},
		{RuleID: "PC004", Position: model.Position{File: "azuredeploy.json", Line: 2}},
	}
	report.SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.RuleID)
	}
	if strings.Join(got, " ") != "PC004 PC011 PC001 PC002 PC007" {
		t.Errorf("order %v", got)
	}
}

// TestOKLineNamesLinkedTemplates: an input without findings says which
// linked templates were checked with it.
func TestOKLineNamesLinkedTemplates(t *testing.T) {
	r := &report.Report{Tool: "patchcheck", Files: []report.File{{Path: "azuredeploy.json", Status: report.Checked, VMs: 1, Linked: []string{"nested/vm.json"}, Findings: []model.Finding{}}}}
	if out := formatReport(t, r, "text"); !strings.Contains(out, "azuredeploy.json  OK       1 VM checked, following links to nested/vm.json\n") {
		t.Errorf("got\n%s", out)
	}
}
