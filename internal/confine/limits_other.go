//go:build !linux

package confine

import (
	"os"
	"syscall"
)

// executable is this program.
func executable() (string, error) { return os.Executable() }

// sysProcAttr has no parent death signal outside Linux: the child still ends
// at its timeout.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// setProcessLimits leaves memory to the watchdog and SetMemoryLimit outside
// Linux.
func setProcessLimits(memoryBytes, cpuSeconds int64) {}
