package policies_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/policies"
)

// TestEveryBuiltinReviewed lists every built-in of the OPA version in
// go.mod: each must have a verdict in policies.ReviewedBuiltins, so an
// upgrade that brings a new built-in fails here until someone decides
// whether it may reach outside the input. OPA's own Nondeterministic flag
// (the network, the clock, random numbers) is a floor the review cannot go
// below.
func TestEveryBuiltinReviewed(t *testing.T) {
	reviewed := policies.ReviewedBuiltins()
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		r, ok := reviewed[b.Name]
		switch {
		case !ok:
			t.Errorf("built-in %s is not reviewed: add it to policies/builtins.go, allowed only if it reads nothing but its arguments (no network, files, clock, randomness, environment), then go generate ./policies", b.Name)
		case r.Allowed && b.Nondeterministic:
			t.Errorf("built-in %s is allowed, but OPA marks it non-deterministic", b.Name)
		case !r.Allowed && r.Why == "":
			t.Errorf("built-in %s is refused without a reason", b.Name)
		}
	}
}

// TestPinnedCapabilities: capabilities.json is what gencaps writes from the
// review, no built-in more or less, and lets policies reach no host.
func TestPinnedCapabilities(t *testing.T) {
	data, err := fs.ReadFile(policies.FS(), "capabilities.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	// OPA reads an absent allow_net as "every host".
	if net, ok := raw["allow_net"]; !ok || string(net) != "[]" {
		t.Errorf("capabilities.json: allow_net is %s, want []", net)
	}
	caps, err := ast.LoadCapabilitiesJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if caps.AllowNet == nil || len(caps.AllowNet) != 0 {
		t.Errorf("loaded allow_net %#v, want an empty list", caps.AllowNet)
	}
	var pinned, want []string
	for _, b := range caps.Builtins {
		pinned = append(pinned, b.Name)
	}
	reviewed := policies.ReviewedBuiltins()
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if reviewed[b.Name].Allowed {
			want = append(want, b.Name)
		}
	}
	slices.Sort(pinned)
	slices.Sort(want)
	if !slices.Equal(pinned, want) {
		t.Errorf("capabilities.json pins %d built-ins, the review allows %d of this OPA version's: run go generate ./policies\npinned: %v\nallowed: %v", len(pinned), len(want), pinned, want)
	}
	for _, name := range []string{"json.match_schema", "json.verify_schema", "io.jwt.decode_verify", "http.send", "time.now_ns", "opa.runtime"} {
		if slices.Contains(pinned, name) {
			t.Errorf("capabilities.json allows %s", name)
		}
	}
}
