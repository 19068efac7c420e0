package main

import (
	"io"
	"sync"

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
