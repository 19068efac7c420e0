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

// forbidden reports built-ins that let the outside world into a lint result:
// the network, the host, and the clock and random numbers, which would make
// a result depend on when it ran (and break the engine's result cache).
func forbidden(name string) bool {
	switch name {
	case "http.send", "opa.runtime", "time.now_ns", "rand.intn", "uuid.rfc4122":
		return true
	}
	return strings.HasPrefix(name, "net.") || strings.HasPrefix(name, "providers.aws")
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
