package main

import (
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// minFilesForProgress: below this a run is over before a bar would help.
const minFilesForProgress = 200

// newProgress returns a tick function for a progress bar on w, and a
// function that clears it. There is a bar only when w is a terminal and the
// run is long: CI logs and piped output never get one.
func newProgress(w io.Writer, total int, what string) (tick func(), done func()) {
	if total < minFilesForProgress || !isTerminal(w) {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100_000_000), // redraw at most every 100 ms
		progressbar.OptionClearOnFinish(),
	)
	var once sync.Once
	return func() { _ = bar.Add(1) }, func() { once.Do(func() { _ = bar.Finish() }) }
}

// minVMsForSpinner: smaller fleets are simulated before a spinner helps.
const minVMsForSpinner = 20_000

// newSpinner shows an indeterminate progress indicator on w while a long
// simulation runs, only on a terminal; stop clears it.
func newSpinner(w io.Writer, vms int, what string) (stop func()) {
	if vms < minVMsForSpinner || !isTerminal(w) {
		return func() {}
	}
	bar := progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionClearOnFinish(),
	)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = bar.Add(1)
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); _ = bar.Finish() }) }
}
