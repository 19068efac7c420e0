//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import (
	"os"
	"time"
)

// selfMaxRSS is not available on this platform.
func selfMaxRSS() int64 { return -1 }

// childMaxRSS is not available on this platform.
func childMaxRSS(*os.ProcessState) int64 { return -1 }

// selfCPU is not available on this platform.
func selfCPU() time.Duration { return 0 }
