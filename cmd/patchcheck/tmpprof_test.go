package main

import (
	"context"
	"io"
	"os"
	"testing"
)

func TestTmpProf(t *testing.T) {
	if _, err := os.Stat(os.Getenv("TMP_FLEET")); err != nil {
		t.Skip()
	}
	run(context.Background(), []string{"simulate", "--format", "json", os.Getenv("TMP_FLEET")}, os.Stdin, io.Discard, os.Stderr)
}
