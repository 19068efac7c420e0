package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

func newVerifyCommand(s streams) *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "verify DIR...",
		Short: "Run the Rego unit tests (*_test.rego) of your policy folders, with the built-in rules",
		Long: "Compile your policies with the built-in ones under the same pinned capabilities\n" +
			"(no network, no clock) and run every Rego unit test. Exit 1 when a test fails.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, dirs []string) error {
			if timeout < 0 {
				return fmt.Errorf("--timeout %s: want a positive duration, or 0 for no limit", timeout)
			}
			ctx := cmd.Context()
			if timeout > 0 {
				// A user's test can loop over 10^10 elements as easily as a
				// user's rule: bounded the same way as lint.
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeoutCause(ctx, timeout, fmt.Errorf("the Rego tests took longer than --timeout %s", timeout))
				defer cancel()
			}
			results, err := checker.VerifyPolicies(ctx, dirs)
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range results {
				if !r.Passed {
					failed++
					// A test's name and error come from the user's files.
					fmt.Fprintf(s.out, "FAIL %s.%s (%s:%d)", safetext.Text(r.Package), safetext.Text(r.Name), safetext.Text(r.Position.File), r.Position.Line)
					if r.Err != nil {
						fmt.Fprintf(s.out, ": %s", safetext.Text(r.Err.Error()))
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
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "stop after this long (0 = no limit): exit 2")
	return cmd
}
