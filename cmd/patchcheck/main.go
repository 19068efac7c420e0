// Command patchcheck lints Azure VM templates for automatic VM guest
// patching and gates pipelines on the result.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/patchcheck/patchcheck/checker/report"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go onSignals(sigs, cancel, os.Stderr, os.Exit)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	signal.Stop(sigs)
	cancel(nil)
	os.Exit(code)
}

// onSignals cancels the run on the first SIGINT or SIGTERM, so it stops
// cleanly where it can (plugins, bicep builds, rule evaluation), and exits
// at once on the second: some waits cannot be cancelled (a read of a
// standard input nobody writes to), and a user or CI runner that asks
// twice must not be ignored.
func onSignals(sigs <-chan os.Signal, cancel context.CancelCauseFunc, stderr io.Writer, exit func(int)) {
	cancel(signalCause{<-sigs})
	fmt.Fprintln(stderr, "patchcheck: stopping; interrupt again to exit at once")
	<-sigs
	fmt.Fprintln(stderr, "patchcheck: interrupted")
	exit(report.ExitError)
}

// signalCause is the run's cancellation cause, in signal.NotifyContext's
// words (which messages quote), and a context.Canceled like its own.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return c.sig.String() + " signal received" }

func (c signalCause) Is(target error) bool { return target == context.Canceled }
