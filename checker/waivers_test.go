package checker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/patchcheck/patchcheck/checker"
)

// TestInlineWaiverExpiry uses an injected clock: the same waiver suppresses
// the finding before its expiry date and is reported (PC022) after it.
func TestInlineWaiverExpiry(t *testing.T) {
	src := `{"resources": [{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2021-03-01", "name": "v",
	  "metadata": {"patchcheck": {"waivers": [{"rule": "PC007", "reason": "patched by our own tooling", "expires": "2027-01-31"}]}},
	  "properties": {"osProfile": {"linuxConfiguration": {}},
	  "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer", "sku": "18.04-LTS"}}}}]}`
	for _, tc := range []struct {
		now        string
		suppressed bool
		pc022      bool
	}{{"2027-01-31T23:59:00Z", true, false}, {"2027-02-01T00:00:00Z", false, true}} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		l, err := checker.New(context.Background(), checker.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		f := l.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(src))
		var gotSuppressed, gotPC022 bool
		for _, x := range f.Findings {
			if x.RuleID == "PC007" {
				gotSuppressed = x.Suppression != nil
			}
			if x.RuleID == "PC022" {
				gotPC022 = strings.Contains(x.Message, "expired on 2027-01-31")
			}
		}
		if gotSuppressed != tc.suppressed || gotPC022 != tc.pc022 {
			t.Errorf("at %s: suppressed %v (want %v), PC022 %v (want %v): %#v", tc.now, gotSuppressed, tc.suppressed, gotPC022, tc.pc022, f.Findings)
		}
	}
}

func TestInlineWaiverWithoutReasonRejected(t *testing.T) {
	src := `{"resources": [{"type": "Microsoft.Compute/virtualMachines", "name": "v",
	  "metadata": {"patchcheck": {"waivers": [{"rule": "PC007", "expires": "2999-01-31"}]}},
	  "properties": {"osProfile": {"linuxConfiguration": {}}}}]}`
	l, err := checker.New(context.Background(), checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := l.Check(context.Background(), checker.Input{Path: "t.json"}, []byte(src))
	ids := ruleIDs(f)
	if !strings.Contains(ids, "PC007:warning") || !strings.Contains(ids, "PC022:warning") {
		t.Errorf("want PC007 reported and PC022 for the rejected waiver, got %s", ids)
	}
}
