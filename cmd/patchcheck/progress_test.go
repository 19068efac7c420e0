package main

import (
	"bytes"
	"testing"
)

// TestNoProgressOffTerminal: CI logs and pipes never get a progress bar.
func TestNoProgressOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	tick, done := newProgress(&buf, 10_000, "checking")
	if tick != nil {
		t.Fatal("a progress bar on a non-terminal writer")
	}
	done()
	if buf.Len() != 0 {
		t.Fatalf("wrote %q", buf.String())
	}
}

func TestNoSpinnerOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	stop := newSpinner(&buf, 1_000_000, "simulating")
	stop()
	if buf.Len() != 0 {
		t.Fatalf("wrote %q", buf.String())
	}
}
