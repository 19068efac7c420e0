package fleet

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestDocsFleetExample: the example of docs/fleet.md loads, and its table
// of the default plan matches phases.json, so the page cannot drift from
// the code it describes.
func TestDocsFleetExample(t *testing.T) {
	page := string(mustRead(t, "../../docs/fleet.md"))
	start := strings.Index(page, "```yaml\n")
	end := strings.Index(page[start+1:], "```\n")
	if start < 0 || end < 0 {
		t.Fatal("docs/fleet.md has no yaml example")
	}
	example := page[start+len("```yaml\n") : start+1+end]
	f, err := load("docs/fleet.md", []byte(example))
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if len(f.Regions) != 1 || f.Settings.HaltHours == nil || f.VMs[2].Enablement != "pending" {
		t.Errorf("the example should show regions, haltHours and enablement: %+v", f)
	}

	tab, err := regionTable()
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range tab.Plan {
		row := regexp.MustCompile(fmt.Sprintf(`(?m)^\| %d \| %s \| %d[ |(]`, i, regexp.QuoteMeta(p.Name), len(p.Regions)))
		if !row.MatchString(page) {
			t.Errorf("docs/fleet.md has no row | %d | %s | %d ... for phase %d of phases.json", i, p.Name, len(p.Regions), i)
		}
	}
	if !strings.Contains(page, "## The model: facts and assumptions") {
		t.Error("docs/fleet.md lost its model section")
	}
}
