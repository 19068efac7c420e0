package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCommand(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of patchcheck and of its policy engine",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			opa := "unknown"
			if info, ok := debug.ReadBuildInfo(); ok {
				for _, dep := range info.Deps {
					if dep.Path == "github.com/open-policy-agent/opa" {
						opa = dep.Version
					}
				}
			}
			_, err := fmt.Fprintf(s.out, "patchcheck %s (OPA %s, %s)\n", version, opa, runtime.Version())
			return err
		},
	}
}
