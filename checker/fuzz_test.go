package checker_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/report"
)

// FuzzCheck feeds arbitrary bytes through the whole loader (parse, classify,
// adapt, schema, Rego). It must never panic, and whatever it reports must be
// well formed: an error names where and what, and a finding has a position.
func FuzzCheck(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/templates/*")
	broken, _ := filepath.Glob("../testdata/broken/*")
	whatIfs, _ := filepath.Glob("../testdata/what-if/*")
	for _, path := range append(append(seeds, broken...), whatIfs...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"resources":{"a":{"type":"Microsoft.Compute/virtualMachines","properties":{"osProfile":"[x]"}}}}`))
	f.Add([]byte("\xef\xbb\xbf// bom\n{\"resources\":[{\"type\":\"microsoft.compute/virtualmachinescalesets\",\"properties\":{\"virtualMachineProfile\":{\"osProfile\":{\"linuxConfiguration\":{\"patchSettings\":{\"patchMode\":1}}}}}}]}"))
	f.Add([]byte(`{"resources":[{"type":"Microsoft.Resources/deployments","properties":{"template":{"resources":[{"type":"Microsoft.Compute/virtualMachines","apiVersion":"2019-01-01","properties":{"osProfile":{"windowsConfiguration":{"patchSettings":{"patchMode":"Manual","x":1}},"linuxConfiguration":{}}}}]}}}]}`))
	// Linked templates: a local file (relative to the working directory,
	// checker/), one missing, a cycle back to the input, a remote URL.
	f.Add([]byte(`{"resources":[{"type":"Microsoft.Resources/deployments","name":"l","properties":{"templateLink":{"relativePath":"../testdata/templates/windows-manual-valid.json"},"parameters":{"vmName":{"value":"x"}}}},{"type":"Microsoft.Resources/deployments","name":"m","properties":{"templateLink":{"relativePath":"fuzz.json"}}},{"type":"Microsoft.Resources/deployments","name":"r","properties":{"templateLink":{"uri":"[uri(deployment().properties.templateLink.uri, 'x.json')]"},"parametersLink":{"uri":"https://example.org/p.json"}}}]}`))
	// What-if results: the REST shape with a change of every kind to a VM,
	// and a failed one.
	f.Add([]byte(`{"status":"Succeeded","properties":{"changes":[{"resourceId":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/v","changeType":"Modify","before":{"properties":{"osProfile":{"windowsConfiguration":{"patchSettings":{"patchMode":"Manual"}}}}},"after":{"properties":{"osProfile":{"windowsConfiguration":{"patchSettings":{"patchMode":"[x]"}}}}}},{"changeType":"Ignore","after":{"type":"microsoft.compute/virtualmachinescalesets"}},{"resourceId":"/providers/Microsoft.Compute/virtualMachines/w","changeType":"Unsupported","unsupportedReason":"r"}],"potentialChanges":[{"resourceId":"/x/providers/Microsoft.Compute/virtualMachines/y","changeType":"Delete"}]}}`))
	f.Add([]byte(`{"status":"Failed","error":{"code":"c","message":"m","details":[{"code":"d"},"e",1]}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	l := newLinter(f, "current")
	f.Fuzz(func(t *testing.T, data []byte) {
		file := l.Check(context.Background(), checker.Input{Path: "fuzz.json", Explicit: true}, data)
		switch file.Status {
		case report.Errored:
			if file.Error == nil || file.Error.Message == "" {
				t.Fatalf("error without a message: %+v", file)
			}
		case report.Skipped:
			if file.Reason == "" {
				t.Fatalf("skipped without a reason: %+v", file)
			}
		case report.Checked:
		default:
			t.Fatalf("unknown status %q", file.Status)
		}
		for _, x := range file.Findings {
			if x.Line < 1 || x.Column < 1 || x.RuleID == "" || x.Severity.Rank() == 0 {
				t.Fatalf("malformed finding %#v", x)
			}
		}
	})
}
