//go:build unix

package checker

import (
	"os/exec"
	"syscall"
)

// killProcessGroup makes cmd the leader of a process group of its own and,
// when its context ends, kills the whole group: a compiler wrapper (a
// shell script, `az bicep`) leaves children that would otherwise run on
// and hold its output open.
func killProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
