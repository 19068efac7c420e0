package main

import (
	"context"
	"io"
	"os"
	"testing"
)

func TestTmpProf(t *testing.T) {
	if _, err := os.Stat("/tmp/fleet100k.json"); err != nil {
		t.Skip()
	}
	run(context.Background(), []string{"simulate", "--format", "json", "/tmp/fleet100k.json"}, os.Stdin, io.Discard, os.Stderr)
}
