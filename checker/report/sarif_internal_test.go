package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/patchcheck/patchcheck/checker/model"
)

// TestSARIFResultCap: past the cap, the results kept are the most severe
// (errors, warnings, notes, then waived), in report order, and one
// notification counts the others by level. New gives GitHub's limit.
func TestSARIFResultCap(t *testing.T) {
	finding := func(id string, sev model.Severity, line int) model.Finding {
		return model.Finding{RuleID: id, Severity: sev, Message: "m", Position: model.Position{File: "a.json", Line: line, Column: 1}}
	}
	waived := finding("PC001", model.Error, 1)
	waived.Suppression = &model.Suppression{Kind: "external", Reason: "r", Expires: "2999-01-01"}
	r := &Report{Tool: "patchcheck", WorkDir: "/w", Files: []File{{Path: "a.json", Status: Checked, Findings: []model.Finding{
		waived, finding("PC008", model.Info, 2), finding("PC007", model.Warning, 3), finding("PC001", model.Error, 4),
		finding("PC007", model.Warning, 5), finding("PC002", model.Error, 6),
	}}}}
	tests := []struct {
		max       int
		wantLines []int
		wantNote  string
	}{
		{0, []int{1, 2, 3, 4, 5, 6}, ""},
		{6, []int{1, 2, 3, 4, 5, 6}, ""},
		{3, []int{3, 4, 6}, "3 results left out (0 errors, 1 warnings, 1 notes, 1 waived): GitHub code scanning accepts at most 3 results per run"},
		{1, []int{4}, "5 results left out (1 errors, 2 warnings, 1 notes, 1 waived)"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			var buf bytes.Buffer
			if err := (sarifFormat{maxResults: tc.max}).Format(&buf, r); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Runs []struct {
					Results []struct {
						Locations []struct {
							PhysicalLocation struct {
								Region struct{ StartLine int } `json:"region"`
							} `json:"physicalLocation"`
						} `json:"locations"`
					} `json:"results"`
					Invocations []struct {
						ExecutionSuccessful        bool `json:"executionSuccessful"`
						ToolExecutionNotifications []struct {
							Level   string                `json:"level"`
							Message struct{ Text string } `json:"message"`
						} `json:"toolExecutionNotifications"`
					} `json:"invocations"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			var lines []int
			for _, res := range doc.Runs[0].Results {
				lines = append(lines, res.Locations[0].PhysicalLocation.Region.StartLine)
			}
			if fmt.Sprint(lines) != fmt.Sprint(tc.wantLines) {
				t.Errorf("results at lines %v, want %v", lines, tc.wantLines)
			}
			inv := doc.Runs[0].Invocations[0]
			switch {
			case !inv.ExecutionSuccessful:
				t.Error("leaving results out is not a failed execution")
			case tc.wantNote == "" && len(inv.ToolExecutionNotifications) != 0:
				t.Errorf("notifications %+v, want none", inv.ToolExecutionNotifications)
			case tc.wantNote != "" && (len(inv.ToolExecutionNotifications) != 1 || inv.ToolExecutionNotifications[0].Level != "warning" ||
				!bytes.Contains([]byte(inv.ToolExecutionNotifications[0].Message.Text), []byte(tc.wantNote))):
				t.Errorf("notifications %+v, want one warning with %q", inv.ToolExecutionNotifications, tc.wantNote)
			}
		})
	}
	if f, _ := New("sarif", Options{}); f.(sarifFormat).maxResults != 25000 {
		t.Errorf("the sarif format keeps %d results, want GitHub's 25,000", f.(sarifFormat).maxResults)
	}
}
