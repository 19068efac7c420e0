// Command gencaps writes the OPA capabilities patchcheck pins: the built-ins of
// the OPA version in go.mod minus every one that reaches the network or the
// host environment, so neither bundled nor user policies can.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// forbidden reports built-ins that leak the outside world into a lint result.
func forbidden(name string) bool {
	switch {
	case name == "http.send", name == "opa.runtime":
		return true
	case strings.HasPrefix(name, "net."), strings.HasPrefix(name, "providers.aws"):
		return true
	}
	return false
}

func main() {
	out := flag.String("o", "capabilities.json", "output file")
	flag.Parse()
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if !forbidden(b.Name) {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	data, err := json.MarshalIndent(caps, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencaps:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencaps:", err)
		os.Exit(1)
	}
}
