// Command gencaps writes the OPA capabilities patchcheck pins: the built-ins
// of the OPA version in go.mod that policies.ReviewedBuiltins allows (none
// reaches the network, files, the clock, random numbers or the process
// environment) and allow_net: [], so neither bundled nor user policies can
// reach outside their input. It refuses to run while the OPA version has a
// built-in nobody has reviewed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/patchcheck/patchcheck/policies"
)

func main() {
	out := flag.String("o", "capabilities.json", "output file")
	flag.Parse()
	data, err := generate()
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencaps:", err)
		os.Exit(1)
	}
}

func generate() ([]byte, error) {
	caps := ast.CapabilitiesForThisVersion()
	reviewed := policies.ReviewedBuiltins()
	kept := caps.Builtins[:0]
	var unknown []string
	for _, b := range caps.Builtins {
		r, ok := reviewed[b.Name]
		switch {
		case !ok:
			unknown = append(unknown, b.Name)
		case r.Allowed:
			kept = append(kept, b)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("built-ins not reviewed, add a verdict in policies/builtins.go: %s", strings.Join(unknown, ", "))
	}
	caps.Builtins = kept
	data, err := json.Marshal(caps)
	if err != nil {
		return nil, fmt.Errorf("encode capabilities: %w", err)
	}
	// AllowNet is omitempty in OPA's struct, and OPA reads an absent
	// allow_net as "every host": write the empty list explicitly.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("decode capabilities: %w", err)
	}
	fields["allow_net"] = json.RawMessage("[]")
	data, err = json.MarshalIndent(fields, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode capabilities: %w", err)
	}
	return append(data, '\n'), nil
}
