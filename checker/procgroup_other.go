//go:build !unix

package checker

import "os/exec"

// killProcessGroup keeps exec's default on systems without process groups:
// the process itself is killed, and cmd.WaitDelay bounds the wait for
// anything it started.
func killProcessGroup(*exec.Cmd) {}
