package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/checker/engine"
	"github.com/patchcheck/patchcheck/policies"
)

func newVerifyCommand(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "verify DIR...",
		Short: "Run the Rego unit tests (*_test.rego) of your policy folders, with the built-in rules",
		Long: "Compile your policies with the built-in ones under the same pinned capabilities\n" +
			"(no network, no clock) and run every Rego unit test. Exit 1 when a test fails.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, dirs []string) error {
			pol, err := engine.Load(policies.FS())
			if err != nil {
				return err
			}
			for _, dir := range dirs {
				if err := pol.AddDir(dir); err != nil {
					return err
				}
			}
			e, err := engine.New(cmd.Context(), pol, policies.DefaultProfile)
			if err != nil {
				return err
			}
			if err := engine.CheckMetadata(e.Rules()); err != nil {
				return err
			}
			results, err := engine.RunTests(cmd.Context(), pol)
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range results {
				if !r.Pass() {
					failed++
					fmt.Fprintf(s.out, "FAIL %s.%s (%s:%d)", r.Package, r.Name, r.Location.File, r.Location.Row)
					if r.Error != nil {
						fmt.Fprintf(s.out, ": %v", r.Error)
					}
					fmt.Fprintln(s.out)
				}
			}
			fmt.Fprintf(s.out, "%d Rego tests, %d passed, %d failed\n", len(results), len(results)-failed, failed)
			if failed > 0 {
				return exitError{1}
			}
			return nil
		},
	}
}
