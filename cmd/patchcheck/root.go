package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/internal/safetext"
)

// exitError carries an exit code out of a command; only main calls os.Exit.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// streams are the process's standard files, passed down instead of read
// from globals so tests can drive every command.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

func newRootCommand(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "patchcheck",
		Short: "Lint Azure VM templates for automatic VM guest patching",
		Long: "patchcheck checks ARM templates against the rules of Azure automatic VM guest patching\n" +
			"(supported images, VM agent, patch mode per OS, enableAutomaticUpdates, Compute API version)\n" +
			"and fails closed in pipelines: a file that cannot be read, parsed or evaluated is exit code 2.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.AddCommand(newLintCommand(s), newSimulateCommand(s), newRulesCommand(s), newVerifyCommand(s), newFleetCommand(s), newVersionCommand(s), newPluginCommand())
	return root
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	s := streams{in: in, out: out, err: errOut}
	root := newRootCommand(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return report.ExitClean
	case errors.As(err, &ee):
		return ee.code
	default:
		// Errors quote file names and values from the inputs, and stderr
		// reaches the CI log: each line is kept out of the runner's
		// command syntax, with control characters shown as escapes.
		fmt.Fprintf(errOut, "patchcheck: %s\n", safetext.Lines(err.Error()))
		return report.ExitError
	}
}
