//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// maxrssBytes converts ru_maxrss to bytes: it is in bytes on Darwin and in
// kilobytes (KiB) on Linux and the BSDs.
func maxrssBytes(v int64) int64 {
	if runtime.GOOS == "darwin" {
		return v
	}
	return v * 1024
}

// selfMaxRSS returns this process's peak resident set size in bytes.
func selfMaxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return maxrssBytes(int64(ru.Maxrss))
}

// childMaxRSS returns the peak resident set size of a finished child in bytes.
func childMaxRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return -1
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return -1
	}
	return maxrssBytes(int64(ru.Maxrss))
}

// selfCPU returns the user+system CPU time used by this process so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
